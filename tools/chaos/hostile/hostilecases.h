#pragma once

#include "helpers/hostileserver.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace vigil::chaos {

/// \brief Which client program a hostile-server case runs.
enum class TargetKind {
    CliTail, ///< `vigil-cli tail` until its --timeout-ms
    CliSend, ///< `vigil-cli send` of one message, within its --timeout-ms
    Core,    ///< vigil-chaos-client: the app's delivery core, asked for its status all along
};

[[nodiscard]] QString targetName(TargetKind kind);

/// \brief One client run against a hostile server and what it must show.
struct TargetSpec
{
    TargetKind kind = TargetKind::CliTail;
    QString transport = QStringLiteral("websocket"); ///< websocket, sse or poll
    /// Its output names the problem: one of these must appear (case-insensitive) in its stderr
    /// (and, for the core, its journal). Empty: nothing is wrong for the client to report.
    QStringList said;
    /// vigil-cli: the exit codes that are right here (tail 3: its deadline; send 0).
    QList<int> exitCodes;
    /// Messages it must have handed on (the server's live feed goes on whatever it does).
    int minReceived = 0;
    /// The longest gap between two of its heartbeat pings on one connection, as the server
    /// saw them (0: not checked): it keeps its own heartbeat whatever the server says.
    qint64 maxPingGapMs = 0;
    /// A limit of Qt 6.4 that this case runs into, in a sentence (empty: none). The result
    /// says so and its CPU is not bounded; with `knownStallMs` above 0, vigil-cli's watchdog may
    /// end it and it may stall up to that long.
    QString knownLimit;
    qint64 knownStallMs = 0;
};

/// \brief One hostile behaviour of a server and the clients run against it. Each target gets
/// its own server in this mode, so the server's figures are that client's.
struct HostileCase
{
    QString name;
    QString what; ///< the behaviour, in a sentence
    test::HostileServer::Mode mode = test::HostileServer::Mode::GarbageFrames;
    std::function<void(test::HostileServer &)> setUp; ///< welcome, live feed... (may be empty)
    double lengthFactor = 1.0; ///< some behaviours need longer to show (heartbeat timeouts)
    QList<TargetSpec> targets;
};

/// Every case, in the order they run.
[[nodiscard]] QList<HostileCase> hostileCases();

} // namespace vigil::chaos
