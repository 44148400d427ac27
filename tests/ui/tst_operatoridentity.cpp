// Who the operator is, in one place: the setting "Operator name" first, then the user the
// server's welcome names, then the desktop account. The setting is stored, survives a restart
// and is ignored when a hand-edited file holds no usable name; changing it on the Settings page
// changes at once the chat's name (what messages and receipts carry, which rows are the
// operator's own) and who Assign to me assigns.
#include "connection/connectionmanager.h"
#include "connection/connectionview.h"
#include "delivery/actiontracker.h"
#include "helpers/connectionfixture.h"
#include "helpers/outboxfixture.h"
#include "helpers/testsupport.h"
#include "models/feedmodels.h"
#include "relay/relay.h"
#include "storage/preferences.h"
#include "ui/actions.h"
#include "ui/chatsession.h"
#include "ui/incidentform.h"
#include "ui/operatoridentity.h"
#include "ui/settingscontroller.h"

#include <QFile>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace vigil;
using vigil::test::configFor;
using vigil::test::kWaitMs;
using vigil::test::TempOutbox;
using Source = OperatorIdentity::Source;

namespace {

constexpr auto kAccount = "desk-user";

// A relay tokens file in `dir` naming the user of token "t-1", readable by this user only.
QString tokensFile(const QTemporaryDir &dir, const QString &user)
{
    const QByteArray json =
        QStringLiteral(R"({"tokens":[{"token":"t-1","user":"%1","read":["*"],"write":["*"]}]})")
            .arg(user)
            .toUtf8();
    QFile file(dir.filePath("tokens.json"));
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size())
        return {};
    file.close();
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return file.fileName();
}

} // namespace

class TestOperatorIdentity : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void nameComesFirstFromTheSettingThenTheServerThenTheAccount_data();
    void nameComesFirstFromTheSettingThenTheServerThenTheAccount();
    void eachChangeIsAnnounced();
    void settingSurvivesARestart();
    void unusableStoredNameIsIgnored_data();
    void unusableStoredNameIsIgnored();
    void welcomeNamesTheOperatorUnderTheSetting();
    void changingTheSettingRenamesTheChatAndAssignToMe();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<Preferences> m_prefs;
};

void TestOperatorIdentity::initTestCase()
{
    qRegisterMetaType<Envelope>();
    // The account's name as the desktop tells it, whoever runs the test.
    qputenv("USER", kAccount);
}

void TestOperatorIdentity::init()
{
    m_prefs.reset();
    m_settings.reset();
    m_dir = std::make_unique<QTemporaryDir>();
    m_settings = std::make_unique<QSettings>(m_dir->filePath("vigil.conf"), QSettings::IniFormat);
    m_prefs = std::make_unique<Preferences>(m_settings.get());
}

void TestOperatorIdentity::nameComesFirstFromTheSettingThenTheServerThenTheAccount_data()
{
    QTest::addColumn<QString>("setting");
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("name");
    QTest::addColumn<Source>("source");
    QTest::newRow("nothing said: the account") << ""
                                               << "" << kAccount << Source::Account;
    QTest::newRow("the server") << ""
                                << "dana"
                                << "dana" << Source::Server;
    QTest::newRow("the setting over the server") << "Dana Ruiz"
                                                 << "dana"
                                                 << "Dana Ruiz" << Source::Setting;
    QTest::newRow("the setting over the account") << "Dana Ruiz"
                                                  << ""
                                                  << "Dana Ruiz" << Source::Setting;
    QTest::newRow("a blank setting is none") << "   "
                                             << "dana"
                                             << "dana" << Source::Server;
    QTest::newRow("trimmed") << "  Dana  "
                             << " dana "
                             << "Dana" << Source::Setting;
}

void TestOperatorIdentity::nameComesFirstFromTheSettingThenTheServerThenTheAccount()
{
    QFETCH(QString, setting);
    QFETCH(QString, server);
    QFETCH(QString, name);
    QFETCH(Source, source);
    OperatorIdentity identity(nullptr, m_prefs.get());
    QVERIFY(identity.setConfiguredName(setting));
    identity.setServerName(server);
    QCOMPARE(identity.name(), name);
    QCOMPARE(identity.source(), source);
    QCOMPARE(identity.configuredName(), setting.trimmed());
    // What an empty setting falls back to: the server's name, else the account's.
    QCOMPARE(identity.fallbackName(),
             server.trimmed().isEmpty() ? QString::fromLatin1(kAccount) : server.trimmed());
    QVERIFY(!identity.sourceText().isEmpty());
}

