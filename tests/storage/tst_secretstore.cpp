// SecretStore: server tokens in the OS keychain, or in private files without one.
//
// The same binary runs in three environments (CTest names in brackets):
// - plain [tst_secretstore]: initTestCase() removes every way to reach a D-Bus session bus, as
//   on a bare CI machine, so the developer's own keyring is never touched;
// - tests/storage/private-session.sh [tst_secretstore_nosecrets]: a private session bus on
//   which no secret service exists, as in a desktop session without a keyring;
// - tests/storage/private-session.sh --keyring [tst_secretstore_keychain]: a private session
//   bus with a throwaway, unlocked gnome-keyring: a real Secret Service.
// The real QtKeychain must fall back to files in the first two and keep tokens in the third.
// Everything else uses an injected fake keychain and runs the same everywhere.

#include "helpers/testsupport.h"
#include "storage/secretstore.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QLoggingCategory>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUuid>

#include <qt6keychain/keychain.h>

#include <sys/stat.h>
#include <unistd.h>

#include <memory>

using vigil::KeychainBackend;
using vigil::SecretStore;

namespace {

using vigil::test::kWaitMs;

/// What the fake keychain answers, shared with the test after the store took the fake over.
struct FakeState
{
    KeychainBackend::Outcome mode = KeychainBackend::Outcome::Ok;
    QString errorText;
    QHash<QString, QString> secrets; ///< "service/key" -> secret
    int calls = 0;
};

/// Answers from the event loop, like QtKeychain.
class FakeKeychain : public KeychainBackend
{
public:
    explicit FakeKeychain(std::shared_ptr<FakeState> state)
        : m_state(std::move(state))
    {}

    void read(const QString &service, const QString &key, Callback done) override
    {
        answer(done, [this, id = service + '/' + key] {
            if (!m_state->secrets.contains(id))
                return Result{Outcome::NotFound, {}, {}};
            return Result{Outcome::Ok, m_state->secrets.value(id), {}};
        });
    }
    void write(const QString &service, const QString &key, const QString &secret,
               Callback done) override
    {
        answer(done, [this, id = service + '/' + key, secret] {
            m_state->secrets.insert(id, secret);
            return Result{Outcome::Ok, {}, {}};
        });
    }
    void remove(const QString &service, const QString &key, Callback done) override
    {
        answer(done, [this, id = service + '/' + key] {
            return Result{m_state->secrets.remove(id) ? Outcome::Ok : Outcome::NotFound, {}, {}};
        });
    }

private:
    void answer(Callback done, std::function<Result()> ifWorking)
    {
        ++m_state->calls;
        QTimer::singleShot(0, &m_context, [this, done, ifWorking] {
            if (m_state->mode == Outcome::Ok)
                done(ifWorking());
            else
                done({m_state->mode, {}, m_state->errorText});
        });
    }

    std::shared_ptr<FakeState> m_state;
    QObject m_context;
};

/// A store on a fresh folder ("<tmp>/tokens", not created yet) with a fake keychain.
struct Fixture
{
    explicit Fixture(KeychainBackend::Outcome mode = KeychainBackend::Outcome::Ok)
        : keychain(std::make_shared<FakeState>())
    {
        keychain->mode = mode;
        keychain->errorText = mode == KeychainBackend::Outcome::Unavailable
                                  ? "no keychain service (fake)"
                                  : "the keychain said no";
        store = std::make_unique<SecretStore>(dir(), std::make_unique<FakeKeychain>(keychain));
    }
    [[nodiscard]] QString dir() const { return root.filePath("tokens"); }

