// SingleInstance: a second launch hands its arguments to the first and gives up; a socket left
// by a crashed instance is taken over, a live one never. Both "launches" live in this process,
// each with its own SingleInstance, on a name inside a temporary directory.
#include "singleinstance.h"

#include <QFileInfo>
#include <QLocalServer>
#include <QLocalSocket>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#endif

#include <cstring>

using vigil::app::SingleInstance;

namespace {

#ifdef Q_OS_UNIX
// What a crashed instance leaves: the socket file, with nobody listening on it any more.
bool leaveDeadSocket(const QString &path)
{
    const QByteArray encoded = QFile::encodeName(path);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (encoded.size() >= int(sizeof address.sun_path))
        return false;
    std::memcpy(address.sun_path, encoded.constData(), size_t(encoded.size()) + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return false;
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0 &&
                    ::listen(fd, 1) == 0;
    ::close(fd);
    return ok && QFileInfo::exists(path);
}
#endif

} // namespace

class TestSingleInstance : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void secondLaunchActivatesTheFirst_data();
    void secondLaunchActivatesTheFirst();
    void staleSocketIsTakenOver_data();
    void staleSocketIsTakenOver();
    void liveServerIsNeverTakenOver();
    void nextLaunchAfterTheFirstQuitsIsPrimary();
    void twoNamesRunSideBySide();
    void requestThatIsNotAnActivationIsIgnored();
    void nameFollowsTheDataDirectory();

private:
    QTemporaryDir m_runtimeDir;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_name;
};

void TestSingleInstance::initTestCase()
{
    // serverNameFor() puts the socket in the runtime directory: one of our own, mode 0700.
    QVERIFY(m_runtimeDir.isValid());
    qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_runtimeDir.path()));
}

void TestSingleInstance::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_name = m_dir->filePath("instance");
}

void TestSingleInstance::secondLaunchActivatesTheFirst_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("none") << QStringList();
    QTest::newRow("options") << QStringList{"vigil", "--page", "chat"};
    QTest::newRow("spaces, unicode, empty")
        << QStringList{"vigil", "--data-dir", "/tmp/a dir/ünïcødé ✓", ""};
    QTest::newRow("newline inside an argument") << QStringList{"line one\nline two"};
}

void TestSingleInstance::secondLaunchActivatesTheFirst()
{
    QFETCH(QStringList, arguments);
    SingleInstance first(m_name);
    QVERIFY(first.tryBecomePrimary({"vigil"}));
    QVERIFY(first.isPrimary());
    QSignalSpy activations(&first, &SingleInstance::activationRequested);

    SingleInstance second(m_name);
    QVERIFY(!second.tryBecomePrimary(arguments));
    QVERIFY(!second.isPrimary());

    QVERIFY(activations.wait(10000));
    QCOMPARE(activations.size(), 1);
    QCOMPARE(activations.at(0).at(0).toStringList(), arguments);
    // The first one still serves later launches.
    QVERIFY(first.isPrimary());
}

void TestSingleInstance::staleSocketIsTakenOver_data()
{
    QTest::addColumn<bool>("socketFile");
    QTest::newRow("socket of a crashed instance") << true;
    QTest::newRow("plain file") << false;
}

void TestSingleInstance::staleSocketIsTakenOver()
{
#ifdef Q_OS_UNIX
    QFETCH(bool, socketFile);
    if (socketFile) {
        QVERIFY(leaveDeadSocket(m_name));
    } else {
        QFile file(m_name);
        QVERIFY(file.open(QIODevice::WriteOnly));
    }

    SingleInstance recovered(m_name);
    QVERIFY(recovered.tryBecomePrimary());
    QVERIFY(recovered.isPrimary());

    // It really serves the name now.
    QSignalSpy activations(&recovered, &SingleInstance::activationRequested);
    SingleInstance later(m_name);
    QVERIFY(!later.tryBecomePrimary({"again"}));
    QVERIFY(activations.wait(10000));
    QCOMPARE(activations.at(0).at(0).toStringList(), QStringList{"again"});
#else
    QSKIP("stale socket files exist on Unix only");
#endif
}