void TestOperatorIdentity::eachChangeIsAnnounced()
{
    OperatorIdentity identity(nullptr, m_prefs.get());
    QSignalSpy changed(&identity, &OperatorIdentity::nameChanged);
    identity.setServerName("dana");
    QCOMPARE(changed.size(), 1);
    identity.setServerName("dana"); // the same again (a reconnect's welcome): no change
    QCOMPARE(changed.size(), 1);
    QVERIFY(identity.setConfiguredName("Dana Ruiz"));
    QCOMPARE(changed.size(), 2);
    QCOMPARE(m_prefs->operatorName(), QStringLiteral("Dana Ruiz"));
    // Refused: nothing changes, nothing is stored.
    QVERIFY(!identity.setConfiguredName("Dana\nRuiz"));
    QVERIFY(!identity.setConfiguredName(QString(Preferences::kOperatorNameMaxLength + 1, 'x')));
    QCOMPARE(changed.size(), 2);
    QCOMPARE(identity.name(), QStringLiteral("Dana Ruiz"));
    QCOMPARE(m_prefs->operatorName(), QStringLiteral("Dana Ruiz"));
    // The longest name that fits is taken.
    QVERIFY(identity.setConfiguredName(QString(Preferences::kOperatorNameMaxLength, 'x')));
    QCOMPARE(changed.size(), 3);
    // Cleared: the setting is gone from the file, the server's name is back.
    QVERIFY(identity.setConfiguredName(QString()));
    QCOMPARE(changed.size(), 4);
    QCOMPARE(identity.name(), QStringLiteral("dana"));
    QVERIFY(!m_settings->contains("ui/operatorName"));
}

void TestOperatorIdentity::settingSurvivesARestart()
{
    {
        OperatorIdentity identity(nullptr, m_prefs.get());
        QVERIFY(identity.setConfiguredName("Dana Ruiz"));
        m_prefs->sync();
    }
    QSettings again(m_dir->filePath("vigil.conf"), QSettings::IniFormat);
    Preferences prefs(&again);
    OperatorIdentity identity(nullptr, &prefs);
    QCOMPARE(identity.name(), QStringLiteral("Dana Ruiz"));
    QCOMPARE(identity.source(), Source::Setting);
    // Without preferences (no settings file): there is no setting to read.
    OperatorIdentity bare(nullptr, nullptr);
    QCOMPARE(bare.name(), QString::fromLatin1(kAccount));
}

void TestOperatorIdentity::unusableStoredNameIsIgnored_data()
{
    QTest::addColumn<QString>("stored");
    QTest::newRow("too long") << QString(Preferences::kOperatorNameMaxLength + 1, 'x');
    QTest::newRow("two lines") << "Dana\nRuiz";
    QTest::newRow("a tab") << "Dana\tRuiz";
}

void TestOperatorIdentity::unusableStoredNameIsIgnored()
{
    QFETCH(QString, stored);
    m_settings->setValue("ui/operatorName", stored); // a hand-edited file
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression("ignoring setting.*operatorName"));
    OperatorIdentity identity(nullptr, m_prefs.get());
    QCOMPARE(identity.name(), QString::fromLatin1(kAccount));
    QCOMPARE(identity.source(), Source::Account);
    QCOMPARE(identity.configuredName(), QString());
}

void TestOperatorIdentity::welcomeNamesTheOperatorUnderTheSetting()
{
    QTemporaryDir dir;
    RelayConfig config;
    config.tokensFile = tokensFile(dir, "dana");
    QVERIFY(!config.tokensFile.isEmpty());
    vigil::Relay relay(config);
    QString error;
    QVERIFY2(relay.start(&error), qPrintable(error));
    ConnectionConfig client = configFor({relay.url()}, {"chat"});
    client.token = "t-1";
    ConnectionManager manager(client);
    ConnectionView view(&manager);

    OperatorIdentity identity(nullptr, m_prefs.get());
    QVERIFY(identity.setConfiguredName("Dana Ruiz"));
    identity.attach(&view);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(identity.fallbackName(), QStringLiteral("dana"), kWaitMs);
    QCOMPARE(identity.name(), QStringLiteral("Dana Ruiz")); // the setting still wins
    QVERIFY(identity.setConfiguredName(QString()));
    QCOMPARE(identity.name(), QStringLiteral("dana"));
    QCOMPARE(identity.source(), Source::Server);
}

