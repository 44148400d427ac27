#include "logfilter.h"

#include "envelope.h"

#include <QJsonArray>

namespace vigil {

const QStringList &logLevels()
{
    static const QStringList levels = {QStringLiteral("debug"), QStringLiteral("info"),
                                       QStringLiteral("warn"), QStringLiteral("error")};
    return levels;
}

int logLevelRank(QStringView level)
{
    const int rank = int(logLevels().indexOf(level.toString()));
    if (rank >= 0)
        return rank;
    if (level.compare(u"warning", Qt::CaseInsensitive) == 0)
        return 2;
    if (level.compare(u"fatal", Qt::CaseInsensitive) == 0 ||
        level.compare(u"critical", Qt::CaseInsensitive) == 0)
        return 3;
    for (int i = 0; i < logLevels().size(); ++i) {
        if (level.compare(logLevels().at(i), Qt::CaseInsensitive) == 0)
            return i;
    }
    return -1;
}

bool LogFilter::matches(QStringView level, QStringView source, QStringView task) const
{
    if (minLevel > 0) {
        const int rank = logLevelRank(level);
        if (rank >= 0 && rank < minLevel)
            return false;
    }
    if (!sources.isEmpty()) {
        bool found = false;
        for (const QString &s : sources) {
            if (s == source) {
                found = true;
                break;
            }
        }
        if (!found)
            return false;
    }
    return taskId.isEmpty() || taskId == task;
}

bool LogFilter::matches(const QJsonObject &entry) const
{
    if (isEmpty())
        return true;
    return matches(entry.value(QLatin1StringView("level")).toString(),
                   entry.value(QLatin1StringView("source")).toString(),
                   entry.value(QLatin1StringView("taskId")).toString());
}

QJsonObject LogFilter::toJson() const
{
    QJsonObject out;
    if (minLevel > 0 && minLevel < logLevels().size())
        out.insert(QLatin1StringView("minLevel"), logLevels().at(minLevel));
    if (!sources.isEmpty())
        out.insert(QLatin1StringView("sources"), QJsonArray::fromStringList(sources));
    if (!taskId.isEmpty())
        out.insert(QLatin1StringView("taskId"), taskId);
    return out;
}

std::optional<LogFilter> LogFilter::fromJson(const QJsonValue &value, QString *error)
{
    auto refuse = [error](const QString &why) -> std::optional<LogFilter> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (value.isUndefined() || value.isNull())
        return LogFilter{};
    if (!value.isObject())
        return refuse(QStringLiteral("the filter must be an object"));
    const QJsonObject o = value.toObject();
    LogFilter filter;

    const QJsonValue level = o.value(QLatin1StringView("minLevel"));
    if (!level.isUndefined() && !level.isNull()) {
        if (!level.isString())
            return refuse(QStringLiteral("minLevel must be a string"));
        const int rank = logLevelRank(level.toString());
        if (rank < 0)
            return refuse(QStringLiteral("minLevel must be one of %1")
                              .arg(logLevels().join(QLatin1StringView(", "))));
        filter.minLevel = rank;
    }

    const QJsonValue sources = o.value(QLatin1StringView("sources"));
    if (!sources.isUndefined() && !sources.isNull()) {
        if (!sources.isArray())
            return refuse(QStringLiteral("sources must be an array of strings"));
        const QJsonArray list = sources.toArray();
        if (list.size() > kMaxSources)
            return refuse(QStringLiteral("at most %1 sources can be named").arg(kMaxSources));
        for (const QJsonValue &s : list) {
            if (!s.isString() || s.toString().isEmpty() || s.toString().size() > kMaxNameLength)
                return refuse(QStringLiteral("each source must be a name of 1 to %1 characters")
                                  .arg(kMaxNameLength));
            if (!filter.sources.contains(s.toString()))
                filter.sources.append(s.toString());
        }
    }

    const QJsonValue task = o.value(QLatin1StringView("taskId"));
    if (!task.isUndefined() && !task.isNull()) {
        if (!task.isString() || task.toString().size() > kMaxNameLength)
            return refuse(QStringLiteral("taskId must be a string of at most %1 characters")
                              .arg(kMaxNameLength));
        filter.taskId = task.toString();
    }
    return filter;
}

} // namespace vigil
