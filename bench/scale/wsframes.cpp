#include "wsframes.h"

#include <QByteArray>
#include <QCryptographicHash>

#include <arpa/inet.h>
#include <cctype>
#include <cstring>

namespace vigil::scalebench {

bool parseTarget(const std::string &url, Target *target, std::string *why)
{
    const std::string scheme = "ws://";
    if (url.compare(0, scheme.size(), scheme) != 0) {
        *why = "'" + url + "' is not a ws:// URL (the bench speaks plain WebSocket only)";
        return false;
    }
    const std::string rest = url.substr(scheme.size());
    const size_t slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    target->path = slash == std::string::npos ? "/" : rest.substr(slash);
    const size_t colon = authority.rfind(':');
    if (colon == std::string::npos || colon + 1 == authority.size()) {
        *why = "'" + url + "' has no port";
        return false;
    }
    std::string host = authority.substr(0, colon);
    const std::string portText = authority.substr(colon + 1);
    char *end = nullptr;
    const long port = std::strtol(portText.c_str(), &end, 10);
    if (*end != '\0' || port < 1 || port > 65535) {
        *why = "'" + portText + "' in '" + url + "' is not a port number";
        return false;
    }
    if (host == "localhost")
        host = "127.0.0.1";
    target->address = {};
    target->address.sin_family = AF_INET;
    target->address.sin_port = htons(uint16_t(port));
    if (::inet_pton(AF_INET, host.c_str(), &target->address.sin_addr) != 1) {
        *why = "'" + host + "' in '" + url + "' is not an IPv4 address";
        return false;
    }
    target->url = url;
    target->hostHeader = authority;
    return true;
}

std::string makeKey(Rng &rng)
{
    QByteArray raw(16, Qt::Uninitialized);
    for (int i = 0; i < 16; i += 8) {
        const uint64_t bits = rng.next();
        std::memcpy(raw.data() + i, &bits, 8);
    }
    return raw.toBase64().toStdString();
}

std::string upgradeRequest(const Target &target, const std::string &key, const std::string &token)
{
    std::string request = "GET " + target.path + " HTTP/1.1\r\nHost: " + target.hostHeader +
                          "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " +
                          key + "\r\n";
    if (!token.empty())
        request += "Authorization: Bearer " + token + "\r\n";
    request += "\r\n";
    return request;
}

bool upgradeAccepted(std::string_view head, const std::string &key, std::string *why)
{
    const size_t lineEnd = head.find("\r\n");
    const std::string_view status = head.substr(0, lineEnd);
    if (status.substr(0, 13) != "HTTP/1.1 101 ") {
        *why = "the upgrade was answered '" + std::string(status.substr(0, 80)) + "'";
        return false;
    }
    const QByteArray expected =
        QCryptographicHash::hash(QByteArray::fromStdString(key + "258EAFA5-E914-47DA-95CA-"
                                                                 "C5AB0DC85B11"),
                                 QCryptographicHash::Sha1)
            .toBase64();
    // Header names are case-insensitive: compare on a lower-case copy of the head.
    std::string lower(head);
    for (char &c : lower)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    const std::string name = "\r\nsec-websocket-accept:";
    const size_t at = lower.find(name);
    if (at == std::string::npos) {
        *why = "the upgrade answer has no Sec-WebSocket-Accept";
        return false;
    }
    size_t value = at + name.size();
    while (value < head.size() && head[value] == ' ')
        ++value;
    const size_t valueEnd = head.find("\r\n", value);
    if (head.substr(value, valueEnd - value) != std::string_view(expected.constData())) {
        *why = "the upgrade answer's Sec-WebSocket-Accept does not match the key";
        return false;
    }
    return true;
}

void appendFrame(std::string *out, Opcode opcode, std::string_view payload, uint32_t mask)
{
    const size_t size = payload.size();
    out->push_back(char(0x80 | opcode));
    if (size < 126) {
        out->push_back(char(0x80 | size));
    } else if (size <= 0xffff) {
        out->push_back(char(0x80 | 126));
        out->push_back(char(size >> 8));
        out->push_back(char(size & 0xff));
    } else {
        out->push_back(char(0x80 | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            out->push_back(char((uint64_t(size) >> shift) & 0xff));
    }
    const unsigned char key[4] = {uint8_t(mask >> 24), uint8_t(mask >> 16), uint8_t(mask >> 8),
                                  uint8_t(mask)};
    out->append(reinterpret_cast<const char *>(key), 4);
    const size_t start = out->size();
    out->append(payload.data(), size);
    char *bytes = out->data() + start;
    for (size_t i = 0; i < size; ++i)
        bytes[i] = char(bytes[i] ^ key[i & 3]);
}

ParseStatus parseFrame(const char *data, size_t size, size_t maxPayload, Frame *frame,
                       size_t *consumed, std::string *why)
{
    if (size < 2)
        return ParseStatus::NeedMore;
    const auto *bytes = reinterpret_cast<const unsigned char *>(data);
    if (bytes[1] & 0x80) {
        *why = "the server sent a masked frame";
        return ParseStatus::Error;
    }
    uint64_t length = bytes[1] & 0x7f;
    size_t header = 2;
    if (length == 126) {
        if (size < 4)
            return ParseStatus::NeedMore;
        length = (uint64_t(bytes[2]) << 8) | bytes[3];
        header = 4;
    } else if (length == 127) {
        if (size < 10)
            return ParseStatus::NeedMore;
        length = 0;
        for (int i = 2; i < 10; ++i)
            length = (length << 8) | bytes[i];
        header = 10;
    }
    if (length > maxPayload) {
        *why = "the server sent a frame of " + std::to_string(length) + " bytes";
        return ParseStatus::Error;
    }
    if (size - header < length)
        return ParseStatus::NeedMore;
    frame->fin = bytes[0] & 0x80;
    frame->opcode = bytes[0] & 0x0f;
    frame->payload = std::string_view(data + header, size_t(length));
    *consumed = header + size_t(length);
    return ParseStatus::Frame;
}

int closeCode(std::string_view payload)
{
    if (payload.size() < 2)
        return 1005;
    return (int(static_cast<unsigned char>(payload[0])) << 8) |
           static_cast<unsigned char>(payload[1]);
}

int64_t findNumber(std::string_view json, std::string_view key)
{
    const size_t at = json.find(key);
    if (at == std::string_view::npos)
        return -1;
    size_t i = at + key.size();
    while (i < json.size() && json[i] == ' ')
        ++i;
    int64_t value = 0;
    bool any = false;
    for (; i < json.size() && json[i] >= '0' && json[i] <= '9'; ++i) {
        value = value * 10 + (json[i] - '0');
        any = true;
    }
    return any ? value : -1;
}

} // namespace vigil::scalebench
