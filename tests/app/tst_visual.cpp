// The visual checks: every page of the real window (and the welcome screen and the overlays the
// window offers), in light and dark, at 800x600, 1280x800 and 1920x1080, against the embedded
// demo. Each frame is saved as a PNG (the CI artifacts; scripts/refresh-screenshots.sh copies
// a set into docs/screenshots/) and checked for what a machine can see: the page shows its
// content, no text is cut short where the layout should have room, no control is drawn over
// another, and the theme's colour pairs reach WCAG AA contrast (4.5:1).
//
// A row collects every problem of its frame and fails once with the whole list, naming the
// page, theme, size and items; the other rows are checked all the same.
#include "appcontext.h"
#include "appoptions.h"
#include "helpers/testsupport.h"
#include "visualchecks.h"

#include "models/feedmodels.h"
#include "models/notificationsmodel.h"
#include "ui/connectionstatus.h"
#include "ui/healthmonitor.h"
#include "ui/workspace.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJSValue>
#include <QMap>
#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQmlContext>
#include <QQmlExpression>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSet>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest/quicktest.h>

#include <memory>

Q_IMPORT_QML_PLUGIN(Vigil_ModelsPlugin)
Q_IMPORT_QML_PLUGIN(VigilPlugin)

using vigil::app::AppContext;
namespace visual = vigil::test::visual;

namespace {
using vigil::test::kWaitMs;

const QStringList kThemes{QStringLiteral("light"), QStringLiteral("dark")};
const QList<QSize> kSizes{{800, 600}, {1280, 800}, {1920, 1080}};
const QString kWelcome = QStringLiteral("welcome");

// The overlays the window opens with a function of its root (Main.qml): row name -> function.
// Rows exist only for the functions the window has.
const QList<std::pair<QString, QByteArray>> kOverlays{
    {QStringLiteral("about"), "openAbout"}, {QStringLiteral("shortcuts"), "openShortcuts"}};

// Lists the demo does not fill by itself: the Queue page lists the operator's actions, and
// there are some only after a page acted (the Chat page marks messages read when shown). Empty,
// they must say so (their empty hint).
const QStringList kEmptyInDemo{QStringLiteral("queuePageList")};

// Frames at least this colourful are pages, not blank or one-colour screens (as tst_pages).
constexpr int kMinimumColours = 20;

QString artifactsDir()
{
    const QString fromEnv = qEnvironmentVariable("VIGIL_ARTIFACTS_DIR");
    return fromEnv.isEmpty() ? QStringLiteral(VIGIL_SCREENSHOT_DIR) : fromEnv;
}

// Searches the visual tree as well as the object tree: the pages are created by a Repeater
// and Loaders, whose items are children of their visual parents only.
QQuickItem *findItem(QQuickItem *root, const QString &name)
{
    if (!root)
        return nullptr;
    if (root->objectName() == name)
        return root;
    const auto children = root->childItems();
    for (QQuickItem *child : children) {
        if (QQuickItem *found = findItem(child, name))
            return found;
    }
    return nullptr;
}

bool shown(const QQuickItem *it)
{
    return it && it->isVisible() && it->width() > 0 && it->height() > 0;
}

QString rectText(const QRectF &r)
{
    return QStringLiteral("(%1,%2 %3x%4)")
        .arg(qRound(r.x()))
        .arg(qRound(r.y()))
        .arg(qRound(r.width()))
        .arg(qRound(r.height()));
}

QColor toColour(const QVariant &value)
{
    if (value.canConvert<QColor>() && value.metaType() == QMetaType::fromType<QColor>())
        return value.value<QColor>();
    return QColor(value.toString());
}
} // namespace

class TestVisual : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();
    void themeColours_data();
    void themeColours();
    void screens_data();
    void screens();
    void checksSeeKnownProblems();

private:
    enum class Stage { Any, Welcome, Demo };
    void useWindow(const QString &theme, Stage stage);
    void startWindow(const QString &theme);
    void startDemo();
    [[nodiscard]] QObject *theme() const;
    void settle();
    void closePopups();
    [[nodiscard]] QQuickItem *pageItemOf(const QString &page) const;
    [[nodiscard]] QList<QQuickItem *> contentRoots(const QString &page, bool overlay) const;
    [[nodiscard]] static bool filled(QQuickItem *list);
    void waitForLists(const QList<QQuickItem *> &roots);
    [[nodiscard]] QStringList contentProblems(const QString &page, bool overlay,
                                              const QImage &frame);
    void time(const char *check, const QElapsedTimer &timer);
    void report(const QString &row, const QStringList &problems);

    QTemporaryDir m_home;
    std::unique_ptr<QTemporaryDir> m_data;
    std::unique_ptr<AppContext> m_context;
    QString m_theme;
    QDir m_artifacts;
    int m_starts = 0;
    QMap<QString, std::pair<qint64, int>> m_timings; ///< check -> total ms, runs
    QSet<QString> m_emptyLists;                      ///< theme/objectName found without rows
};

