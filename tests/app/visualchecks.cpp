#include "visualchecks.h"

#include <QQuickItem>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <functional>

namespace vigil::test::visual {

namespace {

QColor blend(const QColor &over, const QColor &under)
{
    const double a = over.alphaF();
    return QColor::fromRgbF(float(over.redF() * a + under.redF() * (1 - a)),
                            float(over.greenF() * a + under.greenF() * (1 - a)),
                            float(over.blueF() * a + under.blueF() * (1 - a)));
}

double linear(double channel)
{
    return channel <= 0.04045 ? channel / 12.92 : std::pow((channel + 0.055) / 1.055, 2.4);
}

QString rectText(const QRectF &r)
{
    return QStringLiteral("(%1,%2 %3x%4)")
        .arg(qRound(r.x()))
        .arg(qRound(r.y()))
        .arg(qRound(r.width()))
        .arg(qRound(r.height()));
}

// A QML type's name: "Caption" for the class moc calls "Caption_QMLTYPE_42".
QString typeName(const QObject *object)
{
    static const QRegularExpression suffix(QStringLiteral("_QML(TYPE)?_\\d+$"));
    return QString::fromLatin1(object->metaObject()->className()).remove(suffix);
}

bool isText(const QQuickItem *item)
{
    return item->inherits("QQuickText");
}

// Text fields and editors: content an operator reads or types into, but not QQuickControls.
bool isTextField(const QQuickItem *item)
{
    return item->inherits("QQuickTextInput") || item->inherits("QQuickTextEdit");
}

QString textOf(const QQuickItem *item)
{
    const QVariant text = item->property("text");
    return text.canConvert<QString>() ? text.toString() : QString();
}

bool hasDescendantControl(const QQuickItem *item)
{
    const auto children = item->childItems();
    return std::any_of(children.cbegin(), children.cend(), [](const QQuickItem *child) {
        return isControl(child) || hasDescendantControl(child);
    });
}

// A control that holds other controls (a Page, a Pane, a TabBar, a delegate with buttons) is
// a container: its parts are compared with each other instead of the whole being one leaf.
bool isContainer(const QQuickItem *control)
{
    return control->inherits("QQuickPane") || control->inherits("QQuickContainer") ||
           hasDescendantControl(control);
}

// The documented opt-out of the elision check: see elidedTexts().
bool mayElide(const QQuickItem *item)
{
    for (const QQuickItem *it = item; it; it = it->parentItem()) {
        if (it->property("vigilMayElide").toBool())
            return true;
    }
    return false;
}

bool isAncestor(const QQuickItem *ancestor, const QQuickItem *item)
{
    for (const QQuickItem *it = item->parentItem(); it; it = it->parentItem()) {
        if (it == ancestor)
            return true;
    }
    return false;
}

void walk(QQuickItem *item, const std::function<bool(QQuickItem *)> &visit)
{
    // An invisible or transparent item hides its whole subtree.
    if (!item || !item->isVisible() || item->opacity() <= 0.0)
        return;
    if (!visit(item))
        return;
    const auto children = item->childItems();
    for (QQuickItem *child : children)
        walk(child, visit);
}

} // namespace

double relativeLuminance(const QColor &colour)
{
    const QColor c = colour.toRgb();
    return 0.2126 * linear(c.redF()) + 0.7152 * linear(c.greenF()) + 0.0722 * linear(c.blueF());
}

double contrastRatio(const QColor &foreground, const QColor &background, const QColor &base)
{
    const QColor bg = blend(background, base);
    const QColor fg = blend(foreground, bg);
    const double a = relativeLuminance(fg);
    const double b = relativeLuminance(bg);
    return (std::max(a, b) + 0.05) / (std::min(a, b) + 0.05);
}

int distinctColours(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 4) {
        for (int x = 0; x < image.width(); x += 4)
            colours.insert(image.pixel(x, y));
    }
    return int(colours.size());
}

QString describe(const QQuickItem *item)
{
    if (!item)
        return QStringLiteral("(none)");
    QString out = typeName(item);
    const QString text = textOf(item).simplified();
    if (!text.isEmpty())
        out += QStringLiteral(" \"%1\"").arg(
            text.size() > 60 ? text.left(57) + QStringLiteral("...") : text);
    if (!item->objectName().isEmpty())
        out += QStringLiteral(" #") + item->objectName();
    out += QStringLiteral(" @") + rectText(item->mapRectToScene(item->boundingRect()));
    QStringList names;
    for (const QQuickItem *it = item->parentItem(); it && names.size() < 2; it = it->parentItem()) {
        if (!it->objectName().isEmpty())
            names.prepend(it->objectName());
    }
    if (!names.isEmpty())
        out += QStringLiteral(" in ") + names.join(u'/');
    return out;
}

bool isControl(const QQuickItem *item)
{
    return item && item->inherits("QQuickControl");
}

bool isItemView(const QQuickItem *item)
{
    return item && (item->inherits("QQuickItemView") || item->inherits("QQuickTableView") ||
                    item->inherits("QQuickPathView"));
}

bool inViewDelegate(const QQuickItem *item)
{
    for (const QQuickItem *it = item; it; it = it->parentItem()) {
        const QQuickItem *parent = it->parentItem();
        if (!isItemView(parent))
            continue;
        // Flickable views keep their delegates in the contentItem; a PathView holds them itself.
        const QVariant content = parent->property("contentItem");
        if (!content.isValid() || content.value<QQuickItem *>() == it)
            return true;
    }
    return false;
}

