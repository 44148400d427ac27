#pragma once

#include "connection/connectionmanager.h"

#include <QStringList>

#include <optional>

namespace vigil::cli {

/// \brief Everything the command line said, validated.
struct Options
{
    QString command;
    ConnectionConfig connection;
    QString dataDir;
    // tail (diagnose: channels holds at most the one its HTTP checks read)
    QStringList channels;
    int count = 0;     ///< 0: no limit (diagnose: pings in the burst)
    int timeoutMs = 0; ///< 0: no limit (tail); commands that need one set their default
    // send
    QString channel;
    QString type;
    Priority priority = Priority::Normal;
    QJsonValue payload;
    qint64 ttlMs = 0;
    // queue
    QString retryDead; ///< an id, or "all"
    QString purgeDead; ///< an id, or "all"
    // health
    int durationMs = 5000;
};

/// Exit codes shared by every command.
enum ExitCode { Ok = 0, Failure = 1, Usage = 2, TimedOut = 3 };

/// Parses argv. On a usage error prints a clear message on stderr and returns nullopt with
/// `exitCode` set (2, or 0 after --help/--version).
std::optional<Options> parseOptions(const QStringList &arguments, int *exitCode);

/// The outbox profile of a connection: the primary URL without credentials or query.
QString profileFor(const ConnectionConfig &config);

} // namespace vigil::cli
