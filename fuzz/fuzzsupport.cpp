#include "fuzzsupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace vigil::fuzz {

namespace {

void quiet(QtMsgType, const QMessageLogContext &, const QString &) {}

QTemporaryDir &scratch()
{
    // Destroyed at exit with everything in it; TMPDIR chooses where (scripts/fuzz.sh: a tmpfs
    // when there is one, so the SQLite targets do not wait for a disk).
    static QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/vigil-fuzz-XXXXXX"));
    return dir;
}

} // namespace

void initialize()
{
    if (QCoreApplication::instance())
        return;
    static int argc = 1;
    static char name[] = "vigil-fuzz";
    static char *argv[] = {name, nullptr};
    // Never destroyed: libFuzzer leaves through exit() from inside its loop.
    static auto *app = new QCoreApplication(argc, argv);
    Q_UNUSED(app);
    if (qgetenv("VIGIL_FUZZ_VERBOSE") != "1")
        qInstallMessageHandler(quiet);
}

QByteArray bytes(const uint8_t *data, size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
}

QString scratchDir()
{
    if (!scratch().isValid())
        fail("cannot create a scratch folder", scratch().errorString());
    return scratch().path();
}

void clearScratch()
{
    QDir dir(scratchDir());
    const QStringList entries =
        dir.entryList(QDir::Files | QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        const QString path = dir.filePath(entry);
        if (QFileInfo(path).isDir())
            QDir(path).removeRecursively();
        else
            QFile::remove(path);
    }
}

void writeFile(const QString &path, const QByteArray &contents)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(contents) != contents.size() || !file.flush())
        fail("cannot write a scratch file", path + QStringLiteral(": ") + file.errorString());
}

void fail(const char *what, const QString &detail)
{
    std::fprintf(stderr, "\n*** vigil fuzz: %s\n", what);
    if (!detail.isEmpty())
        std::fprintf(stderr, "%s\n", qPrintable(detail));
    std::fflush(stderr);
    std::abort();
}

} // namespace vigil::fuzz
