#include "outboxworker.h"

#include "outboxtables.h"
#include "protocol/logging.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace vigil {

OutboxWorker::OutboxWorker(const OutboxLimits &limits)
    : m_limits(limits)
    , m_file(QStringLiteral("vigil-outbox"))
    , m_admission(m_limits, m_file)
{
    m_thread = std::thread([this] { loop(); });
}

OutboxWorker::~OutboxWorker()
{
    call([this] { m_file.close(); });
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

void OutboxWorker::post(std::function<void()> fn)
{
    {
        std::lock_guard lock(m_mutex);
        m_calls.emplace_back(std::move(fn));
    }
    m_wake.notify_one();
}

void OutboxWorker::enqueue(EnqueueRequest *request)
{
    auto done = request->done.get_future();
    {
        std::lock_guard lock(m_mutex);
        m_enqueues.push_back(request);
    }
    m_wake.notify_one();
    done.wait();
}

bool OutboxWorker::open(const QString &path, QString *error)
{
    QString why;
    if (!m_file.open(path, OutboxTables::migrations(), &why, OutboxTables::countMessages())) {
        *error = QStringLiteral("the outbox: ") + why;
        return false;
    }
    if (m_limits.maxFileBytes > 0) {
        QSqlQuery q(m_file.database());
        if (q.exec(QStringLiteral("PRAGMA page_size")) && q.next()) {
            const qint64 pageSize = std::max<qint64>(512, q.value(0).toLongLong());
            m_file.exec(QStringLiteral("PRAGMA max_page_count = %1")
                            .arg(std::max<qint64>(8, m_limits.maxFileBytes / pageSize)));
        }
    }
    return true;
}

void OutboxWorker::loop()
{
    for (;;) {
        std::unique_lock lock(m_mutex);
        m_wake.wait(lock, [this] { return m_stop || !m_calls.empty() || !m_enqueues.empty(); });
        if (m_stop && m_calls.empty() && m_enqueues.empty())
            return;
        std::vector<EnqueueRequest *> batch = std::move(m_enqueues);
        m_enqueues.clear();
        std::deque<std::function<void()>> calls = std::move(m_calls);
        m_calls.clear();
        lock.unlock();
        if (!batch.empty())
            insertBatch(batch);
        for (auto &c : calls)
            c();
    }
}

void OutboxWorker::insertBatch(const std::vector<EnqueueRequest *> &batch)
{
    QSqlDatabase db = m_file.database();
    if (!m_file.isOpen() || !db.transaction()) {
        const QString why = m_file.isOpen() ? SqliteFile::describe(db.lastError())
                                            : QStringLiteral("the outbox is not open");
        for (EnqueueRequest *r : batch) {
            r->error = why;
            r->done.set_value();
        }
        return;
    }
    m_admission.startBatch();
    for (EnqueueRequest *r : batch)
        m_admission.admit(r);
    if (db.commit()) {
        ++m_commits;
    } else {
        const QString why = QStringLiteral("could not store the message in the outbox (%1): %2")
                                .arg(m_file.path(), SqliteFile::describe(db.lastError()));
        db.rollback();
        for (EnqueueRequest *r : batch) {
            if (r->id) {
                r->id.reset();
                r->error = why;
            }
        }
    }
    for (EnqueueRequest *r : batch) {
        if (!r->id)
            qCWarning(lcQueue).noquote() << "enqueue refused:" << r->error;
        r->done.set_value();
    }
}

} // namespace vigil
