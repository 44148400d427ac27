#include "preferences.h"

#include "connection/connectionoptions.h"
#include "connection/settingsranges.h"
#include "protocol/logging.h"

#include <QSettings>

#include <algorithm>

namespace vigil {

namespace {
const QString kUrls = QStringLiteral("server/urls"); // the "default" profile, kept where it was
const QString kDefaultProfile = QStringLiteral("default");
const QString kLastProfile = QStringLiteral("ui/lastProfile");
const QString kLastPage = QStringLiteral("ui/page");
const QString kGeometry = QStringLiteral("ui/geometry");
const QString kOperatorName = QStringLiteral("ui/operatorName");

// Profile names are free text; QSettings keys are not, so names are percent-encoded.
QString profileKey(const QString &name)
{
    return QStringLiteral("profiles/%1/urls")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(name)));
}

QList<QUrl> parseStoredUrls(const QStringList &stored)
{
    QList<QUrl> out;
    for (const QString &text : stored) {
        QUrl url;
        QString error;
        if (vigil::parseServerUrl(text, &url, &error))
            out.append(url);
        else
            qCWarning(lcUi).noquote() << "ignoring a stored server URL:" << error;
    }
    return out;
}

QStringList storableUrls(const QList<QUrl> &urls)
{
    QStringList texts;
    for (const QUrl &url : urls) // never a token in a query string on disk
        texts.append(url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery).toString());
    return texts;
}
const QString kHeartbeat = QStringLiteral("connection/heartbeatMs");
const QString kHeartbeatTimeout = QStringLiteral("connection/heartbeatTimeoutMs");
const QString kMissed = QStringLiteral("connection/maxMissedHeartbeats");
const QString kBase = QStringLiteral("connection/reconnectBaseMs");
const QString kCap = QStringLiteral("connection/reconnectCapMs");
const QString kAttempts = QStringLiteral("connection/maxAttempts");
} // namespace

Preferences::Preferences(QSettings *settings)
    : m_owned(settings ? nullptr : std::make_unique<QSettings>())
    , m_settings(settings ? settings : m_owned.get())
{}

Preferences::~Preferences() = default;

QList<QUrl> Preferences::serverUrls() const
{
    return profileUrls(kDefaultProfile);
}

void Preferences::setServerUrls(const QList<QUrl> &urls)
{
    setProfileUrls(kDefaultProfile, urls);
}

QStringList Preferences::profileNames() const
{
    QStringList names;
    if (m_settings->contains(kUrls))
        names.append(kDefaultProfile);
    m_settings->beginGroup(QStringLiteral("profiles"));
    const QStringList groups = m_settings->childGroups();
    m_settings->endGroup();
    for (const QString &group : groups) {
        const QString name = QUrl::fromPercentEncoding(group.toLatin1());
        if (!name.isEmpty() && !names.contains(name))
            names.append(name);
    }
    return names;
}

QList<QUrl> Preferences::profileUrls(const QString &name) const
{
    const QString key = name == kDefaultProfile ? kUrls : profileKey(name);
    return parseStoredUrls(m_settings->value(key).toStringList());
}

void Preferences::setProfileUrls(const QString &name, const QList<QUrl> &urls)
{
    if (name.isEmpty())
        return;
    m_settings->setValue(name == kDefaultProfile ? kUrls : profileKey(name), storableUrls(urls));
}

void Preferences::removeProfile(const QString &name)
{
    if (name == kDefaultProfile)
        m_settings->remove(kUrls);
    else
        m_settings->remove(
            QStringLiteral("profiles/%1").arg(QString::fromLatin1(QUrl::toPercentEncoding(name))));
    if (lastProfile() == name)
        m_settings->remove(kLastProfile);
}

QString Preferences::lastProfile() const
{
    return m_settings->value(kLastProfile).toString();
}

void Preferences::setLastProfile(const QString &name)
{
    m_settings->setValue(kLastProfile, name);
}

QString Preferences::lastPage() const
{
    return m_settings->value(kLastPage).toString();
}

void Preferences::setLastPage(const QString &page)
{
    m_settings->setValue(kLastPage, page);
}

QRect Preferences::windowGeometry() const
{
    const QRect r = m_settings->value(kGeometry).toRect();
    // A hand-edited or foreign value: ignore anything that cannot be a window.
    if (!r.isValid() || r.width() < 200 || r.height() < 150 || r.width() > 20000 ||
        r.height() > 20000)
        return {};
    return r;
}

void Preferences::setWindowGeometry(const QRect &geometry)
{
    m_settings->setValue(kGeometry, geometry);
}

int Preferences::readInt(const QString &key, int min, int max, int fallback) const
{
    if (!m_settings->contains(key))
        return fallback;
    bool ok = false;
    const int value = m_settings->value(key).toInt(&ok);
    if (!ok || value < min || value > max) {
        qCWarning(lcUi).noquote() << "ignoring setting" << key << "="
                                  << m_settings->value(key).toString().left(40)
                                  << QStringLiteral("(expected %1 to %2)").arg(min).arg(max);
        return fallback;
    }
    return value;
}

