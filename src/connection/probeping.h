#pragma once

#include "probe.h"

#include <QElapsedTimer>

class QWebSocket;

namespace vigil {

/// \brief The ping burst: pingCount WebSocket pings, one at a time, on the WebSocket step's
/// connection; lost pongs and the round trips (min/avg/max). Closes that connection cleanly
/// at the end, so the server logs a normal close.
class PingProbe : public Probe
{
    Q_OBJECT
public:
    using Probe::Probe;

    /// Pings over `socket`, the WebSocket step's connection (taken over; null when there is
    /// none).
    void run(QWebSocket *socket);
    void release() override;

private:
    void sendNext();
    void onPong(const QByteArray &payload);
    void finish(const QString &problem);
    void closeSocket();

    QPointer<QWebSocket> m_socket;
    int m_sent = 0;
    int m_lost = 0;
    QByteArray m_payload;
    QElapsedTimer m_clock;
    QList<double> m_rtts;
};

} // namespace vigil
