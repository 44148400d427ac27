#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace vigil::chaos {

/// Adds to the result of a chaos run's history check what the run recorded besides the
/// journals of delivery, and the reason of a failed verdict:
/// - `relayMaxRssKb`, the highest resident memory of the relay sampled every second, and
///   `relay`: that again, its CPU share, how long it took to answer `GET /api/health`
///   (`healthP50Ms`, `healthP99Ms`, `healthMaxMs`, `healthFailed`), and `crashes`: exits that
///   were neither a fault's SIGKILL nor the stop at the end (watch.jsonl, events.jsonl);
/// - `p50ReceiveMs`, `p99ReceiveMs`: from enqueue (or post) to the first receipt by each
///   receiving client, over every message and receiver (the clients' journals);
/// - `machineLoad`: the machine's mean 1-minute load average during the run;
/// - `hostile`, in a `--hostile` run: what the hostile peers did, per kind and in all
///   (hostile.jsonl), and the hostile process's CPU share;
/// - `ok` turns false when the relay crashed or its RSS went over the run's limit
///   (`relayRssLimitKb` in run.json), and `reason` says in words why a run failed.
void addRunFigures(const QString &runDir, QJsonObject *result);

// Reading the journals, shared by the history check and the run figures.
/// Every JSON object line of the file at `path` (lines that are not one are left out).
QList<QJsonObject> readLines(const QString &path);
/// `key` of `o` as a string ("" when it is none).
QString str(const QJsonObject &o, const char *key);
/// `key` of `o` as a whole number, `fallback` when it is none.
qint64 num(const QJsonObject &o, const char *key, qint64 fallback = -1);
/// `values` as a JSON object (counts per kind, seqs per channel).
QJsonObject toJson(const QHash<QString, qint64> &values);
/// The `p` quantile (0..1) of `values` by the nearest rank; 0 for none.
qint64 percentile(QList<qint64> values, double p);

} // namespace vigil::chaos
