#include "deadline.h"

#include "clioptions.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <chrono>
#include <cstdlib>
#include <unistd.h>

namespace vigil::cli {

HardDeadline::HardDeadline(int deadlineMs, int graceMs, QString what)
{
    if (deadlineMs <= 0)
        return;
    // Built now: the watchdog must not allocate or take Qt locks when it fires.
    const QByteArray line =
        QJsonDocument(QJsonObject{{QStringLiteral("event"), QStringLiteral("error")},
                                  {QStringLiteral("message"),
                                   QStringLiteral("%1: still running %2 ms after the deadline "
                                                  "of %3 ms; stopped")
                                       .arg(what)
                                       .arg(graceMs)
                                       .arg(deadlineMs)}})
            .toJson(QJsonDocument::Compact) +
        '\n';
    const auto limit = std::chrono::milliseconds(qint64(deadlineMs) + std::max(0, graceMs));
    m_thread = std::thread([this, line, limit] {
        std::unique_lock lock(m_mutex);
        if (m_wake.wait_for(lock, limit, [this] { return m_cancelled; }))
            return;
        // write(2) rather than stdio: the main thread may hold the stream's lock.
        const ssize_t ignored = ::write(STDERR_FILENO, line.constData(), size_t(line.size()));
        Q_UNUSED(ignored);
        std::_Exit(TimedOut);
    });
}

HardDeadline::~HardDeadline()
{
    if (!m_thread.joinable())
        return;
    {
        std::lock_guard lock(m_mutex);
        m_cancelled = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

} // namespace vigil::cli
