#pragma once

#include "delivery/actiontracker.h"
#include "models/cppownedsingleton.h"
#include "tone.h"

#include <QAbstractListModel>
#include <QPointer>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace vigil {

/// \brief The operator's actions as the window sees them: every action taken from a page
/// (acknowledge, assign, escalate, resolve, create, chat, alert acknowledge or silence) goes
/// through submit() into the ActionTracker, and so into the durable outbox; the list (the Queue
/// view) shows each with its delivery state, and Retry or Discard where that makes sense.
///
/// Roles: `actionId`, `type`, `target`, `state` (ActionState), `stateText` (for people),
/// `tone` (Tone), `reason` (the server's, when it failed), `createdAt` (ms), `summary`
/// (what the operator did, in a sentence), `canRetry`, `canDiscard`. Newest first.
class Actions : public QAbstractListModel, public CppOwnedSingleton<Actions>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    /// Actions not confirmed yet (queued, on their way, or failed): the header's figure.
    Q_PROPERTY(int openCount READ openCount NOTIFY countChanged)
    /// Advances on every change: bindings that call stateFor() name it to stay current.
    Q_PROPERTY(int revision READ revision NOTIFY countChanged)
    /// Why the last submit() was refused (empty after one that worked).
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
public:
    enum class ActionState { Queued, Sent, Accepted, Confirmed, Failed };
    Q_ENUM(ActionState)
    enum Role {
        IdRole = Qt::UserRole + 1,
        TypeRole,
        TargetRole,
        StateRole,
        StateTextRole,
        ToneRole,
        ReasonRole,
        CreatedAtRole,
        SummaryRole,
        CanRetryRole,
        CanDiscardRole
    };

    // No default argument: see ConnectionStatus.
    explicit Actions(QObject *parent);

    /// Follows `tracker` (not owned); null: no outbox, nothing can be sent.
    void setTracker(ActionTracker *tracker);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    [[nodiscard]] int count() const { return int(m_rows.size()); }
    [[nodiscard]] int openCount() const;
    [[nodiscard]] int revision() const { return m_revision; }
    [[nodiscard]] QString lastError() const { return m_lastError; }

    /// The model's own submit() stays callable beside the one below.
    using QAbstractListModel::submit;
    /// Queues an action; returns its id, or "" with lastError set.
    Q_INVOKABLE QString submit(const QString &type, const QVariantMap &payload);
    /// The newest unconfirmed action on `target` as {actionId, state, stateText, tone, reason},
    /// or an empty map: what a row shows beside the item.
    Q_INVOKABLE QVariantMap stateFor(const QString &target) const;
    Q_INVOKABLE bool retry(const QString &id);
    Q_INVOKABLE bool discard(const QString &id);

    /// What `action` means, in a sentence for the operator.
    [[nodiscard]] static QString summaryOf(const OperatorAction &action);
    [[nodiscard]] static QString stateText(OperatorAction::State state);
    [[nodiscard]] static Tone::Value toneOf(OperatorAction::State state);

Q_SIGNALS:
    void countChanged();
    void lastErrorChanged();

private:
    void onChanged(const OperatorAction &action);
    void onRemoved(const QString &id);
    void reload();
    void setLastError(const QString &error);
    [[nodiscard]] QVariantMap describe(const OperatorAction &action) const;

    QPointer<ActionTracker> m_tracker;
    QList<OperatorAction> m_rows; ///< newest first
    int m_revision = 0;
    QString m_lastError;
};

} // namespace vigil