void TestVisual::initTestCase()
{
    // As tst_pages: no desktop session, and settings and data of this run only.
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    qunsetenv("DISPLAY");
    QVERIFY(m_home.isValid());
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_home.filePath("config")));
    qputenv("XDG_DATA_HOME", QFile::encodeName(m_home.filePath("data")));
    qputenv("XDG_DOCUMENTS_DIR", QFile::encodeName(m_home.filePath("documents")));
    QVERIFY(QDir().mkpath(artifactsDir()));
    m_artifacts.setPath(artifactsDir());
    QFile::remove(m_artifacts.filePath("visual-report.txt"));
    qInfo().noquote() << "screenshots and visual-report.txt in" << m_artifacts.absolutePath();
}

void TestVisual::cleanupTestCase()
{
    m_context.reset();
    qInfo().noquote() << "window starts:" << m_starts;
    for (auto it = m_timings.cbegin(); it != m_timings.cend(); ++it) {
        qInfo().noquote() << QStringLiteral("%1: %2 ms in %3 runs (%4 ms each)")
                                 .arg(it.key(), -12)
                                 .arg(it->first)
                                 .arg(it->second)
                                 .arg(it->second ? it->first / it->second : 0);
    }
}

void TestVisual::cleanup()
{
    // An overlay row that failed half-way leaves nothing open for the next row.
    if (m_context && m_context->window())
        closePopups();
}

void TestVisual::time(const char *check, const QElapsedTimer &timer)
{
    auto &entry = m_timings[QString::fromLatin1(check)];
    entry.first += timer.elapsed();
    entry.second += 1;
}

void TestVisual::report(const QString &row, const QStringList &problems)
{
    if (problems.isEmpty())
        return;
    QFile file(m_artifacts.filePath("visual-report.txt"));
    if (file.open(QIODevice::Append | QIODevice::Text)) {
        file.write(row.toUtf8() + ":\n");
        for (const QString &problem : problems)
            file.write("  " + problem.toUtf8() + '\n');
    }
}

// The window of `theme`, started once and kept for the following rows: at the welcome screen
// (a first run), or connected to the demo with its models filled.
void TestVisual::useWindow(const QString &theme, Stage stage)
{
    const bool restart = !m_context || m_theme != theme ||
                         (stage == Stage::Welcome && !m_context->workspace()->welcomeNeeded());
    if (restart) {
        startWindow(theme);
        if (QTest::currentTestFailed())
            return;
    }
    if (stage == Stage::Demo && m_context->workspace()->welcomeNeeded())
        startDemo();
}

void TestVisual::startWindow(const QString &themeName)
{
    QElapsedTimer timer;
    timer.start();
    m_context.reset();
    m_theme.clear();
    {
        // A first run with the theme chosen in Settings > Appearance.
        QSettings settings;
        settings.clear();
        settings.setValue("ui/theme", themeName);
        settings.sync();
    }
    m_data = std::make_unique<QTemporaryDir>();
    vigil::app::AppOptions options;
    options.dataDir = m_data->path();
    m_context = std::make_unique<AppContext>(options);
    QString error;
    QVERIFY2(m_context->start(&error), qPrintable(error));
    QQuickWindow *window = m_context->window();
    QVERIFY(window);
    QTRY_VERIFY_WITH_TIMEOUT(window->isExposed(), kWaitMs);
    QVERIFY(m_context->workspace()->welcomeNeeded());
    // The setting took: otherwise every dark row would check the light look.
    QObject *t = theme();
    QVERIFY2(t, "the QML Theme singleton cannot be read");
    QCOMPARE(t->property("dark").toBool(), themeName == u"dark");
    m_theme = themeName;
    ++m_starts;
    time("start", timer);
}

