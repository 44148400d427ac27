#pragma once

#include "protocol/envelope.h"

#include <QAbstractListModel>
#include <QHash>
#include <QList>
#include <QStringList>
#include <QTimer>
#include <QVariant>
#include <QtQml/qqmlregistration.h>

namespace vigil {

/// \brief Base of the live list models (incidents, agents, alerts, activity, chat, logs,
/// timeline): rows keyed by an id, newest first, bounded, with every change coalesced into
/// one batch per frame.
///
/// A subclass declares its roles (from Qt::UserRole + 1, in column order; the first role is
/// the key) and turns envelopes into upsert()/remove() calls. Those only queue; flush() (on a
/// ~16 ms single-shot timer) applies them with at most one beginInsertRows for all new rows,
/// one dataChanged per changed row with the roles that changed, and one beginRemoveRows to
/// drop rows beyond the capacity. A flood of thousands of messages a second therefore costs
/// the views one update a frame.
class LiveListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ANONYMOUS
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    using Row = QList<QVariant>;

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    [[nodiscard]] int count() const { return int(m_rows.size()); }

    /// Applies the queued changes now (the timer does it about once a frame).
    void flush();
    /// Empties the model (a new session: a rare event, so one reset).
    void clear();
    /// Takes one envelope; the subclass decides whether it concerns this model.
    virtual void record(const Envelope &envelope) = 0;
    /// The channels this model consumes: the FeedRouter hands it envelopes of these only.
    [[nodiscard]] virtual QStringList channels() const { return {}; }

    /// The row with `key`, after the last flush; empty when there is none (tests, tiles).
    [[nodiscard]] Row rowFor(const QString &key) const;
    /// The row with `key` as it will be after the next flush: the last flushed row with the
    /// queued changes applied. Empty when there is none or it is queued for removal. Models
    /// that merge updates into rows (receipts, metrics) decide with this, so an update that
    /// arrives in the same batch as its row (a replay, a burst) is not lost.
    [[nodiscard]] Row current(const QString &key) const;
    /// The value of `role` in row `row` (no bounds surprises: invalid gives an empty QVariant).
    [[nodiscard]] QVariant value(int row, int role) const;

Q_SIGNALS:
    void countChanged();
    /// After each flush that changed anything: derived figures (counts by severity) follow.
    void flushed();

protected:
    /// `roles` in column order; the first is the key. `capacity` bounds the row count.
    LiveListModel(QObject *parent, QList<QByteArray> roles, int capacity);

    /// Queues "insert or update the row with this key". `values` in column order; an invalid
    /// QVariant keeps the current value of that column on an update. New rows go on top.
    void upsert(const Row &values);
    /// Queues removing the row with `key`.
    void remove(const QString &key);
    /// Called at the end of each flush that changed rows (before flushed()).
    virtual void afterFlush() {}
    /// Read access for subclasses computing figures over all rows.
    [[nodiscard]] const QList<Row> &rows() const { return m_rows; }
    /// True when `key` is a row or waits in the queue to become one (not removed since).
    [[nodiscard]] bool known(const QString &key) const;

private:
    struct Op
    {
        enum Kind { Upsert, Remove } kind;
        Row values;
    };
    void schedule();
    int indexOf(const QString &key) const;
    void reindex();

    QList<QByteArray> m_roles;
    int m_capacity;
    QList<Row> m_rows; // newest first
    QHash<QString, int> m_index;
    QList<Op> m_pending;
    QTimer m_flushTimer;
};

} // namespace vigil
