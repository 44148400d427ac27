#pragma once

#include "journal.h"

#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <random>

namespace vigil {
class Envelope;
}

namespace vigil::chaos {

/// \brief A backend publishing into the relay, as systems behind it do: `POST /api/messages`
/// straight to the relay (no fault proxy), a few messages at a time at every priority. A
/// message is posted again, with its id, until the relay acknowledges it; the relay's
/// de-duplication must keep it from being fanned out twice.
class Publisher : public QObject
{
    Q_OBJECT
public:
    Publisher(QUrl httpUrl, quint64 seed, double ratePerSecond, const QString &journalPath,
              QObject *parent = nullptr);

    void start();
    /// No new messages; what is not acknowledged yet is still posted.
    void quiet() { m_quiet = true; }
    void stop();
    [[nodiscard]] int unacknowledged() const { return int(m_pending.size()); }

private:
    void tick();
    void post();

    QUrl m_url;
    std::mt19937_64 m_random;
    double m_rate;
    Journal m_journal;
    QNetworkAccessManager m_network;
    QTimer m_timer;
    QHash<QString, QByteArray> m_pending; ///< id -> envelope as JSON, until acknowledged
    QStringList m_order;
    QPointer<QNetworkReply> m_inFlight;
    qint64 m_n = 0;
    double m_credit = 0;
    bool m_quiet = false;
};

} // namespace vigil::chaos
