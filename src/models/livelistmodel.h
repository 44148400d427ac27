#pragma once

#include "protocol/envelope.h"
#include "rowroles.h"

#include <QAbstractListModel>
#include <QHash>
#include <QList>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <QVariant>
#include <QtQml/qqmlregistration.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace vigil {

class LiveListModel;
template<typename Row> class LiveRows;

/// \brief The rows of one LiveListModel as its batching sees them, whatever their type.
///
/// LiveRows<Row> is the implementation; LiveListModel::flush() drives it: fold() turns the
/// queue into staged changes and says what they are, then the model publishes them step by
/// step, telling the views around each step.
class RowStore
{
public:
    /// What one flush changes, in the order the views are told.
    struct Batch
    {
        QList<int> removed;        ///< shown rows that go, bottom up
        QList<QList<int>> changed; ///< per staged change (commitChange()), the roles that differ
        int inserted = 0;          ///< new rows, for the top
    };

    virtual ~RowStore();
    Q_DISABLE_COPY_MOVE(RowStore)

    [[nodiscard]] virtual int size() const = 0;
    [[nodiscard]] virtual QVariant read(int row, int role) const = 0;
    [[nodiscard]] virtual QHash<int, QByteArray> roleNames() const = 0;

    [[nodiscard]] virtual bool hasQueued() const = 0;
    /// Folds the queue into staged changes (at most `capacity` new rows).
    virtual Batch fold(int capacity) = 0;
    virtual void removeAt(int row) = 0;
    /// Publishes staged change `change` (an index into Batch::changed); returns its row.
    virtual int commitChange(int change) = 0;
    /// Puts the staged new rows on top.
    virtual void commitInserts() = 0;
    virtual void truncate(int size) = 0;
    /// Drops every row and everything queued.
    virtual void clear() = 0;

protected:
    /// Becomes the rows of `model` (which has one store; it must outlive the store).
    explicit RowStore(LiveListModel *model);
    /// Something was queued: the model flushes within a frame.
    void queued();

private:
    LiveListModel *m_model;
};

/// \brief Base of the live list models (incidents, agents, alerts, activity, chat, logs,
/// notifications): rows keyed by an id, newest first, bounded, with every change coalesced
/// into one batch per frame.
///
/// A subclass declares a row struct and its roles (one RowRoles table: role id, QML name,
/// how to read the field), owns a LiveRows<Row> built from that table, and turns envelopes
/// into LiveRows::upsert()/update()/remove() calls. Those only queue; flush() (on a ~16 ms
/// single-shot timer) applies them with at most one beginInsertRows for all new rows, one
/// dataChanged per changed row with the roles whose value changed, and one beginRemoveRows to
/// drop rows beyond the capacity. A flood of thousands of messages a second therefore costs
/// the views one update a frame.
class LiveListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ANONYMOUS
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    ~LiveListModel() override;

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    [[nodiscard]] int count() const { return m_rows ? m_rows->size() : 0; }

    /// Applies the queued changes now (the timer does it about once a frame).
    void flush();
    /// Empties the model (a new session: a rare event, so one reset).
    void clear();
    /// Takes one envelope; the subclass decides whether it concerns this model.
    virtual void record(const Envelope &envelope) = 0;
    /// The channels this model consumes: the FeedRouter hands it envelopes of these only.
    [[nodiscard]] virtual QStringList channels() const { return {}; }

    /// The value of `role` in row `row` (no bounds surprises: invalid gives an empty QVariant).
    [[nodiscard]] QVariant value(int row, int role) const;

Q_SIGNALS:
    void countChanged();
    /// After each flush that changed anything: derived figures (counts by severity) follow.
    void flushed();

protected:
    /// A model whose rows are a LiveRows<Row> member (built with `this`). `capacity` bounds
    /// the row count.
    LiveListModel(QObject *parent, int capacity);

    /// Called at the end of each flush that changed rows (before flushed()).
    virtual void afterFlush() {}

private:
    friend class RowStore;
    void schedule();

    int m_capacity;
    RowStore *m_rows = nullptr; // a member of the subclass
    QTimer m_flushTimer;
};

