#pragma once

#include <QHash>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>

#include <functional>

namespace vigil::chaos {

/// \brief One message as the relay holds it in its history.
struct HeldMessage
{
    QString channel;
    qint64 seq = -1;
    QString id;
};

/// \brief Reads what the relay holds of some channels after given positions, over
/// `GET /api/poll` (never waiting), page after page, one channel at a time: the final history
/// of a run, and what survived a relay's SIGKILL.
class PollReader : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(bool ok, const QList<HeldMessage> &messages)>;

    PollReader(QUrl httpUrl, QObject *parent = nullptr);
    /// Reads every message of each channel of `since` with a seq above its position; `done`
    /// gets them (ok false when the relay did not answer).
    void read(const QHash<QString, qint64> &since, Done done);

private:
    void next();

    QUrl m_url;
    QNetworkAccessManager m_network;
    QList<QPair<QString, qint64>> m_todo;
    QList<HeldMessage> m_messages;
    Done m_done;
    int m_failures = 0;
};

} // namespace vigil::chaos
