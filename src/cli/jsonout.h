#pragma once

#include <QJsonObject>

namespace vigil::cli {

/// One JSON object per line on stdout: the machine-readable result stream.
void printResult(const QJsonObject &object);
/// One JSON object per line on stderr: state changes and other events for humans and scripts.
void printEvent(const QJsonObject &object);

} // namespace vigil::cli
