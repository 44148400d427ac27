#pragma once

#include "storage/positionstore.h"

#include <QHash>
#include <QObject>
#include <QTimer>

namespace vigil {

class ConnectionManager;
class PositionStore;

/// \brief Keeps the connection's per-channel positions in a PositionStore: restores them
/// before the first connect, and saves advances in batches (once a second and on exit), so a
/// flood of messages costs one small transaction per second, not one per message.
class PositionKeeper : public QObject
{
    Q_OBJECT
public:
    PositionKeeper(ConnectionManager *manager, PositionStore *store, QString profile,
                   QObject *parent = nullptr);
    ~PositionKeeper() override;

    /// Writes pending advances now.
    void flush();

private:
    PositionStore *m_store;
    QString m_profile;
    QHash<QString, SavedPosition> m_pending;
    QTimer m_timer;
};

} // namespace vigil
