#pragma once

#include "cppownedsingleton.h"
#include "rowroles.h"

#include <QAbstractListModel>
#include <QPointer>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

namespace vigil {

class ChatModel;

/// One conversation of the chat as the list of conversations shows it.
struct Conversation
{
    QString id;
    QString lastMessage; ///< its latest message, on one line
    QString lastSender;
    bool lastOwn = false;     ///< the operator wrote the latest message
    qint64 lastActivity = 0;  ///< ms since the epoch: the time of its latest message
    QStringList participants; ///< who else wrote in it, sorted
    int unread = 0;           ///< others' messages the operator has not seen
    int messages = 0;
};

/// \brief The chat's conversations, the one with the newest activity first, each with how many
/// messages the operator has not seen.
///
/// Derived from the ChatModel after each of its flushes (once a frame at most): a conversation
/// is the messages naming its id. Roles `conversationId`, `lastMessage`, `lastSender`,
/// `lastOwn`, `lastActivity` (ms), `participants` (the others, comma separated),
/// `unreadCount`, `messageCount`. A conversation with new activity moves to the top
/// (beginMoveRows); the others keep their rows and get dataChanged with the roles that changed.
class ConversationsModel : public QAbstractListModel, public CppOwnedSingleton<ConversationsModel>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    /// Unread messages over all conversations.
    Q_PROPERTY(int unreadTotal READ unreadTotal NOTIFY unreadTotalChanged)
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        LastMessageRole,
        LastSenderRole,
        LastOwnRole,
        LastActivityRole,
        ParticipantsRole,
        UnreadCountRole,
        MessageCountRole
    };
    Q_ENUM(Role)

    // No default argument: see feedmodels.h.
    ConversationsModel(QObject *parent, ChatModel *chat);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    [[nodiscard]] int count() const { return int(m_rows.size()); }
    [[nodiscard]] int unreadTotal() const { return m_unreadTotal; }
    [[nodiscard]] const QList<Conversation> &conversations() const { return m_rows; }

    /// The id of the conversation in `row` ("" when there is none): the newest is row 0.
    Q_INVOKABLE QString conversationAt(int row) const;
    /// The row of `conversationId`, or -1.
    Q_INVOKABLE int indexOf(const QString &conversationId) const;

    /// Reads the ChatModel again (it does so after each flush of the ChatModel).
    void refresh();

Q_SIGNALS:
    void countChanged();
    void unreadTotalChanged();

private:
    QPointer<ChatModel> m_chat;
    RowRoles<Conversation> m_roles;
    QList<Conversation> m_rows; ///< newest activity first
    int m_unreadTotal = 0;
};

} // namespace vigil
