#include "actiontracker.h"

#include "connection/connectionview.h"
#include "outboxdrainer.h"
#include "protocol/logging.h"
#include "storage/outbox.h"

#include <QCoreApplication>
#include <QDateTime>

namespace vigil {

namespace {

// Confirmed actions kept for views (the open ones are always kept).
constexpr int kKeepConfirmed = 500;

OperatorAction fromEnvelope(const Envelope &envelope)
{
    OperatorAction action;
    action.id = envelope.id;
    action.type = envelope.type;
    action.channel = envelope.channel;
    action.payload = envelope.payload.toObject();
    action.target = ActionTracker::targetOf(envelope.type, action.payload);
    action.createdAtMs = envelope.timestamp;
    return action;
}

} // namespace

QString actionStateName(OperatorAction::State state)
{
    switch (state) {
    case OperatorAction::State::Queued:
        return QStringLiteral("queued");
    case OperatorAction::State::Sent:
        return QStringLiteral("sent");
    case OperatorAction::State::Accepted:
        return QStringLiteral("accepted");
    case OperatorAction::State::Confirmed:
        return QStringLiteral("confirmed");
    case OperatorAction::State::Failed:
        return QStringLiteral("failed");
    }
    return QStringLiteral("queued");
}

ActionTracker::ActionTracker(Outbox *outbox, QString profile, QObject *parent)
    : QObject(parent)
    , m_outbox(outbox)
    , m_profile(std::move(profile))
{
    qRegisterMetaType<vigil::OperatorAction>();
}

QString ActionTracker::channelFor(const QString &type)
{
    if (type.startsWith(u"incident."))
        return QStringLiteral("incidents");
    if (type.startsWith(u"alert."))
        return QStringLiteral("alerts");
    if (type == u"chat.message" || type == u"chat.read")
        return QStringLiteral("chat");
    return {};
}

QString ActionTracker::targetOf(const QString &type, const QJsonObject &payload)
{
    if (type.startsWith(u"incident."))
        return payload.value(QStringLiteral("incidentId")).toString();
    if (type.startsWith(u"alert."))
        return payload.value(QStringLiteral("alertId")).toString();
    if (type == u"chat.message")
        return payload.value(QStringLiteral("id")).toString();
    if (type == u"chat.read")
        return payload.value(QStringLiteral("conversationId")).toString();
    return {};
}

void ActionTracker::attach(ConnectionView *manager, OutboxDrainer *drainer)
{
    if (m_manager)
        m_manager->disconnect(this);
    if (m_drainer)
        m_drainer->disconnect(this);
    m_manager = manager;
    m_drainer = drainer;
    if (manager)
        connect(manager, &ConnectionView::envelopesReceived, this,
                [this](const QList<Envelope> &batch) {
                    for (const Envelope &envelope : batch)
                        onEnvelope(envelope);
                });
    if (drainer) {
        connect(drainer, &OutboxDrainer::written, this, [this](const QStringList &ids) {
            for (const QString &id : ids)
                advance(id, OperatorAction::State::Sent);
        });
        connect(drainer, &OutboxDrainer::delivered, this,
                [this](const QString &id) { advance(id, OperatorAction::State::Accepted); });
        connect(drainer, &OutboxDrainer::failed, this,
                [this](const QString &id, const QString &reason, bool deadLettered) {
                    // Not dead yet: it waits in the outbox for its next try.
                    advance(id,
                            deadLettered ? OperatorAction::State::Failed
                                         : OperatorAction::State::Queued,
                            reason);
                });
    }
}

void ActionTracker::setProfile(const QString &profile)
{
    if (profile == m_profile)
        return;
    m_profile = profile;
    const QList<QString> ids = std::exchange(m_order, {});
    for (const QString &id : ids)
        Q_EMIT removed(id, m_actions.take(id).target);
    restore();
}

void ActionTracker::restore()
{
    if (!m_outbox || !m_outbox->isOpen())
        return;
    for (const OutboxEntry &entry : m_outbox->pending(m_profile)) {
        if (channelFor(entry.envelope.type).isEmpty() || m_actions.contains(entry.envelope.id))
            continue;
        OperatorAction action = fromEnvelope(entry.envelope);
        action.reason = entry.lastError;
        track(action);
    }
    for (const DeadLetter &dead : m_outbox->deadLetters(m_profile)) {
        if (channelFor(dead.envelope.type).isEmpty() || m_actions.contains(dead.envelope.id))
            continue;
        OperatorAction action = fromEnvelope(dead.envelope);
        action.state = OperatorAction::State::Failed;
        action.reason = dead.reason;
        track(action);
    }
}

std::optional<OperatorAction> ActionTracker::submit(const QString &type, const QJsonObject &payload,
                                                    QString *error, Priority priority)
{
    const QString channel = channelFor(type);
    if (channel.isEmpty()) {
        *error = tr("%1 is not an action Vigil can send").arg(type);
        return std::nullopt;
    }
    if (!m_outbox || !m_outbox->isOpen()) {
        *error = tr("the outbox is not available, so the action cannot be kept safe");
        return std::nullopt;
    }
    Envelope envelope = Envelope::create(type, channel, payload, priority);
    if (!m_outbox->enqueue(m_profile, envelope, error))
        return std::nullopt;
    OperatorAction action = fromEnvelope(envelope);
    track(action);
    if (m_drainer) // it may run on the ingest thread: asked, not called
        QMetaObject::invokeMethod(m_drainer.data(), &OutboxDrainer::kick, Qt::AutoConnection);
    return action;
}

std::optional<OperatorAction> ActionTracker::retry(const QString &id, QString *error)
{
    const std::optional<OperatorAction> failed = action(id);
    if (!failed || failed->state != OperatorAction::State::Failed) {
        *error = tr("only a failed action can be retried");
        return std::nullopt;
    }
    std::optional<OperatorAction> again = submit(failed->type, failed->payload, error);
    if (again)
        discard(id);
    return again;
}

bool ActionTracker::discard(const QString &id)
{
    const auto it = m_actions.constFind(id);
    if (it == m_actions.cend() || it->state == OperatorAction::State::Confirmed)
        return false;
    if (m_outbox && m_outbox->isOpen()) {
        m_outbox->remove(id);
        m_outbox->purgeDeadLetters(m_profile, id);
    }
    const QString target = it->target;
    m_actions.remove(id);
    m_order.removeOne(id);
    Q_EMIT removed(id, target);
    return true;
}

QList<OperatorAction> ActionTracker::actions() const
{
    QList<OperatorAction> list;
    list.reserve(m_order.size());
    for (auto it = m_order.crbegin(); it != m_order.crend(); ++it)
        list.append(m_actions.value(*it));
    return list;
}

std::optional<OperatorAction> ActionTracker::action(const QString &id) const
{
    const auto it = m_actions.constFind(id);
    if (it == m_actions.cend())
        return std::nullopt;
    return *it;
}

std::optional<OperatorAction> ActionTracker::openActionFor(const QString &target) const
{
    if (target.isEmpty())
        return std::nullopt;
    for (auto it = m_order.crbegin(); it != m_order.crend(); ++it) {
        const OperatorAction &a = m_actions[*it];
        if (a.target == target && a.open())
            return a;
    }
    return std::nullopt;
}

void ActionTracker::track(OperatorAction action)
{
    if (action.createdAtMs <= 0)
        action.createdAtMs = QDateTime::currentMSecsSinceEpoch();
    const QString id = action.id;
    m_actions.insert(id, action);
    m_order.append(id);
    Q_EMIT changed(action);
    prune();
}

void ActionTracker::advance(const QString &id, OperatorAction::State state, const QString &reason)
{
    const auto it = m_actions.find(id);
    if (it == m_actions.end())
        return;
    // Never backwards: a late ack after the confirmation, a resend after a drop.
    const bool forward = int(state) > int(it->state) || state == OperatorAction::State::Failed ||
                         (state == OperatorAction::State::Queued && !reason.isEmpty());
    if (!forward || it->state == OperatorAction::State::Confirmed)
        return;
    it->state = state;
    if (!reason.isEmpty())
        it->reason = reason;
    Q_EMIT changed(*it);
}

void ActionTracker::onEnvelope(const Envelope &envelope)
{
    if (m_actions.isEmpty())
        return;
    // A chat message or read receipt is confirmed by its own fan-out; everything else by the
    // update that names it as its request.
    QString id = envelope.payload.toObject().value(QStringLiteral("requestId")).toString();
    if (id.isEmpty() && (envelope.type == u"chat.message" || envelope.type == u"chat.read"))
        id = envelope.id;
    if (!id.isEmpty())
        advance(id, OperatorAction::State::Confirmed);
}

void ActionTracker::prune()
{
    int confirmed = 0;
    for (const QString &id : std::as_const(m_order))
        confirmed += m_actions[id].state == OperatorAction::State::Confirmed ? 1 : 0;
    for (auto it = m_order.begin(); confirmed > kKeepConfirmed && it != m_order.end();) {
        if (m_actions[*it].state == OperatorAction::State::Confirmed) {
            m_actions.remove(*it);
            it = m_order.erase(it);
            --confirmed;
        } else {
            ++it;
        }
    }
}

} // namespace vigil
