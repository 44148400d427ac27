#pragma once

#include "protocol/envelope.h"

#include <QHash>
#include <QList>
#include <QObject>

namespace vigil {

class ConnectionManager;
class LiveListModel;

/// \brief Hands each envelope to the models of its channel, and to no other.
///
/// The table (channel -> models) is built once from what each model says it consumes
/// (LiveListModel::channels()); attach() follows a new session's manager. A flood on one
/// channel therefore costs the other models nothing.
class FeedRouter : public QObject
{
    Q_OBJECT
public:
    explicit FeedRouter(const QList<LiveListModel *> &feeds, QObject *parent = nullptr);

    /// Routes what `manager` receives from now on (and stops following the previous one).
    void attach(ConnectionManager *manager);
    void route(const Envelope &envelope) const;
    [[nodiscard]] QList<LiveListModel *> modelsFor(const QString &channel) const
    {
        return m_table.value(channel);
    }

private:
    QHash<QString, QList<LiveListModel *>> m_table;
    QMetaObject::Connection m_connection;
};

} // namespace vigil