    QTemporaryDir root;
    std::shared_ptr<FakeState> keychain;
    std::unique_ptr<SecretStore> store;
};

struct Done
{
    bool finished = false;
    bool ok = false;
    QString token;
    QString error;
};

Done readToken(SecretStore &store, const QString &profile)
{
    QSignalSpy spy(&store, &SecretStore::tokenRead);
    store.readToken(profile);
    if (!spy.isEmpty() || !spy.wait(kWaitMs) || spy.size() != 1)
        return {};
    const QList<QVariant> args = spy.takeFirst();
    if (args.at(0).toString() != profile)
        return {};
    return {true, args.at(2).toBool(), args.at(1).toString(), args.at(3).toString()};
}

template<typename Signal, typename Call>
Done await(SecretStore &store, Signal signal, const QString &profile, Call call)
{
    QSignalSpy spy(&store, signal);
    call();
    if (!spy.isEmpty() || !spy.wait(kWaitMs) || spy.size() != 1)
        return {};
    const QList<QVariant> args = spy.takeFirst();
    if (args.at(0).toString() != profile)
        return {};
    return {true, args.at(1).toBool(), {}, args.at(2).toString()};
}

Done writeToken(SecretStore &store, const QString &profile, const QString &token)
{
    return await(store, &SecretStore::tokenWritten, profile,
                 [&] { store.writeToken(profile, token); });
}

Done removeToken(SecretStore &store, const QString &profile)
{
    return await(store, &SecretStore::tokenRemoved, profile, [&] { store.removeToken(profile); });
}

/// The exact permission bits, or -1 when the path does not exist.
int modeOf(const QString &path)
{
    struct stat st = {};
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
}

/// A token file in the store's format, with the given permissions.
void plantFile(const QString &path, const QByteArray &content, int mode = 0600)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    ::chmod(QFile::encodeName(QFileInfo(path).absolutePath()).constData(), 0700);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(content);
    file.close();
    QCOMPARE(::chmod(QFile::encodeName(path).constData(), mode_t(mode)), 0);
}

QByteArray fileContent(const QString &token)
{
    return "vigil-token-v1\n" + token.toUtf8().toBase64() + '\n';
}

QStringList *g_log = nullptr;
void captureLog(QtMsgType, const QMessageLogContext &context, const QString &message)
{
    g_log->append(QString::fromLatin1(context.category ? context.category : "default") + ": " +
                  message);
}

} // namespace

class TestSecretStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();

    // With an injected keychain.
    void keychainKeepsTokens();
    void resultsArriveLaterInCallOrder_data();
    void resultsArriveLaterInCallOrder();
    void fallsBackWhenNoKeychainService_data();
    void fallsBackWhenNoKeychainService();
    void keychainErrorIsNotAFallback();
    void warningExactlyWithFallback_data();
    void warningExactlyWithFallback();
    void keychainWriteDeletesLeftoverFile_data();
    void keychainWriteDeletesLeftoverFile();

    // The file fallback.
    void fileRoundTrip();
    void missingTokenReadsEmpty();
    void filePermissionsAreExact_data();
    void filePermissionsAreExact();
    void looseFolderIsTightened();
    void othersCanReadFileIsRefused_data();
    void othersCanReadFileIsRefused();
    void damagedFileIsReported_data();
    void damagedFileIsReported();
    void symlinkIsRefused();
    void removeDeletesFile();
    void profileNamesStayInside_data();
    void profileNamesStayInside();
    void distinctProfilesGetDistinctFiles();
    void emptyProfileOrTokenIsRefused();
    void tokensNeverReachTheLog();

    // The real QtKeychain.
    void qtKeychainAloneFailsWithoutService();
    void systemKeychainFallsBackWithoutService();
    void systemKeychainRoundTrip();
    void lockedKeychainIsAnErrorNotAFallback();

private:
    enum class Environment { NoBus, BusWithoutSecrets, SecretService };
    Environment m_environment = Environment::NoBus;
    QTemporaryDir m_emptyRuntimeDir;
};

