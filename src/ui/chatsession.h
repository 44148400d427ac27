#pragma once

#include "models/cppownedsingleton.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace vigil {

class ActionTracker;
class Actions;
class ChatModel;
class ConnectionView;
class OperatorIdentity;
struct OperatorAction;

/// \brief The operator's side of the chat: what they write goes out through Actions (into the
/// durable outbox, never straight to a socket) and shows at once as their own pending row;
/// what they open is reported read with `chat.read`.
///
/// It follows the ActionTracker: every `chat.message` action, submitted now or restored from
/// the outbox after a restart, is the operator's row in the ChatModel with the action's state
/// (queued or written: pending; acknowledged or confirmed: sent; failed: failed, with the
/// server's reason), and a discarded one leaves; every `chat.read` action marks its messages
/// seen. Who the operator is comes from the OperatorIdentity: their messages are sent as and
/// recognised by that name. The connection's `welcome` says how large a message may be
/// (`maxMessageBytes`).
class ChatSession : public QObject, public CppOwnedSingleton<ChatSession>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    /// The name the operator's messages and receipts carry (`senderId`, `by`): the
    /// OperatorIdentity's.
    Q_PROPERTY(QString operatorName READ operatorName NOTIFY operatorNameChanged)
    /// The most a message's content may take, in bytes as sent (see MessageBudget).
    Q_PROPERTY(int maxContentBytes READ maxContentBytes NOTIFY maxContentBytesChanged)
    /// The conversation the operator is looking at ("" when the chat is not on screen): what
    /// it shows is reported read now and as new messages arrive.
    Q_PROPERTY(QString openConversation READ openConversation WRITE setOpenConversation NOTIFY
                   openConversationChanged)
    /// Why the last send() or markRead() did not go out (empty after one that did).
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
public:
    /// Room left for the rest of the envelope (ids, names, the time, the server's `seq`).
    static constexpr int kEnvelopeMarginBytes = 1024;

    // No default argument: see feedmodels.h.
    ChatSession(QObject *parent, ChatModel *chat, Actions *actions);

    /// Takes the operator's name from `identity` (not owned; null: the desktop account's name).
    void setIdentity(OperatorIdentity *identity);
    /// Follows `tracker` (not owned; null: no outbox): its chat actions become rows and marks.
    void setTracker(ActionTracker *tracker);
    /// Follows a new session's connection: its welcome's size limit, and the rows of what the
    /// outbox holds again (the ChatModel was emptied for the new session).
    void attach(ConnectionView *manager);

    [[nodiscard]] QString operatorName() const { return m_operator; }
    [[nodiscard]] int maxContentBytes() const;
    [[nodiscard]] QString openConversation() const { return m_open; }
    void setOpenConversation(const QString &conversationId);
    [[nodiscard]] QString lastError() const { return m_lastError; }

    /// Sends `content` to `conversationId` as a `chat.message` action; returns the new
    /// message's id ("" with lastError set when it could not be queued).
    Q_INVOKABLE QString send(const QString &conversationId, const QString &content);
    /// Reports the messages of `conversationId` the operator sees and has not reported yet
    /// with one `chat.read` action, and marks them seen; returns the action's id, "" when
    /// there was nothing new to report (or it failed: then lastError says why).
    Q_INVOKABLE QString markRead(const QString &conversationId);
    /// Sends the operator's failed message `messageId` again.
    Q_INVOKABLE bool retry(const QString &messageId);
    /// Gives up the operator's message `messageId` while it is queued or failed.
    Q_INVOKABLE bool discard(const QString &messageId);

    /// A new message id: unique, so a re-send after a reconnect is recognised as the same.
    [[nodiscard]] static QString newMessageId();

Q_SIGNALS:
    void operatorNameChanged();
    void maxContentBytesChanged();
    void openConversationChanged();
    void lastErrorChanged();

private:
    void onActionChanged(const OperatorAction &action);
    void onActionRemoved(const QString &target);
    void onWelcome(const QJsonObject &welcome);
    /// Takes the identity's name (again): the ChatModel recognises the operator's rows by it.
    void updateOperatorName();
    void setLimits(qint64 clientBytes, qint64 serverBytes);
    void setLastError(const QString &error);
    /// What the tracker holds, again: rows for the messages not confirmed yet, marks for the
    /// reads.
    void reseed();

    QPointer<ChatModel> m_chat;
    QPointer<Actions> m_actions;
    QPointer<ActionTracker> m_tracker;
    QPointer<ConnectionView> m_manager;
    QPointer<OperatorIdentity> m_identity;
    QString m_operator;
    QString m_open;
    QString m_lastError;
    qint64 m_clientMaxBytes;
    qint64 m_serverMaxBytes = 0; ///< 0: the server did not say
    QSet<QString> m_reported;    ///< messages a chat.read was submitted for
};

} // namespace vigil
