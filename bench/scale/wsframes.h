#pragma once

// The little of RFC 6455 a load generator needs, on plain bytes: the client's upgrade request
// and the check of the server's answer, masked frames out, unmasked frames in. No QObject per
// connection: ten thousand of these must fit next to the relays on a small machine.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <netinet/in.h>

namespace vigil::scalebench {

/// Where clients connect: a ws:// URL with an IPv4 address (or localhost) and a port.
struct Target
{
    std::string url;
    std::string hostHeader; ///< host:port, as the Host header says it
    std::string path;       ///< with the query, if any
    sockaddr_in address{};
};

/// Parses `ws://HOST:PORT/PATH`; false with a sentence in `why` for anything else (wss://, a
/// name that is not localhost, no port).
bool parseTarget(const std::string &url, Target *target, std::string *why);

/// A small fast generator for masks and handshake keys; not for anything secret.
class Rng
{
public:
    explicit Rng(uint64_t seed)
        : m_state(seed ? seed : 0x9e3779b97f4a7c15ULL)
    {}
    uint64_t next()
    {
        m_state ^= m_state << 13;
        m_state ^= m_state >> 7;
        m_state ^= m_state << 17;
        return m_state;
    }

private:
    uint64_t m_state;
};

/// A fresh Sec-WebSocket-Key: 16 random bytes in base64.
std::string makeKey(Rng &rng);
/// The upgrade request for `target`, with `Authorization: Bearer` when `token` is not empty.
std::string upgradeRequest(const Target &target, const std::string &key, const std::string &token);
/// Checks the server's answer head (up to and including the blank line): status 101 and the
/// Sec-WebSocket-Accept that belongs to `key`. False with the reason in `why`.
bool upgradeAccepted(std::string_view head, const std::string &key, std::string *why);

enum Opcode : uint8_t {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xa,
};

/// Appends one masked frame (FIN set) with `payload` to `out`.
void appendFrame(std::string *out, Opcode opcode, std::string_view payload, uint32_t mask);

/// One frame from the server.
struct Frame
{
    bool fin = true;
    uint8_t opcode = 0;
    std::string_view payload;
};

/// What parseFrame() found at the start of a buffer.
enum class ParseStatus { Frame, NeedMore, Error };

/// Reads the frame that starts at `data`. On Frame, `frame` points into `data` and `consumed`
/// says how many bytes it took. Error: a masked or oversized frame, which a server never sends.
ParseStatus parseFrame(const char *data, size_t size, size_t maxPayload, Frame *frame,
                       size_t *consumed, std::string *why);

/// The close code of a close frame's payload, or 1005 (none given).
int closeCode(std::string_view payload);

/// The integer after `"key":` in a JSON text, or -1 when there is none; enough to read the
/// figures the bench puts in its own payloads without parsing every frame as JSON.
int64_t findNumber(std::string_view json, std::string_view key);

} // namespace vigil::scalebench
