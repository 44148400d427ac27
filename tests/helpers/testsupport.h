#pragma once

// What every Vigil test shares. Tests wait on signals and conditions, never for a fixed time;
// the limit below is how long they wait before calling it a failure.

namespace vigil::test {

/// How long a test waits for something that should happen. Generous on purpose: CI machines
/// are shared and slow at times, and a passing test never waits this long.
inline constexpr int kWaitMs = 30000;

} // namespace vigil::test
