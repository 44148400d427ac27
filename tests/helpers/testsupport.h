#pragma once

// What every Vigil test shares. Tests wait on signals and conditions, never for a fixed time;
// the limit below is how long they wait before calling it a failure.
//
// Shared fixtures that need more than QtCore sit beside this header, so a test includes only
// what it links: loopback.h (ports and URLs on 127.0.0.1), connectionfixture.h (client
// settings, and proving that a retry did not happen) and outboxfixture.h (an outbox per test).

namespace vigil::test {

/// How long a test waits for something that should happen. Generous on purpose: CI machines
/// are shared and slow at times, and a passing test never waits this long.
inline constexpr int kWaitMs = 30000;

} // namespace vigil::test
