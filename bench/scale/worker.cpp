#include "worker.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace vigil::scalebench {

namespace {

constexpr size_t kReadBytes = 64 * 1024;
constexpr size_t kMaxHeadBytes = 16 * 1024;
constexpr size_t kMaxFrameBytes = 16 * 1024 * 1024;
constexpr int kEventsPerWait = 512;
constexpr int kWaitMs = 20;

std::string errnoText(int error)
{
    return std::strerror(error);
}

// The value of `"key":"..."` in a JSON text (no escapes expected), or empty.
std::string_view findString(std::string_view json, std::string_view key)
{
    const size_t at = json.find(key);
    if (at == std::string_view::npos)
        return {};
    const size_t start = at + key.size();
    const size_t end = json.find('"', start);
    return end == std::string_view::npos ? json.substr(start) : json.substr(start, end - start);
}

void raiseMax(std::atomic<int64_t> &value, int64_t candidate)
{
    int64_t seen = value.load(std::memory_order_relaxed);
    while (candidate > seen && !value.compare_exchange_weak(seen, candidate))
        ;
}

} // namespace

int64_t nowUs()
{
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

Worker::Worker(const WorkerSettings &settings, int first, int count)
    : m_settings(settings)
    , m_first(first)
    , m_clients(size_t(count))
    , m_rng(uint64_t(nowUs()) * 2654435761ULL + uint64_t(first))
    , m_buffer(kReadBytes)
    , m_phaseCounters(size_t(settings.phases) + 1)
    , m_perTarget(settings.targets.size())
{
    for (int i = 0; i < count; ++i)
        m_clients[size_t(i)].target = uint8_t((first + i) % int(settings.targets.size()));
    m_latency.resize(size_t(settings.phases) + 1);
    for (int p = 1; p <= settings.phases; ++p) {
        m_latency[size_t(p)] =
            std::vector<std::atomic<uint32_t>>(size_t(count) * size_t(settings.messages));
    }
}

Worker::~Worker()
{
    stop();
}

void Worker::start()
{
    m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
    m_thread = std::thread([this] { run(); });
}

void Worker::stop()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
    for (Client &c : m_clients) {
        if (c.fd >= 0)
            ::close(c.fd);
        c.fd = -1;
    }
    if (m_epoll >= 0)
        ::close(m_epoll);
    m_epoll = -1;
}

std::vector<int> Worker::subscribedPerTarget() const
{
    std::vector<int> counts;
    for (const auto &count : m_perTarget)
        counts.push_back(count.load());
    return counts;
}

std::map<std::string, int> Worker::failures() const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_failures;
}

void Worker::collectLatencies(int phase, std::vector<uint32_t> *out) const
{
    for (const auto &slot : m_latency[size_t(phase)]) {
        const uint32_t value = slot.load(std::memory_order_relaxed);
        if (value > 0)
            out->push_back(value - 1);
    }
}

void Worker::collectSetupTimes(std::vector<uint32_t> *out) const
{
    // Only after stop(): the thread wrote these fields.
    for (const Client &c : m_clients) {
        if (c.readyUs > 0)
            out->push_back(uint32_t(std::min<int64_t>(c.readyUs - c.startUs, UINT32_MAX)));
    }
}

void Worker::run()
{
    epoll_event events[kEventsPerWait];
    while (!m_stop.load(std::memory_order_relaxed)) {
        openMore();
        const int n = ::epoll_wait(m_epoll, events, kEventsPerWait, kWaitMs);
        for (int i = 0; i < n; ++i)
            onEvent(int(events[i].data.u32), events[i].events);
    }
}

void Worker::openMore()
{
    while (m_inflight < m_settings.inflight && m_next < int(m_clients.size())) {
        Client &c = m_clients[size_t(m_next++)];
        c.startUs = nowUs();
        c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (c.fd < 0) {
            fail(c, "socket(): " + errnoText(errno));
            continue;
        }
        ++m_inflight;
        const Target &target = m_settings.targets[c.target];
        const int rc = ::connect(c.fd, reinterpret_cast<const sockaddr *>(&target.address),
                                 sizeof(target.address));
        if (rc != 0 && errno != EINPROGRESS) {
            fail(c, "connect(): " + errnoText(errno));
            continue;
        }
        c.state = State::Connecting;
        epoll_event event{};
        event.events = EPOLLOUT | EPOLLIN;
        event.data.u32 = uint32_t(indexOf(c));
        c.writing = true;
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, c.fd, &event);
    }
}