/// The key of a row: its `id` field.
template<typename Row> QString rowKey(const Row &row)
{
    return row.id;
}
template<typename Row> void setRowKey(Row &row, const QString &key)
{
    row.id = key;
}
/// \brief The rows of a live list model, each a `Row` struct keyed by its `id`: the ones shown
/// (newest first) and the changes queued for the next flush.
///
/// A model owns one as a member (`LiveRows<Incident> m_rows{this, roles}`) and queues into
/// it from record(): upsert() a whole row or a patch, update() a row only if there is one,
/// remove(). A patch is a function that sets the fields an envelope carries and leaves the
/// others alone, so a partial update never wipes what it does not carry; it captures by
/// value. Patches run in the order they were queued, at the flush, on the row as it is by
/// then: an update arriving in the same batch as its row (a replay, a burst) applies to it.
/// Which roles changed is found by reading each role before and after, so the role table
/// stays the only place that knows them.
template<typename Row> class LiveRows final : public RowStore
{
public:
    using Patch = std::function<void(Row &)>;

    LiveRows(LiveListModel *model, RowRoles<Row> roles)
        : RowStore(model)
        , m_roles(std::move(roles))
    {}

    /// Queues a whole row: a new one on top, or the new value of every field of that row.
    void upsert(const Row &row)
    {
        upsert(rowKey(row), [row](Row &target) { target = row; });
    }
    /// Queues `patch` on the row with `key`; a missing row is created first (its fields
    /// default, its key set).
    void upsert(const QString &key, Patch patch) { enqueue(Op::Upsert, key, std::move(patch)); }
    /// Queues `patch` on the row with `key` if there is one by then, shown or queued; else
    /// nothing (a receipt or a metric for an item that is not listed).
    void update(const QString &key, Patch patch) { enqueue(Op::Update, key, std::move(patch)); }
    /// Queues removing the row with `key`.
    void remove(const QString &key) { enqueue(Op::Remove, key, {}); }

    /// The rows shown (as of the last flush), newest first.
    [[nodiscard]] const QList<Row> &all() const { return m_rows; }
    /// The shown row with `key`, or null; valid until the next flush.
    [[nodiscard]] const Row *find(const QString &key) const
    {
        const int row = indexOf(key);
        return row < 0 ? nullptr : &m_rows.at(row);
    }
    /// The row with `key` as it will be after the next flush: the shown row with the queued
    /// changes applied. Empty when there is none or it is queued for removal.
    [[nodiscard]] std::optional<Row> current(const QString &key) const
    {
        std::optional<Row> row;
        if (const Row *shown = find(key))
            row = *shown;
        for (const Op &op : m_queue) {
            if (op.key != key)
                continue;
            if (op.kind == Op::Remove) {
                row.reset();
            } else if (row) {
                apply(*row, op);
            } else if (op.kind == Op::Upsert) {
                row.emplace();
                apply(*row, op);
            }
        }
        return row;
    }
    /// True when `key` is a row or is queued to become one (and not removed since).
    [[nodiscard]] bool known(const QString &key) const
    {
        bool present = m_stamps.contains(key);
        for (const Op &op : m_queue) {
            if (op.key == key && op.kind != Op::Update)
                present = op.kind == Op::Upsert;
        }
        return present;
    }

    // RowStore
    [[nodiscard]] int size() const override { return int(m_rows.size()); }
    [[nodiscard]] QVariant read(int row, int role) const override
    {
        return readRole(m_roles, m_rows.at(row), role);
    }
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override { return roleNamesOf(m_roles); }
    [[nodiscard]] bool hasQueued() const override { return !m_queue.isEmpty(); }
    Batch fold(int capacity) override;
    void removeAt(int row) override
    {
        m_rows.removeAt(row);
        reindex();
    }
    int commitChange(int change) override
    {
        const auto &[key, row] = m_changes.at(change);
        const int at = indexOf(key);
        m_rows[at] = row;
        return at;
    }
    void commitInserts() override
    {
        // The rows below keep their stamps: only the new ones are indexed.
        const qsizetype added = m_fresh.size();
        for (qsizetype i = 0; i < added; ++i)
            m_stamps.insert(rowKey(m_fresh.at(i)), m_newest + added - i);
        m_newest += added;
        m_fresh.append(std::move(m_rows));
        m_rows = std::exchange(m_fresh, {});
    }
    void truncate(int size) override
    {
        for (qsizetype i = size; i < m_rows.size(); ++i)
            m_stamps.remove(rowKey(m_rows.at(i)));
        m_rows.resize(size);
    }
    void clear() override
    {
        m_rows.clear();
        m_stamps.clear();
        m_newest = -1;
        m_queue.clear();
        m_fresh.clear();
        m_changes.clear();
    }

private:
    struct Op
    {
        enum Kind { Upsert, Update, Remove } kind;
        QString key;
        Patch patch;
    };

    void enqueue(typename Op::Kind kind, const QString &key, Patch patch)
    {
        if (key.isEmpty())
            return;
        m_queue.append({kind, key, std::move(patch)});
        queued();
    }
    static void apply(Row &row, const Op &op)
    {
        op.patch(row);
        setRowKey(row, op.key); // a patch does not move a row to another key
    }
    [[nodiscard]] QList<int> changedRoles(const Row &before, const Row &after) const
    {
        QList<int> roles;
        for (const RowRole<Row> &role : m_roles) {
            if (role.read(before) != role.read(after))
                roles.append(role.id);
        }
        return roles;
    }
    [[nodiscard]] int indexOf(const QString &key) const
    {
        const auto it = m_stamps.constFind(key);
        return it == m_stamps.cend() ? -1 : int(m_newest - *it);
    }
    void reindex()
    {
        m_stamps.clear();
        m_stamps.reserve(m_rows.size());
        m_newest = m_rows.size() - 1;
        for (qsizetype i = 0; i < m_rows.size(); ++i)
            m_stamps.insert(rowKey(m_rows.at(i)), m_newest - i);
    }

    RowRoles<Row> m_roles;
    QList<Row> m_rows; // shown, newest first
    // Each key's stamp grows with the row's newness and its position is m_newest - stamp, so
    // new rows on top or the oldest dropped leave the other entries as they are.
    QHash<QString, qint64> m_stamps;
    qint64 m_newest = -1;
    QList<Op> m_queue;
    // Staged by fold(), published by the commit calls.
    QList<Row> m_fresh; // newest first
    QList<std::pair<QString, Row>> m_changes;
};

