#include "httprequest.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

#include <cstring>

namespace vigil {

namespace {

// RFC 9110 `tchar`: what a method or a header name may be made of.
bool isTokenChar(char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    return c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

bool isToken(const QByteArray &text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

bool isDigits(const QByteArray &text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

int refuse(int status, const QString &reason, QString *why)
{
    *why = reason;
    return status;
}

} // namespace

QByteArray HttpRequest::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

int HttpRequest::headerCount(const QByteArray &name) const
{
    int n = 0;
    for (const auto &entry : headers) {
        if (entry.first.compare(name, Qt::CaseInsensitive) == 0)
            ++n;
    }
    return n;
}

bool HttpRequest::headerHasToken(const QByteArray &name, const QByteArray &token) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray &part : value.split(',')) {
            if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
                return true;
        }
    }
    return false;
}

int parseRequestHead(const QByteArray &head, const HttpLimits &limits, HttpRequest *out,
                     QString *why)
{
    if (!head.endsWith("\r\n\r\n"))
        return refuse(400, QStringLiteral("the request head does not end with a blank line"), why);
    // Every line ends with CRLF; a lone CR or LF is refused rather than guessed at, so no two
    // parsers on the way can disagree about where a header ends.
    QList<QByteArray> lines;
    const qsizetype end = head.size() - 2;
    for (qsizetype pos = 0; pos < end;) {
        const qsizetype eol = head.indexOf("\r\n", pos);
        const QByteArray line = head.mid(pos, eol - pos);
        if (line.contains('\r') || line.contains('\n'))
            return refuse(400, QStringLiteral("a line of the request head does not end with CRLF"),
                          why);
        lines.append(line);
        pos = eol + 2;
    }
    if (lines.isEmpty())
        return refuse(400, QStringLiteral("no request line"), why);

    const QList<QByteArray> parts = lines.first().split(' ');
    if (parts.size() != 3 || !isToken(parts.at(0)) || parts.at(1).isEmpty())
        return refuse(400, QStringLiteral("the request line is not METHOD TARGET HTTP/1.1"), why);
    out->method = parts.at(0);
    out->target = parts.at(1);
    if (out->target.size() > limits.maxUrlBytes)
        return refuse(
            414, QStringLiteral("the URL is longer than %1 bytes").arg(limits.maxUrlBytes), why);
    for (const char c : std::as_const(out->target)) {
        if (uchar(c) <= 0x20 || uchar(c) >= 0x7f)
            return refuse(400, QStringLiteral("the URL holds a character that must be encoded"),
                          why);
    }
    if (!out->target.startsWith('/'))
        return refuse(400, QStringLiteral("the URL must be a path starting with /"), why);
    const QByteArray &version = parts.at(2);
    if (version == "HTTP/1.1") {
        out->minorVersion = 1;
    } else if (version == "HTTP/1.0") {
        out->minorVersion = 0;
    } else if (version.size() == 8 && version.startsWith("HTTP/") && isDigits(version.mid(5, 1)) &&
               version.at(6) == '.' && isDigits(version.mid(7, 1))) {
        return refuse(505, QStringLiteral("only HTTP/1.0 and HTTP/1.1 are served"), why);
    } else {
        return refuse(400, QStringLiteral("the request line is not METHOD TARGET HTTP/1.1"), why);
    }

    out->headers.clear();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        if (line.startsWith(' ') || line.startsWith('\t'))
            return refuse(400, QStringLiteral("folded header lines are not accepted"), why);
        const qsizetype colon = line.indexOf(':');
        const QByteArray name = line.left(colon);
        if (colon <= 0 || !isToken(name))
            return refuse(400, QStringLiteral("a header line is not NAME: VALUE"), why);
        const QByteArray value = line.mid(colon + 1).trimmed();
        for (const char c : value) {
            if ((uchar(c) < 0x20 && c != '\t') || uchar(c) == 0x7f)
                return refuse(400, QStringLiteral("a header value holds a control character"), why);
        }
        out->headers.emplaceBack(name, value);
    }

    // Framing: exactly one way to know where the body ends, or none at all.
    const int lengths = out->headerCount("Content-Length");
    const bool chunked = out->headerCount("Transfer-Encoding") > 0;
    if (lengths > 1)
        return refuse(400, QStringLiteral("more than one Content-Length"), why);
    if (lengths == 1 && chunked)
        return refuse(400, QStringLiteral("Content-Length together with Transfer-Encoding"), why);
    if (chunked)
        return refuse(411, QStringLiteral("send the body with a Content-Length"), why);
    out->contentLength = 0;
    if (lengths == 1) {
        const QByteArray value = out->header("Content-Length");
        if (!isDigits(value) || value.size() > 18)
            return refuse(400, QStringLiteral("Content-Length is not a number"), why);
        out->contentLength = value.toLongLong();
    }
    if (out->headerCount("Host") > 1)
        return refuse(400, QStringLiteral("more than one Host header"), why);
    const QByteArray expect = out->header("Expect");
    out->expectContinue = expect.compare("100-continue", Qt::CaseInsensitive) == 0;
    if (!expect.isEmpty() && !out->expectContinue)
        return refuse(417, QStringLiteral("only Expect: 100-continue is understood"), why);

    out->keepAlive = out->minorVersion == 1 ? !out->headerHasToken("Connection", "close")
                                            : out->headerHasToken("Connection", "keep-alive");
    out->webSocketUpgrade = out->headerHasToken("Upgrade", "websocket");

    const qsizetype question = out->target.indexOf('?');
    out->path = QUrl::fromPercentEncoding(question < 0 ? out->target : out->target.left(question));
    out->query =
        question < 0 ? QUrlQuery() : QUrlQuery(QString::fromUtf8(out->target.mid(question + 1)));
    return 0;
}

HttpResponse httpError(int status, const QString &code, const QString &message)
{
    HttpResponse response;
    response.status = status;
    response.headers = {{"Content-Type", "application/json"}};
    response.body = QJsonDocument(QJsonObject{{QStringLiteral("error"), code},
                                              {QStringLiteral("message"), message}})
                        .toJson(QJsonDocument::Compact);
    return response;
}

QByteArray httpReason(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 411:
        return "Length Required";
    case 413:
        return "Payload Too Large";
    case 414:
        return "URI Too Long";
    case 417:
        return "Expectation Failed";
    case 426:
        return "Upgrade Required";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

QByteArray httpHead(int status, const HttpHeaders &headers)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + httpReason(status) + "\r\n";
    for (const auto &[name, value] : headers)
        out += name + ": " + value + "\r\n";
    out += "\r\n";
    return out;
}

} // namespace vigil
