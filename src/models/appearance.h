#pragma once

#include "cppownedsingleton.h"
#include "palette.h"

#include <QObject>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace vigil {

class Preferences;

/// \brief Light or dark: follows the system palette unless the operator chose one; the
/// choice is kept in the preferences.
class Appearance : public QObject, public CppOwnedSingleton<Appearance>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    /// "system", "light" or "dark"
    Q_PROPERTY(QString theme READ theme NOTIFY changed)
    /// What the views use
    Q_PROPERTY(bool dark READ dark NOTIFY changed)
    /// The status colours (see palette.h), the same in light and dark
    Q_PROPERTY(QColor okColor READ okColor CONSTANT)
    Q_PROPERTY(QColor warningColor READ warningColor CONSTANT)
    Q_PROPERTY(QColor dangerColor READ dangerColor CONSTANT)
    Q_PROPERTY(QColor idleColor READ idleColor CONSTANT)
public:
    [[nodiscard]] static QColor okColor() { return QColor::fromRgb(palette::kOk); }
    [[nodiscard]] static QColor warningColor() { return QColor::fromRgb(palette::kWarning); }
    [[nodiscard]] static QColor dangerColor() { return QColor::fromRgb(palette::kDanger); }
    [[nodiscard]] static QColor idleColor() { return QColor::fromRgb(palette::kIdle); }

    // No default argument: see ConnectionStatus.
    Appearance(Preferences *preferences, QObject *parent);

    [[nodiscard]] QString theme() const { return m_theme; }
    [[nodiscard]] bool dark() const;
    Q_INVOKABLE void setTheme(const QString &theme);

Q_SIGNALS:
    void changed();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    Preferences *m_preferences;
    QString m_theme;
};

} // namespace vigil