void TestSingleInstance::liveServerIsNeverTakenOver()
{
    // Something that answers on the name, even if it is not a SingleInstance, is never removed.
    QLocalServer other;
    QVERIFY(other.listen(m_name));
    QSignalSpy connections(&other, &QLocalServer::newConnection);

    SingleInstance launch(m_name);
    QVERIFY(!launch.tryBecomePrimary({"vigil"}));
    QVERIFY(connections.wait(10000));
    QVERIFY(other.isListening());
    QLocalSocket probe;
    probe.connectToServer(m_name);
    QVERIFY(probe.waitForConnected(5000));
}

void TestSingleInstance::nextLaunchAfterTheFirstQuitsIsPrimary()
{
    {
        SingleInstance first(m_name);
        QVERIFY(first.tryBecomePrimary());
    }
    SingleInstance next(m_name);
    QVERIFY(next.tryBecomePrimary());
    QVERIFY(next.isPrimary());
}

void TestSingleInstance::twoNamesRunSideBySide()
{
    SingleInstance one(m_dir->filePath("one"));
    SingleInstance two(m_dir->filePath("two"));
    QVERIFY(one.tryBecomePrimary());
    QVERIFY(two.tryBecomePrimary());
    QVERIFY(one.isPrimary() && two.isPrimary());
}

void TestSingleInstance::requestThatIsNotAnActivationIsIgnored()
{
    SingleInstance first(m_name);
    QVERIFY(first.tryBecomePrimary());
    QSignalSpy activations(&first, &SingleInstance::activationRequested);

    // The primary closes a connection once it has read its request line, whatever it said.
    for (const QByteArray &junk : {QByteArray("hello\n"), QByteArray("{\"request\":\"quit\"}\n")}) {
        QTest::ignoreMessage(QtWarningMsg,
                             "single instance: ignored a request that is not an activation");
        QLocalSocket client;
        client.connectToServer(m_name);
        QVERIFY(client.waitForConnected(5000));
        QSignalSpy closed(&client, &QLocalSocket::disconnected);
        client.write(junk);
        QVERIFY(closed.wait(10000));
    }
    QCOMPARE(activations.size(), 0);

    SingleInstance second(m_name);
    QVERIFY(!second.tryBecomePrimary({"real"}));
    QVERIFY(activations.wait(10000));
    QCOMPARE(activations.at(0).at(0).toStringList(), QStringList{"real"});
}

void TestSingleInstance::nameFollowsTheDataDirectory()
{
    const QString data = m_dir->filePath("data");
    const QString before = SingleInstance::serverNameFor(data); // not created yet
    QVERIFY(QDir().mkpath(data));
    QCOMPARE(SingleInstance::serverNameFor(data), before);
    QCOMPARE(SingleInstance::serverNameFor(data + "/"), before);
    QCOMPARE(SingleInstance::serverNameFor(data + "/sub/.."), before);
#ifdef Q_OS_UNIX
    const QString link = m_dir->filePath("link");
    QVERIFY(QFile::link(data, link));
    QCOMPARE(SingleInstance::serverNameFor(link), before);
#endif
    QVERIFY(SingleInstance::serverNameFor(m_dir->filePath("other")) != before);
#ifdef Q_OS_UNIX
    QVERIFY2(before.startsWith(m_runtimeDir.path() + "/vigil-"), qPrintable(before));
#endif

    // A launch with that name works like any other.
    SingleInstance first(before);
    QVERIFY(first.tryBecomePrimary());
    SingleInstance second(SingleInstance::serverNameFor(data + "/"));
    QVERIFY(!second.tryBecomePrimary());
}

QTEST_GUILESS_MAIN(TestSingleInstance)
#include "tst_singleinstance.moc"
