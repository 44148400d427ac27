#include "connectionmanager.h"

// The state machine's vocabulary: names and the table of allowed transitions (see the class
// documentation in connectionmanager.h).

namespace vigil {

QString ConnectionManager::stateName(State state)
{
    switch (state) {
    case State::Disconnected:
        return QStringLiteral("disconnected");
    case State::Connecting:
        return QStringLiteral("connecting");
    case State::Connected:
        return QStringLiteral("connected");
    case State::Reconnecting:
        return QStringLiteral("reconnecting");
    case State::Error:
        return QStringLiteral("error");
    case State::Closed:
        return QStringLiteral("closed");
    case State::Fallback:
        return QStringLiteral("fallback");
    }
    return QStringLiteral("unknown");
}

bool ConnectionManager::transitionAllowed(State from, State to)
{
    using S = State;
    switch (from) {
    case S::Disconnected:
        return to == S::Connecting || to == S::Error || to == S::Closed;
    case S::Connecting:
        return to == S::Connected || to == S::Reconnecting || to == S::Error ||
               to == S::Disconnected || to == S::Closed || to == S::Fallback;
    case S::Connected:
        return to == S::Reconnecting || to == S::Error || to == S::Disconnected ||
               to == S::Closed || to == S::Fallback;
    case S::Reconnecting:
        return to == S::Connecting || to == S::Error || to == S::Closed || to == S::Fallback;
    case S::Error:
        return to == S::Connecting || to == S::Closed;
    case S::Closed:
        return to == S::Connecting || to == S::Error;
    case S::Fallback:
        return to == S::Connecting || to == S::Connected || to == S::Reconnecting ||
               to == S::Error || to == S::Closed;
    }
    return false;
}

} // namespace vigil
