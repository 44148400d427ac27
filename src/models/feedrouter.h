#pragma once

#include "protocol/envelope.h"

#include <QHash>
#include <QList>
#include <QObject>

#include <functional>

namespace vigil {

class ConnectionView;
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

    /// Takes all the envelopes of one read at once (a frame, or the frames read together).
    using BatchSink = std::function<void(const QList<Envelope> &)>;

    /// Routes what `view` receives from now on (and stops following the previous one).
    void attach(ConnectionView *view);
    void route(const Envelope &envelope) const;
    /// Routes one batch: each envelope to its channel's models, in order, then each batch sink
    /// once with its channel's envelopes of the batch (a log store appends them in one go).
    void routeBatch(const QList<Envelope> &batch) const;
    void addBatchSink(const QString &channel, BatchSink sink);
    [[nodiscard]] QList<LiveListModel *> modelsFor(const QString &channel) const
    {
        return m_table.value(channel);
    }

private:
    QHash<QString, QList<LiveListModel *>> m_table;
    QHash<QString, QList<BatchSink>> m_sinks;
    QMetaObject::Connection m_connection;
};

} // namespace vigil
