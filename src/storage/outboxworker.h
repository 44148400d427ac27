#pragma once

#include "outboxadmission.h"
#include "sqlitefile.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace vigil {

/// \brief Owns the outbox's SQLite connection on a thread of its own and runs every call there,
/// in order. Enqueues waiting together are committed in one transaction (group commit): each
/// caller still waits for the commit that holds its row.
class OutboxWorker
{
public:
    explicit OutboxWorker(const OutboxLimits &limits);
    ~OutboxWorker();
    OutboxWorker(const OutboxWorker &) = delete;
    OutboxWorker &operator=(const OutboxWorker &) = delete;

    /// Runs `fn` on the worker thread after everything queued before it, and returns its result.
    template<typename F> auto call(F &&fn) -> decltype(fn())
    {
        using R = decltype(fn());
        std::packaged_task<R()> task(std::forward<F>(fn));
        auto result = task.get_future();
        {
            std::lock_guard lock(m_mutex);
            m_calls.emplace_back([&task] { task(); });
        }
        m_wake.notify_one();
        return result.get(); // `task` outlives the call: we wait for it right here
    }
    /// Runs `fn` on the worker thread after everything queued before it, without waiting.
    void post(std::function<void()> fn);
    /// Commits `request` with the enqueues waiting with it; returns once that has ended.
    void enqueue(EnqueueRequest *request);

    // --- on the worker thread (through call() or post()) ---
    /// Opens or creates the file with the outbox's schema, under the file cap of the limits.
    bool open(const QString &path, QString *error);
    [[nodiscard]] SqliteFile &file() { return m_file; }
    [[nodiscard]] QSqlDatabase database() const { return m_file.database(); }

    /// Transactions that committed enqueues so far.
    [[nodiscard]] quint64 commits() const { return m_commits; }

private:
    void loop();
    void insertBatch(const std::vector<EnqueueRequest *> &batch);

    OutboxLimits m_limits;
    SqliteFile m_file;
    OutboxAdmission m_admission;
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<void()>> m_calls;
    std::vector<EnqueueRequest *> m_enqueues;
    bool m_stop = false;
    std::atomic<quint64> m_commits{0};
};

} // namespace vigil
