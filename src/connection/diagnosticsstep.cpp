#include "diagnosticsstep.h"

namespace vigil {

QString DiagnosticStep::statusName(Status status)
{
    switch (status) {
    case Pending:
        return QStringLiteral("pending");
    case Running:
        return QStringLiteral("running");
    case Passed:
        return QStringLiteral("passed");
    case Failed:
        return QStringLiteral("failed");
    case Skipped:
        return QStringLiteral("skipped");
    }
    return {};
}

QJsonObject DiagnosticStep::toJson() const
{
    QJsonObject out{{QStringLiteral("id"), id},
                    {QStringLiteral("title"), title},
                    {QStringLiteral("status"), statusName(status)},
                    {QStringLiteral("detail"), detail},
                    {QStringLiteral("elapsedMs"), elapsedMs}};
    if (!data.isEmpty())
        out.insert(QStringLiteral("data"), data);
    return out;
}

} // namespace vigil
