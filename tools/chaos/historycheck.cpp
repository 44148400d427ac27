#include "historycheck.h"

#include "runfigures.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <limits>

namespace vigil::chaos {

namespace {

bool isUp(const QString &state)
{
    return state == u"connected" || state == u"fallback";
}

QJsonObject toJson(const QHash<QString, qint64> &counts)
{
    QJsonObject json;
    for (auto it = counts.begin(); it != counts.end(); ++it)
        json.insert(it.key(), it.value());
    return json;
}

struct Rx
{
    qint64 t = 0;
    qint64 seq = -1;
    QString id;
};

/// One life of one receiving process (from one start to the next), as its journal tells it.
struct Life
{
    QString name;
    QHash<QString, QList<Rx>> rx;             ///< per channel, in the order received
    QHash<QString, qint64> startPositions;    ///< saved positions it resumed from
    QHash<QString, qint64> firstHead;         ///< the head of its first subscribe, per channel
    QList<QPair<qint64, QString>> gapReports; ///< (time, channel): recovered:false, reset
    QHash<QString, QSet<qint64>> skipped;
    QList<QPair<qint64, QString>> states;
    qint64 startT = 0;
    qint64 endT = std::numeric_limits<qint64>::max();
    bool last = false;
};

/// One message a sender stored (or posted) and so must arrive.
struct Sent
{
    QString by;
    qint64 t = 0;
    bool acked = false;
    qint64 ackT = 0;
    int writes = 0;
    bool whileDown = false; ///< enqueued while its sender had no link
    bool dead = false;
    bool evicted = false;
    int life = -1; ///< the sender's life that enqueued it (headless clients)
};

/// A run directory loaded, and each check over it.
class Check
{
public:
    explicit Check(const QString &runDir);
    QJsonObject result();

private:
    void observe(const QString &channel, qint64 seq, const QString &id, qint64 t);
    void loadParticipant(const QString &name, bool receives);
    void loadEvents();
    [[nodiscard]] bool crashLost(const QString &channel, qint64 seq) const;
    void checkIds();
    void checkLife(int index);
    void checkDetection();
    void checkLatency();
    [[nodiscard]] QJsonObject resources() const;

