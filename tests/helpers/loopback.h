#pragma once

// Addresses on 127.0.0.1 that tests point clients at. Header-only; needs Qt Network.

#include <QHostAddress>
#include <QString>
#include <QTcpServer>
#include <QUrl>

namespace vigil::test {

/// The WebSocket URL of a Vigil server (or a proxy in front of one) on loopback `port`.
inline QUrl wsUrl(quint16 port)
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(port));
}

/// A loopback port with nothing listening on it: connecting to it is refused at once.
inline quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort(); // closed when `server` goes out of scope
}

} // namespace vigil::test
