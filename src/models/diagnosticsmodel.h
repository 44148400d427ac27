#pragma once

#include "cppownedsingleton.h"

#include "connection/diagnostics.h"

#include <QAbstractListModel>
#include <QPointer>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

#include <memory>

class QQmlEngine;
class QJSEngine;

namespace vigil {

class ConnectionView;

/// \brief The Health page's "Run diagnostics": the steps of a Diagnostics check of the
/// current server, as a list the page shows while it runs.
///
/// Rows are the DiagnosticStep of the check; roles `stepId` (dns, tcp, tls, websocket, ping,
/// http-...), `title`, `status` (pending, running, passed, failed, skipped), `result` (one
/// sentence), `elapsedMs` (-1 before the step ran), one table in diagnosticsmodel.cpp. Eight rows
/// at most and a handful of changes per run, so each change is published at once. The results
/// belong to one server: another session's server clears them (and cancels a check still running),
/// so the panel never shows one server's results under another's name.
class DiagnosticsModel : public QAbstractListModel, public CppOwnedSingleton<DiagnosticsModel>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(bool running READ running NOTIFY runningChanged)
    /// "3 of 8 steps passed, 1 failed" after a run; empty before the first.
    Q_PROPERTY(QString summary READ summary NOTIFY summaryChanged)
public:
    enum Role { IdRole = Qt::UserRole + 1, TitleRole, StatusRole, ResultRole, ElapsedRole };
    Q_ENUM(Role)

    // No default argument: see ConnectionStatus.
    explicit DiagnosticsModel(QObject *parent);

    /// The session whose server is checked (not owned; may change with every session). Another
    /// manager or other server addresses clear the last results and the summary.
    void setManager(ConnectionView *manager);
    /// Overrides the per-step timeouts (tests keep them short).
    void setStepTimeoutMs(int ms) { m_stepTimeoutMs = ms; }

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    [[nodiscard]] bool running() const;
    [[nodiscard]] QString summary() const { return m_summary; }
    /// The last report as JSON (empty before the first run).
    [[nodiscard]] QJsonObject report() const;

    /// Checks the current server now; a no-op while a check runs or without a session.
    Q_INVOKABLE void run();
    Q_INVOKABLE void cancel();

Q_SIGNALS:
    void runningChanged();
    void summaryChanged();
    void finished(bool allPassed);

private:
    void resetDiagnostics();
    void clearResults();
    void stepChanged(int index);
    void updateSummary(bool done);

    QPointer<ConnectionView> m_manager;
    QList<QUrl> m_serverUrls; ///< the addresses of m_manager, to tell another server
    std::unique_ptr<Diagnostics> m_diagnostics;
    int m_stepTimeoutMs = 10000;
    QString m_summary;
    bool m_ran = false;
};

} // namespace vigil
