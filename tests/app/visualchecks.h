#pragma once

// What a machine can check on a rendered Vigil window (tests/app/tst_visual.cpp): text that is
// cut off, controls drawn over each other, colour pairs too weak to read. Each check returns one
// message per problem, naming the items (class, objectName, text, scene geometry), so a failing
// row lists everything that is wrong with its frame at once.

#include <QColor>
#include <QImage>
#include <QRectF>
#include <QString>
#include <QStringList>

class QQuickItem;
class QQuickWindow;

namespace vigil::test::visual {

/// WCAG 2.x relative luminance of an opaque sRGB colour (0 black .. 1 white).
[[nodiscard]] double relativeLuminance(const QColor &colour);

/// WCAG 2.x contrast ratio (1 .. 21) of `foreground` drawn on `background`. A translucent
/// foreground is first blended over the background, a translucent background over `base`, as
/// the scene graph draws them.
[[nodiscard]] double contrastRatio(const QColor &foreground, const QColor &background,
                                   const QColor &base = Qt::white);

/// The least contrast WCAG AA asks of body text.
inline constexpr double kMinimumContrast = 4.5;

/// How many different colours a frame has (sampled on a 4 px grid): a blank or one-colour
/// frame has a handful, a page with text and figures hundreds.
[[nodiscard]] int distinctColours(const QImage &image);

/// The item for a report: its QML type, objectName, text (if any), scene geometry and the
/// nearest named ancestors, e.g. `Caption "Latency" #tileLatencyLabel @(12,40 80x16) in
/// dashboardPage/tileLatency`.
[[nodiscard]] QString describe(const QQuickItem *item);

/// Whether `item` is a Qt Quick Controls control (Button, ComboBox, Switch, Page...).
[[nodiscard]] bool isControl(const QQuickItem *item);
/// Whether `item` is a list, grid, path or table view.
[[nodiscard]] bool isItemView(const QQuickItem *item);
/// Whether `item` is inside the delegate of an item view (below a view's contentItem).
[[nodiscard]] bool inViewDelegate(const QQuickItem *item);
/// The product of the opacities of `item` and its ancestors.
[[nodiscard]] double effectiveOpacity(const QQuickItem *item);
/// The part of `rect` (in `item`'s coordinates) that can be seen: mapped to the scene, cut by
/// every clipping ancestor (and the item itself when it clips) and by the window.
[[nodiscard]] QRectF visibleSceneRect(const QQuickItem *item, const QRectF &rect);
/// The visible part of the whole item (its boundingRect(): for a Text, the laid-out text).
[[nodiscard]] QRectF visibleSceneRect(const QQuickItem *item);
/// Whether a control draws nothing: its background and content item are both missing, hidden
/// or transparent.
[[nodiscard]] bool drawsNothing(const QQuickItem *control);
/// Whether the item can be seen at all: visible, not transparent, with a visible area, and
/// (a control) drawing something.
[[nodiscard]] bool isSeen(const QQuickItem *item);

/// Every Text under `root` (the window's contentItem, or a popup's item) the operator can see
/// whose text is cut short (`truncated`). Not counted: text in an item view's delegates, where
/// server data of any length may elide, and text that carries (or whose ancestor carries) the
/// QML property `vigilMayElide: true`.
[[nodiscard]] QStringList elidedTexts(QQuickItem *root);

/// Pairs of visible content items under `root` (texts, leaf controls, text fields) whose
/// visible rectangles overlap by more than 1 px both ways. A control and the texts inside it
/// count as one; items in different popups, or in a popup and the window, are not compared.
[[nodiscard]] QStringList overlaps(QQuickItem *root);

/// The lists (item views) inside `root` that can be seen, excluding lists inside other lists'
/// delegates.
[[nodiscard]] QList<QQuickItem *> shownLists(QQuickItem *root);
/// How many rows a list has (ListView/GridView/PathView `count`, TableView `rows`).
[[nodiscard]] int rowCount(const QQuickItem *list);
/// Whether `list` shows a non-empty text outside its delegates (an empty list's hint).
[[nodiscard]] bool showsEmptyHint(const QQuickItem *list);

/// The popups' items that are open in the window (children of the window's overlay).
[[nodiscard]] QList<QQuickItem *> openPopupItems(QQuickWindow *window);

} // namespace vigil::test::visual
