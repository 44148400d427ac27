#pragma once

#include <QSortFilterProxyModel>
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
class ChatMessagesModel : public QSortFilterProxyModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString conversationId READ conversationId WRITE setConversationId NOTIFY
                   conversationIdChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    explicit ChatMessagesModel(QObject *parent = nullptr);

    [[nodiscard]] QString conversationId() const { return m_conversationId; }
    void setConversationId(const QString &conversationId);
    [[nodiscard]] int count() const { return rowCount(); }

Q_SIGNALS:
    void conversationIdChanged();
    void countChanged();

protected:
    [[nodiscard]] bool filterAcceptsRow(int sourceRow,
                                        const QModelIndex &sourceParent) const override;
    [[nodiscard]] bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    QString m_conversationId;
};

} // namespace vigil