double effectiveOpacity(const QQuickItem *item)
{
    double opacity = 1.0;
    for (const QQuickItem *it = item; it; it = it->parentItem())
        opacity *= it->opacity();
    return opacity;
}

QRectF visibleSceneRect(const QQuickItem *item, const QRectF &rect)
{
    QRectF r = item->mapRectToScene(rect);
    if (item->clip())
        r &= item->mapRectToScene(QRectF(0, 0, item->width(), item->height()));
    for (const QQuickItem *it = item->parentItem(); it && !r.isEmpty(); it = it->parentItem()) {
        if (it->clip())
            r &= it->mapRectToScene(QRectF(0, 0, it->width(), it->height()));
    }
    if (const QQuickWindow *window = item->window())
        r &= QRectF(0, 0, window->width(), window->height());
    else
        return {};
    return r.isEmpty() ? QRectF() : r;
}

QRectF visibleSceneRect(const QQuickItem *item)
{
    return visibleSceneRect(item, item->boundingRect());
}

bool drawsNothing(const QQuickItem *control)
{
    // A control shows its background and its content item; with both hidden or transparent it
    // shows nothing (an idle ScrollBar of the Fusion style: its handle fades out).
    const auto shows = [control](const char *part) {
        const auto *item = control->property(part).value<QQuickItem *>();
        return item && item->isVisible() && effectiveOpacity(item) > 0.0;
    };
    return !shows("background") && !shows("contentItem");
}

bool isSeen(const QQuickItem *item)
{
    return item && item->isVisible() && effectiveOpacity(item) > 0.0 &&
           !visibleSceneRect(item).isEmpty() && !(isControl(item) && drawsNothing(item));
}

QStringList elidedTexts(QQuickItem *root)
{
    // The opt-out: an item whose eliding is by design (a long server address in a fixed-width
    // header field, say) carries the QML property `vigilMayElide: true`, on the Text itself or
    // on a component holding it; everything inside that component may then elide.
    QStringList problems;
    walk(root, [&](QQuickItem *item) {
        if (isText(item) && item->property("truncated").toBool() && isSeen(item) &&
            !inViewDelegate(item) && !mayElide(item))
            problems.append(QStringLiteral("elided: ") + describe(item));
        return true;
    });
    return problems;
}

QStringList overlaps(QQuickItem *root)
{
    struct Leaf
    {
        QQuickItem *item;
        const QQuickItem *layer; ///< the popup it is in; null for the window itself
        QRectF rect;
    };
    QList<Leaf> leaves;
    std::function<void(QQuickItem *, const QQuickItem *)> collect = [&](QQuickItem *item,
                                                                        const QQuickItem *layer) {
        if (!item->isVisible() || item->opacity() <= 0.0)
            return;
        if (item->inherits("QQuickPopupItem"))
            layer = item;
        const bool leafControl = isControl(item) && !isContainer(item);
        const bool content =
            leafControl || isTextField(item) || (isText(item) && !textOf(item).trimmed().isEmpty());
        if (content && isSeen(item))
            leaves.append({item, layer, visibleSceneRect(item)});
        // A control and the texts inside it are one: its parts are not compared.
        if (leafControl || isTextField(item))
            return;
        const auto children = item->childItems();
        for (QQuickItem *child : children)
            collect(child, layer);
    };
    collect(root, nullptr);

    QStringList problems;
    for (qsizetype i = 0; i < leaves.size(); ++i) {
        for (qsizetype j = i + 1; j < leaves.size(); ++j) {
            const Leaf &a = leaves.at(i);
            const Leaf &b = leaves.at(j);
            if (a.layer != b.layer || isAncestor(a.item, b.item) || isAncestor(b.item, a.item))
                continue;
            const QRectF common = a.rect & b.rect;
            if (common.width() > 1.0 && common.height() > 1.0) {
                problems.append(QStringLiteral("overlap %1: %2 and %3")
                                    .arg(rectText(common), describe(a.item), describe(b.item)));
            }
        }
    }
    return problems;
}

QList<QQuickItem *> shownLists(QQuickItem *root)
{
    QList<QQuickItem *> lists;
    walk(root, [&](QQuickItem *item) {
        if (!isItemView(item))
            return true;
        if (isSeen(item))
            lists.append(item);
        return false; // a list in a list's delegate is the outer list's content
    });
    return lists;
}

int rowCount(const QQuickItem *list)
{
    const QVariant count = list->property("count");
    return count.isValid() ? count.toInt() : list->property("rows").toInt();
}

bool showsEmptyHint(const QQuickItem *list)
{
    bool found = false;
    walk(const_cast<QQuickItem *>(list), [&](QQuickItem *item) {
        if (isText(item) && !textOf(item).trimmed().isEmpty() && isSeen(item))
            found = true;
        return !found;
    });
    return found;
}

QList<QQuickItem *> openPopupItems(QQuickWindow *window)
{
    QList<QQuickItem *> out;
    const auto children = window->contentItem()->childItems();
    for (QQuickItem *child : children) {
        if (!child->inherits("QQuickOverlay"))
            continue;
        const auto popups = child->childItems();
        for (QQuickItem *popup : popups) {
            if (popup->inherits("QQuickPopupItem") && popup->isVisible())
                out.append(popup);
        }
    }
    return out;
}

} // namespace vigil::test::visual
