#include "redislink.h"

#include "protocol/logging.h"

#include <QUrl>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <hiredis/adapters/qt.h>

#include <algorithm>
#include <vector>

namespace vigil {

namespace {

constexpr int kMinBackoffMs = 100;
constexpr int kMaxBackoffMs = 5000;

/// argv and lengths for hiredis, pointing into `args` (which must outlive them).
struct Argv
{
    explicit Argv(const QList<QByteArray> &args)
    {
        pointers.reserve(size_t(args.size()));
        lengths.reserve(size_t(args.size()));
        for (const QByteArray &a : args) {
            pointers.push_back(a.constData());
            lengths.push_back(size_t(a.size()));
        }
    }
    std::vector<const char *> pointers;
    std::vector<size_t> lengths;
};

} // namespace

std::optional<RedisAddress> RedisAddress::parse(const QString &url, QString *error)
{
    const QUrl u(url, QUrl::StrictMode);
    RedisAddress address;
    if (!u.isValid() || u.scheme() != u"redis" || u.host().isEmpty()) {
        *error = QStringLiteral("--broker wants redis://HOST[:PORT][/DB], not \"%1\"").arg(url);
        return std::nullopt;
    }
    if (!u.userInfo().isEmpty() || u.hasQuery() || u.hasFragment()) {
        *error = QStringLiteral("--broker: only redis://HOST[:PORT][/DB] is supported (no "
                                "password, query or fragment)");
        return std::nullopt;
    }
    address.host = u.host();
    address.port = u.port(6379);
    const QString path = u.path();
    if (!path.isEmpty() && path != u"/") {
        bool ok = false;
        address.db = path.mid(1).toInt(&ok);
        if (!ok || address.db < 0) {
            *error = QStringLiteral("--broker: the database must be a number, as in "
                                    "redis://HOST:PORT/0");
            return std::nullopt;
        }
    }
    return address;
}

QString RedisAddress::toString() const
{
    return QStringLiteral("redis://%1:%2/%3").arg(host).arg(port).arg(db);
}

QByteArray redisReplyString(const redisReply *r)
{
    if (!r || (r->type != REDIS_REPLY_STRING && r->type != REDIS_REPLY_STATUS &&
               r->type != REDIS_REPLY_ERROR))
        return {};
    return QByteArray(r->str, qsizetype(r->len));
}

RedisLink::RedisLink(QByteArray name, RedisAddress address, int answerMs, std::function<void()> up,
                     std::function<void(const QString &)> down)
    : m_name(std::move(name))
    , m_address(std::move(address))
    , m_answerMs(std::max(answerMs, 1))
    , m_onUp(std::move(up))
    , m_onDown(std::move(down))
    , m_backoffMs(kMinBackoffMs)
{
    m_clock.start();
    m_retry.setSingleShot(true);
    QObject::connect(&m_retry, &QTimer::timeout, [this] { connectNow(); });
    m_watchdog.setSingleShot(true);
    QObject::connect(&m_watchdog, &QTimer::timeout, [this] { onWatchdog(); });
}

RedisLink::~RedisLink()
{
    stop();
}

void RedisLink::start()
{
    m_stopped = false;
    connectNow();
}

void RedisLink::stop()
{
    m_stopped = true;
    m_retry.stop();
    m_watchdog.stop();
    m_up = false;
    m_deadlines.clear();
    m_connectDeadline = -1;
    if (redisAsyncContext *c = std::exchange(m_ctx, nullptr)) {
        detach(c);
        redisAsyncFree(c); // answers what is in flight with null replies
    }
}

bool RedisLink::command(const QList<QByteArray> &args, Callback callback, int blocksMs)
{
    if (!m_ctx)
        return false;
    Argv argv(args);
    auto *owned = new Callback(std::move(callback));
    if (redisAsyncCommandArgv(m_ctx, &RedisLink::replied, owned, int(argv.pointers.size()),
                              argv.pointers.data(), argv.lengths.data()) != REDIS_OK) {
        delete owned;
        return false;
    }
    m_deadlines.push_back(m_clock.elapsed() + m_answerMs + std::max(blocksMs, 0));
    arm();
    return true;
}

void RedisLink::connectNow()
{
    if (m_stopped || m_ctx)
        return;
    redisAsyncContext *c = redisAsyncConnect(m_address.host.toUtf8().constData(), m_address.port);
    if (!c || c->err) {
        const QString why = c ? QString::fromUtf8(c->errstr) : QStringLiteral("out of memory");
        if (c)
            redisAsyncFree(c);
        lost(why);
        return;
    }
    c->data = this;
    m_adapter = std::make_unique<RedisQtAdapter>();
    m_adapter->setContext(c);
    redisAsyncSetConnectCallback(c, &RedisLink::connected);
    redisAsyncSetDisconnectCallback(c, &RedisLink::disconnected);
    m_ctx = c;
    m_connectDeadline = m_clock.elapsed() + m_answerMs;
    arm();
    // Queued first, so it reaches Redis before anything else sent on this connection.
    if (m_address.db != 0) {
        command({"SELECT", QByteArray::number(m_address.db)}, [](redisReply *r) {
            if (r && r->type == REDIS_REPLY_ERROR)
                qCCritical(lcRelay).noquote() << "redis SELECT failed:" << redisReplyString(r);
        });
    }
}

// The Qt adapter of hiredis forgets nothing of a freed context: it is taken off the context
// (its socket notifiers deleted, the context's hooks cleared) while the context still lives.
void RedisLink::detach(redisAsyncContext *c)
{
    if (c->ev.cleanup)
        c->ev.cleanup(c->ev.data);
    c->ev.addRead = nullptr;
    c->ev.delRead = nullptr;
    c->ev.addWrite = nullptr;
    c->ev.delWrite = nullptr;
    c->ev.cleanup = nullptr;
    m_adapter.reset();
}

void RedisLink::lost(const QString &why)
{
    const bool wasUp = m_up;
    m_up = false;
    m_watchdog.stop();
    m_deadlines.clear();
    m_connectDeadline = -1;
    if (m_stopped)
        return;
    if (wasUp || m_backoffMs == kMinBackoffMs) {
        qCWarning(lcRelay).noquote() << "redis" << m_name << "connection to" << m_address.toString()
                                     << "lost:" << why << "- reconnecting with backoff";
    }
    m_onDown(why);
    m_retry.start(m_backoffMs);
    m_backoffMs = std::min(m_backoffMs * 2, kMaxBackoffMs);
}

void RedisLink::abandon(const QString &why)
{
    redisAsyncContext *c = std::exchange(m_ctx, nullptr);
    m_deadlines.clear();
    if (c) {
        detach(c);
        redisAsyncFree(c); // the callbacks see null replies and cannot send on it any more
    }
    lost(why);
}

void RedisLink::arm()
{
    qint64 next = m_connectDeadline;
    if (!m_deadlines.empty() && (next < 0 || m_deadlines.front() < next))
        next = m_deadlines.front();
    if (next < 0) {
        m_watchdog.stop();
        return;
    }
    m_watchdog.start(int(std::clamp<qint64>(next - m_clock.elapsed(), 0, 24 * 3600 * 1000)));
}

void RedisLink::onWatchdog()
{
    const qint64 now = m_clock.elapsed();
    if (m_connectDeadline >= 0 && now >= m_connectDeadline) {
        abandon(QStringLiteral("no connection within %1 ms").arg(m_answerMs));
        return;
    }
    if (!m_deadlines.empty() && now >= m_deadlines.front()) {
        abandon(QStringLiteral("Redis did not answer within %1 ms").arg(m_answerMs));
        return;
    }
    arm();
}

void RedisLink::connected(const redisAsyncContext *cc, int status)
{
    auto *c = const_cast<redisAsyncContext *>(cc);
    auto *self = static_cast<RedisLink *>(c->data);
    if (status != REDIS_OK) {
        // hiredis frees the context after this returns.
        self->detach(c);
        self->m_ctx = nullptr;
        self->lost(QString::fromUtf8(c->errstr));
        return;
    }
    self->m_up = true;
    self->m_connectDeadline = -1;
    self->arm();
    self->m_backoffMs = kMinBackoffMs;
    self->m_onUp();
}

void RedisLink::disconnected(const redisAsyncContext *cc, int status)
{
    Q_UNUSED(status)
    auto *c = const_cast<redisAsyncContext *>(cc);
    auto *self = static_cast<RedisLink *>(c->data);
    self->detach(c);
    if (self->m_ctx != c)
        return; // stop() or abandon() freed it
    self->m_ctx = nullptr;
    self->lost(c->err ? QString::fromUtf8(c->errstr) : QStringLiteral("connection closed"));
}

void RedisLink::replied(redisAsyncContext *c, void *reply, void *privdata)
{
    std::unique_ptr<Callback> callback(static_cast<Callback *>(privdata));
    auto *self = static_cast<RedisLink *>(c->data);
    if (self->m_ctx == c && !self->m_deadlines.empty()) {
        self->m_deadlines.pop_front();
        self->arm();
    }
    (*callback)(static_cast<redisReply *>(reply));
}

RedisCall::RedisCall(const RedisAddress &address, int timeoutMs)
{
    const int ms = std::max(timeoutMs, 1);
    const timeval timeout{ms / 1000, (ms % 1000) * 1000};
    m_ctx = redisConnectWithTimeout(address.host.toUtf8().constData(), address.port, timeout);
    if (!m_ctx || m_ctx->err) {
        m_problem = m_ctx ? QString::fromUtf8(m_ctx->errstr) : QStringLiteral("out of memory");
        return;
    }
    redisSetTimeout(m_ctx, timeout);
    if (address.db != 0)
        run({"SELECT", QByteArray::number(address.db)});
}

RedisCall::~RedisCall()
{
    if (m_ctx)
        redisFree(m_ctx);
}

RedisCall::Reply RedisCall::run(const QList<QByteArray> &args)
{
    if (!m_ctx || m_ctx->err) {
        if (m_problem.isEmpty())
            m_problem = QStringLiteral("not connected");
        return Reply(nullptr, freeReplyObject);
    }
    Argv argv(args);
    Reply reply(static_cast<redisReply *>(redisCommandArgv(
                    m_ctx, int(argv.pointers.size()), argv.pointers.data(), argv.lengths.data())),
                freeReplyObject);
    if (!reply)
        m_problem = QString::fromUtf8(m_ctx->errstr);
    else if (reply->type == REDIS_REPLY_ERROR)
        m_problem = QString::fromUtf8(redisReplyString(reply.get()));
    if (!reply || reply->type == REDIS_REPLY_ERROR)
        return Reply(nullptr, freeReplyObject);
    return reply;
}

} // namespace vigil
