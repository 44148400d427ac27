#pragma once

#include <QStringList>

namespace vigil::scalebench {

/// Prints the results of bench runs (files holding the bench's stdout) side by side as a table,
/// then one JSON line with all of them, the date and the machine. Returns the exit code.
int printReport(const QStringList &files);

} // namespace vigil::scalebench
