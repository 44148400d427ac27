#include "connectionconfig.h"

namespace vigil {

QString transportPreferenceName(TransportPreference preference)
{
    switch (preference) {
    case TransportPreference::Auto:
        return QStringLiteral("auto");
    case TransportPreference::WebSocket:
        return QStringLiteral("websocket");
    case TransportPreference::Sse:
        return QStringLiteral("sse");
    case TransportPreference::Poll:
        return QStringLiteral("poll");
    }
    return QStringLiteral("auto");
}

std::optional<TransportPreference> transportPreferenceFromName(const QString &name)
{
    for (auto p : {TransportPreference::Auto, TransportPreference::WebSocket,
                   TransportPreference::Sse, TransportPreference::Poll}) {
        if (name == transportPreferenceName(p))
            return p;
    }
    return std::nullopt;
}

} // namespace vigil
