#include "networkreaper.h"

#include <QCoreApplication>
#include <QEvent>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QThread>

#include <atomic>
#include <mutex>
#include <vector>

namespace vigil::NetworkReaper {

namespace {

std::atomic<int> g_pending{0};
std::atomic<int> g_retired{0};

/// Lives on its own thread and deletes the managers retire() hands it. The hand-over is a
/// queue under a std::mutex, not a queued call carrying the pointer: ThreadSanitizer sees the
/// former, while Qt's own queues are invisible to it (Debian's Qt is not instrumented).
class Reaper : public QObject
{
public:
    Reaper()
    {
        m_thread.setObjectName(QStringLiteral("vigil-network-reaper"));
        moveToThread(&m_thread);
        m_thread.start(); // after every member is built: the thread sees them whole
    }

    /// On the managers' own thread.
    void take(QNetworkAccessManager *manager)
    {
        manager->moveToThread(&m_thread);
        {
            const std::lock_guard<std::mutex> lock(m_mutex);
            m_queue.push_back(manager);
        }
        QCoreApplication::postEvent(this, new QEvent(QEvent::User));
    }

protected:
    bool event(QEvent *e) override
    {
        if (e->type() != QEvent::User)
            return QObject::event(e);
        std::vector<QNetworkAccessManager *> batch;
        {
            const std::lock_guard<std::mutex> lock(m_mutex);
            batch.swap(m_queue);
        }
        for (QNetworkAccessManager *manager : batch) {
            delete manager; // may wait up to 5 s for a network thread that is stuck
            g_pending.fetch_sub(1);
        }
        return true;
    }

private:
    QThread m_thread;
    std::mutex m_mutex;
    std::vector<QNetworkAccessManager *> m_queue;
};

Reaper &reaper()
{
    // Never destroyed: at exit it may still be waiting for a network thread that a hostile
    // server keeps busy, and destroying a running QThread aborts the process.
    static Reaper *const instance = new Reaper;
    return *instance;
}

} // namespace

void retire(QNetworkAccessManager *manager)
{
    if (!manager)
        return;
    for (QNetworkReply *reply : manager->findChildren<QNetworkReply *>())
        reply->abort();
    manager->disconnect();
    manager->setParent(nullptr);
    g_pending.fetch_add(1);
    g_retired.fetch_add(1);
    reaper().take(manager);
}

int pending()
{
    return g_pending.load();
}

int retired()
{
    return g_retired.load();
}

} // namespace vigil::NetworkReaper
