#include "protocol/logfilter.h"

#include <QJsonArray>
#include <QTest>

using namespace vigil;

class TestLogFilter : public QObject
{
    Q_OBJECT

private slots:
    void levelsRank()
    {
        QCOMPARE(logLevelRank(u"debug"), 0);
        QCOMPARE(logLevelRank(u"error"), 3);
        QCOMPARE(logLevelRank(u"WARNING"), 2);
        QCOMPARE(logLevelRank(u"fatal"), 3);
        QCOMPARE(logLevelRank(u"chatty"), -1);
    }

    void emptyFilterPassesEverything()
    {
        const LogFilter f;
        QVERIFY(f.isEmpty());
        QVERIFY(f.matches(QJsonObject{{"level", "debug"}, {"source", "api"}}));
        QVERIFY(f.matches(QJsonObject{}));
    }

    void matchesEachPart_data()
    {
        QTest::addColumn<QString>("level");
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("task");
        QTest::addColumn<bool>("passes");
        QTest::newRow("all match") << "error"
                                   << "db"
                                   << "task-7" << true;
        QTest::newRow("level too low") << "info"
                                       << "db"
                                       << "task-7" << false;
        QTest::newRow("level equal") << "warn"
                                     << "api"
                                     << "task-7" << true;
        QTest::newRow("unknown level passes") << "trace-ish"
                                              << "api"
                                              << "task-7" << true;
        QTest::newRow("other source") << "error"
                                      << "web"
                                      << "task-7" << false;
        QTest::newRow("other task") << "error"
                                    << "db"
                                    << "task-8" << false;
    }
    void matchesEachPart()
    {
        QFETCH(QString, level);
        QFETCH(QString, source);
        QFETCH(QString, task);
        QFETCH(bool, passes);
        LogFilter f;
        f.minLevel = 2;
        f.sources = {QStringLiteral("api"), QStringLiteral("db")};
        f.taskId = QStringLiteral("task-7");
        QCOMPARE(f.matches(level, source, task), passes);
        QCOMPARE(f.matches(QJsonObject{{"level", level}, {"source", source}, {"taskId", task}}),
                 passes);
    }

    void roundTripsThroughJson()
    {
        LogFilter f;
        f.minLevel = 1;
        f.sources = {QStringLiteral("api")};
        f.taskId = QStringLiteral("task-1");
        const QJsonObject wire = f.toJson();
        QCOMPARE(wire.value("minLevel").toString(), QStringLiteral("info"));
        const auto back = LogFilter::fromJson(wire);
        QVERIFY(back.has_value());
        QCOMPARE(*back, f);
        QVERIFY(LogFilter{}.toJson().isEmpty());
    }

    void refusesMalformedFilters_data()
    {
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("not an object") << QJsonValue(QStringLiteral("warn")) << "object";
        QTest::newRow("unknown level")
            << QJsonValue(QJsonObject{{"minLevel", "loud"}}) << "minLevel";
        QTest::newRow("level not a string")
            << QJsonValue(QJsonObject{{"minLevel", 3}}) << "minLevel";
        QTest::newRow("sources not an array")
            << QJsonValue(QJsonObject{{"sources", "api"}}) << "sources";
        QTest::newRow("empty source")
            << QJsonValue(QJsonObject{{"sources", QJsonArray{""}}}) << "source";
        QJsonArray many;
        for (int i = 0; i <= LogFilter::kMaxSources; ++i)
            many.append(QStringLiteral("s%1").arg(i));
        QTest::newRow("too many sources") << QJsonValue(QJsonObject{{"sources", many}}) << "64";
        QTest::newRow("task not a string") << QJsonValue(QJsonObject{{"taskId", 7}}) << "taskId";
    }
    void refusesMalformedFilters()
    {
        QFETCH(QJsonValue, value);
        QFETCH(QString, mentions);
        QString error;
        QVERIFY(!LogFilter::fromJson(value, &error).has_value());
        QVERIFY2(error.contains(mentions), qPrintable(error));
    }

    void absentOrNullMeansEverything()
    {
        QVERIFY(LogFilter::fromJson(QJsonValue()).value().isEmpty());
        QVERIFY(LogFilter::fromJson(QJsonValue(QJsonValue::Null)).value().isEmpty());
        const auto dup = LogFilter::fromJson(QJsonObject{{"sources", QJsonArray{"a", "a"}}});
        QCOMPARE(dup->sources, QStringList{QStringLiteral("a")});
    }
};

QTEST_APPLESS_MAIN(TestLogFilter)
#include "tst_logfilter.moc"
