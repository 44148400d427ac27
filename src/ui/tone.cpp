#include "tone.h"

namespace vigil::Tone {

QString name(Value tone)
{
    switch (tone) {
    case Ok:
        return QStringLiteral("ok");
    case Warning:
        return QStringLiteral("warning");
    case Danger:
        return QStringLiteral("danger");
    case Idle:
        break;
    }
    return QStringLiteral("idle");
}

} // namespace vigil::Tone
