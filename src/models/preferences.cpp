#include "preferences.h"

#include "connection/connectionoptions.h"
#include "protocol/logging.h"

#include <QSettings>

namespace vigil {

namespace {
const QString kUrls = QStringLiteral("server/urls");
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
    QList<QUrl> out;
    const QStringList stored = m_settings->value(kUrls).toStringList();
    for (const QString &text : stored) {
        QUrl url;
        QString error;
        if (parseServerUrl(text, &url, &error))
            out.append(url);
        else
            qCWarning(lcUi).noquote() << "ignoring a stored server URL:" << error;
    }
    return out;
}

void Preferences::setServerUrls(const QList<QUrl> &urls)
{
    QStringList texts;
    for (const QUrl &url : urls) // never a token in a query string on disk
        texts.append(url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery).toString());
    m_settings->setValue(kUrls, texts);
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
    config->heartbeatMs = readInt(kHeartbeat, 100, 3600000, config->heartbeatMs);
    config->heartbeatTimeoutMs =
        readInt(kHeartbeatTimeout, 100, 3600000, config->heartbeatTimeoutMs);
    config->maxMissedHeartbeats = readInt(kMissed, 1, 100, config->maxMissedHeartbeats);
    config->reconnect.baseMs = readInt(kBase, 10, 600000, config->reconnect.baseMs);
    config->reconnect.capMs = readInt(kCap, config->reconnect.baseMs, 3600000,
                                      std::max(config->reconnect.capMs, config->reconnect.baseMs));
    config->maxAttempts = readInt(kAttempts, 0, 1000000, config->maxAttempts);
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

void Preferences::sync()
{
    m_settings->sync();
}

} // namespace vigil
