#pragma once

#include "tone.h"

#include "connection/connectionview.h"
#include "models/cppownedsingleton.h"

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

/// \brief What the UI shows about the connection: a read-only view of a ConnectionManager.
class ConnectionStatus : public QObject, public CppOwnedSingleton<ConnectionStatus>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    /// disconnected, connecting, connected, reconnecting, error, closed or fallback: a name to
    /// show or log; the views follow `tone` and `connected`, never this name
    Q_PROPERTY(QString state READ state NOTIFY changed)
    Q_PROPERTY(bool connected READ connected NOTIFY changed)
    /// One line for people, e.g. "Server unreachable since 14:02:11 - retrying in 4 s"
    Q_PROPERTY(QString summary READ summary NOTIFY changed)
    /// How the state should look
    Q_PROPERTY(vigil::Tone::Value tone READ toneValue NOTIFY changed)
    /// A heartbeat went unanswered: nothing proves that the link works
    Q_PROPERTY(bool stalled READ stalled NOTIFY changed)
    /// Seconds until the next attempt (the one number the header and the banner show); -1
    Q_PROPERTY(int countdown READ countdown NOTIFY changed)
    /// Why the state last changed, e.g. "Connection refused"
    Q_PROPERTY(QString detail READ detail NOTIFY changed)
    Q_PROPERTY(QString url READ url NOTIFY changed)
    /// websocket, sse or poll: what carries the messages now (shown as it is)
    Q_PROPERTY(QString transport READ transport NOTIFY changed)
    /// Messages travel over HTTP (SSE or long-poll) instead of WebSocket
    Q_PROPERTY(bool overHttp READ overHttp NOTIFY changed)
    /// Why the HTTP fallback is in use; empty on WebSocket
    Q_PROPERTY(QString fallbackReason READ fallbackReason NOTIFY changed)
    /// The sentence about HTTP in use, e.g. "Using HTTP (SSE)" (the reason says who chose it);
    /// empty on WebSocket
    Q_PROPERTY(QString transportNotice READ transportNotice NOTIFY changed)
    /// auto, websocket, sse or poll: the operator's choice
    Q_PROPERTY(QString transportPreference READ transportPreference NOTIFY changed)
    /// Every choice setTransportPreference() takes, in the order to offer them
    Q_PROPERTY(QStringList transportChoices READ transportChoices CONSTANT)
    /// The operator's choice as an index into transportChoices
    Q_PROPERTY(int transportChoice READ transportChoice NOTIFY changed)
    /// The banner to show (most urgent first); Fallback has its own banner in the window
    Q_PROPERTY(vigil::ConnectionStatus::Banner banner READ bannerKind NOTIFY bannerChanged)
    /// How the banner looks: Danger or Warning (Idle without a banner)
    Q_PROPERTY(vigil::Tone::Value bannerTone READ bannerTone NOTIFY bannerChanged)
    /// The banner's sentence, e.g. "Reconnecting in 8 s (attempt 4)"
    Q_PROPERTY(QString bannerText READ bannerText NOTIFY bannerChanged)
    /// The banner's action: "Retry now", "Retry", "Reload", "Dismiss" or ""
    Q_PROPERTY(QString bannerAction READ bannerAction NOTIFY bannerChanged)
    /// Last heartbeat round trip in ms; -1 before the first
    Q_PROPERTY(int rttMs READ rttMs NOTIFY rttChanged)
public:
    enum Banner {
        NoBanner,
        Offline,      ///< actions wait in the outbox while nothing is connected
        Reconnecting, ///< with its countdown
        GaveUp,       ///< the circuit breaker is open
        Unauthorized, ///< the server refused the token
        Missed,       ///< messages could not be recovered: offer a reload
        Reloading,    ///< the reload runs
        HistoryReset, ///< the server restarted without its history
        Fallback,     ///< messages travel over HTTP
    };
    Q_ENUM(Banner)

    // No default argument on purpose: Qt 6.4 prefers a default constructor over create() for
    // QML_SINGLETON, and QML would then build a second, unconnected instance.
    explicit ConnectionStatus(QObject *parent);

    /// Starts following `manager` (not owned).
    void attach(ConnectionView *manager);

    [[nodiscard]] QString state() const { return m_state; }
    [[nodiscard]] ConnectionManager::State stateValue() const { return m_stateValue; }
    /// Messages flow: over WebSocket, or over the HTTP fallback.
    [[nodiscard]] bool connected() const
    {
        return m_stateValue == ConnectionManager::State::Connected ||
               m_stateValue == ConnectionManager::State::Fallback;
    }
    [[nodiscard]] QString summary() const { return m_summary; }
    [[nodiscard]] Tone::Value toneValue() const { return m_tone; }
    /// The tone's name ("ok", "warning", "danger", "idle"), for logs and tests.
    [[nodiscard]] QString tone() const { return Tone::name(m_tone); }
    [[nodiscard]] bool stalled() const;
    [[nodiscard]] int countdown() const { return m_countdown; }
    [[nodiscard]] QString detail() const { return m_detail; }
    [[nodiscard]] QString url() const { return m_url; }
    [[nodiscard]] QString transport() const;
    [[nodiscard]] bool overHttp() const;
    [[nodiscard]] QString fallbackReason() const;
    [[nodiscard]] QString transportNotice() const;
    [[nodiscard]] QString transportPreference() const;
    [[nodiscard]] static QStringList transportChoices();
    [[nodiscard]] int transportChoice() const;
    /// The manual toggle: auto, websocket, sse or poll.
    Q_INVOKABLE void setTransportPreference(const QString &name);
    /// The operator's "Retry now".
    Q_INVOKABLE void reconnect();
    /// The banner's action button: retry, or reload after missed messages.
    Q_INVOKABLE void triggerBannerAction();

    /// Where the banner learns how many actions wait (not owned; optional).
    void setQueuedCount(std::function<int()> queued);
    [[nodiscard]] Banner bannerKind() const { return m_banner; }
    /// The banner's name ("", "offline", "reconnecting", "gave-up", "unauthorized", "missed",
    /// "reloading", "history-reset" or "fallback"), for logs and tests.
    [[nodiscard]] QString banner() const { return bannerName(m_banner); }
    [[nodiscard]] static QString bannerName(Banner banner);
    [[nodiscard]] Tone::Value bannerTone() const;
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

    QPointer<ConnectionView> m_manager;
    std::function<int()> m_queued;
    QStringList m_missedChannels;
    QStringList m_reloadingChannels;
    QStringList m_resetChannels; ///< replayed from the start of a new server history
    Banner m_banner = NoBanner;
    QString m_bannerText;
    QString m_bannerAction;
    QTimer m_tick;
    qint64 m_retryAt = 0; ///< monotonic ms of the next attempt while reconnecting
    QElapsedTimer m_clock;
    ConnectionManager::State m_stateValue = ConnectionManager::State::Disconnected;
    QString m_state = QStringLiteral("disconnected");
    QString m_summary;
    Tone::Value m_tone = Tone::Idle;
    int m_countdown = -1;
    QString m_detail;
    QString m_url;
    int m_rttMs = -1;
};

} // namespace vigil