// "Try the demo", as the welcome screen's button does; then waits until the demo's scenario
// has reached every page.
void TestVisual::startDemo()
{
    QElapsedTimer timer;
    timer.start();
    QVERIFY(m_context->workspace()->startDemo());
    QTRY_VERIFY_WITH_TIMEOUT(m_context->status()->connected(), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_context->incidents()->count() > 0, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_context->notifications()->rowCount() > 0, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_context->health()->points("rtt").size() >= 2, kWaitMs);
    time("demo", timer);
}

QObject *TestVisual::theme() const
{
    QObject *root = m_context->engine()->rootObjects().value(0);
    if (!root)
        return nullptr;
    // The root's context has Main.qml's imports, Vigil's Theme among them.
    QQmlExpression expression(qmlContext(root), root, QStringLiteral("Theme"));
    const QVariant value = expression.evaluate();
    return expression.hasError() ? nullptr : value.value<QObject *>();
}

// Until the layouts have settled: no polish pending, and a frame rendered with them.
void TestVisual::settle()
{
    QQuickWindow *window = m_context->window();
    QVERIFY(QQuickTest::qWaitForPolish(window, kWaitMs));
    window->grabWindow();
    QVERIFY(QQuickTest::qWaitForPolish(window, kWaitMs));
}

void TestVisual::closePopups()
{
    QQuickWindow *window = m_context->window();
    const auto objects = window->findChildren<QObject *>();
    for (QObject *object : objects) {
        if (object->inherits("QQuickPopup") && object->property("visible").toBool())
            QMetaObject::invokeMethod(object, "close");
    }
    QTRY_VERIFY_WITH_TIMEOUT(visual::openPopupItems(window).isEmpty(), kWaitMs);
}

void TestVisual::themeColours_data()
{
    QTest::addColumn<QString>("themeName");
    for (const QString &name : kThemes)
        QTest::newRow(qPrintable(name)) << name;
}

void TestVisual::themeColours()
{
    QFETCH(QString, themeName);
    useWindow(themeName, Stage::Any);
    if (QTest::currentTestFailed())
        return;
    QElapsedTimer timer;
    timer.start();
    QObject *t = theme();
    QVERIFY(t);
    QStringList problems;
    const QColor window = toColour(t->property("window"));
    const auto colour = [&](const char *name) -> QColor {
        const QVariant value = t->property(name);
        if (!value.isValid()) {
            problems.append(QStringLiteral("Theme has no colour \"%1\"").arg(name));
            return {};
        }
        return toColour(value);
    };
    int checked = 0;
    std::pair<double, QString> lowest{21.0, QString()};
    const auto check = [&](const QString &pair, const QColor &fg, const QColor &bg) {
        if (!fg.isValid() || !bg.isValid())
            return; // said where the colour was read
        const double ratio = visual::contrastRatio(fg, bg, window);
        ++checked;
        lowest = std::min(lowest, std::pair{ratio, pair});
        if (ratio < visual::kMinimumContrast) {
            problems.append(QStringLiteral("%1: %2 on %3 is %4:1 (< 4.5:1)")
                                .arg(pair, fg.name(QColor::HexArgb), bg.name(QColor::HexArgb))
                                .arg(ratio, 0, 'f', 2));
        }
    };

    // The pairs text is drawn with.
    const struct
    {
        const char *fg;
        const char *bg;
    } pairs[] = {{"text", "window"},       {"text", "surface"},   {"textMuted", "window"},
                 {"textMuted", "surface"}, {"accent", "surface"}, {"accent", "window"},
                 {"text", "selection"},    {"ok", "surface"},     {"warning", "surface"},
                 {"danger", "surface"},    {"severe", "surface"}, {"idle", "surface"}};
    for (const auto &pair : pairs) {
        check(QStringLiteral("Theme.%1 on Theme.%2").arg(pair.fg, pair.bg), colour(pair.fg),
              colour(pair.bg));
    }
    // Banner text on the banner's fill: the Theme's dedicated fills where it has them, else
    // the status colours themselves.
    const char *dangerFill = t->property("dangerFill").isValid() ? "dangerFill" : "danger";
    const char *warningFill = t->property("warningFill").isValid() ? "warningFill" : "warning";
    check(QStringLiteral("Theme.textOnDanger on Theme.%1").arg(dangerFill), colour("textOnDanger"),
          colour(dangerFill));
    check(QStringLiteral("Theme.textOnWarning on Theme.%1").arg(warningFill),
          colour("textOnWarning"), colour(warningFill));

    // The Theme's own list of the pairs it draws text with, where it has one.
    const QVariant declared = t->property("contrastPairs");
    if (declared.isValid()) {
        QVariant value = declared;
        if (value.metaType() == QMetaType::fromType<QJSValue>())
            value = value.value<QJSValue>().toVariant();
        const QVariantList list = value.toList();
        if (list.isEmpty())
            problems.append(QStringLiteral("Theme.contrastPairs is not a list of {name, fg, bg}"));
        for (const QVariant &entry : list) {
            const QVariantMap map = entry.toMap();
            const QColor fg = toColour(map.value("fg"));
            const QColor bg = toColour(map.value("bg"));
            const QString name =
                QStringLiteral("Theme.contrastPairs \"%1\"").arg(map.value("name").toString());
            if (!fg.isValid() || !bg.isValid())
                problems.append(name + QStringLiteral(": not two colours"));
            check(name, fg, bg);
        }
    }

    // The palette the controls draw with.
    QObject *palette = m_context->window()->property("palette").value<QObject *>();
    if (!palette) {
        problems.append(QStringLiteral("the window has no palette"));
    } else {
        const struct
        {
            const char *fg;
            const char *bg;
        } rolePairs[] = {{"windowText", "window"},
                         {"buttonText", "button"},
                         {"text", "base"},
                         {"highlightedText", "highlight"},
                         {"placeholderText", "base"}};
        const auto role = [&](const char *name) {
            const QColor colour = palette->property(name).value<QColor>();
            if (!colour.isValid())
                problems.append(QStringLiteral("the palette has no colour \"%1\"").arg(name));
            return colour;
        };
        for (const auto &pair : rolePairs) {
            check(QStringLiteral("palette.%1 on palette.%2").arg(pair.fg, pair.bg), role(pair.fg),
                  role(pair.bg));
        }
    }
    time("contrast", timer);
    qInfo().noquote() << QStringLiteral("%1 theme: %2 colour pairs, the weakest %3 at %4:1")
                             .arg(themeName)
                             .arg(checked)
                             .arg(lowest.second)
                             .arg(lowest.first, 0, 'f', 2);
    report(QStringLiteral("colours-%1").arg(themeName), problems);
    QVERIFY2(problems.isEmpty(),
             qPrintable(QStringLiteral("%1 contrast problems in the %2 theme:\n  %3")
                            .arg(problems.size())
                            .arg(themeName, problems.join(QStringLiteral("\n  ")))));
}

