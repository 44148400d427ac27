#pragma once

#include <QtGlobal>

#include <functional>

namespace vigil {

/// \brief The two clocks the connection layer reads, injectable so tests control time.
///
/// `monotonicMs` never jumps and (on Linux) stops while the machine sleeps; `wallMs` is the
/// calendar clock and keeps running. Comparing the two reveals a suspend/resume.
struct Clock
{
    std::function<qint64()> monotonicMs;
    std::function<qint64()> wallMs;

    /// The real clocks: QElapsedTimer's monotonic clock and QDateTime's wall clock.
    static Clock system();
};

} // namespace vigil
