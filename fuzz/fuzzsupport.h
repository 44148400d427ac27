#pragma once

// What the fuzz targets share: a Qt application object, quiet logging, a scratch folder, and a
// way to stop with a message when a property of Vigil's code does not hold.

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

namespace vigil::fuzz {

/// Creates the QCoreApplication once (SQL drivers, sockets and timers need one) and silences
/// Qt's logging: a fuzzer meets every warning path millions of times. VIGIL_FUZZ_VERBOSE=1 in
/// the environment keeps the log, to see what an input does when reproducing it.
void initialize();

/// The input as a QByteArray of its own (a real copy, as the network or a file would give it).
[[nodiscard]] QByteArray bytes(const uint8_t *data, size_t size);

/// A folder private to this process, created once, removed at exit.
[[nodiscard]] QString scratchDir();

/// Removes everything in scratchDir(), so each input starts from the same nothing.
void clearScratch();

/// Writes `contents` to `path` (replacing it); stops the process when it cannot.
void writeFile(const QString &path, const QByteArray &contents);

/// A property that must hold did not: prints `what` and aborts, so libFuzzer keeps the input.
[[noreturn]] void fail(const char *what, const QString &detail = {});

} // namespace vigil::fuzz