void TestVisual::screens_data()
{
    QTest::addColumn<QString>("themeName");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<QString>("page");

    // The pages the sidebar lists without the Debug option, and the overlays the window has:
    // asked of the real window, so a page added tomorrow gets its rows.
    if (!m_context)
        startWindow(kThemes.constLast());
    QVERIFY(m_context);
    QStringList pages;
    const QVariantList entries = m_context->workspace()->pages();
    for (const QVariant &entry : entries) {
        const QVariantMap map = entry.toMap();
        if (!map.value("debugOnly").toBool())
            pages.append(map.value("key").toString());
    }
    QObject *root = m_context->engine()->rootObjects().value(0);
    for (const auto &[name, function] : kOverlays) {
        if (root && root->metaObject()->indexOfMethod(function + "()") >= 0)
            pages.append(name);
    }

    // Theme by theme (one window each, the theme of the rows before first), the welcome screen
    // before the demo starts, then size by size.
    QStringList themes = kThemes;
    if (m_theme == themes.constLast())
        std::reverse(themes.begin(), themes.end());
    for (const QString &themeName : std::as_const(themes)) {
        for (const QSize &size : kSizes) {
            QTest::addRow("%s-%s-%dx%d", qPrintable(kWelcome), qPrintable(themeName), size.width(),
                          size.height())
                << themeName << size << kWelcome;
        }
        for (const QSize &size : kSizes) {
            for (const QString &page : std::as_const(pages)) {
                QTest::addRow("%s-%s-%dx%d", qPrintable(page), qPrintable(themeName), size.width(),
                              size.height())
                    << themeName << size << page;
            }
        }
    }
}

