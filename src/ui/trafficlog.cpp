#include "trafficlog.h"

#include "connection/connectionview.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace vigil {

namespace {

const QString kRedacted = QStringLiteral("[redacted]");

bool sensitiveName(QStringView name)
{
    for (const char *word : {"token", "secret", "password", "authorization"}) {
        if (name.contains(QLatin1StringView(word), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

RowRoles<TrafficFrame> frameRoles()
{
    using M = TrafficLog;
    using R = TrafficFrame;
    return {
        {M::IdRole, "frameId", [](const R &r) { return r.id; }},
        {M::TimeRole, "time", [](const R &r) { return r.at; }},
        {M::OutboundRole, "outbound", [](const R &r) { return r.outbound; }},
        {M::ChannelRole, "channel", [](const R &r) { return r.channel; }},
        {M::TypeRole, "type", [](const R &r) { return r.type; }},
        {M::BytesRole, "bytes", [](const R &r) { return r.bytes; }},
        // Built when asked (the selected frame), not for every frame of a flood.
        {M::JsonRole, "json",
         [](const R &r) {
             return QString::fromUtf8(QJsonDocument(r.json).toJson(QJsonDocument::Compact));
         }},
    };
}

} // namespace

QString redactedText(const QString &text)
{
    // Cheap test first: nearly every text of a frame has nothing to hide.
    static const QRegularExpression hint(
        QStringLiteral("token|secret|password|authorization|bearer"),
        QRegularExpression::CaseInsensitiveOption);
    if (!text.contains(hint))
        return text;
    // A URL's whole query string when one of its parameters is a secret.
    static const QRegularExpression query(QStringLiteral(R"(\?[^\s"'<>#]*)"));
    static const QRegularExpression secretParameter(
        QStringLiteral(R"((^|[?&;])[^=&;]*(token|secret|password|authorization)[^=&;]*=)"),
        QRegularExpression::CaseInsensitiveOption);
    // Then such a name=value pair anywhere (a form body, a log line), and a bearer credential.
    static const QRegularExpression pair(
        QStringLiteral(
            R"(([\w.-]*(token|secret|password|authorization)[\w.-]*\s*[=:]\s*)[^\s&;,"']+)"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression bearer(QStringLiteral(R"((bearer\s+)[^\s,"']+)"),
                                           QRegularExpression::CaseInsensitiveOption);
    QString out;
    qsizetype from = 0;
    for (auto it = query.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        out += QStringView(text).mid(from, m.capturedStart() - from);
        out +=
            m.captured().contains(secretParameter) ? QStringLiteral("?") + kRedacted : m.captured();
        from = m.capturedEnd();
    }
    out += QStringView(text).mid(from);
    out.replace(pair, QStringLiteral("\\1") + kRedacted);
    out.replace(bearer, QStringLiteral("\\1") + kRedacted);
    return out;
}

QJsonValue redactedJson(const QJsonValue &value)
{
    if (value.isObject()) {
        QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            *it = sensitiveName(it.key()) ? QJsonValue(kRedacted) : redactedJson(*it);
        return object;
    }
    if (value.isArray()) {
        QJsonArray array = value.toArray();
        for (auto it = array.begin(); it != array.end(); ++it)
            *it = redactedJson(*it);
        return array;
    }
    if (value.isString())
        return redactedText(value.toString());
    return value;
}

// ---------------------------------------------------------------------------------------------

TrafficLog::TrafficLog(QObject *parent, int capacity)
    : LiveListModel(parent, std::clamp(capacity, 1, kMaxCapacity))
    , m_rows(this, frameRoles())
    , m_capacity(std::clamp(capacity, 1, kMaxCapacity))
{}

void TrafficLog::attach(ConnectionView *manager)
{
    m_manager = manager;
    connectManager();
}

void TrafficLog::setCapturing(bool capturing)
{
    if (capturing == m_capturing)
        return;
    m_capturing = capturing;
    connectManager();
    Q_EMIT capturingChanged();
}

void TrafficLog::connectManager()
{
    disconnect(m_connection);
    // Taken only while wanted: the manager builds nothing for a signal nobody hears.
    if (m_manager)
        m_manager->setTrafficWanted(m_capturing);
    if (m_capturing && m_manager)
        m_connection = connect(m_manager, &ConnectionView::traffic, this, &TrafficLog::take);
}

void TrafficLog::take(bool outbound, const Envelope &envelope, qint64 bytes)
{
    TrafficFrame frame;
    frame.id = QString::number(++m_next);
    frame.at = QDateTime::currentMSecsSinceEpoch();
    frame.outbound = outbound;
    frame.channel = envelope.channel;
    frame.type = envelope.type;
    frame.bytes = std::max<qint64>(0, bytes);
    frame.json = redactedJson(envelope.toJson()).toObject();
    ++m_seen;
    // A choice per channel seen; a server inventing channels by the thousand gets no more.
    constexpr qsizetype kMaxChannels = 256;
    if (!frame.channel.isEmpty() && !m_channels.contains(frame.channel) &&
        m_channels.size() < kMaxChannels) {
        m_channels.insert(frame.channel);
        m_channelList.append(frame.channel);
        m_channelList.sort();
    }
    if (m_paused) {
        m_held.push_back(std::move(frame));
        if (int(m_held.size()) > m_capacity)
            m_held.pop_front(); // the list could not show more than its capacity anyway
    } else {
        show(std::move(frame));
    }
    Q_EMIT countsChanged();
}

void TrafficLog::show(TrafficFrame frame)
{
    m_rows.upsert(frame);
}

void TrafficLog::pause()
{
    if (m_paused)
        return;
    flush(); // what arrived before the click is shown
    m_paused = true;
    Q_EMIT pausedChanged();
}

void TrafficLog::resume()
{
    if (!m_paused)
        return;
    m_paused = false;
    for (TrafficFrame &frame : m_held)
        show(std::move(frame));
    m_held.clear();
    flush();
    Q_EMIT pausedChanged();
    Q_EMIT countsChanged();
}

void TrafficLog::clearFrames()
{
    m_held.clear();
    m_seen = 0;
    m_channels.clear();
    m_channelList.clear();
    clear();
    Q_EMIT countsChanged();
}

// ---------------------------------------------------------------------------------------------

TrafficFilter::TrafficFilter(QObject *parent)
    : FeedFilter(parent)
{}

void TrafficFilter::setDirection(Direction direction)
{
    if (direction == m_direction)
        return;
    m_direction = direction;
    refilter();
}

void TrafficFilter::setChannel(const QString &channel)
{
    if (channel == m_channel)
        return;
    m_channel = channel;
    refilter();
}

void TrafficFilter::setTypeText(const QString &text)
{
    if (text == m_typeText)
        return;
    m_typeText = text;
    refilter();
}

bool TrafficFilter::accepts(const QModelIndex &source) const
{
    const bool outbound = source.data(TrafficLog::OutboundRole).toBool();
    if ((m_direction == Direction::Inbound && outbound) ||
        (m_direction == Direction::Outbound && !outbound))
        return false;
    if (!m_channel.isEmpty() && source.data(TrafficLog::ChannelRole).toString() != m_channel)
        return false;
    return m_typeText.trimmed().isEmpty() ||
           source.data(TrafficLog::TypeRole)
               .toString()
               .contains(m_typeText.trimmed(), Qt::CaseInsensitive);
}

QList<int> TrafficFilter::searchRoles() const
{
    return {TrafficLog::TypeRole, TrafficLog::ChannelRole};
}

} // namespace vigil
