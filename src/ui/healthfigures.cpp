#include "healthfigures.h"

#include <cmath>

namespace vigil {

HealthFigures HealthFigures::from(const QJsonObject &health, QualityGrade grade, int queueDepth)
{
    const auto number = [&health](const char *key, double missing) {
        return health.value(QLatin1String(key)).toDouble(missing);
    };
    const auto integer = [&health](const char *key, qint64 missing) {
        return health.value(QLatin1String(key)).toInteger(missing);
    };
    HealthFigures f;
    f.m_state = health.value(QLatin1String("state")).toString();
    f.m_transport = health.value(QLatin1String("transport")).toString();
    f.m_grade = grade;
    f.m_quality = gradeName(grade);
    f.m_recommendation = health.value(QLatin1String("recommendation")).toString();
    f.m_rttLastMs = number("rttLastMs", -1);
    f.m_rttAvgMs = number("rttAvgMs", -1);
    f.m_rttP95Ms = number("rttP95Ms", -1);
    f.m_jitterMs = number("jitterMs", -1);
    f.m_lossPercent = number("lossPercent", 0);
    f.m_uptimeMs = number("uptimeMs", -1);
    f.m_reconnects = int(integer("reconnects", 0));
    f.m_messagesIn = number("messagesIn", 0);
    f.m_messagesOut = number("messagesOut", 0);
    f.m_messagesInPerSec = number("messagesInPerSec", 0);
    f.m_messagesOutPerSec = number("messagesOutPerSec", 0);
    f.m_duplicatesDropped = number("duplicatesDropped", 0);
    f.m_queueDepth = queueDepth;
    f.m_stalled = health.value(QLatin1String("stalled")).toBool();
    return f;
}

QString HealthFigures::formatMs(double ms)
{
    if (ms < 0)
        return QStringLiteral("-");
    return tr("%1 ms").arg(std::llround(ms));
}

QString HealthFigures::formatDuration(double ms)
{
    if (ms < 0)
        return QStringLiteral("-");
    const qint64 s = qint64(ms) / 1000;
    if (s >= 3600)
        return tr("%1 h %2 min").arg(s / 3600).arg(s % 3600 / 60);
    if (s >= 60)
        return tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    return tr("%1 s").arg(s);
}

Tone::Value HealthFigures::toneOf(QualityGrade grade)
{
    switch (grade) {
    case QualityGrade::Excellent:
    case QualityGrade::Good:
        return Tone::Ok;
    case QualityGrade::Fair:
        return Tone::Warning;
    case QualityGrade::Poor:
    case QualityGrade::Critical:
        return Tone::Danger;
    case QualityGrade::Unknown:
        break;
    }
    return Tone::Idle;
}

QString HealthFigures::stateText() const
{
    return tr("%1 / %2").arg(m_state, m_transport);
}

QString HealthFigures::lossText() const
{
    return tr("%1 %").arg(QString::number(m_lossPercent, 'f', 1));
}

QString HealthFigures::messagesInText() const
{
    return tr("%1 (%2/s)")
        .arg(qint64(m_messagesIn))
        .arg(QString::number(m_messagesInPerSec, 'f', 1));
}

QString HealthFigures::messagesOutText() const
{
    return tr("%1 (%2/s)")
        .arg(qint64(m_messagesOut))
        .arg(QString::number(m_messagesOutPerSec, 'f', 1));
}

} // namespace vigil