void TestSecretStore::initTestCase()
{
    // private-session.sh names its private bus; any other bus is not ours to write into.
    const QByteArray privateBus = qgetenv("VIGIL_TEST_BUS");
    if (!privateBus.isEmpty() && privateBus == qgetenv("DBUS_SESSION_BUS_ADDRESS"))
        m_environment = qgetenv("VIGIL_TEST_KEYRING") == "1" ? Environment::SecretService
                                                             : Environment::BusWithoutSecrets;
    if (m_environment == Environment::NoBus) {
        // A bare machine: no session bus address, no $XDG_RUNTIME_DIR/bus, no X11 autolaunch.
        QVERIFY(m_emptyRuntimeDir.isValid());
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        qunsetenv("DISPLAY");
        qunsetenv("WAYLAND_DISPLAY");
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_emptyRuntimeDir.path()));
    }
    const char *const names[] = {"no session bus", "private bus without secret service",
                                 "private bus with a Secret Service (gnome-keyring)"};
    qInfo("environment: %s", names[int(m_environment)]);
}

void TestSecretStore::keychainKeepsTokens()
{
    Fixture f;
    QCOMPARE(writeToken(*f.store, "prod", "tok-A").ok, true);
    const Done read = readToken(*f.store, "prod");
    QVERIFY(read.finished);
    QVERIFY(read.ok);
    QCOMPARE(read.token, "tok-A");
    // Service "vigil", key = profile name.
    QCOMPARE(f.keychain->secrets, (QHash<QString, QString>{{"vigil/prod", "tok-A"}}));
    QCOMPARE(f.store->backend(), "keychain");
    QVERIFY(f.store->warning().isEmpty());
    QVERIFY(!QFileInfo::exists(f.dir()));
}

void TestSecretStore::resultsArriveLaterInCallOrder_data()
{
    QTest::addColumn<bool>("keychain");
    QTest::newRow("keychain") << true;
    QTest::newRow("file") << false;
}

void TestSecretStore::resultsArriveLaterInCallOrder()
{
    QFETCH(bool, keychain);
    Fixture f(keychain ? KeychainBackend::Outcome::Ok : KeychainBackend::Outcome::Unavailable);
    QStringList events;
    SecretStore &store = *f.store;
    connect(&store, &SecretStore::tokenRead, this,
            [&](const QString &p, const QString &t, bool ok) {
                events << QString("read %1 %2 %3").arg(p, t, ok ? "ok" : "failed");
            });
    connect(&store, &SecretStore::tokenWritten, this, [&](const QString &p, bool ok) {
        events << QString("write %1 %2").arg(p, ok ? "ok" : "failed");
    });
    connect(&store, &SecretStore::tokenRemoved, this, [&](const QString &p, bool ok) {
        events << QString("remove %1 %2").arg(p, ok ? "ok" : "failed");
    });
    store.writeToken("p", "one");
    store.readToken("p");
    store.writeToken("p", "two");
    store.readToken("p");
    store.removeToken("p");
    store.readToken("p");
    QVERIFY(events.isEmpty()); // nothing answered from inside a call
    QTRY_COMPARE_WITH_TIMEOUT(events.size(), 6, kWaitMs);
    QCOMPARE(events, (QStringList{"write p ok", "read p one ok", "write p ok", "read p two ok",
                                  "remove p ok", "read p  ok"}));
}

void TestSecretStore::fallsBackWhenNoKeychainService_data()
{
    QTest::addColumn<QString>("firstCall");
    QTest::newRow("read") << "read";
    QTest::newRow("write") << "write";
    QTest::newRow("remove") << "remove";
}

void TestSecretStore::fallsBackWhenNoKeychainService()
{
    QFETCH(QString, firstCall);
    Fixture f(KeychainBackend::Outcome::Unavailable);
    QSignalSpy changed(f.store.get(), &SecretStore::backendChanged);
    QCOMPARE(f.store->backend(), "keychain");

    Done first;
    if (firstCall == "read")
        first = readToken(*f.store, "p");
    else if (firstCall == "write")
        first = writeToken(*f.store, "p", "tok");
    else
        first = removeToken(*f.store, "p");
    QVERIFY(first.finished);
    QVERIFY2(first.ok, qPrintable(first.error));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(f.store->backend(), "file");
    QVERIFY(f.store->warning().contains(QDir::toNativeSeparators(f.dir())));

    // Decided once: later calls go straight to the file.
    const int keychainCalls = f.keychain->calls;
    QVERIFY(writeToken(*f.store, "p", "tok2").ok);
    QCOMPARE(readToken(*f.store, "p").token, "tok2");
    QCOMPARE(f.keychain->calls, keychainCalls);
    QCOMPARE(changed.size(), 1);
    QVERIFY(QFileInfo::exists(f.store->fallbackFilePath("p")));
}

