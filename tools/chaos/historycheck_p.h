#pragma once

// The inside of HistoryCheck (historycheck.h): a run directory's journals as loaded
// (historyload.cpp), and the checks over them (historycheck.cpp).
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QPair>
#include <QSet>
#include <QString>
#include <QStringList>

#include <limits>

namespace vigil::chaos::history {

inline bool isUp(const QString &state)
{
    return state == u"connected" || state == u"fallback";
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

} // namespace vigil::chaos::history
