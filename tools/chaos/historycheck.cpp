#include "historycheck.h"

#include "historycheck_p.h"
#include "runfigures.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>

namespace vigil::chaos {

namespace history {

bool Check::crashLost(const QString &channel, qint64 seq) const
{
    const auto ranges = m_crashRanges.value(channel);
    return std::any_of(ranges.begin(), ranges.end(), [seq](const auto &range) {
        return seq > range.first && seq <= range.second;
    });
}

void Check::checkIds()
{
    QHash<QString, QList<QPair<QString, qint64>>> placesOf; // id -> (channel, seq)
    for (auto c = m_fanned.begin(); c != m_fanned.end(); ++c) {
        for (auto s = c->begin(); s != c->end(); ++s)
            placesOf[s.value()].append({c.key(), s.key()});
    }
    for (auto it = m_sent.begin(); it != m_sent.end(); ++it) {
        if (placesOf.contains(it.key()))
            continue;
        m_lostIds.append(it.key());
        m_lostBy[it->by] += 1;
        m_lostDead += it->dead ? 1 : 0;
        m_lostEvicted += it->evicted ? 1 : 0;
    }
    for (auto it = placesOf.begin(); it != placesOf.end(); ++it) {
        const auto kept = std::count_if(it->begin(), it->end(), [this](const auto &place) {
            return !crashLost(place.first, place.second);
        });
        if (it->size() > 1) {
            // Fanned out again because a crash made the relay forget the first copy (never
            // saved, so unknown after the restart): the documented crash limit, which
            // receivers absorb by de-duplicating ids. Two copies the relay kept are a duplicate.
            (kept <= 1 ? m_refannedIds : m_duplicateIds).append(it.key());
        } else if (kept == 0 && m_sent.value(it.key()).acked) {
            ++m_ackedUnsaved; // acknowledged and fanned out live, but not in the history
        }
    }
}

void Check::checkLife(int index)
{
    const Life &life = m_lives.at(index);
    bool up = false;
    int connections = 0;
    for (const auto &[t, state] : life.states) {
        if (isUp(state) && !up)
            ++connections;
        up = isUp(state);
    }
    m_reconnects += std::max(0, connections - 1);

    const bool reachedBarrier =
        life.last && !m_barrierHeads.isEmpty() && m_barrierReached.value(life.name).toBool(false);
    QHash<QString, qint64> &before = m_previousMax[life.name];
    QHash<QString, qint64> highestNow;
    QSet<QString> channels(life.rx.keyBegin(), life.rx.keyEnd());
    for (auto it = life.firstHead.begin(); it != life.firstHead.end(); ++it)
        channels.insert(it.key());
    for (const QString &channel : std::as_const(channels)) {
        const QList<Rx> &list = life.rx.value(channel);
        m_received += list.size();
        QSet<qint64> got;
        QSet<QString> ids;
        qint64 previous = -1;
        qint64 highest = -1;
        for (const Rx &rx : list) {
            if (got.contains(rx.seq) || ids.contains(rx.id))
                ++m_receiverDuplicates;
            else if (rx.seq <= previous)
                ++m_orderViolations;
            if (rx.seq <= before.value(channel, -1))
                ++m_redelivered; // again after a restart: positions are saved once a second
            got.insert(rx.seq);
            ids.insert(rx.id);
            previous = rx.seq;
            highest = std::max(highest, rx.seq);
        }
        highestNow.insert(channel, highest);

        // From where it started to where it stopped, every seq the relay fanned out.
        qint64 start;
        if (life.startPositions.contains(channel))
            start = life.startPositions.value(channel);
        else if (life.firstHead.contains(channel))
            start = life.firstHead.value(channel);
        else if (!list.isEmpty())
            start = list.first().seq - 1;
        else
            continue;
        const qint64 end =
            reachedBarrier ? std::max(m_barrierHeads.value(channel, start), highest) : highest;
        // A gap the relay reported covers what lies between where the receiver stood then
        // and the first message it got after the report.
        auto reported = [&](qint64 seq) {
            if (life.skipped.value(channel).contains(seq))
                return true;
            for (const auto &[t, gapChannel] : life.gapReports) {
                if (gapChannel != channel)
                    continue;
                qint64 from = start;
                qint64 to = std::numeric_limits<qint64>::max();
                for (const Rx &rx : list) {
                    if (rx.t < t - 5000)
                        from = std::max(from, rx.seq);
                    else if (rx.seq > from)
                        to = std::min(to, rx.seq);
                }
                if (seq > from && seq < to)
                    return true;
            }
            return false;
        };
        const QMap<qint64, QString> &all = m_fanned.value(channel);
        for (auto it = all.upperBound(start); it != all.end() && it.key() <= end; ++it) {
            if (got.contains(it.key()))
                continue;
            if (ids.contains(it.value())) {
                ++m_droppedAsDuplicate; // its id came under another seq: de-duplicated
            } else if (reported(it.key())) {
                ++m_gaps;
            } else if (crashLost(channel, it.key())) {
                ++m_unsavedAtCrash;
            } else {
                ++m_missed;
                m_missedBy[life.name] += 1;
                if (m_missedSamples.size() < 20)
                    m_missedSamples.append(
                        QStringLiteral("%1 %2:%3").arg(life.name, channel).arg(it.key()));
            }
        }
    }
    for (auto it = highestNow.begin(); it != highestNow.end(); ++it)
        before.insert(it.key(), std::max(before.value(it.key(), -1), it.value()));
}

void Check::checkDetection()
{
    // How long a silent link (a blackhole) took to be noticed by a client connected through it.
    for (const Outage &outage : std::as_const(m_blackholes)) {
        for (const int index : m_livesOf.value(outage.target)) {
            const Life &life = m_lives.at(index);
            if (life.startT > outage.begin || life.endT < outage.begin)
                continue;
            QString stateAt;
            qint64 noticed = -1;
            for (const auto &[t, state] : life.states) {
                if (t <= outage.begin) {
                    stateAt = state;
                } else if (isUp(stateAt) && !isUp(state)) {
                    noticed = t;
                    break;
                }
            }
            if (!isUp(stateAt))
                continue; // not connected when the link went silent
            if (noticed >= 0 && noticed <= outage.end + 1000) {
                ++m_detected;
                m_maxDetect = std::max(m_maxDetect, noticed - outage.begin);
            } else {
                ++m_undetected;
            }
        }
    }
}

void Check::checkLatency()
{
    // Enqueue to the first sight of its fan-out; "redelivered" are the messages whose way was
    // interrupted: written more than once, stored while offline, or left by a killed sender.
    for (auto it = m_sent.begin(); it != m_sent.end(); ++it) {
        if (!m_firstSeen.contains(it.key()) || it->t <= 0 || it->by == u"publisher")
            continue;
        const qint64 latency = std::max<qint64>(0, m_firstSeen.value(it.key()) - it->t);
        m_latency.append(latency);
        const bool senderDied = it->life >= 0 && !m_lives.at(it->life).last &&
                                (!it->acked || it->ackT > m_lives.at(it->life).endT);
        if (it->writes > 1 || it->whileDown || senderDied)
            m_redeliverLatency.append(latency);
    }
}

QJsonObject Check::resources() const
{
    // Per process name, the longest-lived process: its first and last sample.
    QMap<QString, QMap<qint64, QList<QJsonObject>>> series; // name -> pid -> samples
    for (const QJsonObject &o : readLines(m_dir + QStringLiteral("/resources.jsonl")))
        series[str(o, "name")][num(o, "pid")].append(o);
    QJsonObject json;
    for (auto name = series.begin(); name != series.end(); ++name) {
        QList<QJsonObject> longest;
        for (const QList<QJsonObject> &samples : std::as_const(*name)) {
            if (samples.size() > longest.size())
                longest = samples;
        }
        const QJsonObject &first = longest.first();
        const QJsonObject &last = longest.last();
        const double minutes = double(num(last, "t", 0) - num(first, "t", 0)) / 60000.0;
        // The trend of RSS over that life (least squares), per hour: a slow leak shows here
        // before it shows in the first and last samples.
        double sumT = 0, sumR = 0, sumTT = 0, sumTR = 0;
        for (const QJsonObject &o : std::as_const(longest)) {
            const double t = double(num(o, "t", 0) - num(first, "t", 0)) / 3600000.0;
            const double r = double(num(o, "rssKb", 0));
            sumT += t;
            sumR += r;
            sumTT += t * t;
            sumTR += t * r;
        }
        const double n = double(longest.size());
        const double spread = n * sumTT - sumT * sumT;
        const qint64 perHour =
            spread > 0 ? qint64(std::llround((n * sumTR - sumT * sumR) / spread)) : 0;
        json.insert(
            name.key(),
            QJsonObject{{QStringLiteral("samples"), int(longest.size())},
                        {QStringLiteral("processes"), int(name->size())},
                        {QStringLiteral("minutes"), std::round(minutes * 10) / 10},
                        {QStringLiteral("rssKbFirst"), num(first, "rssKb")},
                        {QStringLiteral("rssKbLast"), num(last, "rssKb")},
                        {QStringLiteral("rssDriftKb"), num(last, "rssKb") - num(first, "rssKb")},
                        {QStringLiteral("rssKbPerHour"), perHour},
                        {QStringLiteral("fdsFirst"), num(first, "fds")},
                        {QStringLiteral("fdsLast"), num(last, "fds")},
                        {QStringLiteral("fdDrift"), num(last, "fds") - num(first, "fds")}});
    }
    return json;
}

QJsonObject Check::result()
{
    checkIds();
    for (int i = 0; i < m_lives.size(); ++i)
        checkLife(i);
    checkDetection();
    checkLatency();

    qint64 acked = 0;
    for (const Sent &s : std::as_const(m_sent))
        acked += s.acked ? 1 : 0;
    const qint64 lost = qint64(m_lostIds.size()) + m_missed;
    const qint64 duplicated = qint64(m_duplicateIds.size()) + m_receiverDuplicates + m_seqConflicts;
    m_lostIds.sort();
    m_duplicateIds.sort();
    m_refannedIds.sort();
    const QString seed = m_run.value(QStringLiteral("seed")).toString();
    const bool seedFits = seed.toULongLong() < (1ULL << 53);

    return {
        // An ack is a promise that the message is saved (the relay acks once it is): one the
        // relay acked and then lost in a crash breaks it, like a loss.
        {QStringLiteral("ok"),
         lost == 0 && duplicated == 0 && m_orderViolations == 0 && m_ackedUnsaved == 0},
        {QStringLiteral("mode"), m_run.value(QStringLiteral("mode"))},
        {QStringLiteral("seed"),
         seedFits ? QJsonValue(qint64(seed.toULongLong())) : QJsonValue(seed)},
        {QStringLiteral("diskFault"), m_run.value(QStringLiteral("diskFault"))},
        {QStringLiteral("chaosMs"), m_run.value(QStringLiteral("chaosMs"))},
        {QStringLiteral("runMs"), m_chaosStart > 0 ? m_runEnd - m_chaosStart : 0},
        {QStringLiteral("faults"), toJson(m_faults)},
        {QStringLiteral("sent"), qint64(m_sent.size())},
        {QStringLiteral("acked"), acked},
        {QStringLiteral("delivered"), qint64(m_sent.size() - m_lostIds.size())},
        {QStringLiteral("lost"), lost},
        {QStringLiteral("duplicated"), duplicated},
        {QStringLiteral("orderViolations"), m_orderViolations},
        {QStringLiteral("gaps"), m_gaps},
        {QStringLiteral("unsavedAtCrash"), m_unsavedAtCrash},
        {QStringLiteral("ackedButUnsaved"), m_ackedUnsaved},
        {QStringLiteral("refannedAfterCrash"), qint64(m_refannedIds.size())},
        {QStringLiteral("received"), m_received},
        {QStringLiteral("redelivered"), m_redelivered},
        {QStringLiteral("reconnects"), m_reconnects},
        {QStringLiteral("maxDetectMs"), m_maxDetect},
        {QStringLiteral("blackholesDetected"), m_detected},
        {QStringLiteral("blackholesUndetected"), m_undetected},
        {QStringLiteral("p50DeliverMs"), percentile(m_latency, 0.5)},
        {QStringLiteral("p99DeliverMs"), percentile(m_latency, 0.99)},
        {QStringLiteral("p99RedeliverMs"), percentile(m_redeliverLatency, 0.99)},
        {QStringLiteral("redeliveries"), qint64(m_redeliverLatency.size())},
        {QStringLiteral("resources"), resources()},
        {QStringLiteral("detail"),
         QJsonObject{
             {QStringLiteral("lostIds"), QJsonArray::fromStringList(m_lostIds.mid(0, 20))},
             {QStringLiteral("lostBySender"), toJson(m_lostBy)},
             {QStringLiteral("lostDeadLettered"), m_lostDead},
             {QStringLiteral("lostEvicted"), m_lostEvicted},
             {QStringLiteral("missedSeqs"), m_missed},
             {QStringLiteral("missedByReceiver"), toJson(m_missedBy)},
             {QStringLiteral("missedSamples"), QJsonArray::fromStringList(m_missedSamples)},
             {QStringLiteral("duplicateIds"),
              QJsonArray::fromStringList(m_duplicateIds.mid(0, 20))},
             {QStringLiteral("duplicateFanOut"), qint64(m_duplicateIds.size())},
             {QStringLiteral("duplicateAtReceiver"), m_receiverDuplicates},
             {QStringLiteral("droppedAsDuplicate"), m_droppedAsDuplicate},
             {QStringLiteral("refannedAfterCrashIds"),
              QJsonArray::fromStringList(m_refannedIds.mid(0, 20))},
             {QStringLiteral("seqConflicts"), m_seqConflicts},
             {QStringLiteral("seqConflictSamples"), QJsonArray::fromStringList(m_conflictSamples)},
             {QStringLiteral("enqueueFailures"), m_enqueueFailures},
             {QStringLiteral("drainTimedOut"), m_drainTimedOut},
             {QStringLiteral("barrierReached"), m_barrierReached},
             {QStringLiteral("receivers"), QJsonArray::fromStringList(m_receivers)},
             {QStringLiteral("lives"), qint64(m_lives.size())}}},
    };
}

} // namespace history

QJsonObject HistoryCheck::run(const QString &runDir)
{
    QJsonObject result = history::Check(runDir).result();
    addRunFigures(runDir, &result);
    return result;
}

} // namespace vigil::chaos