void TestVisual::screens()
{
    QFETCH(QString, themeName);
    QFETCH(QSize, size);
    QFETCH(QString, page);
    const QString row =
        QStringLiteral("%1-%2-%3x%4").arg(page, themeName).arg(size.width()).arg(size.height());
    const bool welcome = page == kWelcome;
    QByteArray overlay;
    for (const auto &[name, function] : kOverlays) {
        if (name == page)
            overlay = function;
    }
    useWindow(themeName, welcome ? Stage::Welcome : Stage::Demo);
    if (QTest::currentTestFailed())
        return;
    QQuickWindow *window = m_context->window();

    QElapsedTimer timer;
    timer.start();
    // The platform applies the new size through the event loop; the items follow it.
    window->resize(size);
    QTRY_COMPARE_WITH_TIMEOUT(window->size(), size, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(window->contentItem()->size(), QSizeF(size), kWaitMs);
    if (!overlay.isEmpty()) {
        // Over the dashboard, as an operator would open it.
        m_context->workspace()->setPage(QStringLiteral("dashboard"));
        QVERIFY(QMetaObject::invokeMethod(m_context->engine()->rootObjects().value(0),
                                          overlay.constData()));
        QTRY_VERIFY_WITH_TIMEOUT(!visual::openPopupItems(window).isEmpty(), kWaitMs);
        // Open, its entry animation over.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const auto objects = window->findChildren<QObject *>();
                return std::all_of(objects.cbegin(), objects.cend(), [](QObject *o) {
                    return !o->inherits("QQuickPopup") || !o->property("visible").toBool() ||
                           o->property("opened").toBool();
                });
            }(),
            kWaitMs);
    } else if (!welcome) {
        m_context->workspace()->setPage(page);
        QCOMPARE(m_context->workspace()->page(), page);
    }
    settle();
    if (QTest::currentTestFailed())
        return;
    waitForLists(contentRoots(page, !overlay.isEmpty()));
    settle();
    if (QTest::currentTestFailed())
        return;
    time("settle", timer);

    timer.restart();
    const QImage frame = window->grabWindow();
    QVERIFY(!frame.isNull());
    const QString file = m_artifacts.filePath(row + QStringLiteral(".png"));
    QVERIFY2(frame.save(file), qPrintable(file));
    time("grab+save", timer);

    QStringList problems;
    if (frame.size() != size) {
        problems.append(QStringLiteral("the frame is %1x%2, not the window size asked for")
                            .arg(frame.width())
                            .arg(frame.height()));
    }
    timer.restart();
    problems += contentProblems(page, !overlay.isEmpty(), frame);
    time("content", timer);
    // An overlay is checked by itself: the page under it has rows of its own.
    const QList<QQuickItem *> checked = overlay.isEmpty()
                                            ? QList<QQuickItem *>{window->contentItem()}
                                            : visual::openPopupItems(window);
    timer.restart();
    for (QQuickItem *root : checked)
        problems += visual::elidedTexts(root);
    time("elision", timer);
    timer.restart();
    for (QQuickItem *root : checked)
        problems += visual::overlaps(root);
    time("overlap", timer);

    if (!overlay.isEmpty())
        closePopups();
    report(row, problems);
    QVERIFY2(problems.isEmpty(), qPrintable(QStringLiteral("%1: %2 problems (screenshot %3):\n  %4")
                                                .arg(row)
                                                .arg(problems.size())
                                                .arg(file, problems.join(QStringLiteral("\n  ")))));
}

