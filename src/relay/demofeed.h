#pragma once

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QRandomGenerator>
#include <QString>
#include <QTimer>

namespace vigil {

/// \brief A believable operations scenario for `--demo`: incidents that open, escalate and
/// resolve, agents that come and go, chat with a bot, alerts, activity, logs and metrics.
///
/// The scenario advances in fixed ticks of 100 ms and draws every decision from one seeded
/// generator, so the same seed always tells the same story (timestamps aside).
class DemoFeed : public QObject
{
    Q_OBJECT
public:
    explicit DemoFeed(quint32 seed, double logsPerSecond = 5.0, QObject *parent = nullptr);

    void start();
    void stop();
    /// Advances the scenario by one tick (public so tests can step it without a timer).
    void step();
    [[nodiscard]] int agentCount() const { return int(m_agents.size()); }

    /// An operator's chat message was published (`payload` as sent, `messageId` the envelope's
    /// id, `sender` the operator's user): a colleague receives it, then reads it.
    void answerOperator(const QJsonObject &payload, const QString &messageId,
                        const QString &sender);
    /// An operator action changed an incident (`payload`: the confirming update): the scenario
    /// follows it, so it never contradicts the operator (a resolved incident stays resolved).
    void followIncident(const QJsonObject &payload);

    static constexpr int kTickMs = 100;
    /// Log lines go out on a finer clock: a flood arrives as a steady stream, not as bursts of
    /// hundreds of lines that would hold the relay's thread (and every ping) for milliseconds.
    static constexpr int kLogTickMs = 10;
    /// The colleague's delivery receipt for an operator's chat message follows after this...
    static constexpr int kColleagueDeliveredTicks = 5;
    /// ...and the read receipt after this.
    static constexpr int kColleagueReadTicks = 20;

Q_SIGNALS:
    void message(const QString &type, const QString &channel, const QJsonObject &payload);

private:
    struct Agent
    {
        QString id;
        QString name;
        QString status;
        double cpu = 0;
        double memory = 0;
    };
    struct Incident
    {
        QString id;
        QString title;
        QString severity;
        QString status;
        QString assignedTo;
        int stage = 0;
    };
    struct Pending
    {
        qint64 dueTick;
        QString type;
        QString channel;
        QJsonObject payload;
    };

    void emitAgent(const Agent &agent);
    void agentsTick();
    void metricsTick();
    void incidentsTick();
    void chatTick();
    void alertsTick();
    void logsTick();
    void activity(const QString &actor, const QString &action, const QString &target,
                  const QString &summary);
    void later(int ticks, const QString &type, const QString &channel, const QJsonObject &payload);
    QJsonObject incidentPayload(const Incident &incident, const QString &kind) const;
    template<typename T> const T &pick(const QList<T> &list);
    bool chance(double p) { return m_random.generateDouble() < p; }

    QRandomGenerator m_random;
    QRandomGenerator m_logRandom; ///< its own: the log clock never shifts the other content
    double m_logsPerTick;
    double m_logCarry = 0;
    qint64 m_tick = 0;
    int m_nextIncident = 1001;
    int m_nextMessage = 1;
    int m_nextAlert = 1;
    QList<Agent> m_agents;
    QList<Incident> m_incidents;
    QList<QString> m_activeAlerts;
    QList<Pending> m_pending;
    QTimer m_timer;
    QTimer m_logTimer;
};

} // namespace vigil
