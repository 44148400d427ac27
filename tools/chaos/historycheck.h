#pragma once

#include <QJsonObject>
#include <QString>

namespace vigil::chaos {

/// \brief The Jepsen-style check of a chaos run, from its journals alone (so a run directory
/// can be checked again, or a check changed and replayed, without running anything).
///
/// What was fanned out is the union of every observation (the witness, every client) and the
/// relay's final history: a map from (channel, seq) to id. Against it:
/// - every id whose enqueue returned (or that the publisher posted) is fanned out exactly once:
///   none missing (`lost`), none under two seqs (`duplicated`);
/// - every receiver (each life of each client process) got every seq it should have seen,
///   from where it started (its saved position, or the head it subscribed at) to where it
///   stopped (the barrier's heads, or its last message when it was killed), exactly once, in
///   order per channel - unless the relay reported the gap (`recovered: false`, a history
///   reset, a skipped message: `gaps`), or the message is one the relay fanned out in the last
///   moment before a SIGKILL and never saved (`unsavedAtCrash`, a documented limit);
/// - figures: reconnects, how long a blackholed link took to be noticed, delivery latency of
///   messages that had to wait for a reconnect, RSS and open files over time.
///
/// The result's `ok` is true only when nothing was lost or duplicated, order held, nothing the
/// relay acknowledged is missing from its history (`ackedButUnsaved`: the relay acks only what
/// it saved), and the relay neither crashed nor went over the run's memory limit (runfigures.h).
/// The checking is in historycheck.cpp, the reading of the journals in historyload.cpp.
class HistoryCheck
{
public:
    /// Reads the run directory written by Orchestrator and returns the result object.
    [[nodiscard]] static QJsonObject run(const QString &runDir);
};

} // namespace vigil::chaos