// The checks themselves, on a scene with known faults: each is found, and nothing else. (Last,
// so the controls have the application's style, as in the rows above.)
void TestVisual::checksSeeKnownProblems()
{
    m_context.reset();
    QCOMPARE(visual::contrastRatio(Qt::black, Qt::white), 21.0);
    QCOMPARE(visual::contrastRatio(Qt::white, Qt::white), 1.0);
    // The classic limits: #767676 is the lightest grey that passes on white, #777777 fails.
    QVERIFY(visual::contrastRatio(QColor(0x76, 0x76, 0x76), Qt::white) >= 4.5);
    QVERIFY(visual::contrastRatio(QColor(0x77, 0x77, 0x77), Qt::white) < 4.5);
    // Half-transparent black on white is a mid grey.
    QVERIFY(qAbs(visual::contrastRatio(QColor(0, 0, 0, 128), Qt::white) - 3.9) < 0.2);

    QQmlEngine engine;
    QQmlComponent component(&engine);
    component.setData(R"(
        import QtQuick
        import QtQuick.Controls
        Window {
            width: 400; height: 300; visible: true
            Text { objectName: "cut"; width: 40; text: "a text too long for its room"; elide: Text.ElideRight }
            Text {
                objectName: "mayElide"; property bool vigilMayElide: true
                y: 20; width: 40; text: "a text too long by design"; elide: Text.ElideRight
            }
            Item {
                property bool vigilMayElide: true
                y: 40; width: 40; height: 20
                Text { objectName: "mayElideInside"; width: 40; text: "another long text"; elide: Text.ElideRight }
            }
            Text { objectName: "fits"; y: 60; text: "fits"; elide: Text.ElideRight }
            Button { objectName: "narrow"; y: 100; width: 30; text: "a label too long" }
            ListView {
                objectName: "list"; y: 200; width: 60; height: 60; model: 3; clip: true
                delegate: Text { width: 30; height: 20; text: "server data of any length"; elide: Text.ElideRight }
            }
            Button { id: first; objectName: "first"; x: 100; y: 100; width: 80; text: "One" }
            Button { objectName: "second"; x: 150; y: 110; width: 80; text: "Two" }
            Button { objectName: "transparent"; x: 100; y: 100; text: "Three"; opacity: 0 }
            Button { objectName: "hidden"; x: 100; y: 100; text: "Four"; visible: false }
            Button { objectName: "touching"; x: 100; y: 100 + first.height - 1; width: 40; text: "Five" }
            Item {
                x: 300; width: 50; height: 50; clip: true
                Button { objectName: "clippedAway"; x: 60; text: "Six" }
            }
            Button { objectName: "clippedAwayToo"; x: 360; y: 10; text: "Seven" }
            Rectangle {
                x: 250; y: 150; width: 100; height: 40
                Text { objectName: "inRectangle"; text: "Label" }
            }
            Text { objectName: "overRectangle"; x: 260; y: 155; text: "Over" }
        }
    )",
                      QUrl(QStringLiteral("file:selftest.qml")));
    std::unique_ptr<QObject> object(component.create());
    QVERIFY2(object, qPrintable(component.errorString()));
    auto *window = qobject_cast<QQuickWindow *>(object.get());
    QVERIFY(window);
    QTRY_VERIFY_WITH_TIMEOUT(window->isExposed(), kWaitMs);
    QVERIFY(QQuickTest::qWaitForPolish(window, kWaitMs));
    window->grabWindow();

    const QStringList elided = visual::elidedTexts(window->contentItem());
    // The Text, and the label inside the narrow Button.
    QCOMPARE(elided.size(), 2);
    QVERIFY2(elided.at(0).contains(u"#cut "), qPrintable(elided.at(0)));
    QVERIFY2(elided.at(1).contains(u" in narrow"), qPrintable(elided.at(1)));

    const QStringList overlapping = visual::overlaps(window->contentItem());
    // "Seven" sticks out of the window's right edge; the part inside still counts, and overlaps
    // nothing. "Six" is clipped away entirely.
    const auto pair = [&](const char *a, const char *b) {
        return std::any_of(overlapping.cbegin(), overlapping.cend(), [&](const QString &line) {
            return line.contains(u'#' + QLatin1String(a) + u' ') &&
                   line.contains(u'#' + QLatin1String(b) + u' ');
        });
    };
    QVERIFY2(pair("first", "second"), qPrintable(overlapping.join(u'\n')));
    QVERIFY2(pair("inRectangle", "overRectangle"), qPrintable(overlapping.join(u'\n')));
    QCOMPARE(overlapping.size(), 2); // not the 1 px touch, nor the hidden and clipped ones

    QQuickItem *list = findItem(window->contentItem(), QStringLiteral("list"));
    QCOMPARE(visual::shownLists(window->contentItem()), QList<QQuickItem *>{list});
    QCOMPARE(visual::rowCount(list), 3);
}

// What the row shows: the open overlays' items, or the page's item (nothing when it is not
// shown).
QList<QQuickItem *> TestVisual::contentRoots(const QString &page, bool overlay) const
{
    QQuickWindow *window = m_context->window();
    if (overlay)
        return visual::openPopupItems(window);
    QQuickItem *pageItem = pageItemOf(page);
    return shown(pageItem) ? QList<QQuickItem *>{pageItem} : QList<QQuickItem *>{};
}

