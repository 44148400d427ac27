#include "quality.h"

#include <QCoreApplication>

#include <algorithm>

namespace vigil {

namespace {

QualityGrade rttGrade(double ms)
{
    if (ms < 50)
        return QualityGrade::Excellent;
    if (ms < 100)
        return QualityGrade::Good;
    if (ms < 200)
        return QualityGrade::Fair;
    if (ms < 500)
        return QualityGrade::Poor;
    return QualityGrade::Critical;
}

QualityGrade lossGrade(double percent)
{
    if (percent < 0.5)
        return QualityGrade::Excellent;
    if (percent < 2)
        return QualityGrade::Good;
    if (percent < 5)
        return QualityGrade::Fair;
    if (percent < 10)
        return QualityGrade::Poor;
    return QualityGrade::Critical;
}

} // namespace

QualityGrade gradeFor(double rttMs, double lossPercent, int samples)
{
    if (samples <= 0)
        return QualityGrade::Unknown;
    return std::max(rttGrade(rttMs), lossGrade(lossPercent));
}

QString gradeName(QualityGrade grade)
{
    switch (grade) {
    case QualityGrade::Unknown:
        return QStringLiteral("unknown");
    case QualityGrade::Excellent:
        return QStringLiteral("excellent");
    case QualityGrade::Good:
        return QStringLiteral("good");
    case QualityGrade::Fair:
        return QStringLiteral("fair");
    case QualityGrade::Poor:
        return QStringLiteral("poor");
    case QualityGrade::Critical:
        return QStringLiteral("critical");
    }
    return QStringLiteral("unknown");
}

QString gradeRecommendation(QualityGrade grade)
{
    switch (grade) {
    case QualityGrade::Unknown:
        return QCoreApplication::translate("Quality", "Measuring the connection...");
    case QualityGrade::Excellent:
        return QCoreApplication::translate("Quality", "Connection is healthy.");
    case QualityGrade::Good:
        return QCoreApplication::translate("Quality", "Connection is good; no action needed.");
    case QualityGrade::Fair:
        return QCoreApplication::translate(
            "Quality", "Some delay or loss: live data may lag by a second or two.");
    case QualityGrade::Poor:
        return QCoreApplication::translate(
            "Quality", "High latency or loss: updates arrive late. Check your network or VPN.");
    case QualityGrade::Critical:
        return QCoreApplication::translate(
            "Quality", "The link is barely usable: expect gaps. Your actions stay queued and "
                       "are sent when it recovers.");
    }
    return {};
}

QString linkRecommendation(bool linked, QualityGrade grade)
{
    if (linked)
        return gradeRecommendation(grade);
    return QCoreApplication::translate("Quality",
                                       "Not connected: nothing answers, so there is nothing to "
                                       "measure. Queued actions wait in the outbox.");
}

} // namespace vigil
