// wss:// against a server whose certificate comes from a CA this test makes with openssl:
// trusted through an extra CA file, refused (with the reason named) without it.
#include "connection/connectionmanager.h"
#include "connection/connectionoptions.h"
#include "helpers/testcertificates.h"
#include "helpers/testsupport.h"
#include "relay/relay.h"

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

using vigil::ConnectionManager;
using State = vigil::ConnectionManager::State;

namespace {
using vigil::test::kWaitMs;
}

class TestTls : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void trustedThroughExtraCa();
    void untrustedCertificateIsATlsError();
    void wrongHostNameIsNamed();
    void caFileMustHoldCertificates();
    void relayServesWssWithItsOwnCertificate();

private:
    ConnectionManager *makeManager(const QString &host, bool trustCa);

    QTemporaryDir m_dir;
    std::unique_ptr<QWebSocketServer> m_server;
    QList<QWebSocket *> m_accepted;
};

void TestTls::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(vigil::test::makeTestCertificates(m_dir.path(), "Vigil Test CA"));

    QFile certFile(m_dir.filePath("server.pem"));
    QFile keyFile(m_dir.filePath("server.key"));
    QVERIFY(certFile.open(QIODevice::ReadOnly) && keyFile.open(QIODevice::ReadOnly));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(QSslCertificate(certFile.readAll(), QSsl::Pem));
    tls.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Rsa, QSsl::Pem));
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    m_server = std::make_unique<QWebSocketServer>("tls-test", QWebSocketServer::SecureMode);
    m_server->setSslConfiguration(tls);
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    connect(m_server.get(), &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket *s = m_server->nextPendingConnection()) {
            s->setParent(this); // deleted with the test (LeakSanitizer saw them leak)
            m_accepted.append(s);
        }
    });
}

ConnectionManager *TestTls::makeManager(const QString &host, bool trustCa)
{
    vigil::ConnectionConfig config;
    config.urls = {QUrl(QStringLiteral("wss://%1:%2/ws").arg(host).arg(m_server->serverPort()))};
    config.reconnect.baseMs = 5000; // one attempt is all these tests need
    if (trustCa) {
        QString error;
        if (!vigil::loadCaFile(m_dir.filePath("ca.pem"), &config.extraCaCertificates, &error))
            qFatal("%s", qPrintable(error));
    }
    return new ConnectionManager(config, this);
}

void TestTls::trustedThroughExtraCa()
{
    auto *manager = makeManager("127.0.0.1", true);
    manager->open();
    QTRY_COMPARE_WITH_TIMEOUT(manager->state(), State::Connected, kWaitMs);
    QCOMPARE(manager->errors(vigil::ErrorCategory::Tls), 0u);
    delete manager;
}

void TestTls::untrustedCertificateIsATlsError()
{
    auto *manager = makeManager("127.0.0.1", false);
    QSignalSpy states(manager, &ConnectionManager::stateChanged);
    manager->open();
    QTRY_COMPARE_WITH_TIMEOUT(manager->state(), State::Reconnecting, kWaitMs);
    QCOMPARE(manager->errors(vigil::ErrorCategory::Tls), 1u);
    const QString reason = states.last().at(1).toString();
    QVERIFY2(reason.startsWith("TLS problem with 127.0.0.1: "), qPrintable(reason));
    // The specific complaint about the chain, in OpenSSL's words via Qt.
    QVERIFY2(reason.contains("certificate", Qt::CaseInsensitive), qPrintable(reason));
    delete manager;
}

void TestTls::wrongHostNameIsNamed()
{
    auto *manager = makeManager("localhost", true);
    QSignalSpy states(manager, &ConnectionManager::stateChanged);
    manager->open();
    QTRY_COMPARE_WITH_TIMEOUT(manager->state(), State::Reconnecting, kWaitMs);
    const QString reason = states.last().at(1).toString();
    QVERIFY2(reason.contains("host name did not match", Qt::CaseInsensitive), qPrintable(reason));
    QCOMPARE(manager->errors(vigil::ErrorCategory::Tls), 1u);
    delete manager;
}

void TestTls::caFileMustHoldCertificates()
{
    QList<QSslCertificate> certs;
    QString error;
    QVERIFY(!vigil::loadCaFile(m_dir.filePath("missing.pem"), &certs, &error));
    QVERIFY(error.startsWith("cannot read the CA file"));
    QVERIFY(!vigil::loadCaFile(m_dir.filePath("ext.cnf"), &certs, &error));
    QVERIFY(error.contains("holds no PEM certificate"));
    QVERIFY(vigil::loadCaFile(m_dir.filePath("ca.pem"), &certs, &error));
    QCOMPARE(certs.size(), 1);
}

void TestTls::relayServesWssWithItsOwnCertificate()
{
    vigil::RelayConfig config;
    config.tlsCertFile = m_dir.filePath("server.pem");
    config.tlsKeyFile = m_dir.filePath("server.key");
    vigil::Relay relay(config);
    QString error;
    QVERIFY2(relay.start(&error), qPrintable(error));
    QCOMPARE(relay.url().scheme(), QStringLiteral("wss"));
    vigil::ConnectionConfig c;
    c.urls = {relay.url()};
    QVERIFY(vigil::loadCaFile(m_dir.filePath("ca.pem"), &c.extraCaCertificates, &error));
    ConnectionManager manager(c);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Connected, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(manager.serverSentWelcome(), kWaitMs);

    vigil::RelayConfig broken;
    broken.tlsCertFile = m_dir.filePath("ext.cnf"); // not a certificate
    broken.tlsKeyFile = m_dir.filePath("server.key");
    vigil::Relay bad(broken);
    QVERIFY(!bad.start(&error));
    QVERIFY2(error.contains("cannot read a PEM certificate"), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
