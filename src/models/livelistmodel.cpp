#include "livelistmodel.h"

#include <QSet>

#include <algorithm>

namespace vigil {

namespace {
constexpr int kFlushIntervalMs = 16; // about one frame
} // namespace

LiveListModel::LiveListModel(QObject *parent, QList<QByteArray> roles, int capacity)
    : QAbstractListModel(parent)
    , m_roles(std::move(roles))
    , m_capacity(std::max(1, capacity))
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(kFlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &LiveListModel::flush);
}

int LiveListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant LiveListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    // DisplayRole shows the key, so plain views and the model tester see something sensible.
    return value(index.row(), role == Qt::DisplayRole ? Qt::UserRole + 1 : role);
}

QVariant LiveListModel::value(int row, int role) const
{
    const int column = role - (Qt::UserRole + 1);
    if (row < 0 || row >= m_rows.size() || column < 0 || column >= m_roles.size())
        return {};
    return m_rows.at(row).value(column);
}

QHash<int, QByteArray> LiveListModel::roleNames() const
{
    QHash<int, QByteArray> names;
    for (int i = 0; i < m_roles.size(); ++i)
        names.insert(Qt::UserRole + 1 + i, m_roles.at(i));
    return names;
}

LiveListModel::Row LiveListModel::rowFor(const QString &key) const
{
    const int row = indexOf(key);
    return row < 0 ? Row{} : m_rows.at(row);
}

LiveListModel::Row LiveListModel::current(const QString &key) const
{
    Row row = rowFor(key);
    for (const Op &op : m_pending) {
        if (op.values.constFirst().toString() != key)
            continue;
        if (op.kind == Op::Remove) {
            row.clear();
            continue;
        }
        if (row.isEmpty()) {
            row = op.values;
            row.resize(m_roles.size());
            continue;
        }
        for (qsizetype c = 1; c < std::min(row.size(), op.values.size()); ++c) {
            if (op.values.at(c).isValid())
                row[c] = op.values.at(c);
        }
    }
    return row;
}

void LiveListModel::upsert(const Row &values)
{
    if (values.isEmpty() || values.constFirst().toString().isEmpty())
        return;
    m_pending.append({Op::Upsert, values});
    schedule();
}

void LiveListModel::remove(const QString &key)
{
    if (key.isEmpty())
        return;
    m_pending.append({Op::Remove, {key}});
    schedule();
}

bool LiveListModel::known(const QString &key) const
{
    bool present = indexOf(key) >= 0;
    for (const Op &op : m_pending) {
        if (op.values.constFirst().toString() == key)
            present = op.kind == Op::Upsert;
    }
    return present;
}

void LiveListModel::schedule()
{
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

int LiveListModel::indexOf(const QString &key) const
{
    return m_index.value(key, -1);
}

void LiveListModel::reindex()
{
    m_index.clear();
    m_index.reserve(m_rows.size());
    for (int i = 0; i < m_rows.size(); ++i)
        m_index.insert(m_rows.at(i).constFirst().toString(), i);
}

void LiveListModel::clear()
{
    m_pending.clear();
    m_flushTimer.stop();
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    m_index.clear();
    endResetModel();
    Q_EMIT countChanged();
    afterFlush();
    Q_EMIT flushed();
}

void LiveListModel::flush()
{
    m_flushTimer.stop();
    if (m_pending.isEmpty())
        return;
    const QList<Op> ops = std::exchange(m_pending, {});
    const int columns = int(m_roles.size());

    // Fold the queue into three sets: new rows (oldest first), updates of existing rows (by
    // key, with the columns touched) and removals of existing rows.
    QList<Row> fresh;
    QHash<QString, int> freshIndex;
    QHash<QString, Row> updates;
    QHash<QString, QList<int>> touched;
    QSet<QString> removals;
    auto merge = [columns](Row &target, const Row &values, QList<int> *changed) {
        target.resize(columns);
        for (int c = 1; c < std::min<qsizetype>(columns, values.size()); ++c) {
            if (!values.at(c).isValid() || target.at(c) == values.at(c))
                continue;
            target[c] = values.at(c);
            if (changed && !changed->contains(c))
                changed->append(c);
        }
    };
    for (const Op &op : ops) {
        const QString key = op.values.constFirst().toString();
        if (op.kind == Op::Remove) {
            if (const int f = freshIndex.value(key, -1); f >= 0) {
                fresh[f].clear(); // tombstone, skipped below
                freshIndex.remove(key);
            } else if (indexOf(key) >= 0) {
                removals.insert(key);
                updates.remove(key);
            }
            continue;
        }
        if (const int f = freshIndex.value(key, -1); f >= 0) {
            merge(fresh[f], op.values, nullptr);
        } else if (indexOf(key) >= 0 && !removals.contains(key)) {
            auto it = updates.find(key);
            if (it == updates.end())
                it = updates.insert(key, m_rows.at(indexOf(key)));
            merge(*it, op.values, &touched[key]);
        } else {
            Row row = op.values;
            row.resize(columns);
            freshIndex.insert(key, int(fresh.size()));
            fresh.append(row); // replaces a row removed earlier in this batch, if any
        }
    }

    const int before = int(m_rows.size());
    bool changed = false;

    // Removals are rare (a resolved item leaving a list): one call per row, bottom up.
    if (!removals.isEmpty()) {
        QList<int> doomed;
        for (const QString &key : std::as_const(removals))
            doomed.append(indexOf(key));
        std::sort(doomed.begin(), doomed.end(), std::greater<>());
        for (int row : std::as_const(doomed)) {
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
        }
        reindex();
        changed = true;
    }

    for (auto it = updates.cbegin(); it != updates.cend(); ++it) {
        const QList<int> &columnsChanged = touched.value(it.key());
        if (columnsChanged.isEmpty())
            continue;
        const int row = indexOf(it.key());
        m_rows[row] = it.value();
        QList<int> roles;
        for (int c : columnsChanged)
            roles.append(Qt::UserRole + 1 + c);
        Q_EMIT dataChanged(index(row), index(row), roles);
        changed = true;
    }

    fresh.removeIf([](const Row &row) { return row.isEmpty(); });
    if (!fresh.isEmpty()) {
        std::reverse(fresh.begin(), fresh.end()); // newest first
        if (fresh.size() > m_capacity)
            fresh.resize(m_capacity);
        beginInsertRows({}, 0, int(fresh.size()) - 1);
        m_rows = fresh + m_rows;
        endInsertRows();
        changed = true;
    }
    if (m_rows.size() > m_capacity) {
        beginRemoveRows({}, m_capacity, int(m_rows.size()) - 1);
        m_rows.resize(m_capacity);
        endRemoveRows();
    }
    if (!fresh.isEmpty() || m_rows.size() != before)
        reindex();

    if (m_rows.size() != before)
        Q_EMIT countChanged();
    if (changed) {
        afterFlush();
        Q_EMIT flushed();
    }
}

} // namespace vigil
