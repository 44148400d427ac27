#pragma once

#include <QObject>
#include <QString>
#include <QThread>

#include <functional>
#include <memory>

namespace vigil {

/// \brief A thread with its own event loop on which the window's I/O runs: the session's
/// connection (the ingest thread) or the embedded demo relay.
///
/// Objects for it are made and destroyed inside run(), so everything they create (sockets,
/// timers, database connections) belongs to that thread from the start. run() waits for the
/// function to finish; the thread never waits for the caller, so it cannot deadlock.
class WorkerThread
{
public:
    explicit WorkerThread(const QString &name);
    /// Stops the event loop and joins. Destroy what was made in run() before (with run()).
    ~WorkerThread();

    WorkerThread(const WorkerThread &) = delete;
    WorkerThread &operator=(const WorkerThread &) = delete;

    /// Runs `function` on the thread and returns when it is done.
    void run(const std::function<void()> &function);
    [[nodiscard]] QThread *thread() const { return m_thread.get(); }

private:
    std::unique_ptr<QThread> m_thread;
    QObject *m_context = nullptr; ///< lives on the thread; the target of run()'s calls
};

} // namespace vigil
