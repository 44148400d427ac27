#pragma once

#include "models/cppownedsingleton.h"

#include "storage/outbox.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace vigil {

class OutboxDrainer;

/// \brief The outbox as the UI sees it: depth per priority, lifetime counters, dead letters,
/// and a notice when the outbox had to be recreated or cannot be written.
class QueueStatus : public QObject, public CppOwnedSingleton<QueueStatus>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(int depth READ depth NOTIFY changed)
    Q_PROPERTY(int critical READ critical NOTIFY changed)
    Q_PROPERTY(int high READ high NOTIFY changed)
    Q_PROPERTY(int normal READ normal NOTIFY changed)
    Q_PROPERTY(int low READ low NOTIFY changed)
    Q_PROPERTY(int deadLetters READ deadLetters NOTIFY changed)
    Q_PROPERTY(qint64 oldestEnqueuedAt READ oldestEnqueuedAt NOTIFY changed)
    Q_PROPERTY(qint64 enqueued READ enqueued NOTIFY changed)
    Q_PROPERTY(qint64 sent READ sent NOTIFY changed)
    Q_PROPERTY(qint64 acked READ acked NOTIFY changed)
    Q_PROPERTY(qint64 retried READ retried NOTIFY changed)
    Q_PROPERTY(qint64 evicted READ evicted NOTIFY changed)
    Q_PROPERTY(qint64 expired READ expired NOTIFY changed)
    Q_PROPERTY(qint64 deadLettered READ deadLettered NOTIFY changed)
    /// Non-empty when the user must know something about the outbox (recreated, unwritable).
    Q_PROPERTY(QString notice READ notice NOTIFY changed)
public:
    // No default argument: see ConnectionStatus.
    explicit QueueStatus(QObject *parent);

    /// Follows `outbox` for `profile`; `drainer` (optional) tells when it changed.
    void attach(Outbox *outbox, const QString &profile, OutboxDrainer *drainer);
    void setNotice(const QString &notice);
    /// Re-reads the figures soon (coalesced).
    void refreshSoon();

    Q_INVOKABLE int retryDeadLetters();
    Q_INVOKABLE int purgeDeadLetters();

    [[nodiscard]] int depth() const { return m_stats.depth; }
    [[nodiscard]] int critical() const { return m_stats.byPriority[0]; }
    [[nodiscard]] int high() const { return m_stats.byPriority[1]; }
    [[nodiscard]] int normal() const { return m_stats.byPriority[2]; }
    [[nodiscard]] int low() const { return m_stats.byPriority[3]; }
    [[nodiscard]] int deadLetters() const { return m_stats.deadLetters; }
    [[nodiscard]] qint64 oldestEnqueuedAt() const { return m_stats.oldestEnqueuedAtMs; }
    [[nodiscard]] qint64 enqueued() const { return m_stats.enqueued; }
    [[nodiscard]] qint64 sent() const { return m_stats.sent; }
    [[nodiscard]] qint64 acked() const { return m_stats.acked; }
    [[nodiscard]] qint64 retried() const { return m_stats.retried; }
    [[nodiscard]] qint64 evicted() const { return m_stats.evicted; }
    [[nodiscard]] qint64 expired() const { return m_stats.expired; }
    [[nodiscard]] qint64 deadLettered() const { return m_stats.deadLettered; }
    [[nodiscard]] QString notice() const { return m_notice; }

Q_SIGNALS:
    void changed();

private:
    void refresh();

    Outbox *m_outbox = nullptr;
    QPointer<OutboxDrainer> m_drainer;
    QString m_profile;
    OutboxStats m_stats;
    QString m_notice;
    QTimer m_refresh;
};

} // namespace vigil
