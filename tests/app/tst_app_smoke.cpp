// Starts the real `vigil --demo` offscreen and checks that a connected window with live counts
// is rendered: the test a new user's first launch would pass.
#include "helpers/childprocess.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

class TestAppSmoke : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void demoWindowConnectsAndRenders();
    void demoWindowWorksOverHttpFallback();
    void secondLaunchRaisesTheFirst();
};

void TestAppSmoke::demoWindowConnectsAndRenders()
{
    QTemporaryDir dir;
    const QString shot = dir.filePath("window.png");
    const auto r = vigil::test::runProcess(
        QStringLiteral(VIGIL_APP_BIN), {"--demo", "--screenshot", shot}, 120000,
        {"QT_QPA_PLATFORM=offscreen", "QT_QUICK_BACKEND=software",
         "VIGIL_DATA_DIR=" + dir.filePath("data"), "XDG_CONFIG_HOME=" + dir.filePath("config")});
    QVERIFY2(r.finished, "vigil --demo did not finish");
    QVERIFY2(r.exitCode == 0, r.err.constData());
    // It reported the connection and the screenshot in its log.
    QVERIFY2(r.err.contains("state connected"), r.err.constData());
    QVERIFY2(r.err.contains("screenshot saved"), r.err.constData());

    QImage image(shot);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 640 && image.height() >= 400);

    // Not blank: many distinct colours (text, tiles, the state dot), and no single colour
    // covering nearly all of the window.
    QHash<QRgb, int> histogram;
    for (int y = 0; y < image.height(); y += 2) {
        for (int x = 0; x < image.width(); x += 2)
            ++histogram[image.pixel(x, y)];
    }
    int samples = 0;
    int dominant = 0;
    for (int n : std::as_const(histogram)) {
        samples += n;
        dominant = std::max(dominant, n);
    }
    QVERIFY2(histogram.size() >= 8, qPrintable(QString::number(histogram.size())));
    QVERIFY(double(dominant) / samples < 0.97);
    // The connected-state dot is green (Theme.ok: palette.h's kOk, #1a7f37 in the light theme,
    // #3fb950 in the dark one) somewhere in the header.
    bool green = false;
    for (int y = 0; y < 60 && !green; ++y) {
        for (int x = 0; x < image.width() && !green; ++x) {
            const QRgb pixel = image.pixel(x, y);
            green = pixel == qRgb(0x1a, 0x7f, 0x37) || pixel == qRgb(0x3f, 0xb9, 0x50);
        }
    }
    QVERIFY2(green, "no connected-state indicator in the header");
}

void TestAppSmoke::demoWindowWorksOverHttpFallback()
{
    QTemporaryDir dir;
    const QString shot = dir.filePath("fallback.png");
    const auto r = vigil::test::runProcess(
        QStringLiteral(VIGIL_APP_BIN), {"--demo", "--transport", "poll", "--screenshot", shot},
        120000,
        {"QT_QPA_PLATFORM=offscreen", "QT_QUICK_BACKEND=software",
         "VIGIL_DATA_DIR=" + dir.filePath("data"), "XDG_CONFIG_HOME=" + dir.filePath("config")});
    QVERIFY2(r.finished && r.exitCode == 0, r.err.constData());
    QVERIFY2(r.err.contains("state fallback - using HTTP fallback (poll)"), r.err.constData());
    QImage image(shot);
    QVERIFY(!image.isNull());
    // The fallback banner (Theme.warning, #d29922) spans the window under the header.
    int bannerPixels = 0;
    for (int x = 0; x < image.width(); ++x)
        bannerPixels += image.pixel(x, 60) == qRgb(0xd2, 0x99, 0x22) ||
                                image.pixel(x, 45) == qRgb(0xd2, 0x99, 0x22)
                            ? 1
                            : 0;
    QVERIFY2(bannerPixels > image.width() / 2, qPrintable(QString::number(bannerPixels)));
}

void TestAppSmoke::secondLaunchRaisesTheFirst()
{
    QTemporaryDir dir;
    QVERIFY(QDir().mkpath(dir.filePath("run")));
    QFile::setPermissions(dir.filePath("run"),
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    env.insert("QT_QUICK_BACKEND", "software");
    env.insert("XDG_CONFIG_HOME", dir.filePath("config"));
    env.insert("XDG_RUNTIME_DIR", dir.filePath("run"));
    const QStringList args = {"--demo", "--data-dir", dir.filePath("data")};

    vigil::test::ChildProcess first;
    first.setProcessEnvironment(env);
    first.start(QStringLiteral(VIGIL_APP_BIN), args);
    QVERIFY(first.waitForStarted());
    QByteArray log;
    QTRY_VERIFY_WITH_TIMEOUT((log += first.readAllStandardError()).contains("state connected"),
                             60000);

    // The same user and data directory: the second process hands over and exits at once.
    vigil::test::ChildProcess second;
    second.setProcessEnvironment(env);
    second.start(QStringLiteral(VIGIL_APP_BIN), args + QStringList{"--page", "chat"});
    QVERIFY(second.waitForFinished(30000));
    QCOMPARE(second.exitCode(), 0);
    QVERIFY(second.readAllStandardError().contains("asked it to come forward"));
    QTRY_VERIFY_WITH_TIMEOUT(
        (log += first.readAllStandardError()).contains("a second launch asked for this window"),
        30000);
    QCOMPARE(first.state(), QProcess::Running);

    // Another data directory is another client: it starts (and is stopped by its destructor).
    vigil::test::ChildProcess other;
    other.setProcessEnvironment(env);
    other.start(QStringLiteral(VIGIL_APP_BIN), {"--demo", "--data-dir", dir.filePath("other")});
    QVERIFY(other.waitForStarted());
    QByteArray otherLog;
    QTRY_VERIFY_WITH_TIMEOUT((otherLog += other.readAllStandardError()).contains("state connected"),
                             60000);
}

QTEST_GUILESS_MAIN(TestAppSmoke)
#include "tst_app_smoke.moc"
