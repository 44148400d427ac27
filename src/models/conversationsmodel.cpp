#include "conversationsmodel.h"

#include "feedmodels.h"

#include <QHash>
#include <QSet>

#include <algorithm>

namespace vigil {

namespace {

RowRoles<Conversation> conversationRoles()
{
    using M = ConversationsModel;
    using R = Conversation;
    return {
        {M::IdRole, "conversationId", [](const R &r) { return r.id; }},
        {M::LastMessageRole, "lastMessage", [](const R &r) { return r.lastMessage; }},
        {M::LastSenderRole, "lastSender", [](const R &r) { return r.lastSender; }},
        {M::LastOwnRole, "lastOwn", [](const R &r) { return r.lastOwn; }},
        {M::LastActivityRole, "lastActivity", [](const R &r) { return r.lastActivity; }},
        {M::ParticipantsRole, "participants",
         [](const R &r) { return r.participants.join(QStringLiteral(", ")); }},
        {M::UnreadCountRole, "unreadCount", [](const R &r) { return r.unread; }},
        {M::MessageCountRole, "messageCount", [](const R &r) { return r.messages; }},
    };
}

// The conversations of `messages` (newest arrival first), newest activity first; ties by id,
// so the order never depends on hashing.
QList<Conversation> summarize(const QList<ChatMessage> &messages)
{
    QHash<QString, qsizetype> index;
    QList<Conversation> list;
    QList<QSet<QString>> others;
    for (const ChatMessage &m : messages) {
        if (m.conversationId.isEmpty())
            continue;
        qsizetype at = index.value(m.conversationId, -1);
        if (at < 0) {
            at = list.size();
            index.insert(m.conversationId, at);
            Conversation c;
            c.id = m.conversationId;
            list.append(c);
            others.append(QSet<QString>());
        }
        Conversation &c = list[at];
        ++c.messages;
        c.unread += m.unread() ? 1 : 0;
        if (!m.own && !m.senderId.isEmpty())
            others[at].insert(m.senderId);
        // The rows come newest arrival first: a later one wins only with a later time.
        if (c.messages == 1 || m.timestamp > c.lastActivity) {
            c.lastActivity = m.timestamp;
            c.lastMessage = m.content.simplified(); // a preview: one line
            c.lastSender = m.senderId;
            c.lastOwn = m.own;
        }
    }
    for (qsizetype i = 0; i < list.size(); ++i) {
        list[i].participants = QStringList(others.at(i).cbegin(), others.at(i).cend());
        list[i].participants.sort();
    }
    std::sort(list.begin(), list.end(), [](const Conversation &a, const Conversation &b) {
        return a.lastActivity != b.lastActivity ? a.lastActivity > b.lastActivity : a.id < b.id;
    });
    return list;
}

} // namespace

ConversationsModel::ConversationsModel(QObject *parent, ChatModel *chat)
    : QAbstractListModel(parent)
    , m_chat(chat)
    , m_roles(conversationRoles())
{
    if (chat)
        connect(chat, &LiveListModel::flushed, this, &ConversationsModel::refresh);
    refresh();
}

int ConversationsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : count();
}

QVariant ConversationsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    return readRole(m_roles, m_rows.at(index.row()), role == Qt::DisplayRole ? IdRole : role);
}

QHash<int, QByteArray> ConversationsModel::roleNames() const
{
    return roleNamesOf(m_roles);
}

QString ConversationsModel::conversationAt(int row) const
{
    return row >= 0 && row < count() ? m_rows.at(row).id : QString();
}

int ConversationsModel::indexOf(const QString &conversationId) const
{
    for (int row = 0; row < count(); ++row) {
        if (m_rows.at(row).id == conversationId)
            return row;
    }
    return -1;
}