template<typename Row> RowStore::Batch LiveRows<Row>::fold(int capacity)
{
    // Fold the queue, in order, into three sets: new rows (oldest first; a row removed again
    // leaves an empty slot), new versions of shown rows (by key) and shown rows to remove.
    QList<std::optional<Row>> fresh;
    QHash<QString, qsizetype> freshIndex;
    QHash<QString, Row> updated;
    QSet<QString> removed;
    for (const Op &op : std::exchange(m_queue, {})) {
        const qsizetype f = freshIndex.value(op.key, -1);
        const bool shown = m_stamps.contains(op.key) && !removed.contains(op.key);
        if (op.kind == Op::Remove) {
            if (f >= 0) {
                fresh[f].reset();
                freshIndex.remove(op.key);
            } else if (shown) {
                removed.insert(op.key);
                updated.remove(op.key);
            }
        } else if (f >= 0) {
            apply(*fresh[f], op);
        } else if (shown) {
            auto it = updated.find(op.key);
            if (it == updated.end())
                it = updated.insert(op.key, m_rows.at(indexOf(op.key)));
            apply(*it, op);
        } else if (op.kind == Op::Upsert) {
            // New, or back after a removal in this batch: either way a new row on top.
            Row row{};
            apply(row, op);
            freshIndex.insert(op.key, fresh.size());
            fresh.append(std::move(row));
        } // an update of a row that is neither shown nor queued has nothing to change
    }

    Batch batch;
    for (const QString &key : std::as_const(removed))
        batch.removed.append(indexOf(key));
    std::sort(batch.removed.begin(), batch.removed.end(), std::greater<>());

    m_changes.clear();
    for (auto it = updated.cbegin(); it != updated.cend(); ++it) {
        QList<int> roles = changedRoles(m_rows.at(indexOf(it.key())), it.value());
        if (roles.isEmpty())
            continue; // the same values again: nothing to tell
        m_changes.append({it.key(), it.value()});
        batch.changed.append(std::move(roles));
    }

    m_fresh.clear();
    for (auto it = fresh.rbegin(); it != fresh.rend() && m_fresh.size() < capacity; ++it) {
        if (*it)
            m_fresh.append(std::move(**it)); // newest first; beyond the capacity they would go
    }
    batch.inserted = int(m_fresh.size());
    return batch;
}

} // namespace vigil
