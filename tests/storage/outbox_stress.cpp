// Test helper for tst_outbox: enqueues in a tight loop from several threads and prints each
// id on its own line the moment enqueue() has returned it. The test kills this process with
// SIGKILL at random points and checks that every printed id survived.
#include "storage/outbox.h"

#include <QCoreApplication>

#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc < 3) {
        std::fprintf(stderr, "usage: outbox_stress PATH THREADS\n");
        return 2;
    }
    vigil::OutboxLimits limits;
    limits.maxCount = 1000000; // no eviction: every printed id must stay
    limits.maxBytes = 1LL << 40;
    vigil::Outbox outbox(limits);
    QString error;
    if (!outbox.open(QString::fromLocal8Bit(argv[1]), &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    std::fprintf(stdout, "ready\n");
    std::fflush(stdout);
    std::mutex printing;
    std::vector<std::thread> threads;
    const int count = std::max(1, std::atoi(argv[2]));
    for (int t = 0; t < count; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0;; ++i) {
                QString why;
                const auto id = outbox.enqueue(
                    QStringLiteral("stress"),
                    vigil::Envelope::create(
                        QStringLiteral("chat.message"), QStringLiteral("chat"),
                        QJsonObject{{QStringLiteral("t"), t}, {QStringLiteral("i"), i}},
                        vigil::Priority(i % 4)),
                    &why);
                if (!id) {
                    std::fprintf(stderr, "enqueue failed: %s\n", qPrintable(why));
                    std::_Exit(1);
                }
                std::lock_guard lock(printing);
                std::fprintf(stdout, "%s\n", qPrintable(*id));
                std::fflush(stdout);
            }
        });
    }
    for (auto &t : threads)
        t.join();
    return 0;
}