void TestSecretStore::keychainErrorIsNotAFallback()
{
    Fixture f(KeychainBackend::Outcome::Failed);
    QSignalSpy changed(f.store.get(), &SecretStore::backendChanged);
    const Done write = writeToken(*f.store, "p", "tok");
    QVERIFY(write.finished);
    QVERIFY(!write.ok);
    QVERIFY2(write.error.contains("the keychain said no"), qPrintable(write.error));
    const Done read = readToken(*f.store, "p");
    QVERIFY(!read.ok);
    QVERIFY(read.token.isEmpty());
    QCOMPARE(f.store->backend(), "keychain");
    QCOMPARE(changed.size(), 0);
    QVERIFY(!QFileInfo::exists(f.dir()));
}

void TestSecretStore::warningExactlyWithFallback_data()
{
    QTest::addColumn<KeychainBackend::Outcome>("keychain");
    QTest::addColumn<bool>("warned");
    QTest::newRow("keychain works") << KeychainBackend::Outcome::Ok << false;
    QTest::newRow("keychain fails") << KeychainBackend::Outcome::Failed << false;
    QTest::newRow("no keychain") << KeychainBackend::Outcome::Unavailable << true;
}

void TestSecretStore::warningExactlyWithFallback()
{
    QFETCH(KeychainBackend::Outcome, keychain);
    QFETCH(bool, warned);
    Fixture f(keychain);
    QVERIFY(f.store->warning().isEmpty()); // nothing known before the first call
    QVERIFY(writeToken(*f.store, "p", "tok").finished);
    QCOMPARE(!f.store->warning().isEmpty(), warned);
    QCOMPARE(f.store->backend() == "file", warned);
}

void TestSecretStore::keychainWriteDeletesLeftoverFile_data()
{
    QTest::addColumn<bool>("write");
    QTest::newRow("write") << true;
    QTest::newRow("remove") << false;
}

void TestSecretStore::keychainWriteDeletesLeftoverFile()
{
    QFETCH(bool, write);
    Fixture f;
    const QString leftover = f.store->fallbackFilePath("p");
    plantFile(leftover, fileContent("old-token"));
    const Done done = write ? writeToken(*f.store, "p", "new") : removeToken(*f.store, "p");
    QVERIFY(done.ok);
    QVERIFY(!QFileInfo::exists(leftover));
    QCOMPARE(f.store->backend(), "keychain");
}

void TestSecretStore::fileRoundTrip()
{
    Fixture f(KeychainBackend::Outcome::Unavailable);
    const QString odd = "tök=n with spaces/and\nnewline";
    QVERIFY(writeToken(*f.store, "p", "first").ok);
    QCOMPARE(readToken(*f.store, "p").token, "first");
    QVERIFY(writeToken(*f.store, "p", odd).ok);
    QCOMPARE(readToken(*f.store, "p").token, odd);

    // A second store (the next start of the app) reads what the first wrote.
    SecretStore again(f.dir(), std::make_unique<FakeKeychain>(f.keychain));
    const Done read = readToken(again, "p");
    QVERIFY(read.ok);
    QCOMPARE(read.token, odd);
}

void TestSecretStore::missingTokenReadsEmpty()
{
    Fixture f(KeychainBackend::Outcome::Unavailable);
    const Done read = readToken(*f.store, "nobody");
    QVERIFY(read.finished);
    QVERIFY(read.ok);
    QVERIFY(read.token.isEmpty());
    QVERIFY(!QFileInfo::exists(f.dir())); // reading creates nothing
}

