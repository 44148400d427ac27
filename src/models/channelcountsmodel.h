#pragma once

#include "cppownedsingleton.h"

#include "protocol/envelope.h"

#include <QAbstractListModel>
#include <QHash>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace vigil {

/// \brief Live message counts per channel: one row per channel, updated at most once a frame.
///
/// Roles: `name` (channel name), `count` (envelopes received), `lastType` (type of the latest
/// envelope), `lastSeen` (its arrival time, ms since the epoch; 0 before the first).
class ChannelCountsModel : public QAbstractListModel, public CppOwnedSingleton<ChannelCountsModel>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(qint64 total READ total NOTIFY totalChanged)
public:
    enum Role { NameRole = Qt::UserRole + 1, CountRole, LastTypeRole, LastSeenRole };
    Q_ENUM(Role)

    // No default argument on purpose: Qt 6.4 prefers a default constructor over create() for
    // QML_SINGLETON, and QML would then build a second, unconnected instance.
    explicit ChannelCountsModel(QObject *parent);

    /// The instance QML sees; set by the application before it loads QML.

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    [[nodiscard]] qint64 total() const { return m_total; }

    /// Counts one envelope. Cheap: the view hears about it at the next flush.
    void record(const Envelope &envelope);
    /// Publishes pending counts now (called by the timer; public for tests).
    void flush();

Q_SIGNALS:
    void totalChanged();

private:
    struct Row
    {
        QString name;
        qint64 count = 0;
        QString lastType;
        qint64 lastSeen = 0;
    };
    struct Pending
    {
        qint64 added = 0;
        QString lastType;
        qint64 lastSeen = 0;
    };

    QList<Row> m_rows;
    QHash<QString, int> m_index;
    QHash<QString, Pending> m_pending;
    qint64 m_total = 0;
    QTimer m_flushTimer;
};

} // namespace vigil
