// The look every window gets: the VigilStyle controls style, and icons by freedesktop name
// that resolve on any desktop, including one whose icon theme lacks them (or none at all,
// as on a bare machine), through the bundled hicolor set.
#include "ui/lookandfeel.h"
#include "ui/workspace.h"

#include <QApplication>
#include <QDirIterator>
#include <QFile>
#include <QIcon>
#include <QQuickStyle>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

class TestLookAndFeel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void styleIsVigilStyleUnlessTheOperatorChoseOne();
    void everyIconTheViewsNameIsBundled();
    void iconsResolveWhenTheDesktopThemeLacksThem();
};

void TestLookAndFeel::initTestCase()
{
    qunsetenv("QT_QUICK_CONTROLS_STYLE");
    vigil::setUpLookAndFeel();
}

void TestLookAndFeel::styleIsVigilStyleUnlessTheOperatorChoseOne()
{
    QCOMPARE(QQuickStyle::name(), QStringLiteral("VigilStyle"));
    QVERIFY(QIcon::themeSearchPaths().contains(QStringLiteral(":/icons")));
    QCOMPARE(QIcon::fallbackThemeName(), QStringLiteral("hicolor"));
}

// Every icon name the QML files and the page list use has a bundled drawing: a typo or a
// new name without one would show an empty button on a desktop without that icon.
void TestLookAndFeel::everyIconTheViewsNameIsBundled()
{
    QSet<QString> names;
    const QRegularExpression named(
        QStringLiteral(R"((?:iconName|icon\.name)\s*:\s*(?:[^"\n]*\?\s*)?"([a-z0-9-]+)\")"));
    const QRegularExpression alternative(QStringLiteral(R"(:\s*"([a-z0-9-]+)\"\s*$)"));
    QDirIterator it(QStringLiteral(VIGIL_QML_DIR), {QStringLiteral("*.qml")}, QDir::Files,
                    QDirIterator::Subdirectories);
    int files = 0;
    while (it.hasNext()) {
        QFile file(it.next());
        QVERIFY(file.open(QIODevice::ReadOnly));
        ++files;
        const QString text = QString::fromUtf8(file.readAll());
        auto matches = named.globalMatch(text);
        while (matches.hasNext())
            names.insert(matches.next().captured(1));
    }
    QVERIFY(files > 20);
    vigil::Workspace workspace(nullptr, vigil::ConnectionConfig{}, {});
    for (const QVariant &page : workspace.pages())
        names.insert(page.toMap().value(QStringLiteral("icon")).toString());
    QVERIFY2(names.size() >= 10, qPrintable(QStringList(names.values()).join(u' ')));
    QStringList missing;
    for (const QString &name : std::as_const(names)) {
        if (!QFile::exists(QStringLiteral(":/icons/hicolor/scalable/actions/%1.svg").arg(name)))
            missing.append(name);
    }
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u' ')));
}

void TestLookAndFeel::iconsResolveWhenTheDesktopThemeLacksThem()
{
    for (const QString &theme : {QStringLiteral("NoSuchDesktopTheme"), QStringLiteral("hicolor")}) {
        QIcon::setThemeName(theme);
        const QIcon icon = QIcon::fromTheme(QStringLiteral("view-refresh"));
        QVERIFY2(!icon.isNull(), qPrintable(theme));
        const QImage image = icon.pixmap(32, 32).toImage();
        QVERIFY2(!image.isNull(), qPrintable(theme));
        int drawn = 0;
        for (int y = 0; y < image.height(); ++y) {
            for (int x = 0; x < image.width(); ++x)
                drawn += qAlpha(image.pixel(x, y)) > 0;
        }
        QVERIFY2(drawn > 20, qPrintable(QStringLiteral("%1: %2 pixels").arg(theme).arg(drawn)));
    }
    QVERIFY(QIcon::fromTheme(QStringLiteral("no-such-icon-anywhere")).isNull());
}

QTEST_MAIN(TestLookAndFeel)
#include "tst_lookandfeel.moc"