void TestSecretStore::filePermissionsAreExact_data()
{
    QTest::addColumn<int>("umask");
    QTest::newRow("umask 000") << 0;
    QTest::newRow("umask 022") << 022;
    QTest::newRow("umask 077") << 077;
}

void TestSecretStore::filePermissionsAreExact()
{
    QFETCH(int, umask);
    Fixture f(KeychainBackend::Outcome::Unavailable);
    const mode_t previous = ::umask(mode_t(umask));
    const Done write = writeToken(*f.store, "p", "tok");
    ::umask(previous);
    QVERIFY2(write.ok, qPrintable(write.error));
    QCOMPARE(modeOf(f.dir()), 0700);
    QCOMPARE(modeOf(f.store->fallbackFilePath("p")), 0600);

    // Replacing a file keeps it private too.
    QVERIFY(writeToken(*f.store, "p", "tok2").ok);
    QCOMPARE(modeOf(f.store->fallbackFilePath("p")), 0600);
    // No temporary files left behind.
    QCOMPARE(QDir(f.dir()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
             QStringList{"p.token"});
}

void TestSecretStore::looseFolderIsTightened()
{
    Fixture f(KeychainBackend::Outcome::Unavailable);
    QVERIFY(QDir().mkpath(f.dir()));
    QCOMPARE(::chmod(QFile::encodeName(f.dir()).constData(), 0755), 0);
    QVERIFY(writeToken(*f.store, "p", "tok").ok);
    QCOMPARE(modeOf(f.dir()), 0700);
}

void TestSecretStore::othersCanReadFileIsRefused_data()
{
    QTest::addColumn<int>("mode");
    QTest::newRow("0644") << 0644;
    QTest::newRow("0640") << 0640;
    QTest::newRow("0604") << 0604;
    QTest::newRow("0660 (group writes)") << 0660;
    QTest::newRow("0602 (others write)") << 0602;
}

void TestSecretStore::othersCanReadFileIsRefused()
{
    QFETCH(int, mode);
    Fixture f(KeychainBackend::Outcome::Unavailable);
    const QString path = f.store->fallbackFilePath("p");
    plantFile(path, fileContent("exposed-token"), mode);

    const Done read = readToken(*f.store, "p");
    QVERIFY(read.finished);
    QVERIFY(!read.ok);
    QVERIFY(read.token.isEmpty());
    QVERIFY2(read.error.contains(QDir::toNativeSeparators(path)), qPrintable(read.error));
    QVERIFY2(read.error.contains("other users can read it"), qPrintable(read.error));
    QVERIFY2(read.error.contains(QString("%1").arg(mode, 4, 8, QLatin1Char('0'))),
             qPrintable(read.error));
    QCOMPARE(modeOf(path), mode); // refused, not silently "fixed"

    // Entering a new token replaces it with a private file.
    QVERIFY(writeToken(*f.store, "p", "fresh").ok);
    QCOMPARE(modeOf(path), 0600);
    QCOMPARE(readToken(*f.store, "p").token, "fresh");
}

void TestSecretStore::damagedFileIsReported_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("blank") << QByteArray("\n\n");
    QTest::newRow("garbage") << QByteArray("hello world");
    QTest::newRow("binary") << QByteArray("\x00\xff\x10\x80", 4);
    QTest::newRow("header only") << QByteArray("vigil-token-v1\n");
    QTest::newRow("other version") << QByteArray("vigil-token-v9\ndG9r\n");
    QTest::newRow("bad base64") << QByteArray("vigil-token-v1\n!!not base64!!\n");
    QTest::newRow("empty token") << QByteArray("vigil-token-v1\n\n");
    QTest::newRow("extra lines") << QByteArray("vigil-token-v1\ndG9r\nmore\n");
    QTest::newRow("not UTF-8") << ("vigil-token-v1\n" + QByteArray("\xff\xfe").toBase64());
    QTest::newRow("huge") << ("vigil-token-v1\n" + QByteArray(100 * 1024, 'A') + '\n');
}