    QString m_dir;
    QJsonObject m_run;
    // what was fanned out
    QHash<QString, QMap<qint64, QString>> m_fanned; ///< channel -> seq -> id
    QHash<QString, qint64> m_firstSeen;             ///< id -> first observation (ms)
    qint64 m_seqConflicts = 0;
    QStringList m_conflictSamples;
    // senders and receivers
    QHash<QString, Sent> m_sent;
    QList<Life> m_lives;
    QHash<QString, QList<int>> m_livesOf;
    QStringList m_receivers;
    qint64 m_enqueueFailures = 0;
    // from the orchestrator's events
    QHash<QString, QList<QPair<qint64, qint64>>> m_crashRanges; ///< (last saved, gap end]
    QHash<QString, qint64> m_barrierHeads;
    QJsonObject m_barrierReached;
    bool m_drainTimedOut = false;
    QHash<QString, qint64> m_faults;
    struct Outage
    {
        QString target;
        qint64 begin;
        qint64 end;
    };
    QList<Outage> m_blackholes;
    qint64 m_chaosStart = 0;
    qint64 m_runEnd = 0;
    // results
    QStringList m_lostIds;
    QHash<QString, qint64> m_lostBy;
    qint64 m_lostDead = 0;
    qint64 m_lostEvicted = 0;
    QStringList m_duplicateIds;
    QStringList m_refannedIds;
    qint64 m_ackedUnsaved = 0;
    qint64 m_received = 0;
    qint64 m_missed = 0;
    QHash<QString, qint64> m_missedBy;
    QStringList m_missedSamples;
    qint64 m_gaps = 0;
    qint64 m_unsavedAtCrash = 0;
    qint64 m_orderViolations = 0;
    qint64 m_receiverDuplicates = 0;
    qint64 m_droppedAsDuplicate = 0;
    qint64 m_redelivered = 0;
    qint64 m_reconnects = 0;
    QHash<QString, QHash<QString, qint64>> m_previousMax; ///< name -> channel -> seq
    qint64 m_maxDetect = 0;
    qint64 m_detected = 0;
    qint64 m_undetected = 0;
    QList<qint64> m_latency;
    QList<qint64> m_redeliverLatency;
};

Check::Check(const QString &runDir)
    : m_dir(runDir)
{
    QFile runFile(runDir + QStringLiteral("/run.json"));
    if (runFile.open(QIODevice::ReadOnly))
        m_run = QJsonDocument::fromJson(runFile.readAll()).object();
    for (const QJsonObject &o : readLines(runDir + QStringLiteral("/witness.jsonl"))) {
        if (str(o, "e") == u"rx")
            observe(str(o, "ch"), num(o, "seq"), str(o, "id"), num(o, "t", 0));
    }
    for (const QJsonObject &o : readLines(runDir + QStringLiteral("/history.jsonl")))
        observe(str(o, "ch"), num(o, "seq"), str(o, "id"), 0);
    for (const QJsonValue &v : m_run.value(QStringLiteral("participants")).toArray()) {
        const QJsonObject p = v.toObject();
        const bool receives = str(p, "kind") != u"cli-send";
        if (receives)
            m_receivers.append(str(p, "name"));
        loadParticipant(str(p, "name"), receives);
    }
    for (const QJsonObject &o : readLines(runDir + QStringLiteral("/publisher.jsonl"))) {
        if (str(o, "e") == u"enq") {
            Sent s;
            s.by = QStringLiteral("publisher");
            s.t = num(o, "t", 0);
            m_sent.insert(str(o, "id"), s);
        } else if (str(o, "e") == u"ack" && m_sent.contains(str(o, "id"))) {
            m_sent[str(o, "id")].acked = true;
        }
    }
    loadEvents();
}

void Check::observe(const QString &channel, qint64 seq, const QString &id, qint64 t)
{
    if (seq < 0 || channel.isEmpty())
        return;
    auto &bySeq = m_fanned[channel];
    const auto it = bySeq.constFind(seq);
    if (it == bySeq.constEnd()) {
        bySeq.insert(seq, id);
    } else if (*it != id) {
        ++m_seqConflicts; // one seq, two messages: a seq was issued twice
        if (m_conflictSamples.size() < 10)
            m_conflictSamples.append(QStringLiteral("%1:%2").arg(channel).arg(seq));
    }
    if (t > 0 && (!m_firstSeen.contains(id) || t < m_firstSeen.value(id)))
        m_firstSeen.insert(id, t);
}

void Check::loadParticipant(const QString &name, bool receives)
{
    Life *life = nullptr;
    for (const QJsonObject &o : readLines(m_dir + QStringLiteral("/clients/%1.jsonl").arg(name))) {
        const QString e = str(o, "e");
        const qint64 t = num(o, "t", 0);
        if (e == u"start" && receives) {
            if (life)
                life->endT = t;
            m_lives.append(Life{});
            m_livesOf[name].append(int(m_lives.size()) - 1);
            life = &m_lives.last();
            life->name = name;
            life->startT = t;
            const QJsonObject positions = o.value(QStringLiteral("positions")).toObject();
            for (auto it = positions.begin(); it != positions.end(); ++it) {
                const qint64 seq = num(it.value().toObject(), "seq");
                if (seq >= 0)
                    life->startPositions.insert(it.key(), seq);
            }
            continue;
        }
        const auto sent = m_sent.find(str(o, "id"));
        if (e == u"enq") {
            Sent s;
            s.by = name;
            s.t = num(o, "t0", t);
            s.whileDown = o.contains(QStringLiteral("state")) && !isUp(str(o, "state"));
            s.life = m_livesOf.value(name).isEmpty() ? -1 : m_livesOf.value(name).last();
            m_sent.insert(str(o, "id"), s);
        } else if (e == u"ack" && sent != m_sent.end() && !sent->acked) {
            sent->acked = true;
            sent->ackT = t;
        } else if (e == u"wr") {
            for (const QJsonValue &id : o.value(QStringLiteral("ids")).toArray()) {
                const auto written = m_sent.find(id.toString());
                if (written != m_sent.end())
                    ++written->writes;
            }
        } else if ((e == u"dead" || (e == u"fail" && o.value(QStringLiteral("dead")).toBool())) &&
                   sent != m_sent.end()) {
            sent->dead = true;
        } else if (e == u"evicted" && sent != m_sent.end()) {
            sent->evicted = true;
        } else if (e == u"enqfail") {
            ++m_enqueueFailures;
        }
        if (!life)
            continue;
        if (e == u"rx") {
            life->rx[str(o, "ch")].append({t, num(o, "seq"), str(o, "id")});
            observe(str(o, "ch"), num(o, "seq"), str(o, "id"), t);
        } else if (e == u"sub") {
            if (!life->firstHead.contains(str(o, "ch")))
                life->firstHead.insert(str(o, "ch"), num(o, "head"));
            if (!o.value(QStringLiteral("recovered")).toBool(true))
                life->gapReports.append({t, str(o, "ch")});
        } else if (e == u"reset") {
            for (const QJsonValue &c : o.value(QStringLiteral("channels")).toArray())
                life->gapReports.append({t, c.toString()});
        } else if (e == u"skip" || e == u"skipped") {
            life->skipped[str(o, "ch")].insert(num(o, "seq"));
        } else if (e == u"state") {
            life->states.append({t, str(o, "state")});
        }
    }
    if (life)
        life->last = true;
}

void Check::loadEvents()
{
    for (const QJsonObject &o : readLines(m_dir + QStringLiteral("/events.jsonl"))) {
        const QString e = str(o, "e");
        const qint64 t = num(o, "t", 0);
        m_runEnd = std::max(m_runEnd, t);
        if (e == u"chaos-start") {
            m_chaosStart = t;
        } else if (e == u"restartcheck") {
            // After a SIGKILL the relay's counters go on 1000 after what it had saved, so what
            // it fanned out without saving lies between its last saved seq and the gap's end.
            const QJsonObject before = o.value(QStringLiteral("before")).toObject();
            const QJsonObject since = o.value(QStringLiteral("since")).toObject();
            const QJsonObject held = o.value(QStringLiteral("held")).toObject();
            for (auto it = before.begin(); it != before.end(); ++it) {
                const qint64 seen = it.value().toInteger();
                qint64 saved = since.value(it.key()).toInteger();
                for (const QJsonValue &s : held.value(it.key()).toArray()) {
                    if (s.toInteger() <= seen)
                        saved = std::max(saved, s.toInteger());
                }
                m_crashRanges[it.key()].append({saved, saved + 1000});
            }
        } else if (e == u"barrier") {
            const QJsonObject heads = o.value(QStringLiteral("heads")).toObject();
            for (auto it = heads.begin(); it != heads.end(); ++it)
                m_barrierHeads.insert(it.key(), it.value().toInteger());
            m_barrierReached = o.value(QStringLiteral("reached")).toObject();
        } else if (e == u"drain-timeout") {
            m_drainTimedOut = true;
        } else if (e == u"fault" && str(o, "step") == u"begin") {
            m_faults[str(o, "kind")] += 1;
            if (str(o, "kind") == u"blackhole")
                m_blackholes.append({str(o, "target"), t, t + num(o, "durationMs", 0)});
        }
    }
}

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

} // namespace

QJsonObject HistoryCheck::run(const QString &runDir)
{
    QJsonObject result = Check(runDir).result();
    addRunFigures(runDir, &result);
    return result;
}

} // namespace vigil::chaos
