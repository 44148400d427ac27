#pragma once

// The two ways the relay talks to Redis (docs/scaling.md): RedisLink, an asynchronous
// connection on the Qt event loop for everything done while serving, and RedisCall, a
// blocking one with a timeout for what must happen before serving starts or as it stops.

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QString>
#include <QTimer>

#include <deque>
#include <functional>
#include <memory>
#include <optional>

struct redisAsyncContext;
struct redisContext;
struct redisReply;
class RedisQtAdapter;

namespace vigil {

/// \brief Where `--broker redis://HOST:PORT[/DB]` points.
struct RedisAddress
{
    QString host;
    int port = 6379;
    int db = 0;

    /// Parses `redis://HOST[:PORT][/DB]`; nullopt with a sentence in `error`.
    static std::optional<RedisAddress> parse(const QString &url, QString *error);
    [[nodiscard]] QString toString() const;
};

/// The text of a string, status or error reply; empty for any other reply or none.
QByteArray redisReplyString(const redisReply *r);

/// \brief One asynchronous hiredis connection on the Qt event loop that reconnects with
/// backoff.
///
/// Commands given while it is down are refused; those in flight when it goes down are answered
/// with a null reply. Redis that accepts a connection but stops answering (paused, swapping,
/// behind a dead route) is taken as lost too: a command unanswered for longer than the answer
/// time (plus the time it asked Redis to block, for XREAD BLOCK), or a connection not made
/// within it, drops the connection, which answers everything in flight and reconnects.
class RedisLink
{
public:
    using Callback = std::function<void(redisReply *)>;

    RedisLink(QByteArray name, RedisAddress address, int answerMs, std::function<void()> up,
              std::function<void(const QString &)> down);
    ~RedisLink();
    RedisLink(const RedisLink &) = delete;
    RedisLink &operator=(const RedisLink &) = delete;

    void start();
    void stop();
    [[nodiscard]] bool isUp() const { return m_up; }
    /// Connected or connecting: commands are taken (and sent once connected).
    [[nodiscard]] bool accepting() const { return m_ctx != nullptr; }

    /// False (and `callback` dropped) when the connection is down. `blocksMs` is how long the
    /// command itself asks Redis to wait before answering.
    bool command(const QList<QByteArray> &args, Callback callback, int blocksMs = 0);

private:
    void connectNow();
    void detach(redisAsyncContext *c);
    void lost(const QString &why);
    /// Frees the connection (answering what is in flight) and reconnects with backoff.
    void abandon(const QString &why);
    /// Arms the watchdog for the earliest deadline: the connection's, or the oldest command's.
    void arm();
    void onWatchdog();

    static void connected(const redisAsyncContext *cc, int status);
    static void disconnected(const redisAsyncContext *cc, int status);
    static void replied(redisAsyncContext *c, void *reply, void *privdata);

    QByteArray m_name;
    RedisAddress m_address;
    int m_answerMs;
    std::function<void()> m_onUp;
    std::function<void(const QString &)> m_onDown;
    redisAsyncContext *m_ctx = nullptr;
    std::unique_ptr<RedisQtAdapter> m_adapter;
    QTimer m_retry;
    QTimer m_watchdog;
    QElapsedTimer m_clock;
    /// When each command in flight must have been answered, in the order they were sent (one
    /// connection answers in order).
    std::deque<qint64> m_deadlines;
    qint64 m_connectDeadline = -1; ///< while connecting
    int m_backoffMs;
    bool m_up = false;
    bool m_stopped = true;
};

/// \brief A blocking connection with a timeout on every step, for the few moments the relay
/// may wait: before it serves, and as it stops.
class RedisCall
{
public:
    using Reply = std::unique_ptr<redisReply, void (*)(void *)>;

    /// Connects (and selects the database); problem() says why when that failed.
    RedisCall(const RedisAddress &address, int timeoutMs);
    ~RedisCall();
    RedisCall(const RedisCall &) = delete;
    RedisCall &operator=(const RedisCall &) = delete;

    [[nodiscard]] bool ok() const { return m_ctx != nullptr && m_problem.isEmpty(); }
    [[nodiscard]] QString problem() const { return m_problem; }
    /// The reply, or null with problem() set (no answer in time, or an error reply).
    Reply run(const QList<QByteArray> &args);

private:
    redisContext *m_ctx = nullptr;
    QString m_problem;
};

} // namespace vigil
