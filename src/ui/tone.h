#pragma once

#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace vigil {

/// \brief How a state looks, as a type: C++ decides the tone of what it knows (a connection
/// state, a quality grade, a banner), QML turns it into a colour with Theme.toneColor() and
/// the tray icon with palette::toneColor(). Neither compares state names.
namespace Tone {
Q_NAMESPACE
QML_ELEMENT

enum Value {
    Idle,    ///< nothing to say: grey
    Ok,      ///< working as it should: green
    Warning, ///< degraded or in progress: amber
    Danger,  ///< broken, the operator must know: red
};
Q_ENUM_NS(Value)

/// "idle", "ok", "warning" or "danger": for logs and tests, never for the views.
[[nodiscard]] QString name(Value tone);

} // namespace Tone
} // namespace vigil
