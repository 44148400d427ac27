#pragma once

#include "cppownedsingleton.h"
#include "rowroles.h"

#include <QAbstractListModel>
#include <QPointer>
#include <QSortFilterProxyModel>
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

    /// Whether `text` (not empty; case ignored) is in the conversation `conversationId`: in its
    /// id, the names of the people in it, or one of its messages.
    [[nodiscard]] bool mentions(const QString &conversationId, const QString &text) const;

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

/// \brief The Chat page's list of conversations, searched: the conversations that mention the
/// search text (ConversationsModel::mentions(): their name, people or messages; case ignored),
/// in the source's order; every conversation while the search is empty. Created in QML:
/// `ConversationsFilter { sourceModel: ConversationsModel; search: field.text }`.
class ConversationsFilter : public QSortFilterProxyModel
{
    Q_OBJECT
    QML_ELEMENT
    /// The conversations listed, now.
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    /// Text a conversation must mention; empty: every conversation.
    Q_PROPERTY(QString search READ search WRITE setSearch NOTIFY searchChanged)
public:
    explicit ConversationsFilter(QObject *parent = nullptr);

    [[nodiscard]] int count() const { return rowCount(); }
    [[nodiscard]] QString search() const { return m_search; }
    void setSearch(const QString &search);

    /// The id of the conversation listed in `row` ("" when there is none).
    Q_INVOKABLE QString conversationAt(int row) const;
    /// The row where `conversationId` is listed, or -1 (none, or not found by the search).
    Q_INVOKABLE int indexOf(const QString &conversationId) const;

Q_SIGNALS:
    void countChanged();
    void searchChanged();

protected:
    [[nodiscard]] bool filterAcceptsRow(int sourceRow,
                                        const QModelIndex &sourceParent) const override;

private:
    QString m_search; ///< trimmed
};

} // namespace vigil