void Preferences::applyTo(ConnectionConfig *config) const
{
    using namespace ranges;
    config->heartbeatMs =
        readInt(kHeartbeat, kHeartbeatMs.min, kHeartbeatMs.max, config->heartbeatMs);
    config->heartbeatTimeoutMs = readInt(kHeartbeatTimeout, kHeartbeatTimeoutMs.min,
                                         kHeartbeatTimeoutMs.max, config->heartbeatTimeoutMs);
    config->maxMissedHeartbeats =
        readInt(kMissed, kMissedHeartbeats.min, kMissedHeartbeats.max, config->maxMissedHeartbeats);
    config->reconnect.baseMs =
        readInt(kBase, kReconnectBaseMs.min, kReconnectBaseMs.max, config->reconnect.baseMs);
    config->reconnect.capMs =
        readInt(kCap, std::max(config->reconnect.baseMs, kReconnectCapMs.min), kReconnectCapMs.max,
                std::max(config->reconnect.capMs, config->reconnect.baseMs));
    config->maxAttempts =
        readInt(kAttempts, kMaxAttempts.min, kMaxAttempts.max, config->maxAttempts);
}

void Preferences::storeFrom(const ConnectionConfig &config)
{
    m_settings->setValue(kHeartbeat, config.heartbeatMs);
    m_settings->setValue(kHeartbeatTimeout, config.heartbeatTimeoutMs);
    m_settings->setValue(kMissed, config.maxMissedHeartbeats);
    m_settings->setValue(kBase, config.reconnect.baseMs);
    m_settings->setValue(kCap, config.reconnect.capMs);
    m_settings->setValue(kAttempts, config.maxAttempts);
}

QString Preferences::theme() const
{
    const QString value = m_settings->value(QStringLiteral("ui/theme")).toString();
    return value == u"light" || value == u"dark" ? value : QStringLiteral("system");
}

void Preferences::setTheme(const QString &theme)
{
    m_settings->setValue(QStringLiteral("ui/theme"), theme);
}

QString Preferences::fileName() const
{
    return m_settings->fileName();
}

QString Preferences::density() const
{
    const QString value = m_settings->value(QStringLiteral("ui/density")).toString();
    return value == u"compact" ? value : QStringLiteral("comfortable");
}

void Preferences::setDensity(const QString &density)
{
    m_settings->setValue(QStringLiteral("ui/density"), density);
}

QVariant Preferences::viewState(const QString &key) const
{
    return m_settings->value(QStringLiteral("views/") + key);
}

void Preferences::setViewState(const QString &key, const QVariant &value)
{
    m_settings->setValue(QStringLiteral("views/") + key, value);
}

bool Preferences::showDebugPage() const
{
    return m_settings->value(QStringLiteral("ui/showDebugPage"), false).toBool();
}

void Preferences::setShowDebugPage(bool show)
{
    m_settings->setValue(QStringLiteral("ui/showDebugPage"), show);
}

int Preferences::logCapacity() const
{
    return readInt(QStringLiteral("logs/capacity"), ranges::kLogCapacity.min,
                   ranges::kLogCapacity.max, ranges::kDefaultLogCapacity);
}

void Preferences::setLogCapacity(int lines)
{
    m_settings->setValue(QStringLiteral("logs/capacity"),
                         std::clamp(lines, ranges::kLogCapacity.min, ranges::kLogCapacity.max));
}

bool Preferences::logFilterOnServer() const
{
    return m_settings->value(QStringLiteral("logs/filterOnServer"), false).toBool();
}

void Preferences::setLogFilterOnServer(bool on)
{
    m_settings->setValue(QStringLiteral("logs/filterOnServer"), on);
}

QString Preferences::operatorName() const
{
    const QString stored = m_settings->value(kOperatorName).toString().trimmed();
    if (!isUsableOperatorName(stored)) {
        // A hand-edited file: the name would not fit where it is used.
        qCWarning(lcUi).noquote() << "ignoring setting" << kOperatorName << "=" << stored.left(40)
                                  << "(not a usable name)";
        return {};
    }
    return stored;
}

void Preferences::setOperatorName(const QString &name)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        m_settings->remove(kOperatorName);
    else
        m_settings->setValue(kOperatorName, trimmed);
}

bool Preferences::isUsableOperatorName(const QString &name)
{
    const QString trimmed = name.trimmed();
    if (trimmed.size() > kOperatorNameMaxLength)
        return false;
    return std::none_of(trimmed.cbegin(), trimmed.cend(),
                        [](QChar c) { return c.category() == QChar::Other_Control; });
}

void Preferences::sync()
{
    m_settings->sync();
}

} // namespace vigil
