#include "diagnosticsmodel.h"

#include "connection/connectionview.h"
#include "rowroles.h"

namespace vigil {

namespace {
const RowRoles<DiagnosticStep> &stepRoles()
{
    using M = DiagnosticsModel;
    using R = DiagnosticStep;
    static const RowRoles<R> roles = {
        {M::IdRole, "stepId", [](const R &r) { return r.id; }},
        {M::TitleRole, "title", [](const R &r) { return r.title; }},
        {M::StatusRole, "status", [](const R &r) { return R::statusName(r.status); }},
        {M::ResultRole, "result", [](const R &r) { return r.detail; }},
        // -1 while the step has not run (pending, or skipped).
        {M::ElapsedRole, "elapsedMs",
         [](const R &r) {
             const bool ran = r.status != R::Pending && r.status != R::Skipped;
             return ran ? r.elapsedMs : qint64(-1);
         }},
    };
    return roles;
}
} // namespace

DiagnosticsModel::DiagnosticsModel(QObject *parent)
    : QAbstractListModel(parent)
{
    resetDiagnostics();
}

void DiagnosticsModel::resetDiagnostics()
{
    // Diagnostics has no "forget the last run": a fresh one holds only pending steps.
    m_diagnostics = std::make_unique<Diagnostics>(DiagnosticsConfig{});
    Diagnostics *d = m_diagnostics.get();
    connect(d, &Diagnostics::stepStarted, this, &DiagnosticsModel::stepChanged);
    connect(d, &Diagnostics::stepFinished, this, [this](int index) {
        stepChanged(index);
        updateSummary(false);
    });
    connect(d, &Diagnostics::finished, this, [this](bool allPassed) {
        updateSummary(true);
        Q_EMIT runningChanged();
        Q_EMIT finished(allPassed);
    });
}

void DiagnosticsModel::setManager(ConnectionView *manager)
{
    const QList<QUrl> urls = manager ? manager->config().urls : QList<QUrl>{};
    // A manager that was destroyed reads as null here, so a new one at the same address is
    // still another session.
    const bool sameServer = manager == m_manager && urls == m_serverUrls;
    m_manager = manager;
    m_serverUrls = urls;
    if (!sameServer)
        clearResults();
}

void DiagnosticsModel::clearResults()
{
    if (!m_ran)
        return;              // nothing but the pending steps to show
    m_diagnostics->cancel(); // a check of the old server: finished(false) now, then gone
    beginResetModel();
    resetDiagnostics();
    m_ran = false;
    endResetModel();
    if (!m_summary.isEmpty()) {
        m_summary.clear();
        Q_EMIT summaryChanged();
    }
}

int DiagnosticsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_diagnostics->steps().size());
}

QVariant DiagnosticsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    // DisplayRole shows the title, for plain views and the model tester.
    return readRole(stepRoles(), m_diagnostics->steps().at(index.row()),
                    role == Qt::DisplayRole ? int(TitleRole) : role);
}

QHash<int, QByteArray> DiagnosticsModel::roleNames() const
{
    return roleNamesOf(stepRoles());
}

bool DiagnosticsModel::running() const
{
    return m_diagnostics->running();
}

QJsonObject DiagnosticsModel::report() const
{
    return m_ran ? m_diagnostics->toJson() : QJsonObject();
}

void DiagnosticsModel::run()
{
    if (m_diagnostics->running() || !m_manager)
        return;
    DiagnosticsConfig config;
    config.url = m_manager->currentUrl();
    config.token = m_manager->config().token;
    config.extraCaCertificates = m_manager->config().extraCaCertificates;
    config.stepTimeoutMs = m_stepTimeoutMs;
    m_diagnostics->setConfig(config);
    // The step list is rebuilt by start(): a reset, once per run.
    beginResetModel();
    m_ran = true;
    m_diagnostics->start();
    endResetModel();
    updateSummary(false);
    Q_EMIT runningChanged();
}

void DiagnosticsModel::cancel()
{
    m_diagnostics->cancel();
}

void DiagnosticsModel::stepChanged(int index)
{
    if (index < 0 || index >= rowCount())
        return;
    Q_EMIT dataChanged(this->index(index), this->index(index),
                       {StatusRole, ResultRole, ElapsedRole});
}

void DiagnosticsModel::updateSummary(bool done)
{
    int passed = 0, failed = 0, skipped = 0;
    for (const DiagnosticStep &step : m_diagnostics->steps()) {
        passed += step.status == DiagnosticStep::Passed;
        failed += step.status == DiagnosticStep::Failed;
        skipped += step.status == DiagnosticStep::Skipped;
    }
    const int total = rowCount();
    QString summary;
    if (!done)
        summary = tr("Running: %1 of %2 steps done").arg(passed + failed + skipped).arg(total);
    else if (failed == 0 && skipped == 0)
        summary = tr("All %1 checks passed").arg(passed);
    else if (failed == 0) // a skipped check (TLS on ws://) did not pass: say so
        summary = tr("%1 checks passed, %2 skipped").arg(passed).arg(skipped);
    else
        summary = tr("%1 of %2 checks failed").arg(failed).arg(total - skipped);
    if (summary == m_summary)
        return;
    m_summary = summary;
    Q_EMIT summaryChanged();
}

} // namespace vigil
