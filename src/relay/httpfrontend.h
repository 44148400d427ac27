#pragma once

#include "principal.h"
#include "protocol/envelope.h"

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;
class QTcpSocket;

namespace vigil {

class Relay;

/// \brief Everything HTTP of the relay, on the same port as the WebSocket: the upgrade on
/// `/ws`, the JSON endpoints, Server-Sent Events and long-polling, and `POST /api/messages`.
///
/// This is the only class that touches Qt's QHttpServer, a technology preview in Qt 6.4, so a
/// later Qt can replace it in one place. Every request goes through the relay's rules
/// (authentication, Origin, channel authorization, de-duplication).
class HttpFrontend : public QObject
{
    Q_OBJECT
public:
    explicit HttpFrontend(Relay *relay);
    ~HttpFrontend() override;

    bool listen(const QHostAddress &host, quint16 port, const QString &certFile,
                const QString &keyFile, QString *error);
    void stop();
    [[nodiscard]] quint16 port() const { return m_port; }
    [[nodiscard]] int streamCount() const { return int(m_streams.size()); }
    [[nodiscard]] int pollCount() const { return int(m_polls.size()); }

private:
    struct Stream; // an open SSE response
    struct Poll;   // a parked long-poll request

    void setUpRoutes();
    std::optional<Principal> admit(const QHttpServerRequest &request,
                                   QHttpServerResponder &responder);
    void onPublished(const Envelope &envelope);
    void keepAlive();
    void answerPoll(Poll *poll, const QList<Envelope> &envelopes);
    void dropStream(Stream *stream);
    /// Answers 403 and returns false unless `who` may read every one of `channels`.
    bool mayRead(const Principal &who, const QStringList &channels,
                 QHttpServerResponder &responder);
    [[nodiscard]] Envelope lostNotice(const QString &channel) const;

    Relay *m_relay;
    std::unique_ptr<QHttpServer> m_server;
    quint16 m_port = 0;
    QList<Stream *> m_streams;
    QList<Poll *> m_polls;
    QTimer m_keepAlive;
};

} // namespace vigil
