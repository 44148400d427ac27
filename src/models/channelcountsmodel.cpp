#include "channelcountsmodel.h"

#include <QDateTime>

namespace vigil {

namespace {

// About one frame at 60 Hz: a flood of envelopes costs the view one update per frame.
constexpr int kFlushIntervalMs = 16;

} // namespace

ChannelCountsModel::ChannelCountsModel(QObject *parent)
    : QAbstractListModel(parent)
{
    for (const QString &name : knownChannels()) {
        m_index.insert(name, int(m_rows.size()));
        m_rows.append({name, 0, {}, 0});
    }
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(kFlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &ChannelCountsModel::flush);
}

int ChannelCountsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ChannelCountsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return row.name;
    case CountRole:
        return row.count;
    case LastTypeRole:
        return row.lastType;
    case LastSeenRole:
        return row.lastSeen;
    default:
        return {};
    }
}

QHash<int, QByteArray> ChannelCountsModel::roleNames() const
{
    return {{NameRole, "name"},
            {CountRole, "count"},
            {LastTypeRole, "lastType"},
            {LastSeenRole, "lastSeen"}};
}

void ChannelCountsModel::record(const Envelope &envelope)
{
    const QString name = envelope.channel.isEmpty() ? QStringLiteral("(none)") : envelope.channel;
    Pending &p = m_pending[name];
    ++p.added;
    p.lastType = envelope.type;
    p.lastSeen = QDateTime::currentMSecsSinceEpoch();
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void ChannelCountsModel::flush()
{
    if (m_pending.isEmpty())
        return;
    const auto pending = std::exchange(m_pending, {});

    // New channels first, in one insert for the whole batch.
    QStringList fresh;
    for (auto it = pending.begin(); it != pending.end(); ++it) {
        if (!m_index.contains(it.key()))
            fresh.append(it.key());
    }
    if (!fresh.isEmpty()) {
        fresh.sort();
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(fresh.size()) - 1);
        for (const QString &name : std::as_const(fresh)) {
            m_index.insert(name, int(m_rows.size()));
            m_rows.append({name, 0, {}, 0});
        }
        endInsertRows();
    }

    int firstChanged = int(m_rows.size());
    int lastChanged = -1;
    for (auto it = pending.begin(); it != pending.end(); ++it) {
        const int r = m_index.value(it.key());
        Row &row = m_rows[r];
        row.count += it->added;
        row.lastType = it->lastType;
        row.lastSeen = it->lastSeen;
        m_total += it->added;
        firstChanged = std::min(firstChanged, r);
        lastChanged = std::max(lastChanged, r);
    }
    if (lastChanged >= 0) {
        Q_EMIT dataChanged(index(firstChanged), index(lastChanged),
                           {CountRole, LastTypeRole, LastSeenRole});
    }
    Q_EMIT totalChanged();
}

} // namespace vigil
