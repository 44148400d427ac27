#pragma once

#include <QLoggingCategory>

// Every area of Vigil logs through its own category, so an operator or a test can turn one on
// with QT_LOGGING_RULES (for example "vigil.net.debug=true") without drowning in the others.
// Declared here, in the lowest layer, so every layer shares one definition.
Q_DECLARE_LOGGING_CATEGORY(lcNet)
Q_DECLARE_LOGGING_CATEGORY(lcQueue)
Q_DECLARE_LOGGING_CATEGORY(lcRelay)
Q_DECLARE_LOGGING_CATEGORY(lcUi)
Q_DECLARE_LOGGING_CATEGORY(lcCli)
Q_DECLARE_LOGGING_CATEGORY(lcProtocol)

namespace vigil {
/// Timestamped "category level: message" lines on stderr, unless QT_MESSAGE_PATTERN says
/// otherwise. `quiet` hides info-level lines (for vigil-cli, whose stderr carries JSON events)
/// unless QT_LOGGING_RULES asks for them.
void setUpLogging(bool quiet = false);
/// One JSON object per log line on stderr: {"time","level","category","message"}.
void useJsonLogFormat();
} // namespace vigil
