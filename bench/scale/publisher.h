#pragma once

#include "wsframes.h"

#include <cstdint>
#include <string>

namespace vigil::scalebench {

/// What one publishing phase did.
struct PublishResult
{
    int sent = 0;
    int acked = 0;
    int errors = 0;
    int64_t firstSendUs = 0;
    int64_t lastSendUs = 0;
    bool timedOut = false;
    std::string firstError; ///< the first `error` the relay answered, or why the phase stopped
};

/// \brief The bench's one publishing client: numbered messages with their send time in the
/// payload, on the channel every bench client subscribed to, paced or as fast as the relay
/// acknowledges them.
///
/// Blocking I/O on its own socket, driven by the bench's main thread while the workers read.
class Publisher
{
public:
    Publisher(Target target, std::string token, std::string channel, int padBytes);
    ~Publisher();
    Publisher(const Publisher &) = delete;
    Publisher &operator=(const Publisher &) = delete;

    /// Connects, upgrades and waits for `welcome`; false with the reason in `why`.
    bool open(int timeoutMs, std::string *why);
    /// Publishes `count` messages of `phase`: `rate` per second (0: as fast as acks allow), at
    /// most `window` unacknowledged at once. Returns once every message is answered, or when
    /// nothing was answered for `timeoutMs`.
    PublishResult publish(int phase, int count, double rate, int window, int timeoutMs);

private:
    /// Waits up to `timeoutMs` for bytes and handles the frames they complete; false when the
    /// connection is gone (the reason in `why`).
    bool pump(int timeoutMs, PublishResult *result, std::string *why);
    bool sendFrame(Opcode opcode, std::string_view payload, std::string *why);
    std::string message(int phase, int seq) const;
    /// The phase of the message an ack or error answers; -1 when it answers none of ours.
    int phaseOf(std::string_view text) const;

    Target m_target;
    std::string m_token;
    std::string m_channel;
    std::string m_pad;
    std::string m_run; ///< makes this run's message ids its own (the relay de-duplicates)
    int m_fd = -1;
    bool m_welcomed = false;
    int m_phase = 0; ///< the phase being published: answers to others are not counted
    Rng m_rng;
    std::string m_in;
};

} // namespace vigil::scalebench
