#include "networkreaper.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QThread>

#include <atomic>

namespace vigil::NetworkReaper {

namespace {

struct Reaper
{
    Reaper()
    {
        thread.setObjectName(QStringLiteral("vigil-network-reaper"));
        thread.start();
    }
    QThread thread;
    std::atomic<int> pending{0};
    std::atomic<int> retired{0};
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
    Reaper &r = reaper();
    for (QNetworkReply *reply : manager->findChildren<QNetworkReply *>())
        reply->abort();
    manager->disconnect();
    manager->setParent(nullptr);
    r.pending.fetch_add(1);
    r.retired.fetch_add(1);
    QObject::connect(manager, &QObject::destroyed, [&r] { r.pending.fetch_sub(1); });
    manager->moveToThread(&r.thread);
    manager->deleteLater(); // posted to the reaper's thread, which now owns it
}

int pending()
{
    return reaper().pending.load();
}

int retired()
{
    return reaper().retired.load();
}

} // namespace vigil::NetworkReaper
