#include "chatsession.h"

#include "actions.h"
#include "operatoridentity.h"

#include "connection/connectionview.h"
#include "delivery/actiontracker.h"
#include "models/feedmodels.h"
#include "models/messagebudget.h"

#include <QDateTime>
#include <QJsonArray>
#include <QUuid>

#include <algorithm>
#include <climits>

namespace vigil {

namespace {

const QString kMessageType = QStringLiteral("chat.message");
const QString kReadType = QStringLiteral("chat.read");

// Where an own message stands, from its action: the server has it once it acknowledged it.
ChatMessage::Delivery deliveryOf(const OperatorAction &action)
{
    using State = OperatorAction::State;
    switch (action.state) {
    case State::Failed:
        return ChatMessage::Delivery::Failed;
    case State::Queued:
    case State::Sent:
        return ChatMessage::Delivery::Pending;
    case State::Accepted:
    case State::Confirmed:
        break;
    }
    return ChatMessage::Delivery::Sent;
}

} // namespace

ChatSession::ChatSession(QObject *parent, ChatModel *chat, Actions *actions)
    : QObject(parent)
    , m_chat(chat)
    , m_actions(actions)
    , m_clientMaxBytes(kDefaultMaxMessageBytes)
{
    updateOperatorName();
    if (chat) {
        // What arrives in the conversation on screen is seen as it is shown.
        connect(chat, &LiveListModel::flushed, this, [this] {
            if (!m_open.isEmpty())
                markRead(m_open);
        });
    }
}

void ChatSession::setIdentity(OperatorIdentity *identity)
{
    if (m_identity == identity)
        return;
    if (m_identity)
        m_identity->disconnect(this);
    m_identity = identity;
    if (identity)
        connect(identity, &OperatorIdentity::nameChanged, this, &ChatSession::updateOperatorName);
    updateOperatorName();
}

void ChatSession::setTracker(ActionTracker *tracker)
{
    if (m_tracker == tracker)
        return;
    if (m_tracker)
        m_tracker->disconnect(this);
    m_tracker = tracker;
    if (tracker) {
        connect(tracker, &ActionTracker::changed, this, &ChatSession::onActionChanged);
        connect(tracker, &ActionTracker::removed, this,
                [this](const QString &, const QString &target) { onActionRemoved(target); });
    }
    reseed();
}

void ChatSession::attach(ConnectionView *manager)
{
    if (m_manager)
        m_manager->disconnect(this);
    m_manager = manager;
    if (manager) {
        connect(manager, &ConnectionView::welcomeReceived, this, &ChatSession::onWelcome);
        setLimits(manager->config().maxMessageBytes, 0);
    }
    // A new session starts from an empty ChatModel: its receipts say again what was read.
    if (m_chat)
        m_chat->forgetSeen();
    m_reported.clear();
    reseed();
}

void ChatSession::reseed()
{
    if (!m_tracker)
        return;
    // A confirmed message is the server's like any other: it comes back with the channel.
    const QList<OperatorAction> actions = m_tracker->actions(); // newest first
    for (auto it = actions.crbegin(); it != actions.crend(); ++it) {
        if (it->type != kMessageType || it->open())
            onActionChanged(*it);
    }
}

void ChatSession::onWelcome(const QJsonObject &welcome)
{
    const qint64 serverBytes = welcome.value(QStringLiteral("maxMessageBytes")).toInteger();
    setLimits(m_clientMaxBytes, serverBytes);
}

void ChatSession::updateOperatorName()
{
    const QString name = m_identity ? m_identity->name() : OperatorIdentity::accountName();
    if (m_chat)
        m_chat->setOperatorName(name);
    if (name == m_operator)
        return;
    m_operator = name;
    Q_EMIT operatorNameChanged();
}

int ChatSession::maxContentBytes() const
{
    // Both ends must take it: the server to accept it, this client to read its fan-out back.
    qint64 limit = m_clientMaxBytes;
    if (m_serverMaxBytes > 0)
        limit = std::min(limit, m_serverMaxBytes);
    return int(std::clamp<qint64>(limit - kEnvelopeMarginBytes, 0, INT_MAX));
}

void ChatSession::setLimits(qint64 clientBytes, qint64 serverBytes)
{
    const int before = maxContentBytes();
    m_clientMaxBytes = clientBytes;
    m_serverMaxBytes = serverBytes;
    if (maxContentBytes() != before)
        Q_EMIT maxContentBytesChanged();
}

void ChatSession::setOpenConversation(const QString &conversationId)
{
    if (conversationId == m_open)
        return;
    m_open = conversationId;
    Q_EMIT openConversationChanged();
    if (!m_open.isEmpty())
        markRead(m_open);
}

void ChatSession::setLastError(const QString &error)
{
    if (error == m_lastError)
        return;
    m_lastError = error;
    Q_EMIT lastErrorChanged();
}

QString ChatSession::newMessageId()
{
    return QStringLiteral("msg-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QString ChatSession::send(const QString &conversationId, const QString &content)
{
    const QString text = content.trimmed();
    if (conversationId.isEmpty()) {
        setLastError(tr("Choose a conversation to write in."));
        return {};
    }
    if (text.isEmpty()) {
        setLastError(tr("There is nothing to send."));
        return {};
    }
    if (const int bytes = MessageBudget::bytesOf(text); bytes > maxContentBytes()) {
        setLastError(tr("The message takes %1 bytes; the server accepts at most %2.")
                         .arg(bytes)
                         .arg(maxContentBytes()));
        return {};
    }
    if (!m_actions) {
        setLastError(tr("Messages cannot be sent: the outbox is not available."));
        return {};
    }
    const QString id = newMessageId();
    const QVariantMap payload{{QStringLiteral("id"), id},
                              {QStringLiteral("conversationId"), conversationId},
                              {QStringLiteral("senderId"), m_operator},
                              {QStringLiteral("content"), text},
                              {QStringLiteral("timestamp"), QDateTime::currentMSecsSinceEpoch()}};
    // The row appears through the tracker (onActionChanged), as a restored one does.
    const bool queued = !m_actions->submit(kMessageType, payload).isEmpty();
    setLastError(queued ? QString() : m_actions->lastError());
    return queued ? id : QString();
}

QString ChatSession::markRead(const QString &conversationId)
{
    if (!m_chat || conversationId.isEmpty())
        return {};
    // What the view shows: the listed rows, not what waits for the next frame.
    QStringList ids;
    for (const ChatMessage &m : m_chat->rows().all()) {
        if (m.conversationId == conversationId && m.unread() && !m_reported.contains(m.id))
            ids.append(m.id);
    }
    if (ids.isEmpty())
        return {};
    // Seen, whether or not the receipt can go out: it is not asked for again.
    for (const QString &id : std::as_const(ids))
        m_reported.insert(id);
    m_chat->markSeen(ids);
    if (!m_actions)
        return {};
    const QString action =
        m_actions->submit(kReadType, {{QStringLiteral("conversationId"), conversationId},
                                      {QStringLiteral("messageIds"), ids},
                                      {QStringLiteral("by"), m_operator}});
    setLastError(action.isEmpty() ? m_actions->lastError() : QString());
    return action;
}

bool ChatSession::retry(const QString &messageId)
{
    const auto action = m_tracker ? m_tracker->openActionFor(messageId) : std::nullopt;
    if (!action || action->type != kMessageType || !m_actions)
        return false;
    const bool ok = m_actions->retry(action->id);
    setLastError(ok ? QString() : m_actions->lastError());
    return ok;
}

bool ChatSession::discard(const QString &messageId)
{
    const auto action = m_tracker ? m_tracker->openActionFor(messageId) : std::nullopt;
    if (!action || action->type != kMessageType || !m_actions)
        return false;
    return m_actions->discard(action->id);
}

void ChatSession::onActionChanged(const OperatorAction &action)
{
    if (!m_chat)
        return;
    const QJsonObject &p = action.payload;
    if (action.type == kMessageType) {
        ChatMessage message;
        message.id = p.value(QStringLiteral("id")).toString();
        message.conversationId = p.value(QStringLiteral("conversationId")).toString();
        message.senderId = p.value(QStringLiteral("senderId")).toString();
        message.content = p.value(QStringLiteral("content")).toString();
        message.timestamp = p.value(QStringLiteral("timestamp")).toInteger(action.createdAtMs);
        if (message.timestamp <= 0)
            message.timestamp = QDateTime::currentMSecsSinceEpoch();
        message.own = true;
        const ChatMessage::Delivery state = deliveryOf(action);
        m_chat->recordOwn(message, state,
                          state == ChatMessage::Delivery::Failed ? action.reason : QString());
    } else if (action.type == kReadType) {
        QStringList ids;
        for (const QJsonValue &id : p.value(QStringLiteral("messageIds")).toArray())
            ids.append(id.toString());
        for (const QString &id : std::as_const(ids))
            m_reported.insert(id);
        m_chat->markSeen(ids);
    }
}

void ChatSession::onActionRemoved(const QString &target)
{
    // A retry replaces its failed action with a new one on the same message: that one stays.
    if (!m_chat || target.isEmpty() || (m_tracker && m_tracker->openActionFor(target)))
        return;
    m_chat->dropOwn(target);
}

} // namespace vigil
