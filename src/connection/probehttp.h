#pragma once

#include "probe.h"

#include <QSslError>

class QNetworkAccessManager;
class QNetworkReply;

namespace vigil {

/// \brief The HTTP steps: the endpoints the client falls back to when WebSocket does not get
/// through. `/api/health` answers a health report, `/api/stream` starts an event stream (judged
/// on its first bytes, as a buffering proxy shows there), `/api/poll` answers a JSON array.
///
/// Requests go out with the client's credentials and trust, each on a fresh connection.
class HttpProbe : public Probe
{
    Q_OBJECT
public:
    HttpProbe(ProbeHost &host, const DiagnosticsConfig &config, QObject *parent);

    /// Forgets kept-alive connections, so the next steps measure fresh ones.
    void reset();
    /// Runs step `index`: Diagnostics::HttpHealth, HttpStream or HttpPoll.
    void run(int index);
    void release() override;

private:
    void onTimeout(int index, int limitMs);
    void onData(int index);
    void onFinished(int index);
    void judgeHealth(const QJsonObject &health, QJsonObject data);

    QNetworkAccessManager *m_network;
    QPointer<QNetworkReply> m_reply;
    QList<QSslError> m_sslErrors;
};

} // namespace vigil
