#pragma once

#include "clioptions.h"

namespace vigil::cli {

/// Each runs its command to the end (with its own event loop) and returns the exit code.
int runTail(const Options &options);
int runSend(const Options &options);
int runFlush(const Options &options);
int runQueue(const Options &options);
int runHealth(const Options &options);
int runDiagnose(const Options &options);

} // namespace vigil::cli
