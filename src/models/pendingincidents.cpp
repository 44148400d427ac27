#include "pendingincidents.h"

#include "ui/actions.h"

namespace vigil {

PendingIncidents::PendingIncidents(QObject *parent)
    : QAbstractListModel(parent)
{}

void PendingIncidents::setTracker(ActionTracker *tracker)
{
    m_tracker = tracker;
    refresh();
}

void PendingIncidents::refresh()
{
    QList<OperatorAction> rows;
    if (m_tracker) {
        for (const OperatorAction &a : m_tracker->actions()) { // newest first
            if (a.type == u"incident.create" && a.open())
                rows.append(a);
        }
    }
    const auto ids = [](const QList<OperatorAction> &list) {
        QStringList out;
        for (const OperatorAction &a : list)
            out.append(a.id);
        return out;
    };
    if (ids(rows) == ids(m_rows)) {
        // The same actions, perhaps further on: their states change in place.
        m_rows = rows;
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0), index(count() - 1));
        return;
    }
    // A create is new, confirmed or discarded: rare, and the list is short.
    beginResetModel();
    m_rows = rows;
    endResetModel();
    Q_EMIT countChanged();
}

int PendingIncidents::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : count();
}

QHash<int, QByteArray> PendingIncidents::roleNames() const
{
    return {
        {ActionIdRole, "actionId"}, {TitleRole, "title"},         {SeverityRole, "severity"},
        {StateRole, "actionState"}, {StateTextRole, "stateText"}, {ToneRole, "tone"},
        {ReasonRole, "reason"},     {CanRetryRole, "canRetry"},   {CanDiscardRole, "canDiscard"}};
}

QVariant PendingIncidents::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const OperatorAction &a = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case TitleRole:
        return a.payload.value(QStringLiteral("title")).toString();
    case ActionIdRole:
        return a.id;
    case SeverityRole:
        return a.payload.value(QStringLiteral("severity")).toString();
    case StateRole:
        return int(a.state);
    case StateTextRole:
        return Actions::stateText(a.state);
    case ToneRole:
        return QVariant::fromValue(Actions::toneOf(a.state));
    case ReasonRole:
        return a.reason;
    case CanRetryRole:
        return a.state == OperatorAction::State::Failed;
    case CanDiscardRole:
        return a.state == OperatorAction::State::Failed || a.state == OperatorAction::State::Queued;
    default:
        return {};
    }
}

} // namespace vigil
