#pragma once

#include "protocol/envelope.h"

#include <QString>
#include <QStringList>

/// The names and addresses of the hostile peers' kinds, shared by their two halves
/// (hostilehttp.cpp, hostilews.cpp).
namespace vigil::chaos::hostile {

// Each kind's loopback address (127.0.0.N), so a per-address limit hits one kind only.
inline constexpr int kSlowCrowdedAddress = 2;
inline constexpr int kSlowSpreadAddress = 3;
inline constexpr int kSseAddress = 4;
inline constexpr int kWsReaderAddress = 5;
inline constexpr int kOversizedAddress = 6;
inline constexpr int kGarbageAddress = 7;
inline constexpr int kWsFloodAddress = 8;
inline constexpr int kPostFloodAddress = 9;
inline constexpr int kIdlePollFirstAddress = 20;

/// The channel the floods publish on: no normal client subscribes to it.
inline QString floodChannel()
{
    return QStringLiteral("hostile.flood");
}

/// The channel the idle polls wait on: nobody writes to it.
inline QString idleChannel()
{
    return QStringLiteral("hostile.idle");
}

/// What the readers that never read subscribe to: everything the normal clients get, and the
/// floods, so that their backlog grows.
inline QStringList readerChannels()
{
    return knownChannels() + QStringList{floodChannel()};
}

inline const QString kIdlePolls = QStringLiteral("idlePolls");
inline const QString kSlowHeads = QStringLiteral("slowHeads");
inline const QString kSlowBodies = QStringLiteral("slowBodies");
inline const QString kSseReaders = QStringLiteral("sseReaders");
inline const QString kWsReaders = QStringLiteral("wsReaders");
inline const QString kOversized = QStringLiteral("oversizedFrames");
inline const QString kGarbage = QStringLiteral("garbageFrames");
inline const QString kWsFlood = QStringLiteral("wsFlood");
inline const QString kPostFlood = QStringLiteral("postFlood");

inline QStringList kinds()
{
    return {kIdlePolls, kSlowHeads, kSlowBodies, kSseReaders, kWsReaders,
            kOversized, kGarbage,   kWsFlood,    kPostFlood};
}

} // namespace vigil::chaos::hostile
