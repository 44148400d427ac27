#pragma once

#include "wsframes.h"

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vigil::scalebench {

/// Microseconds of CLOCK_MONOTONIC: one clock for every thread and process of the machine, so
/// a publisher's send time and a receiver's arrival time compare directly.
int64_t nowUs();

/// What every worker is given.
struct WorkerSettings
{
    std::vector<Target> targets;
    std::string token;
    std::string subscribe; ///< the subscribe envelope, as JSON text
    int inflight = 50;     ///< this worker's handshakes under way at once, at most
    int messages = 0;      ///< messages per phase: one latency slot per client and message
    int phases = 2;
};

/// Figures of one phase (the bench numbers them from 1), summed by the bench over its workers.
struct PhaseCounters
{
    std::atomic<uint64_t> delivered{0};
    std::atomic<uint64_t> duplicates{0};
    std::atomic<int64_t> lastDeliveryUs{0};
};

/// \brief One thread holding a slice of the bench's WebSocket clients on its own epoll set.
///
/// It opens its clients (at most `inflight` handshakes at once), answers the upgrade, waits for
/// `welcome`, subscribes, and from then on reads: it answers pings and notes, for each message
/// the publisher sent, when it arrived. Clients are plain non-blocking sockets and a few
/// strings each, so a thread holds thousands of them.
class Worker
{
public:
    /// Clients `first` to `first + count - 1` of the bench; client i connects to target
    /// i % targets.size(), so the bench's clients split evenly over the targets.
    Worker(const WorkerSettings &settings, int first, int count);
    ~Worker();
    Worker(const Worker &) = delete;
    Worker &operator=(const Worker &) = delete;

    void start();
    /// Stops the thread and closes every client.
    void stop();

    /// Clients subscribed and still connected, and handshakes that failed.
    [[nodiscard]] int subscribed() const { return m_subscribed.load(); }
    [[nodiscard]] int failed() const { return m_failed.load(); }
    /// Clients closed after they had subscribed.
    [[nodiscard]] int dropped() const { return m_dropped.load(); }
    [[nodiscard]] int64_t lastReadyUs() const { return m_lastReadyUs.load(); }
    [[nodiscard]] const PhaseCounters &phase(int phase) const { return m_phaseCounters[phase]; }
    /// Subscribed clients per target index.
    [[nodiscard]] std::vector<int> subscribedPerTarget() const;
    /// Why handshakes failed or subscribed clients were closed, with how often.
    [[nodiscard]] std::map<std::string, int> failures() const;
    /// Appends every arrival latency (µs) of `phase` to `out`. Call once the phase is over.
    void collectLatencies(int phase, std::vector<uint32_t> *out) const;
    /// Appends every client's handshake time (connect to `subscribed`, µs) to `out`.
    void collectSetupTimes(std::vector<uint32_t> *out) const;

private:
    enum class State : uint8_t {
        Idle,
        Connecting,
        Upgrading,
        AwaitWelcome,
        AwaitSubscribed,
        Subscribed,
        Gone
    };
    struct Client
    {
        int fd = -1;
        State state = State::Idle;
        bool writing = false; ///< EPOLLOUT is on
        uint8_t target = 0;
        int64_t startUs = 0;
        int64_t readyUs = 0;
        std::string in;      ///< bytes of a frame not complete yet
        std::string out;     ///< bytes the socket did not take yet
        std::string message; ///< a fragmented message being put together
        std::string key;     ///< the handshake key, until the upgrade is answered
    };

    void run();
    void openMore();
    void onEvent(int index, uint32_t events);
    void onReadable(int index);
    void onBytes(Client &c, const char *data, size_t size);
    /// Reads the frames at the start of `data`; returns how many bytes they took, or -1 when
    /// the client was closed.
    long onFrames(Client &c, const char *data, size_t size);
    bool onFrame(Client &c, const Frame &frame);
    bool onText(Client &c, std::string_view text);
    void onDelivery(Client &c, std::string_view text);
    void send(Client &c, Opcode opcode, std::string_view payload);
    void flush(Client &c);
    void watch(Client &c, bool writing);
    void fail(Client &c, const std::string &why);
    [[nodiscard]] int indexOf(const Client &c) const { return int(&c - m_clients.data()); }

    WorkerSettings m_settings;
    int m_first;
    std::vector<Client> m_clients;
    int m_next = 0; ///< the next client to open
    int m_inflight = 0;
    int m_epoll = -1;
    Rng m_rng;
    std::vector<char> m_buffer;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};

    std::atomic<int> m_subscribed{0};
    std::atomic<int> m_failed{0};
    std::atomic<int> m_dropped{0};
    std::atomic<int64_t> m_lastReadyUs{0};
    std::vector<PhaseCounters> m_phaseCounters;
    /// Per phase, one slot per client and message: latency µs + 1, 0 until it arrives.
    std::vector<std::vector<std::atomic<uint32_t>>> m_latency;
    mutable std::mutex m_mutex; ///< guards m_failures
    std::map<std::string, int> m_failures;
    std::vector<std::atomic<int>> m_perTarget;
};

} // namespace vigil::scalebench
