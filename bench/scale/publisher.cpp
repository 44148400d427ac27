#include "publisher.h"

#include "worker.h" // nowUs()

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace vigil::scalebench {

namespace {

constexpr size_t kMaxFrameBytes = 16 * 1024 * 1024;

int64_t wallMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

Publisher::Publisher(Target target, std::string token, std::string channel, int padBytes)
    : m_target(std::move(target))
    , m_token(std::move(token))
    , m_channel(std::move(channel))
    , m_pad(size_t(std::max(padBytes, 0)), 'x')
    , m_rng(uint64_t(nowUs()) ^ (uint64_t(::getpid()) << 32))
{
    char run[17];
    std::snprintf(run, sizeof(run), "%016llx", static_cast<unsigned long long>(m_rng.next()));
    m_run = run;
}

Publisher::~Publisher()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool Publisher::open(int timeoutMs, std::string *why)
{
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_fd < 0) {
        *why = std::string("socket(): ") + std::strerror(errno);
        return false;
    }
    // Writes block at most this long: a relay that stops reading ends the run, not the bench.
    timeval timeout{timeoutMs / 1000, (timeoutMs % 1000) * 1000};
    ::setsockopt(m_fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    if (::connect(m_fd, reinterpret_cast<const sockaddr *>(&m_target.address),
                  sizeof(m_target.address)) != 0) {
        *why = "cannot connect to " + m_target.url + ": " + std::strerror(errno);
        return false;
    }
    const std::string key = makeKey(m_rng);
    const std::string request = upgradeRequest(m_target, key, m_token);
    if (::send(m_fd, request.data(), request.size(), MSG_NOSIGNAL) != ssize_t(request.size())) {
        *why = "cannot send the upgrade request to " + m_target.url;
        return false;
    }
    const int64_t deadline = nowUs() + int64_t(timeoutMs) * 1000;
    size_t end = std::string::npos;
    while ((end = m_in.find("\r\n\r\n")) == std::string::npos) {
        pollfd p{m_fd, POLLIN, 0};
        const int64_t left = (deadline - nowUs()) / 1000;
        char buffer[4096];
        const ssize_t n =
            left > 0 && ::poll(&p, 1, int(left)) > 0 ? ::recv(m_fd, buffer, sizeof(buffer), 0) : -1;
        if (n <= 0) {
            *why = "no upgrade answer from " + m_target.url;
            return false;
        }
        m_in.append(buffer, size_t(n));
    }
    if (!upgradeAccepted(std::string_view(m_in).substr(0, end + 4), key, why))
        return false;
    m_in.erase(0, end + 4);
    PublishResult unused;
    while (!m_welcomed) {
        const int64_t left = (deadline - nowUs()) / 1000;
        if (left <= 0) {
            *why = "no welcome from " + m_target.url;
            return false;
        }
        if (!pump(int(left), &unused, why))
            return false;
    }
    return true;
}

int Publisher::phaseOf(std::string_view text) const
{
    // An ack names the message in payload.id, an error in payload.ref: bench-RUN-PHASE-SEQ.
    const std::string prefix = "\"bench-" + m_run + "-";
    const size_t at = text.find(prefix);
    if (at == std::string_view::npos)
        return -1;
    int phase = 0;
    for (size_t i = at + prefix.size(); i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
        phase = phase * 10 + (text[i] - '0');
    return phase;
}

std::string Publisher::message(int phase, int seq) const
{
    const std::string id =
        "bench-" + m_run + "-" + std::to_string(phase) + "-" + std::to_string(seq);
    return "{\"id\":\"" + id + "\",\"type\":\"metric.update\",\"channel\":\"" + m_channel +
           "\",\"timestamp\":" + std::to_string(wallMs()) +
           ",\"payload\":{\"source\":\"vigil-scale-bench\",\"benchPhase\":" +
           std::to_string(phase) + ",\"benchSeq\":" + std::to_string(seq) +
           ",\"sentUs\":" + std::to_string(nowUs()) +
           (m_pad.empty() ? std::string() : ",\"pad\":\"" + m_pad + "\"") + "}}";
}

PublishResult Publisher::publish(int phase, int count, double rate, int window, int timeoutMs)
{
    PublishResult result;
    m_phase = phase;
    const int64_t interval = rate > 0 ? int64_t(1e6 / rate) : 0;
    int64_t nextUs = nowUs();
    int64_t lastProgressUs = nowUs();
    int answered = 0;
    while (answered < count) {
        int64_t now = nowUs();
        while (result.sent < count && result.sent - answered < window &&
               (interval == 0 || now >= nextUs)) {
            std::string why;
            const std::string text = message(phase, result.sent);
            if (!sendFrame(Text, text, &why)) {
                result.firstError = why;
                return result;
            }
            now = nowUs();
            if (result.sent == 0)
                result.firstSendUs = now;
            result.lastSendUs = now;
            ++result.sent;
            nextUs += interval;
        }
        int waitMs = 100;
        if (interval > 0 && result.sent < count && result.sent - answered < window)
            waitMs = int(std::max<int64_t>(0, (nextUs - nowUs()) / 1000));
        std::string why;
        if (!pump(waitMs, &result, &why)) {
            result.firstError = why;
            return result;
        }
        if (result.acked + result.errors > answered) {
            answered = result.acked + result.errors;
            lastProgressUs = nowUs();
        } else if (nowUs() - lastProgressUs > int64_t(timeoutMs) * 1000 &&
                   (result.sent == count || result.sent - answered >= window)) {
            result.timedOut = true;
            if (result.firstError.empty())
                result.firstError =
                    "no answer from the relay for " + std::to_string(timeoutMs) + " ms";
            return result;
        }
    }
    return result;
}

bool Publisher::pump(int timeoutMs, PublishResult *result, std::string *why)
{
    pollfd p{m_fd, POLLIN, 0};
    if (::poll(&p, 1, timeoutMs) <= 0)
        return true;
    char buffer[65536];
    const ssize_t n = ::recv(m_fd, buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        *why = "the relay closed the publisher's connection";
        return false;
    }
    if (n < 0)
        return true;
    m_in.append(buffer, size_t(n));
    size_t used = 0;
    while (used < m_in.size()) {
        Frame frame;
        size_t taken = 0;
        const ParseStatus status =
            parseFrame(m_in.data() + used, m_in.size() - used, kMaxFrameBytes, &frame, &taken, why);
        if (status == ParseStatus::Error)
            return false;
        if (status == ParseStatus::NeedMore)
            break;
        used += taken;
        if (frame.opcode == Ping) {
            if (!sendFrame(Pong, frame.payload, why))
                return false;
        } else if (frame.opcode == Close) {
            *why = "the relay closed the publisher's connection with " +
                   std::to_string(closeCode(frame.payload));
            return false;
        } else if (frame.opcode == Text) {
            const std::string_view text = frame.payload;
            if (text.find("\"type\":\"welcome\"") != std::string_view::npos) {
                m_welcomed = true;
            } else if (phaseOf(text) != m_phase) {
                // Not an answer to this phase: a late one from the phase before, or a pong.
            } else if (text.find("\"type\":\"ack\"") != std::string_view::npos) {
                ++result->acked;
            } else if (text.find("\"type\":\"error\"") != std::string_view::npos) {
                if (result->errors++ == 0)
                    result->firstError = std::string(text.substr(0, 300));
            }
        }
    }
    m_in.erase(0, used);
    return true;
}

bool Publisher::sendFrame(Opcode opcode, std::string_view payload, std::string *why)
{
    std::string frame;
    appendFrame(&frame, opcode, payload, uint32_t(m_rng.next()));
    size_t done = 0;
    while (done < frame.size()) {
        const ssize_t n = ::send(m_fd, frame.data() + done, frame.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            *why = std::string("cannot send to the relay: ") + std::strerror(errno);
            return false;
        }
        done += size_t(n);
    }
    return true;
}

} // namespace vigil::scalebench
