#pragma once

#include "protocol/envelope.h"
#include "serverendpoint.h"
#include "transportlink.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

class QWebSocket;

namespace vigil {

/// \brief One WebSocket connection to the server: opens it with the endpoint's credentials and
/// trust, writes and reads envelopes, and reports how it ended. No retry logic: one link is
/// one attempt, and a failed link is replaced by a new one by the ConnectionManager.
///
/// Frames are parsed here, once, so the manager only sees envelopes. Qt hands text frames over
/// as QString (after checking their UTF-8); QJsonDocument reads UTF-8, so each frame is
/// converted back exactly once, and the size limit is checked before anything is decoded.
class WebSocketLink : public TransportLink
{
    Q_OBJECT
public:
    struct Limits
    {
        qsizetype maxMessageBytes = kDefaultMaxMessageBytes;
        /// Bytes written but not taken by the server: past this, the server is not reading.
        qint64 maxPendingWriteBytes = 16 * 1024 * 1024;
    };

    WebSocketLink(ServerEndpoint endpoint, Limits limits, QObject *parent = nullptr);
    ~WebSocketLink() override;

    void open(const QUrl &url);
    [[nodiscard]] bool isOpen() const;
    [[nodiscard]] QString transportName() const override { return QStringLiteral("websocket"); }
    [[nodiscard]] bool isHttp() const override { return false; }
    qint64 send(const Envelope &envelope) override;
    /// An RFC 6455 ping (what a server that knows no protocol still answers), timed by the
    /// heartbeat.
    Heartbeat::Sent ping(int timeoutMs) override;
    bool checkBacklog() override;
    /// A normal close when the link is up and `graceful`, an abort otherwise.
    void close(bool graceful) override;
    /// Ends the link telling the server why (1008), without waiting for its answer.
    void closeForPolicy(const QString &why);

private:
    void onError();
    void onDisconnected();
    void onText(const QString &message);
    void fail(LinkFailure failure);
    /// The link is done: the socket is handed back (to close or abort) and deleted later.
    QWebSocket *release();

    ServerEndpoint m_endpoint;
    Limits m_limits;
    QPointer<QWebSocket> m_socket;
    QUrl m_url;
    QString m_tlsProblem;
    bool m_opened = false;
    bool m_done = false;
    QTimer m_backlogTimer;
};

} // namespace vigil
