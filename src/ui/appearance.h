#pragma once

#include "models/cppownedsingleton.h"
#include "palette.h"

#include <QColor>
#include <QObject>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace vigil {

class Preferences;

/// \brief How the console looks: light or dark (following the system palette unless the
/// operator chose one, the choice kept in the preferences), the colours of that look
/// (palette.h) and the size of the system font, which every font and size of the views
/// derives from.
class Appearance : public QObject, public CppOwnedSingleton<Appearance>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    /// The operator's choice
    Q_PROPERTY(Choice choice READ choice NOTIFY changed)
    /// The choice's name, "system", "light" or "dark" (as stored; shown in the header)
    Q_PROPERTY(QString theme READ theme NOTIFY changed)
    /// What the views use
    Q_PROPERTY(bool dark READ dark NOTIFY changed)
    /// The system's body font in pixels: the base of every font and size of the Theme
    Q_PROPERTY(int fontPixelSize READ fontPixelSize NOTIFY changed)

    /// "comfortable" or "compact": how much room rows and controls take (the Theme's sizes)
    Q_PROPERTY(QString density READ density WRITE setDensity NOTIFY changed)
    Q_PROPERTY(bool compact READ compact NOTIFY changed)

    /// Surfaces, text and status colours, following light and dark (palette.h)
    Q_PROPERTY(QColor windowColor READ windowColor NOTIFY changed)
    Q_PROPERTY(QColor surfaceColor READ surfaceColor NOTIFY changed)
    Q_PROPERTY(QColor baseColor READ baseColor NOTIFY changed)
    Q_PROPERTY(QColor buttonColor READ buttonColor NOTIFY changed)
    Q_PROPERTY(QColor borderColor READ borderColor NOTIFY changed)
    Q_PROPERTY(QColor textColor READ textColor NOTIFY changed)
    Q_PROPERTY(QColor textMutedColor READ textMutedColor NOTIFY changed)
    Q_PROPERTY(QColor accentColor READ accentColor NOTIFY changed)
    Q_PROPERTY(QColor textOnAccentColor READ textOnAccentColor NOTIFY changed)
    Q_PROPERTY(QColor selectionColor READ selectionColor NOTIFY changed)
    Q_PROPERTY(QColor hoverColor READ hoverColor NOTIFY changed)
    Q_PROPERTY(QColor okColor READ okColor NOTIFY changed)
    Q_PROPERTY(QColor warningColor READ warningColor NOTIFY changed)
    Q_PROPERTY(QColor dangerColor READ dangerColor NOTIFY changed)
    Q_PROPERTY(QColor idleColor READ idleColor NOTIFY changed)
    Q_PROPERTY(QColor severeColor READ severeColor NOTIFY changed)
    /// Filled banners and the text on them, the same in both modes
    Q_PROPERTY(QColor dangerFillColor READ dangerFillColor CONSTANT)
    Q_PROPERTY(QColor warningFillColor READ warningFillColor CONSTANT)
    Q_PROPERTY(QColor textOnDangerColor READ textOnDangerColor CONSTANT)
    Q_PROPERTY(QColor textOnWarningColor READ textOnWarningColor CONSTANT)
    Q_PROPERTY(QColor chartSecondColor READ chartSecondColor CONSTANT)
public:
    enum Choice { System, Light, Dark };
    Q_ENUM(Choice)

    [[nodiscard]] static QColor dangerFillColor() { return QColor::fromRgb(palette::kDangerFill); }
    [[nodiscard]] static QColor warningFillColor()
    {
        return QColor::fromRgb(palette::kWarningFill);
    }
    [[nodiscard]] static QColor textOnDangerColor()
    {
        return QColor::fromRgb(palette::kTextOnDanger);
    }
    [[nodiscard]] static QColor textOnWarningColor()
    {
        return QColor::fromRgb(palette::kTextOnWarning);
    }
    [[nodiscard]] static QColor chartSecondColor()
    {
        return QColor::fromRgb(palette::kChartSecond);
    }

    // No default argument: see ConnectionStatus.
    Appearance(Preferences *preferences, QObject *parent);

    [[nodiscard]] Choice choice() const { return m_choice; }
    [[nodiscard]] QString theme() const;
    [[nodiscard]] bool dark() const;
    [[nodiscard]] static int fontPixelSize();

    [[nodiscard]] QColor windowColor() const { return shade(palette::kWindow); }
    [[nodiscard]] QColor surfaceColor() const { return shade(palette::kSurface); }
    [[nodiscard]] QColor borderColor() const { return shade(palette::kBorder); }
    [[nodiscard]] QColor textColor() const { return shade(palette::kText); }
    [[nodiscard]] QColor textMutedColor() const { return shade(palette::kTextMuted); }
    [[nodiscard]] QColor accentColor() const { return shade(palette::kAccent); }
    [[nodiscard]] QColor selectionColor() const { return shade(palette::kSelection); }
    [[nodiscard]] QColor baseColor() const { return shade(palette::kBase); }
    [[nodiscard]] QColor buttonColor() const { return shade(palette::kButton); }
    [[nodiscard]] QColor textOnAccentColor() const { return shade(palette::kTextOnAccent); }
    [[nodiscard]] QColor hoverColor() const { return shade(palette::kHover); }
    [[nodiscard]] QColor okColor() const { return shade(palette::kOk); }
    [[nodiscard]] QColor warningColor() const { return shade(palette::kWarning); }
    [[nodiscard]] QColor dangerColor() const { return shade(palette::kDanger); }
    [[nodiscard]] QColor idleColor() const { return shade(palette::kIdle); }
    [[nodiscard]] QColor severeColor() const { return shade(palette::kSevere); }

    [[nodiscard]] QString density() const;
    [[nodiscard]] bool compact() const { return m_compact; }
    /// "comfortable" or "compact" (and remembers it); anything else is refused.
    Q_INVOKABLE void setDensity(const QString &density);

    /// Sets the look (and remembers it).
    Q_INVOKABLE void choose(vigil::Appearance::Choice choice);
    /// System, then light, then dark, then system again: the header's one-click switch.
    Q_INVOKABLE void chooseNext();
    /// Sets the look by name: "system", "light" or "dark"; anything else is refused.
    Q_INVOKABLE void setTheme(const QString &theme);

Q_SIGNALS:
    void changed();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    [[nodiscard]] QColor shade(palette::Shade shade) const
    {
        return QColor::fromRgb(shade.in(dark()));
    }

    Preferences *m_preferences;
    Choice m_choice = System;
    bool m_compact = false;
};

} // namespace vigil
