#include "logging.h"

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

} // namespace vigil
