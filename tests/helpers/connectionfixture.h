#pragma once

// The client settings of tests that run a ConnectionManager against a loopback server, and a
// way to show that a retry did NOT happen without waiting a fixed time. Header-only; the test
// links vigil_connection.

#include "connection/connectionmanager.h"
#include "connection/connectionview.h"
#include "helpers/loopback.h"
#include "helpers/testsupport.h"

#include <QList>
#include <QSignalSpy>
#include <QStringList>
#include <QTest>
#include <QUrl>

#include <algorithm>

namespace vigil::test {

/// The window's view of `manager` (made once, owned by the manager, on the same thread): what
/// ConnectionStatus, HealthMonitor, the feeds and the action tracker attach to.
inline ConnectionView *viewOf(ConnectionManager &manager)
{
    if (auto *view = manager.findChild<ConnectionView *>(QString(), Qt::FindDirectChildrenOnly))
        return view;
    return new ConnectionView(&manager, &manager);
}

/// How soon a test client retries: the product's seconds scaled down to milliseconds, so a
/// test sees several attempts quickly.
struct Retry
{
    int baseMs = 20; ///< the wait before the first retry
    int capMs = 100; ///< the longest wait, however many attempts failed
};

/// A client of `urls` that subscribes to `channels` over `transport` and retries as `retry`
/// says. Every other setting keeps the product's default: a test sets the ones it relies on
/// where a reader sees them.
inline ConnectionConfig configFor(const QList<QUrl> &urls, const QStringList &channels = {},
                                  TransportPreference transport = TransportPreference::Auto,
                                  Retry retry = {})
{
    ConnectionConfig config;
    config.urls = urls;
    config.channels = channels;
    config.transport = transport;
    config.reconnect.baseMs = retry.baseMs;
    config.reconnect.capMs = retry.capMs;
    return config;
}

/// Returns once any retry that is due within `dueWithinMs` from now has had its turn (false if
/// that takes longer than kWaitMs): how a test shows that a manager did NOT retry.
///
/// A second manager, opened now against a closed port, waits out a retry of twice
/// `dueWithinMs` and is refused again. Timers of one thread fire in the order they are due, so
/// by then a retry of the manager under test that was due earlier has run, and whatever it
/// signals has been delivered.
inline bool outlastRetry(int dueWithinMs)
{
    const int wait = 2 * std::max(dueWithinMs, 1);
    ConnectionConfig config =
        configFor({wsUrl(closedPort())}, {}, TransportPreference::WebSocket, {wait, wait});
    config.reconnect.jitter = false; // exactly `wait`, never less
    ConnectionManager control(config);
    QSignalSpy scheduled(&control, &ConnectionManager::reconnectScheduled);
    control.open();
    // The first is scheduled when the first attempt is refused, the second once the retry ran.
    return QTest::qWaitFor([&scheduled] { return scheduled.size() >= 2; }, kWaitMs);
}

} // namespace vigil::test
