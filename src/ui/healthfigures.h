#pragma once

#include "tone.h"

#include "connection/quality.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace vigil {

/// \brief One sample of the connection's figures as the Health page and the header show
/// them: typed values, their tones, and the texts the page prints (formatted here, through
/// tr(), so QML neither parses JSON nor formats numbers).
///
/// Built from a ConnectionManager's health report (healthJson()) once a second by
/// HealthMonitor; a default-constructed one is "nothing measured yet".
class HealthFigures
{
    Q_GADGET
    QML_NAMED_ELEMENT(healthFigures)
    QML_UNCREATABLE("Health figures come from HealthMonitor.figures")
    Q_DECLARE_TR_FUNCTIONS(HealthFigures)
    /// The connection state's name and the transport's, e.g. "connected", "websocket"
    Q_PROPERTY(QString state READ state CONSTANT)
    Q_PROPERTY(QString transport READ transport CONSTANT)
    /// The quality grade's name ("excellent" ... "critical"; "unknown" before any sample)
    Q_PROPERTY(QString quality READ quality CONSTANT)
    /// A grade was measured: the views show it only then
    Q_PROPERTY(bool qualityKnown READ qualityKnown CONSTANT)
    /// How the grade looks: Ok (excellent, good), Warning (fair), Danger (poor, critical)
    Q_PROPERTY(vigil::Tone::Value qualityTone READ qualityTone CONSTANT)
    /// What the grade means for the operator's work, one sentence
    Q_PROPERTY(QString recommendation READ recommendation CONSTANT)
    /// Round trips and jitter in ms; -1: none measured (a silent or absent link)
    Q_PROPERTY(double rttLastMs READ rttLastMs CONSTANT)
    Q_PROPERTY(double rttAvgMs READ rttAvgMs CONSTANT)
    Q_PROPERTY(double rttP95Ms READ rttP95Ms CONSTANT)
    Q_PROPERTY(double jitterMs READ jitterMs CONSTANT)
    /// Heartbeats lost, in percent
    Q_PROPERTY(double lossPercent READ lossPercent CONSTANT)
    /// Time connected; -1 when not connected. (Counts and times are doubles, as QML's numbers
    /// are: Qt 6.4's QML tooling knows no 64-bit integer type.)
    Q_PROPERTY(double uptimeMs READ uptimeMs CONSTANT)
    Q_PROPERTY(int reconnects READ reconnects CONSTANT)
    Q_PROPERTY(double messagesIn READ messagesIn CONSTANT)
    Q_PROPERTY(double messagesOut READ messagesOut CONSTANT)
    Q_PROPERTY(double messagesInPerSec READ messagesInPerSec CONSTANT)
    Q_PROPERTY(double messagesOutPerSec READ messagesOutPerSec CONSTANT)
    Q_PROPERTY(double duplicatesDropped READ duplicatesDropped CONSTANT)
    /// Actions waiting in the outbox
    Q_PROPERTY(int queueDepth READ queueDepth CONSTANT)
    /// A heartbeat went unanswered
    Q_PROPERTY(bool stalled READ stalled CONSTANT)

    /// The page's texts: "connected / websocket", "42 ms" or "-", "0.5 %", "1 h 5 min",
    /// "1200 (3.5/s)"
    Q_PROPERTY(QString stateText READ stateText CONSTANT)
    Q_PROPERTY(QString rttLastText READ rttLastText CONSTANT)
    Q_PROPERTY(QString rttAvgText READ rttAvgText CONSTANT)
    Q_PROPERTY(QString rttP95Text READ rttP95Text CONSTANT)
    Q_PROPERTY(QString jitterText READ jitterText CONSTANT)
    Q_PROPERTY(QString lossText READ lossText CONSTANT)
    Q_PROPERTY(QString uptimeText READ uptimeText CONSTANT)
    Q_PROPERTY(QString messagesInText READ messagesInText CONSTANT)
    Q_PROPERTY(QString messagesOutText READ messagesOutText CONSTANT)
public:
    /// The figures of a health report (ConnectionManager::healthJson()) with the manager's
    /// grade and the outbox depth.
    [[nodiscard]] static HealthFigures from(const QJsonObject &health, QualityGrade grade,
                                            int queueDepth);

    /// "42 ms", or "-" for a negative value (nothing measured).
    [[nodiscard]] static QString formatMs(double ms);
    /// "45 s", "3 min 7 s", "2 h 5 min", or "-" for a negative value.
    [[nodiscard]] static QString formatDuration(double ms);
    /// The tone of a quality grade.
    [[nodiscard]] static Tone::Value toneOf(QualityGrade grade);

    [[nodiscard]] bool qualityKnown() const { return m_grade != QualityGrade::Unknown; }
    [[nodiscard]] Tone::Value qualityTone() const { return toneOf(m_grade); }
    [[nodiscard]] QString stateText() const;
    [[nodiscard]] QString rttLastText() const { return formatMs(m_rttLastMs); }
    [[nodiscard]] QString rttAvgText() const { return formatMs(m_rttAvgMs); }
    [[nodiscard]] QString rttP95Text() const { return formatMs(m_rttP95Ms); }
    [[nodiscard]] QString jitterText() const { return formatMs(m_jitterMs); }
    [[nodiscard]] QString lossText() const;
    [[nodiscard]] QString uptimeText() const { return formatDuration(m_uptimeMs); }
    [[nodiscard]] QString messagesInText() const;
    [[nodiscard]] QString messagesOutText() const;

    [[nodiscard]] QString state() const { return m_state; }
    [[nodiscard]] QString transport() const { return m_transport; }
    [[nodiscard]] QualityGrade grade() const { return m_grade; }
    [[nodiscard]] QString quality() const { return m_quality; }
    [[nodiscard]] QString recommendation() const { return m_recommendation; }
    [[nodiscard]] double rttLastMs() const { return m_rttLastMs; }
    [[nodiscard]] double rttAvgMs() const { return m_rttAvgMs; }
    [[nodiscard]] double rttP95Ms() const { return m_rttP95Ms; }
    [[nodiscard]] double jitterMs() const { return m_jitterMs; }
    [[nodiscard]] double lossPercent() const { return m_lossPercent; }
    [[nodiscard]] double uptimeMs() const { return m_uptimeMs; }
    [[nodiscard]] int reconnects() const { return m_reconnects; }
    [[nodiscard]] double messagesIn() const { return m_messagesIn; }
    [[nodiscard]] double messagesOut() const { return m_messagesOut; }
    [[nodiscard]] double messagesInPerSec() const { return m_messagesInPerSec; }
    [[nodiscard]] double messagesOutPerSec() const { return m_messagesOutPerSec; }
    [[nodiscard]] double duplicatesDropped() const { return m_duplicatesDropped; }
    [[nodiscard]] int queueDepth() const { return m_queueDepth; }
    [[nodiscard]] bool stalled() const { return m_stalled; }

private:
    QString m_state;
    QString m_transport;
    QualityGrade m_grade = QualityGrade::Unknown;
    QString m_quality;
    QString m_recommendation;
    double m_rttLastMs = -1;
    double m_rttAvgMs = -1;
    double m_rttP95Ms = -1;
    double m_jitterMs = -1;
    double m_lossPercent = 0;
    double m_uptimeMs = -1;
    int m_reconnects = 0;
    double m_messagesIn = 0;
    double m_messagesOut = 0;
    double m_messagesInPerSec = 0;
    double m_messagesOutPerSec = 0;
    double m_duplicatesDropped = 0;
    int m_queueDepth = 0;
    bool m_stalled = false;
};

} // namespace vigil
