#pragma once

#include "journal.h"

#include <QHash>
#include <QObject>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

namespace vigil::chaos {

/// \brief The reference observer of a chaos run: a plain WebSocket straight to the relay (no
/// fault proxy, no de-duplication), subscribed to every channel, that journals every message
/// the relay fans out or replays. It reconnects at once when the relay is back and resumes
/// from the last seq it saw, so together with the final history read it is the record of what
/// was fanned out.
class Witness : public QObject
{
    Q_OBJECT
public:
    Witness(QUrl url, const QString &journalPath, QObject *parent = nullptr);

    void start();
    void stop();
    [[nodiscard]] bool connected() const { return m_subscribed; }
    /// The last seq seen per channel.
    [[nodiscard]] const QHash<QString, qint64> &positions() const { return m_last; }

private:
    void connectNow();
    void onText(const QString &text);
    void subscribe(const QStringList &channels);

    QUrl m_url;
    Journal m_journal;
    QWebSocket m_socket;
    QTimer m_retry;
    QTimer m_ping;
    QHash<QString, qint64> m_last;
    QString m_epoch;
    bool m_subscribed = false;
    bool m_stopping = false;
};

} // namespace vigil::chaos