void Worker::onEvent(int index, uint32_t events)
{
    Client &c = m_clients[size_t(index)];
    if (c.fd < 0)
        return;
    if (c.state == State::Connecting) {
        int error = 0;
        socklen_t length = sizeof(error);
        ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0 || (events & (EPOLLERR | EPOLLHUP))) {
            fail(c, "connect: " + errnoText(error ? error : ECONNRESET));
            return;
        }
        if (!(events & EPOLLOUT))
            return;
        c.key = makeKey(m_rng);
        c.out = upgradeRequest(m_settings.targets[c.target], c.key, m_settings.token);
        c.state = State::Upgrading;
        flush(c);
        return;
    }
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
        onReadable(index);
    if (c.fd >= 0 && (events & EPOLLOUT))
        flush(c);
}

void Worker::onReadable(int index)
{
    Client &c = m_clients[size_t(index)];
    // One read per wake-up: level-triggered epoll comes back for the rest, and every client
    // gets its turn.
    const ssize_t n = ::read(c.fd, m_buffer.data(), m_buffer.size());
    if (n > 0) {
        onBytes(c, m_buffer.data(), size_t(n));
        return;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    fail(c, n == 0 ? std::string("the relay closed the connection without a close frame")
                   : "read(): " + errnoText(errno));
}

void Worker::onBytes(Client &c, const char *data, size_t size)
{
    if (c.state == State::Upgrading) {
        c.in.append(data, size);
        const size_t end = c.in.find("\r\n\r\n");
        if (end == std::string::npos) {
            if (c.in.size() > kMaxHeadBytes)
                fail(c, "the upgrade answer has no end");
            return;
        }
        std::string why;
        if (!upgradeAccepted(std::string_view(c.in).substr(0, end + 4), c.key, &why)) {
            fail(c, why);
            return;
        }
        c.key = std::string();
        c.in.erase(0, end + 4);
        c.state = State::AwaitWelcome;
        if (c.in.empty())
            return;
        std::string rest;
        rest.swap(c.in);
        onBytes(c, rest.data(), rest.size());
        return;
    }
    if (c.in.empty()) {
        // The usual case: whole frames straight from the read buffer, no copy.
        const long used = onFrames(c, data, size);
        if (used >= 0 && size_t(used) < size)
            c.in.assign(data + used, size - size_t(used));
        return;
    }
    c.in.append(data, size);
    const long used = onFrames(c, c.in.data(), c.in.size());
    if (used < 0)
        return;
    c.in.erase(0, size_t(used));
    if (c.in.empty())
        std::string().swap(c.in); // an idle client keeps no buffer
}

long Worker::onFrames(Client &c, const char *data, size_t size)
{
    size_t used = 0;
    while (used < size) {
        Frame frame;
        size_t taken = 0;
        std::string why;
        const ParseStatus status =
            parseFrame(data + used, size - used, kMaxFrameBytes, &frame, &taken, &why);
        if (status == ParseStatus::NeedMore)
            break;
        if (status == ParseStatus::Error) {
            fail(c, why);
            return -1;
        }
        used += taken;
        if (!onFrame(c, frame))
            return -1;
    }
    return long(used);
}

bool Worker::onFrame(Client &c, const Frame &frame)
{
    switch (frame.opcode) {
    case Ping:
        send(c, Pong, frame.payload);
        return c.fd >= 0;
    case Pong:
        return true;
    case Close:
        fail(c, "closed by the relay with " + std::to_string(closeCode(frame.payload)) + " " +
                    std::string(frame.payload.substr(std::min<size_t>(2, frame.payload.size()))));
        return false;
    case Text:
    case Continuation:
        if (frame.fin && c.message.empty())
            return onText(c, frame.payload);
        c.message.append(frame.payload);
        if (!frame.fin)
            return true;
        {
            std::string whole;
            whole.swap(c.message);
            return onText(c, whole);
        }
    default:
        fail(c, "the relay sent a frame with opcode " + std::to_string(frame.opcode));
        return false;
    }
}

bool Worker::onText(Client &c, std::string_view text)
{
    switch (c.state) {
    case State::Subscribed:
        onDelivery(c, text);
        return true;
    case State::AwaitWelcome:
        if (text.find("\"type\":\"welcome\"") != std::string_view::npos) {
            c.state = State::AwaitSubscribed;
            send(c, Text, m_settings.subscribe);
            return c.fd >= 0;
        }
        break;
    case State::AwaitSubscribed:
        if (text.find("\"type\":\"subscribed\"") != std::string_view::npos) {
            c.state = State::Subscribed;
            c.readyUs = nowUs();
            --m_inflight;
            ++m_subscribed;
            ++m_perTarget[c.target];
            raiseMax(m_lastReadyUs, c.readyUs);
            return true;
        }
        break;
    default:
        return true;
    }
    if (text.find("\"type\":\"error\"") != std::string_view::npos) {
        // Code and message only: the envelope's id would make every client's line different.
        fail(c, "the relay answered error " + std::string(findString(text, "\"code\":\"")) + ": " +
                    std::string(findString(text, "\"message\":\"").substr(0, 160)));
        return false;
    }
    return true; // something else before the answer it waits for: not its business
}

void Worker::onDelivery(Client &c, std::string_view text)
{
    const int64_t phase = findNumber(text, "\"benchPhase\":");
    const int64_t seq = findNumber(text, "\"benchSeq\":");
    const int64_t sent = findNumber(text, "\"sentUs\":");
    if (phase < 1 || phase > m_settings.phases || seq < 0 || seq >= m_settings.messages || sent < 0)
        return; // a pong, an ack, another publisher's message: not measured
    const int64_t now = nowUs();
    const size_t slot = size_t(indexOf(c)) * size_t(m_settings.messages) + size_t(seq);
    const uint32_t latency = uint32_t(std::clamp<int64_t>(now - sent, 0, UINT32_MAX - 1)) + 1;
    PhaseCounters &counters = m_phaseCounters[size_t(phase)];
    if (m_latency[size_t(phase)][slot].exchange(latency, std::memory_order_relaxed) != 0) {
        ++counters.duplicates;
        return;
    }
    raiseMax(counters.lastDeliveryUs, now);
    counters.delivered.fetch_add(1);
}

void Worker::send(Client &c, Opcode opcode, std::string_view payload)
{
    appendFrame(&c.out, opcode, payload, uint32_t(m_rng.next()));
    flush(c);
}

void Worker::flush(Client &c)
{
    while (!c.out.empty()) {
        const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (n > 0) {
            c.out.erase(0, size_t(n));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            break;
        fail(c, "send(): " + errnoText(errno));
        return;
    }
    if (c.out.empty())
        std::string().swap(c.out);
    watch(c, !c.out.empty());
}

void Worker::watch(Client &c, bool writing)
{
    if (c.writing == writing)
        return;
    epoll_event event{};
    event.events = writing ? uint32_t(EPOLLIN | EPOLLOUT) : uint32_t(EPOLLIN);
    event.data.u32 = uint32_t(indexOf(c));
    ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &event);
    c.writing = writing;
}

void Worker::fail(Client &c, const std::string &why)
{
    if (c.state == State::Gone)
        return;
    if (c.state == State::Subscribed) {
        ++m_dropped;
        --m_subscribed;
        --m_perTarget[c.target];
    } else {
        ++m_failed;
        if (c.state != State::Idle || c.fd >= 0)
            --m_inflight;
    }
    if (c.fd >= 0)
        ::close(c.fd); // closing removes it from the epoll set
    c.fd = -1;
    c.state = State::Gone;
    std::string().swap(c.in);
    std::string().swap(c.out);
    std::string().swap(c.message);
    // Reasons name no client: the same one from thousands of clients is one line.
    std::string reason = why;
    for (char &ch : reason) {
        if (ch == '\n' || ch == '\r')
            ch = ' ';
    }
    const std::lock_guard<std::mutex> lock(m_mutex);
    ++m_failures[reason];
}

} // namespace vigil::scalebench
