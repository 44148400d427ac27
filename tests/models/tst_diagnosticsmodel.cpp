// "Run diagnostics" on the Health page: the steps of a real check of the session's server.
#include "connection/connectionmanager.h"
#include "helpers/connectionfixture.h"
#include "helpers/testsupport.h"
#include "models/diagnosticsmodel.h"
#include "relay/relay.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using vigil::DiagnosticsModel;

namespace {
using vigil::test::kWaitMs;

QString statusOf(const DiagnosticsModel &m, const QString &id)
{
    for (int row = 0; row < m.rowCount(); ++row) {
        const QModelIndex i = m.index(row);
        if (m.data(i, DiagnosticsModel::IdRole).toString() == id)
            return m.data(i, DiagnosticsModel::StatusRole).toString();
    }
    return QStringLiteral("(no step %1)").arg(id);
}

// Every role has the name the panel binds to and reads its own field of the step, as the
// report has it (a step that did not run shows -1 ms).
void compareRolesWithReport(const DiagnosticsModel &m)
{
    const QHash<int, QByteArray> names = m.roleNames();
    const QHash<int, QByteArray> expected = {{DiagnosticsModel::IdRole, "stepId"},
                                             {DiagnosticsModel::TitleRole, "title"},
                                             {DiagnosticsModel::StatusRole, "status"},
                                             {DiagnosticsModel::ResultRole, "result"},
                                             {DiagnosticsModel::ElapsedRole, "elapsedMs"}};
    QCOMPARE(names, expected);
    const QJsonArray steps = m.report().value("steps").toArray();
    QCOMPARE(int(steps.size()), m.rowCount());
    for (int row = 0; row < m.rowCount(); ++row) {
        const QModelIndex i = m.index(row);
        const QJsonObject step = steps.at(row).toObject();
        const QString status = step.value("status").toString();
        QCOMPARE(m.data(i, DiagnosticsModel::IdRole).toString(), step.value("id").toString());
        QCOMPARE(m.data(i, DiagnosticsModel::TitleRole).toString(), step.value("title").toString());
        QCOMPARE(m.data(i, Qt::DisplayRole).toString(), step.value("title").toString());
        QCOMPARE(m.data(i, DiagnosticsModel::StatusRole).toString(), status);
        QCOMPARE(m.data(i, DiagnosticsModel::ResultRole).toString(),
                 step.value("detail").toString());
        const bool ran = status != u"pending" && status != u"skipped";
        QCOMPARE(m.data(i, DiagnosticsModel::ElapsedRole).toLongLong(),
                 ran ? step.value("elapsedMs").toInteger() : qint64(-1));
    }
}
} // namespace

class TestDiagnosticsModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void checksTheSessionsServer();
    void unreachableServerFailsWithReasons();
    void withoutSessionNothingRuns();
    void resultsClearWhenTheServerChanges();
    void runningCheckStopsWhenTheServerChanges();
};

void TestDiagnosticsModel::checksTheSessionsServer()
{
    vigil::Relay relay{vigil::RelayConfig{}};
    QString error;
    QVERIFY(relay.start(&error));
    vigil::ConnectionConfig config;
    config.urls = {relay.url()};
    vigil::ConnectionManager manager(config);
    DiagnosticsModel model(nullptr);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setManager(vigil::test::viewOf(manager));
    QVERIFY(model.report().isEmpty());
    QSignalSpy finished(&model, &DiagnosticsModel::finished);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.run();
    QVERIFY(model.running());
    QVERIFY(model.summary().startsWith("Running"));
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    QVERIFY(!model.running());
    QVERIFY(changed.count() >= 8);
    QCOMPARE(statusOf(model, "dns"), QStringLiteral("passed"));
    QCOMPARE(statusOf(model, "tcp"), QStringLiteral("passed"));
    QCOMPARE(statusOf(model, "tls"), QStringLiteral("skipped")); // ws://, no TLS
    QCOMPARE(statusOf(model, "websocket"), QStringLiteral("passed"));
    QCOMPARE(statusOf(model, "ping"), QStringLiteral("passed"));
    // TLS was skipped: the summary does not call that "all passed".
    QVERIFY2(model.summary().endsWith(" checks passed, 1 skipped"), qPrintable(model.summary()));
    QVERIFY(!model.summary().startsWith("All"));
    const QModelIndex first = model.index(0);
    QVERIFY(model.data(first, DiagnosticsModel::ElapsedRole).toLongLong() >= 0);
    QVERIFY(!model.data(first, DiagnosticsModel::ResultRole).toString().isEmpty());
    QVERIFY(!model.report().isEmpty());
    compareRolesWithReport(model);
}

