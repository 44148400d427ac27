#include "logging.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

Q_LOGGING_CATEGORY(lcNet, "vigil.net", QtInfoMsg)
Q_LOGGING_CATEGORY(lcQueue, "vigil.queue", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRelay, "vigil.relay", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUi, "vigil.ui", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCli, "vigil.cli", QtInfoMsg)
Q_LOGGING_CATEGORY(lcProtocol, "vigil.protocol", QtInfoMsg)

namespace vigil {

void setUpLogging(bool quiet)
{
    qSetMessagePattern(QStringLiteral(
        "%{time yyyy-MM-ddThh:mm:ss.zzz} %{if-category}%{category} %{endif}%{type}: %{message}"));
    if (quiet && qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(QStringLiteral("vigil.*.info=false"));
}

namespace {
void jsonHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    static const char *const levels[] = {"debug", "warning", "critical", "fatal", "info"};
    const QJsonObject line{
        {QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
        {QStringLiteral("level"), QLatin1String(levels[int(type) <= 4 ? int(type) : 0])},
        {QStringLiteral("category"),
         QLatin1String(context.category ? context.category : "default")},
        {QStringLiteral("message"), message}};
    const QByteArray bytes = QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}
} // namespace

void useJsonLogFormat()
{
    qInstallMessageHandler(jsonHandler);
}

} // namespace vigil