void TestOperatorIdentity::changingTheSettingRenamesTheChatAndAssignToMe()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    ActionTracker tracker(&outbox, "p");
    Actions actions(nullptr);
    actions.setTracker(&tracker);
    ChatModel chat(nullptr);
    ChatSession session(nullptr, &chat, &actions);
    session.setTracker(&tracker);
    IncidentForm form(nullptr);
    OperatorIdentity identity(nullptr, m_prefs.get());
    SettingsController settings(nullptr, m_prefs.get(), nullptr);
    settings.setOperatorIdentity(&identity);

    // Before they follow an identity: the account's name.
    QCOMPARE(form.me(), QString::fromLatin1(kAccount));
    QCOMPARE(session.operatorName(), QString::fromLatin1(kAccount));
    identity.setServerName("dana");
    QCOMPARE(form.me(), QString::fromLatin1(kAccount));
    QSignalSpy meChanged(&form, &IncidentForm::meChanged);
    QSignalSpy chatNameChanged(&session, &ChatSession::operatorNameChanged);
    form.setIdentity(&identity);
    session.setIdentity(&identity);
    QCOMPARE(form.me(), QStringLiteral("dana"));
    QCOMPARE(session.operatorName(), QStringLiteral("dana"));
    QCOMPARE(meChanged.size(), 1);
    QCOMPARE(chatNameChanged.size(), 1);

    // Saved on the Settings page: both take it at once, and the file has it.
    QVERIFY(settings.saveOperatorName("  Dana Ruiz "));
    QVERIFY(!settings.messageIsError());
    QCOMPARE(form.me(), QStringLiteral("Dana Ruiz"));
    QCOMPARE(session.operatorName(), QStringLiteral("Dana Ruiz"));
    QCOMPARE(chat.operatorName(), QStringLiteral("Dana Ruiz"));
    QCOMPARE(meChanged.size(), 2);
    QCOMPARE(chatNameChanged.size(), 2);
    QCOMPARE(QSettings(m_dir->filePath("vigil.conf"), QSettings::IniFormat)
                 .value("ui/operatorName")
                 .toString(),
             QStringLiteral("Dana Ruiz"));

    // What the chat sends carries the new name, and messages in that name are the operator's.
    QVERIFY(!session.send("conv-1", "on it").isEmpty());
    const QList<OutboxEntry> queued = outbox.pending("p");
    QCOMPARE(queued.size(), 1);
    QCOMPARE(queued.at(0).envelope.payload.toObject().value("senderId").toString(),
             QStringLiteral("Dana Ruiz"));
    chat.record(Envelope::create("chat.message", "chat",
                                 QJsonObject{{"id", "elsewhere"},
                                             {"conversationId", "conv-1"},
                                             {"senderId", "Dana Ruiz"},
                                             {"content", "from my laptop"},
                                             {"timestamp", 1000}}));
    chat.flush();
    const ChatMessage *mine = chat.rows().find("elsewhere");
    QVERIFY(mine);
    QVERIFY(mine->own);

    // A name that cannot be used is refused with a sentence and changes nothing.
    QVERIFY(!settings.saveOperatorName("Dana\nRuiz"));
    QVERIFY(settings.messageIsError());
    QCOMPARE(form.me(), QStringLiteral("Dana Ruiz"));

    // Cleared: the server's name again, in both.
    QVERIFY(settings.saveOperatorName(QString()));
    QCOMPARE(form.me(), QStringLiteral("dana"));
    QCOMPARE(session.operatorName(), QStringLiteral("dana"));
    QVERIFY(m_prefs->operatorName().isEmpty());
}

QTEST_GUILESS_MAIN(TestOperatorIdentity)
#include "tst_operatoridentity.moc"