void TestDiagnosticsModel::unreachableServerFailsWithReasons()
{
    quint16 port = 0;
    {
        QTcpServer probe; // a port that was free a moment ago: connections are refused
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        port = probe.serverPort();
    }
    vigil::ConnectionConfig config;
    config.urls = {QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(port))};
    vigil::ConnectionManager manager(config);
    DiagnosticsModel model(nullptr);
    model.setStepTimeoutMs(3000);
    model.setManager(vigil::test::viewOf(manager));
    QSignalSpy finished(&model, &DiagnosticsModel::finished);
    model.run();
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QCOMPARE(statusOf(model, "tcp"), QStringLiteral("failed"));
    QCOMPARE(statusOf(model, "websocket"), QStringLiteral("skipped"));
    QVERIFY2(model.summary().contains("failed"), qPrintable(model.summary()));
    compareRolesWithReport(model); // failed and skipped steps read their fields too
}

void TestDiagnosticsModel::withoutSessionNothingRuns()
{
    DiagnosticsModel model(nullptr);
    model.run();
    QVERIFY(!model.running());
    QCOMPARE(model.summary(), QString());
}

void TestDiagnosticsModel::resultsClearWhenTheServerChanges()
{
    vigil::Relay relay{vigil::RelayConfig{}};
    QString error;
    QVERIFY(relay.start(&error));
    vigil::ConnectionConfig config;
    config.urls = {relay.url()};
    vigil::ConnectionManager first(config);
    config.urls = {QUrl(QStringLiteral("ws://127.0.0.1:1/ws"))}; // never dialled by this test
    vigil::ConnectionManager second(config);

    DiagnosticsModel model(nullptr);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setManager(vigil::test::viewOf(first));
    QSignalSpy finished(&model, &DiagnosticsModel::finished);
    model.run();
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(statusOf(model, "websocket"), QStringLiteral("passed"));
    const QString summary = model.summary();
    QVERIFY(!summary.isEmpty());

    model.setManager(vigil::test::viewOf(first)); // the same server again: the results stay
    QCOMPARE(model.summary(), summary);
    QCOMPARE(statusOf(model, "websocket"), QStringLiteral("passed"));

    QSignalSpy summaryChanged(&model, &DiagnosticsModel::summaryChanged);
    model.setManager(vigil::test::viewOf(second));
    QCOMPARE(model.summary(), QString());
    QCOMPARE(summaryChanged.size(), 1);
    QVERIFY(model.report().isEmpty());
    QVERIFY(!model.running());
    QCOMPARE(model.rowCount(), 8); // the steps to come, none with a result
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex i = model.index(row);
        QCOMPARE(model.data(i, DiagnosticsModel::StatusRole).toString(), QStringLiteral("pending"));
        QCOMPARE(model.data(i, DiagnosticsModel::ResultRole).toString(), QString());
        QCOMPARE(model.data(i, DiagnosticsModel::ElapsedRole).toLongLong(), qint64(-1));
    }
}

void TestDiagnosticsModel::runningCheckStopsWhenTheServerChanges()
{
    QTcpServer silent; // accepts and never answers: the check stays on its upgrade step
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    vigil::ConnectionConfig config;
    config.urls = {QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(silent.serverPort()))};
    vigil::ConnectionManager first(config);
    config.urls = {QUrl(QStringLiteral("ws://127.0.0.1:1/ws"))};
    vigil::ConnectionManager second(config);

    DiagnosticsModel model(nullptr);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setManager(vigil::test::viewOf(first));
    QSignalSpy finished(&model, &DiagnosticsModel::finished);
    QSignalSpy running(&model, &DiagnosticsModel::runningChanged);
    model.run();
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(model, "tcp"), QStringLiteral("passed"), kWaitMs);
    QVERIFY(model.running());

    model.setManager(vigil::test::viewOf(second));
    QVERIFY(!model.running());
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QCOMPARE(running.size(), 2); // started, stopped
    QCOMPARE(model.summary(), QString());
    QCOMPARE(statusOf(model, "tcp"), QStringLiteral("pending"));
    // Nothing of the old check arrives later.
    QCoreApplication::processEvents();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(statusOf(model, "websocket"), QStringLiteral("pending"));
}

QTEST_GUILESS_MAIN(TestDiagnosticsModel)
#include "tst_diagnosticsmodel.moc"
