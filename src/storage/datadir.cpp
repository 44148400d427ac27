#include "datadir.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace vigil {

QString resolveDataDir(const QString &explicitDir)
{
    if (!explicitDir.isEmpty())
        return QDir::cleanPath(explicitDir);
    const QString fromEnv = qEnvironmentVariable("VIGIL_DATA_DIR");
    if (!fromEnv.isEmpty())
        return QDir::cleanPath(fromEnv);
    QString standard = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (standard.isEmpty())
        standard = QDir::homePath() + QStringLiteral("/.local/share");
    return standard + QStringLiteral("/vigil");
}

bool ensureDataDir(const QString &dir, QString *error)
{
    const QFileInfo info(dir);
    if (info.exists() && !info.isDir()) {
        *error = QStringLiteral("data directory %1 exists but is not a directory").arg(dir);
        return false;
    }
    if (!info.exists() && !QDir().mkpath(dir)) {
        *error = QStringLiteral("cannot create data directory %1").arg(dir);
        return false;
    }
    return true;
}

} // namespace vigil
