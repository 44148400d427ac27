#include "livelistmodel.h"

namespace vigil {

namespace {
constexpr int kFlushIntervalMs = 16; // about one frame
} // namespace

RowStore::RowStore(LiveListModel *model)
    : m_model(model)
{
    Q_ASSERT(model && !model->m_rows);
    m_model->m_rows = this;
}

RowStore::~RowStore()
{
    // The model may outlive its rows for a moment (a member of the subclass goes first).
    if (m_model->m_rows == this)
        m_model->m_rows = nullptr;
}

void RowStore::queued()
{
    m_model->schedule();
}

LiveListModel::LiveListModel(QObject *parent, int capacity)
    : QAbstractListModel(parent)
    , m_capacity(std::max(1, capacity))
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(kFlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &LiveListModel::flush);
}

LiveListModel::~LiveListModel() = default;

int LiveListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : count();
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
    if (row < 0 || row >= count())
        return {};
    return m_rows->read(row, role);
}

QHash<int, QByteArray> LiveListModel::roleNames() const
{
    return m_rows ? m_rows->roleNames() : QHash<int, QByteArray>();
}

void LiveListModel::schedule()
{
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void LiveListModel::clear()
{
    m_flushTimer.stop();
    if (!m_rows)
        return;
    if (m_rows->size() == 0) {
        m_rows->clear(); // only the queue to drop
        return;
    }
    beginResetModel();
    m_rows->clear();
    endResetModel();
    Q_EMIT countChanged();
    afterFlush();
    Q_EMIT flushed();
}

void LiveListModel::flush()
{
    m_flushTimer.stop();
    if (!m_rows || !m_rows->hasQueued())
        return;
    const int before = m_rows->size();
    const RowStore::Batch batch = m_rows->fold(m_capacity);

    // Removals are rare (a dismissed item leaving a list): one call per row, bottom up.
    for (int row : batch.removed) {
        beginRemoveRows({}, row, row);
        m_rows->removeAt(row);
        endRemoveRows();
    }
    for (int change = 0; change < batch.changed.size(); ++change) {
        const int row = m_rows->commitChange(change);
        Q_EMIT dataChanged(index(row), index(row), batch.changed.at(change));
    }
    if (batch.inserted > 0) {
        beginInsertRows({}, 0, batch.inserted - 1);
        m_rows->commitInserts();
        endInsertRows();
    }
    if (m_rows->size() > m_capacity) {
        beginRemoveRows({}, m_capacity, m_rows->size() - 1);
        m_rows->truncate(m_capacity);
        endRemoveRows();
    }

    if (m_rows->size() != before)
        Q_EMIT countChanged();
    if (!batch.removed.isEmpty() || !batch.changed.isEmpty() || batch.inserted > 0) {
        afterFlush();
        Q_EMIT flushed();
    }
}

} // namespace vigil
