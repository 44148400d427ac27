#pragma once

#include <QSortFilterProxyModel>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

namespace vigil {

/// \brief One conversation of the ChatModel in time order, as every chat shows it: the oldest
/// message on top, the newest at the bottom.
///
/// A proxy of the ChatModel (`sourceModel`) keeping the rows of `conversationId`, sorted by
/// timestamp, then by arrival for messages of the same millisecond. The operator's messages
/// not on the server yet (pending or failed) come last, below everything the server has, in
/// the order they were written; once the server has one it moves into its place by time. The
/// roles are the ChatModel's. Created in QML per view:
/// `ChatMessagesModel { sourceModel: ChatModel; conversationId: "conv-1" }`.
///
/// A search finds text in the conversation the way a chat's "find" does: every message stays
/// (the conversation around a match is what the operator wants to read), the matching ones are
/// marked (`matched`) and one of them is the current match (`currentMatch`), which
/// findNext() and findPrevious() move. Matches count from the newest message, where the
/// operator is: match 1 is the newest, "next" is the one above it (older), and both ends wrap.
class ChatMessagesModel : public QSortFilterProxyModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString conversationId READ conversationId WRITE setConversationId NOTIFY
                   conversationIdChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    /// Text to find in the messages' content (case ignored); empty: no search.
    Q_PROPERTY(QString search READ search WRITE setSearch NOTIFY searchChanged)
    /// How many messages of the conversation contain `search`.
    Q_PROPERTY(int matchCount READ matchCount NOTIFY matchesChanged)
    /// Which match is current: 1 for the newest, up to matchCount; 0 when there is none.
    Q_PROPERTY(int currentMatchNumber READ currentMatchNumber NOTIFY matchesChanged)
    /// The row of the current match in this model (-1: none), for the view to show it.
    Q_PROPERTY(int currentMatchRow READ currentMatchRow NOTIFY matchesChanged)
public:
    /// Roles of their own, clear of the ChatModel's.
    enum Role {
        MatchedRole = Qt::UserRole + 100, ///< `matched`: the content contains the search
        CurrentMatchRole                  ///< `currentMatch`: the match the search is at
    };
    Q_ENUM(Role)

    explicit ChatMessagesModel(QObject *parent = nullptr);

    [[nodiscard]] QString conversationId() const { return m_conversationId; }
    void setConversationId(const QString &conversationId);
    [[nodiscard]] int count() const { return rowCount(); }
    [[nodiscard]] QString search() const { return m_search; }
    /// A new search starts at the newest match.
    void setSearch(const QString &search);
    [[nodiscard]] int matchCount() const { return int(m_matches.size()); }
    [[nodiscard]] int currentMatchNumber() const;
    [[nodiscard]] int currentMatchRow() const;

    /// The next match up (older), after the oldest the newest again.
    Q_INVOKABLE void findNext();
    /// The next match down (newer), after the newest the oldest again.
    Q_INVOKABLE void findPrevious();

    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void conversationIdChanged();
    void countChanged();
    void searchChanged();
    void matchesChanged();

protected:
    [[nodiscard]] bool filterAcceptsRow(int sourceRow,
                                        const QModelIndex &sourceParent) const override;
    [[nodiscard]] bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    [[nodiscard]] bool contentMatches(const QModelIndex &index) const;
    /// Lists the matches again after rows came, went or moved; the current one stays where it
    /// was unless it is gone (then the newest is current).
    void updateMatches();
    void setCurrent(const QString &messageId);
    [[nodiscard]] int rowOf(const QString &messageId) const;

    QString m_conversationId;
    QString m_search;      ///< trimmed
    QStringList m_matches; ///< message ids, newest (bottom row) first
    QString m_current;     ///< the current match's message id, "" for none
};

} // namespace vigil
