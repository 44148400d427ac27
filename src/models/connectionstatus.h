#pragma once

#include "cppownedsingleton.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>

#include <QtQml/qqmlregistration.h>
#include <functional>

class QQmlEngine;
class QJSEngine;

namespace vigil {

class ConnectionManager;

/// \brief What the UI shows about the connection: a read-only view of a ConnectionManager.
class ConnectionStatus : public QObject, public CppOwnedSingleton<ConnectionStatus>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    /// disconnected, connecting, connected, reconnecting, error or closed
    Q_PROPERTY(QString state READ state NOTIFY changed)
    Q_PROPERTY(bool connected READ connected NOTIFY changed)
    /// One line for people, e.g. "Server unreachable since 14:02:11 - retrying in 4 s"
    Q_PROPERTY(QString summary READ summary NOTIFY changed)
    /// How the state should look: "ok", "warning", "danger" or "idle" (a colour in the theme)
    Q_PROPERTY(QString tone READ tone NOTIFY changed)
    /// A heartbeat went unanswered: nothing proves that the link works
    Q_PROPERTY(bool stalled READ stalled NOTIFY changed)
    /// Seconds until the next attempt (the one number the header and the banner show); -1
    Q_PROPERTY(int countdown READ countdown NOTIFY changed)
    /// Why the state last changed, e.g. "Connection refused"
    Q_PROPERTY(QString detail READ detail NOTIFY changed)
    Q_PROPERTY(QString url READ url NOTIFY changed)
    /// websocket, sse or poll: what carries the messages now
    Q_PROPERTY(QString transport READ transport NOTIFY changed)
    /// Why the HTTP fallback is in use; empty on WebSocket
    Q_PROPERTY(QString fallbackReason READ fallbackReason NOTIFY changed)
    /// auto, websocket, sse or poll: the operator's choice
    Q_PROPERTY(QString transportPreference READ transportPreference NOTIFY changed)
    /// The banner to show: "", "offline", "reconnecting", "gave-up", "unauthorized",
    /// "missed", "reloading", "history-reset" or "fallback" (most urgent first)
    Q_PROPERTY(QString banner READ banner NOTIFY bannerChanged)
    /// The banner's sentence, e.g. "Reconnecting in 8 s (attempt 4)"
    Q_PROPERTY(QString bannerText READ bannerText NOTIFY bannerChanged)
    /// The banner's action: "Retry now", "Retry", "Reload", "Dismiss" or ""
    Q_PROPERTY(QString bannerAction READ bannerAction NOTIFY bannerChanged)
    /// Last heartbeat round trip in ms; -1 before the first
    Q_PROPERTY(int rttMs READ rttMs NOTIFY rttChanged)
public:
    // No default argument on purpose: Qt 6.4 prefers a default constructor over create() for
    // QML_SINGLETON, and QML would then build a second, unconnected instance.
    explicit ConnectionStatus(QObject *parent);

    /// Starts following `manager` (not owned).
    void attach(ConnectionManager *manager);

    [[nodiscard]] QString state() const { return m_state; }
    /// Messages flow: over WebSocket, or over the HTTP fallback.
    [[nodiscard]] bool connected() const
    {
        return m_state == u"connected" || m_state == u"fallback";
    }
    [[nodiscard]] QString summary() const { return m_summary; }
    [[nodiscard]] QString tone() const { return m_tone; }
    [[nodiscard]] bool stalled() const;
    [[nodiscard]] int countdown() const { return m_countdown; }
    [[nodiscard]] QString detail() const { return m_detail; }
    [[nodiscard]] QString url() const { return m_url; }
    [[nodiscard]] QString transport() const;
    [[nodiscard]] QString fallbackReason() const;
    [[nodiscard]] QString transportPreference() const;
    /// The manual toggle: auto, websocket, sse or poll.
    Q_INVOKABLE void setTransportPreference(const QString &name);
    /// The operator's "Retry now".
    Q_INVOKABLE void reconnect();
    /// The banner's action button: retry, or reload after missed messages.
    Q_INVOKABLE void triggerBannerAction();

    /// Where the banner learns how many actions wait (not owned; optional).
    void setQueuedCount(std::function<int()> queued);
    [[nodiscard]] QString banner() const { return m_banner; }
    [[nodiscard]] QString bannerText() const { return m_bannerText; }
    [[nodiscard]] QString bannerAction() const { return m_bannerAction; }
    /// Recomputes the summary and the banner (also on a 1 s tick while a countdown runs or the
    /// link is silent).
    void refreshBanner();
    [[nodiscard]] int rttMs() const { return m_rttMs; }

Q_SIGNALS:
    void changed();
    void rttChanged();
    void bannerChanged();

private:
    void update(const QString &reason);
    /// The summary line, tone and countdown from the manager's state now.
    void refreshSummary();
    [[nodiscard]] int secondsUntilRetry() const;

    QPointer<ConnectionManager> m_manager;
    std::function<int()> m_queued;
    QStringList m_missedChannels;
    QStringList m_reloadingChannels;
    QStringList m_resetChannels; ///< replayed from the start of a new server history
    QString m_banner;
    QString m_bannerText;
    QString m_bannerAction;
    QTimer m_tick;
    qint64 m_retryAt = 0; ///< monotonic ms of the next attempt while reconnecting
    QElapsedTimer m_clock;
    QString m_state = QStringLiteral("disconnected");
    QString m_summary;
    QString m_tone = QStringLiteral("idle");
    int m_countdown = -1;
    QString m_detail;
    QString m_url;
    int m_rttMs = -1;
};

} // namespace vigil
