#include "historycheck_p.h"
#include "runfigures.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace vigil::chaos::history {

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

} // namespace vigil::chaos::history