void TestSecretStore::damagedFileIsReported()
{
    QFETCH(QByteArray, content);
    Fixture f(KeychainBackend::Outcome::Unavailable);
    const QString path = f.store->fallbackFilePath("p");
    plantFile(path, content);

    const Done read = readToken(*f.store, "p");
    QVERIFY(read.finished);
    QVERIFY(!read.ok);
    QVERIFY(read.token.isEmpty());
    QVERIFY2(read.error.contains(QDir::toNativeSeparators(path)), qPrintable(read.error));

    QVERIFY(writeToken(*f.store, "p", "fresh").ok);
    QCOMPARE(readToken(*f.store, "p").token, "fresh");
}

void TestSecretStore::symlinkIsRefused()
{
    Fixture f(KeychainBackend::Outcome::Unavailable);
    const QString elsewhere = f.root.filePath("elsewhere.token");
    plantFile(elsewhere, fileContent("linked"));
    const QString path = f.store->fallbackFilePath("p");
    QVERIFY(QDir().mkpath(f.dir()));
    QVERIFY(QFile::link(elsewhere, path));

    const Done read = readToken(*f.store, "p");
    QVERIFY(!read.ok);
    QVERIFY(read.token.isEmpty());
    QVERIFY2(read.error.contains("not a plain file"), qPrintable(read.error));
    QVERIFY(!writeToken(*f.store, "p", "new").ok);
    QFile target(elsewhere);
    QVERIFY(target.open(QIODevice::ReadOnly));
    QCOMPARE(target.readAll(), fileContent("linked"));
}

void TestSecretStore::removeDeletesFile()
{
    Fixture f(KeychainBackend::Outcome::Unavailable);
    QVERIFY(writeToken(*f.store, "p", "tok").ok);
    QVERIFY(writeToken(*f.store, "q", "other").ok);
    QVERIFY(QFileInfo::exists(f.store->fallbackFilePath("p")));
    QVERIFY(removeToken(*f.store, "p").ok);
    QVERIFY(!QFileInfo::exists(f.store->fallbackFilePath("p")));
    QVERIFY(removeToken(*f.store, "p").ok); // nothing left to remove is fine
    const Done read = readToken(*f.store, "p");
    QVERIFY(read.ok);
    QVERIFY(read.token.isEmpty());
    QCOMPARE(readToken(*f.store, "q").token, "other");
}

void TestSecretStore::profileNamesStayInside_data()
{
    QTest::addColumn<QString>("profile");
    QTest::newRow("parent") << "..";
    QTest::newRow("current") << ".";
    QTest::newRow("climb") << "../../escape";
    QTest::newRow("absolute") << "/etc/passwd";
    QTest::newRow("slash") << "a/b";
    QTest::newRow("backslash") << "..\\..\\x";
    QTest::newRow("hidden") << ".token";
    QTest::newRow("home") << "~";
    QTest::newRow("url") << "wss://ops.example:443/ws?x=1#y";
    QTest::newRow("unicode") << "Zürich/Leitstelle ☎";
    QTest::newRow("nul") << QString::fromLatin1("a\0b", 3);
    QTest::newRow("long") << QString(600, u'x');
    QTest::newRow("long climb") << ("../" + QString(400, u'.'));
}

void TestSecretStore::profileNamesStayInside()
{
    QFETCH(QString, profile);
    Fixture f(KeychainBackend::Outcome::Unavailable);
    const QString path = f.store->fallbackFilePath(profile);
    QCOMPARE(QFileInfo(path).absolutePath(), f.dir());
    QVERIFY(QFileInfo(path).fileName().size() <= 255);

    const Done write = writeToken(*f.store, profile, "tok");
    QVERIFY2(write.ok, qPrintable(write.error));
    QCOMPARE(readToken(*f.store, profile).token, "tok");
    const auto all = QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden;
    QCOMPARE(QDir(f.root.path()).entryList(all), QStringList{"tokens"});
    QCOMPARE(QDir(f.dir()).entryList(all), QStringList{QFileInfo(path).fileName()});
}