bool ConversationsModel::mentions(const QString &conversationId, const QString &text) const
{
    const int row = indexOf(conversationId);
    if (row < 0 || text.isEmpty())
        return false;
    const Conversation &c = m_rows.at(row);
    const auto has = [&text](const QString &in) { return in.contains(text, Qt::CaseInsensitive); };
    if (has(c.id) || std::any_of(c.participants.cbegin(), c.participants.cend(), has))
        return true;
    if (!m_chat)
        return has(c.lastMessage);
    const QList<ChatMessage> &messages = m_chat->rows().all();
    return std::any_of(messages.cbegin(), messages.cend(), [&](const ChatMessage &m) {
        return m.conversationId == conversationId && has(m.content);
    });
}

void ConversationsModel::refresh()
{
    const QList<Conversation> next =
        m_chat ? summarize(m_chat->rows().all()) : QList<Conversation>();
    const int before = count();

    // Gone (their messages left the ChatModel, or a new session emptied it): rare, one by one.
    QSet<QString> keep;
    for (const Conversation &c : next)
        keep.insert(c.id);
    for (int row = count() - 1; row >= 0; --row) {
        if (keep.contains(m_rows.at(row).id))
            continue;
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        endRemoveRows();
    }
    // Then row by row from the top: every row above `row` is final, so the conversation due
    // there is either new or further down.
    for (int row = 0; row < next.size(); ++row) {
        const Conversation &want = next.at(row);
        const int at = indexOf(want.id);
        if (at < 0) {
            beginInsertRows({}, row, row);
            m_rows.insert(row, want);
            endInsertRows();
            continue;
        }
        if (at != row) {
            beginMoveRows({}, at, at, {}, row);
            m_rows.move(at, row);
            endMoveRows();
        }
        QList<int> changed;
        for (const RowRole<Conversation> &role : std::as_const(m_roles)) {
            if (role.read(m_rows.at(row)) != role.read(want))
                changed.append(role.id);
        }
        if (!changed.isEmpty()) {
            m_rows[row] = want;
            Q_EMIT dataChanged(index(row), index(row), changed);
        }
    }

    if (count() != before)
        Q_EMIT countChanged();
    int unread = 0;
    for (const Conversation &c : std::as_const(m_rows))
        unread += c.unread;
    if (unread != m_unreadTotal) {
        m_unreadTotal = unread;
        Q_EMIT unreadTotalChanged();
    }
}

// ---------------------------------------------------------------------------------------------

ConversationsFilter::ConversationsFilter(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    // A conversation's row changes when a message comes: a new mention is found then.
    setDynamicSortFilter(true);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(this, signal, this, &ConversationsFilter::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &ConversationsFilter::countChanged);
    connect(this, &QAbstractItemModel::layoutChanged, this, &ConversationsFilter::countChanged);
}

void ConversationsFilter::setSearch(const QString &search)
{
    const QString trimmed = search.trimmed();
    if (trimmed == m_search)
        return;
    m_search = trimmed;
    invalidateFilter();
    Q_EMIT searchChanged();
    Q_EMIT countChanged();
}

bool ConversationsFilter::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_search.isEmpty())
        return true;
    const QModelIndex source = sourceModel()->index(sourceRow, 0, sourceParent);
    const QString id = source.data(ConversationsModel::IdRole).toString();
    if (const auto *conversations = qobject_cast<const ConversationsModel *>(sourceModel()))
        return conversations->mentions(id, m_search);
    // Another source: what its rows show.
    for (const int role :
         {int(ConversationsModel::IdRole), int(ConversationsModel::ParticipantsRole),
          int(ConversationsModel::LastMessageRole)}) {
        if (source.data(role).toString().contains(m_search, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

QString ConversationsFilter::conversationAt(int row) const
{
    return row >= 0 && row < rowCount() ? index(row, 0).data(ConversationsModel::IdRole).toString()
                                        : QString();
}

int ConversationsFilter::indexOf(const QString &conversationId) const
{
    for (int row = 0; row < rowCount(); ++row) {
        if (index(row, 0).data(ConversationsModel::IdRole).toString() == conversationId)
            return row;
    }
    return -1;
}

} // namespace vigil
