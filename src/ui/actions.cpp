#include "actions.h"

#include <QJsonArray>
#include <QJsonObject>

namespace vigil {

Actions::Actions(QObject *parent)
    : QAbstractListModel(parent)
{}

void Actions::setTracker(ActionTracker *tracker)
{
    if (m_tracker == tracker)
        return;
    if (m_tracker)
        m_tracker->disconnect(this);
    m_tracker = tracker;
    if (tracker) {
        connect(tracker, &ActionTracker::changed, this, &Actions::onChanged);
        connect(tracker, &ActionTracker::removed, this,
                [this](const QString &id, const QString &) { onRemoved(id); });
    }
    reload();
}

void Actions::reload()
{
    beginResetModel();
    m_rows = m_tracker ? m_tracker->actions() : QList<OperatorAction>();
    endResetModel();
    ++m_revision;
    Q_EMIT countChanged();
}

int Actions::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : count();
}

QHash<int, QByteArray> Actions::roleNames() const
{
    return {{IdRole, "actionId"},          {TypeRole, "type"},
            {TargetRole, "target"},        {StateRole, "state"},
            {StateTextRole, "stateText"},  {ToneRole, "tone"},
            {ReasonRole, "reason"},        {CreatedAtRole, "createdAt"},
            {SummaryRole, "summary"},      {CanRetryRole, "canRetry"},
            {CanDiscardRole, "canDiscard"}};
}

QVariant Actions::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const OperatorAction &a = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case SummaryRole:
        return summaryOf(a);
    case IdRole:
        return a.id;
    case TypeRole:
        return a.type;
    case TargetRole:
        return a.target;
    case StateRole:
        return QVariant::fromValue(ActionState(int(a.state)));
    case StateTextRole:
        return stateText(a.state);
    case ToneRole:
        return QVariant::fromValue(toneOf(a.state));
    case ReasonRole:
        return a.reason;
    case CreatedAtRole:
        return a.createdAtMs;
    case CanRetryRole:
        return a.state == OperatorAction::State::Failed;
    case CanDiscardRole:
        return a.state == OperatorAction::State::Failed || a.state == OperatorAction::State::Queued;
    default:
        return {};
    }
}

int Actions::openCount() const
{
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(),
                             [](const OperatorAction &a) { return a.open(); }));
}

QString Actions::submit(const QString &type, const QVariantMap &payload)
{
    if (!m_tracker) {
        setLastError(tr("Actions cannot be kept safe: the outbox is not available."));
        return {};
    }
    QString error;
    const auto action = m_tracker->submit(type, QJsonObject::fromVariantMap(payload), &error);
    setLastError(action ? QString() : error);
    return action ? action->id : QString();
}

QVariantMap Actions::stateFor(const QString &target) const
{
    if (!m_tracker)
        return {};
    const auto action = m_tracker->openActionFor(target);
    return action ? describe(*action) : QVariantMap();
}

bool Actions::retry(const QString &id)
{
    if (!m_tracker)
        return false;
    QString error;
    const bool ok = m_tracker->retry(id, &error).has_value();
    setLastError(ok ? QString() : error);
    return ok;
}

bool Actions::discard(const QString &id)
{
    return m_tracker && m_tracker->discard(id);
}

QVariantMap Actions::describe(const OperatorAction &action) const
{
    return {{QStringLiteral("actionId"), action.id},
            {QStringLiteral("type"), action.type},
            {QStringLiteral("state"), QVariant::fromValue(ActionState(int(action.state)))},
            {QStringLiteral("stateText"), stateText(action.state)},
            {QStringLiteral("tone"), QVariant::fromValue(toneOf(action.state))},
            {QStringLiteral("reason"), action.reason},
            {QStringLiteral("payload"), action.payload.toVariantMap()}};
}

void Actions::onChanged(const OperatorAction &action)
{
    const auto it = std::find_if(m_rows.begin(), m_rows.end(),
                                 [&](const OperatorAction &a) { return a.id == action.id; });
    if (it == m_rows.end()) {
        beginInsertRows({}, 0, 0);
        m_rows.prepend(action);
        endInsertRows();
    } else {
        *it = action;
        const QModelIndex i = index(int(it - m_rows.begin()));
        Q_EMIT dataChanged(i, i);
    }
    ++m_revision;
    Q_EMIT countChanged();
}

void Actions::onRemoved(const QString &id)
{
    const auto it = std::find_if(m_rows.begin(), m_rows.end(),
                                 [&](const OperatorAction &a) { return a.id == id; });
    if (it == m_rows.end())
        return;
    const int row = int(it - m_rows.begin());
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
    ++m_revision;
    Q_EMIT countChanged();
}

void Actions::setLastError(const QString &error)
{
    if (error == m_lastError)
        return;
    m_lastError = error;
    Q_EMIT lastErrorChanged();
}

QString Actions::stateText(OperatorAction::State state)
{
    switch (state) {
    case OperatorAction::State::Queued:
        return tr("Queued");
    case OperatorAction::State::Sent:
        return tr("Sent");
    case OperatorAction::State::Accepted:
        return tr("Accepted");
    case OperatorAction::State::Confirmed:
        return tr("Confirmed");
    case OperatorAction::State::Failed:
        return tr("Failed");
    }
    return {};
}

Tone::Value Actions::toneOf(OperatorAction::State state)
{
    switch (state) {
    case OperatorAction::State::Confirmed:
        return Tone::Ok;
    case OperatorAction::State::Failed:
        return Tone::Danger;
    case OperatorAction::State::Queued:
    case OperatorAction::State::Sent:
    case OperatorAction::State::Accepted:
        return Tone::Warning;
    }
    return Tone::Idle;
}

QString Actions::summaryOf(const OperatorAction &a)
{
    const QString target = a.target;
    if (a.type == u"incident.acknowledge")
        return tr("Acknowledge %1").arg(target);
    if (a.type == u"incident.assign")
        return tr("Assign %1 to %2")
            .arg(target, a.payload.value(QStringLiteral("assignee")).toString());
    if (a.type == u"incident.escalate")
        return tr("Escalate %1").arg(target);
    if (a.type == u"incident.resolve")
        return tr("Resolve %1").arg(target);
    if (a.type == u"incident.create")
        return tr("Create incident \"%1\"")
            .arg(a.payload.value(QStringLiteral("title")).toString());
    if (a.type == u"alert.acknowledge")
        return tr("Acknowledge alert %1").arg(target);
    if (a.type == u"alert.silence")
        return tr("Silence alert %1 for %2 min")
            .arg(target)
            .arg(a.payload.value(QStringLiteral("minutes")).toInt());
    if (a.type == u"chat.read")
        return tr("Mark %n message(s) read", nullptr,
                  int(a.payload.value(QStringLiteral("messageIds")).toArray().size()));
    if (a.type == u"chat.message")
        return tr("Message: %1")
            .arg(a.payload.value(QStringLiteral("content")).toString().left(80));
    return a.type;
}

} // namespace vigil