void TestSecretStore::distinctProfilesGetDistinctFiles()
{
    Fixture f(KeychainBackend::Outcome::Unavailable);
    const QStringList names = {"a/b",
                               "a%2Fb",
                               "a_b",
                               "a.b",
                               "a%2Eb",
                               "a-b",
                               "..",
                               "%2E%2E",
                               ".",
                               "~x",
                               "%7Ex",
                               "A/B",
                               QString(300, u'x'),
                               QString(299, u'x') + 'y'};
    QSet<QString> paths;
    for (const QString &name : names)
        paths.insert(f.store->fallbackFilePath(name));
    QCOMPARE(paths.size(), names.size());
}

void TestSecretStore::emptyProfileOrTokenIsRefused()
{
    Fixture f(KeychainBackend::Outcome::Unavailable);
    Done done = writeToken(*f.store, "", "tok");
    QVERIFY(done.finished);
    QVERIFY(!done.ok);
    QVERIFY(!done.error.isEmpty());
    done = writeToken(*f.store, "p", "");
    QVERIFY(done.finished);
    QVERIFY(!done.ok);
    QVERIFY(!done.error.isEmpty());
    QCOMPARE(f.keychain->calls, 0);
    QVERIFY(!QFileInfo::exists(f.dir()));
}

void TestSecretStore::tokensNeverReachTheLog()
{
    const QString secret = "s3cr3t-" + QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QByteArray encoded = secret.toUtf8().toBase64();
    QStringList log;
    g_log = &log;
    QLoggingCategory::setFilterRules("*.debug=true");
    const QtMessageHandler previous = qInstallMessageHandler(captureLog);
    {
        // Keychain errors, the switch to files, file round trips, refusals and damage: every
        // path that logs.
        Fixture failing(KeychainBackend::Outcome::Failed);
        writeToken(*failing.store, "p", secret);
        Fixture f(KeychainBackend::Outcome::Unavailable);
        writeToken(*f.store, "p", secret);
        readToken(*f.store, "p");
        ::chmod(QFile::encodeName(f.store->fallbackFilePath("p")).constData(), 0644);
        readToken(*f.store, "p");
        plantFile(f.store->fallbackFilePath("q"), "vigil-token-v1\n" + encoded + "\nx\n");
        readToken(*f.store, "q");
        ::chmod(QFile::encodeName(f.dir()).constData(), 0755);
        writeToken(*f.store, "p", secret);
        removeToken(*f.store, "p");
        Fixture working;
        plantFile(working.store->fallbackFilePath("p"), fileContent(secret));
        writeToken(*working.store, "p", secret);
        readToken(*working.store, "p");
    }
    qInstallMessageHandler(previous);
    QLoggingCategory::setFilterRules({});
    g_log = nullptr;

    QVERIFY2(log.size() >= 4, qPrintable(log.join('\n'))); // the handler did see the logging
    for (const QString &line : std::as_const(log)) {
        QVERIFY2(!line.contains(secret), qPrintable(line));
        QVERIFY2(!line.contains(QString::fromLatin1(encoded)), qPrintable(line));
    }
}

void TestSecretStore::qtKeychainAloneFailsWithoutService()
{
    if (m_environment == Environment::SecretService)
        QSKIP("runs where no secret service exists");
    // Why SecretStore asks the bus itself: QtKeychain 0.13 does not say NoBackendAvailable
    // here but OtherError ("Cannot autolaunch D-Bus without X11 $DISPLAY", "The name
    // org.freedesktop.secrets was not provided by any .service files").
    QKeychain::ReadPasswordJob job("vigil-test");
    job.setAutoDelete(false);
    job.setKey("nobody");
    QSignalSpy finished(&job, &QKeychain::Job::finished);
    job.start();
    QVERIFY(finished.wait(kWaitMs));
    QVERIFY(job.error() == QKeychain::NoBackendAvailable || job.error() == QKeychain::OtherError);
    QVERIFY(!job.errorString().isEmpty());
}