// The page: the Loader's item in the page stack (Main.qml), or the welcome screen.
QQuickItem *TestVisual::pageItemOf(const QString &page) const
{
    QQuickItem *root = m_context->window()->contentItem();
    if (page == kWelcome)
        return findItem(root, QStringLiteral("welcomePage"));
    if (QQuickItem *loader = findItem(root, "page_" + page))
        return loader->property("item").value<QQuickItem *>();
    return findItem(root, page + QStringLiteral("Page"));
}

bool TestVisual::filled(QQuickItem *list)
{
    return visual::rowCount(list) > 0 ||
           (kEmptyInDemo.contains(list->objectName()) && visual::showsEmptyHint(list));
}

// Until the shown lists have their rows: the demo delivers some channels later than others.
// A list found empty once is not waited for again (its rows each cost the whole wait).
void TestVisual::waitForLists(const QList<QQuickItem *> &roots)
{
    QList<QQuickItem *> lists;
    for (QQuickItem *root : roots)
        lists += visual::shownLists(root);
    const auto waited = [&](QQuickItem *list) {
        return m_emptyLists.contains(m_theme + u'/' + list->objectName());
    };
    const auto ready = [&] {
        return std::all_of(lists.cbegin(), lists.cend(),
                           [&](QQuickItem *list) { return waited(list) || filled(list); });
    };
    if (!QTest::qWaitFor(ready, kWaitMs)) {
        for (QQuickItem *list : std::as_const(lists)) {
            if (!filled(list))
                m_emptyLists.insert(m_theme + u'/' + list->objectName());
        }
    }
}

// The page (or overlay) is shown, fills the room it is given, the frame is not blank, and its
// lists have rows.
QStringList TestVisual::contentProblems(const QString &page, bool overlay, const QImage &frame)
{
    QQuickWindow *window = m_context->window();
    QStringList problems;
    const int colours = visual::distinctColours(frame);
    if (colours <= kMinimumColours)
        problems.append(QStringLiteral("the frame looks blank: %1 colours").arg(colours));

    const QList<QQuickItem *> roots = contentRoots(page, overlay);
    if (overlay) {
        if (roots.isEmpty())
            problems.append(QStringLiteral("no overlay is open"));
        for (QQuickItem *popup : roots) {
            const QRectF seen = visual::visibleSceneRect(popup);
            const QRectF whole = popup->mapRectToScene(popup->boundingRect());
            if (seen.isEmpty() || seen.width() < whole.width() - 1 ||
                seen.height() < whole.height() - 1) {
                problems.append(QStringLiteral("the overlay does not fit the window: %1")
                                    .arg(visual::describe(popup)));
            }
        }
    } else if (roots.isEmpty()) {
        problems.append(
            QStringLiteral("the page is not shown: %1").arg(visual::describe(pageItemOf(page))));
    } else {
        QQuickItem *pageItem = roots.constFirst();
        // Its area: the page stack (or, for the welcome screen, the window's column).
        QQuickItem *area = pageItem->parentItem();
        if (QQuickItem *loader = findItem(window->contentItem(), "page_" + page))
            area = loader->parentItem();
        const QRectF mine =
            pageItem->mapRectToScene(QRectF(0, 0, pageItem->width(), pageItem->height()));
        const QRectF room = area->mapRectToScene(QRectF(0, 0, area->width(), area->height()));
        const QRectF inWindow = room & QRectF(0, 0, window->width(), window->height());
        const auto near = [](const QRectF &a, const QRectF &b) {
            return qAbs(a.left() - b.left()) <= 1 && qAbs(a.top() - b.top()) <= 1 &&
                   qAbs(a.right() - b.right()) <= 1 && qAbs(a.bottom() - b.bottom()) <= 1;
        };
        if (!near(mine, room)) {
            problems.append(QStringLiteral("the page %1 does not fill its area %2")
                                .arg(rectText(mine), rectText(room)));
        }
        if (!near(inWindow, room)) {
            problems.append(
                QStringLiteral("the page's area %1 reaches past the window").arg(rectText(room)));
        }
    }

    for (QQuickItem *root : roots) {
        const auto lists = visual::shownLists(root);
        for (QQuickItem *list : lists) {
            if (filled(list))
                continue;
            problems.append(
                kEmptyInDemo.contains(list->objectName())
                    ? QStringLiteral("empty list without its hint: %1").arg(visual::describe(list))
                    : QStringLiteral("list without rows: %1").arg(visual::describe(list)));
        }
    }
    return problems;
}

QTEST_MAIN(TestVisual)
#include "tst_visual.moc"
