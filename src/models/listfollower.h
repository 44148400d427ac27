#pragma once

#include <QAbstractItemModel>
#include <QObject>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

namespace vigil {

/// \brief Keeps a live list on its newest rows while the operator is there, and counts the rows
/// that arrive while they have scrolled away ("3 new"), until they come back.
///
/// The view tells it whether it shows the top (`following`, bound to the view's position) and
/// scrolls to the top on followRequested(). New rows while following request that at once (after
/// the view has taken them in); new rows otherwise add to `unseen`. jumpToNewest() is the
/// operator's "N new" button. The logic lives here, so it is tested without a view.
class ListFollower : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    /// The list the view shows (newest rows on top).
    Q_PROPERTY(QAbstractItemModel *model READ model WRITE setModel NOTIFY modelChanged)
    /// The view shows the top of the list: the operator follows what arrives
    Q_PROPERTY(bool following READ following WRITE setFollowing NOTIFY followingChanged)
    /// Rows that arrived while the operator was not following; 0 while following
    Q_PROPERTY(int unseen READ unseen NOTIFY unseenChanged)
public:
    explicit ListFollower(QObject *parent = nullptr);

    [[nodiscard]] QAbstractItemModel *model() const { return m_model; }
    void setModel(QAbstractItemModel *model);
    [[nodiscard]] bool following() const { return m_following; }
    void setFollowing(bool following);
    [[nodiscard]] int unseen() const { return m_unseen; }

    /// The operator asked for the newest rows: the view goes to the top (and follows again).
    Q_INVOKABLE void jumpToNewest();

Q_SIGNALS:
    void modelChanged();
    void followingChanged();
    void unseenChanged();
    /// Put the view at the top (the model has already told the view about its new rows).
    void followRequested();

private:
    void onInserted(const QModelIndex &parent, int first, int last);
    void onRemovedOrReset();
    void setUnseen(int unseen);
    void requestFollow();

    QPointer<QAbstractItemModel> m_model;
    bool m_following = true;
    bool m_followPending = false;
    bool m_jumpAsked = false; ///< the operator asked for the newest rows: go there regardless
    int m_unseen = 0;
};

} // namespace vigil
