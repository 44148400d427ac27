// Starts the real `vigil --demo` offscreen and checks that a connected window with live counts
// is rendered: the test a new user's first launch would pass.
#include "helpers/childprocess.h"

#include <QImage>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

class TestAppSmoke : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void demoWindowConnectsAndRenders();
    void demoWindowWorksOverHttpFallback();
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
    // The connected-state dot is green (Theme.ok, #2da44e) somewhere in the header.
    bool green = false;
    for (int y = 0; y < 60 && !green; ++y) {
        for (int x = 0; x < image.width() && !green; ++x)
            green = image.pixel(x, y) == qRgb(0x2d, 0xa4, 0x4e);
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

QTEST_GUILESS_MAIN(TestAppSmoke)
#include "tst_app_smoke.moc"