void TestSecretStore::systemKeychainFallsBackWithoutService()
{
    if (m_environment == Environment::SecretService)
        QSKIP("runs where no secret service exists");
    QTemporaryDir root;
    const QString dir = root.filePath("tokens");
    SecretStore store(dir); // the real QtKeychain
    QSignalSpy changed(&store, &SecretStore::backendChanged);
    const Done write = writeToken(store, "prod", "tok");
    QVERIFY2(write.ok, qPrintable(write.error));
    QCOMPARE(store.backend(), "file");
    QCOMPARE(changed.size(), 1);
    QVERIFY(store.warning().contains(QDir::toNativeSeparators(dir)));
    QCOMPARE(modeOf(store.fallbackFilePath("prod")), 0600);
    QCOMPARE(readToken(store, "prod").token, "tok");
}

void TestSecretStore::systemKeychainRoundTrip()
{
    if (m_environment != Environment::SecretService)
        QSKIP("needs a Secret Service: CTest tst_secretstore_keychain runs this test through "
              "tests/storage/private-session.sh --keyring");
    QTemporaryDir root;
    const QString dir = root.filePath("tokens");
    const QString profile = "tst-" + QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QString token = "real-" + QUuid::createUuid().toString(QUuid::WithoutBraces);

    SecretStore store(dir);
    QSignalSpy changed(&store, &SecretStore::backendChanged);
    const Done write = writeToken(store, profile, token);
    QVERIFY2(write.ok, qPrintable(write.error));
    QCOMPARE(store.backend(), "keychain");
    QVERIFY(store.warning().isEmpty());

    // A new store, as on the next start, finds it.
    SecretStore next(dir);
    const Done read = readToken(next, profile);
    QVERIFY2(read.ok, qPrintable(read.error));
    QCOMPARE(read.token, token);

    // Stored as service "vigil", key = profile name.
    QKeychain::ReadPasswordJob job("vigil");
    job.setAutoDelete(false);
    job.setKey(profile);
    QSignalSpy finished(&job, &QKeychain::Job::finished);
    job.start();
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(job.error(), QKeychain::NoError);
    QCOMPARE(job.textData(), token);

    QVERIFY(removeToken(store, profile).ok);
    const Done gone = readToken(next, profile);
    QVERIFY(gone.ok);
    QVERIFY(gone.token.isEmpty());
    QVERIFY(removeToken(store, profile).ok);
    QCOMPARE(changed.size(), 0);
    QVERIFY(!QFileInfo::exists(dir)); // nothing on disk
}

void TestSecretStore::lockedKeychainIsAnErrorNotAFallback()
{
    if (m_environment != Environment::SecretService)
        QSKIP("needs a Secret Service: CTest tst_secretstore_keychain runs this test through "
              "tests/storage/private-session.sh --keyring");
    // Lock the login collection; with no display nobody can answer the unlock prompt.
    QDBusMessage lock =
        QDBusMessage::createMethodCall("org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "Lock");
    lock << QVariant::fromValue(
        QList<QDBusObjectPath>{QDBusObjectPath("/org/freedesktop/secrets/collection/login")});
    const QDBusMessage locked = QDBusConnection::sessionBus().call(lock);
    QVERIFY2(locked.type() == QDBusMessage::ReplyMessage, qPrintable(locked.errorMessage()));

    QTemporaryDir root;
    SecretStore store(root.filePath("tokens"));
    const Done write = writeToken(store, "locked", "tok");
    QVERIFY(write.finished);
    QVERIFY(!write.ok);
    QVERIFY(!write.error.isEmpty());
    QCOMPARE(store.backend(), "keychain");
    QVERIFY(store.warning().isEmpty());
    QVERIFY(!QFileInfo::exists(root.filePath("tokens")));
}

QTEST_GUILESS_MAIN(TestSecretStore)
#include "tst_secretstore.moc"
