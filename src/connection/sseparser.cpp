#include "sseparser.h"

#include <algorithm>

namespace vigil {

SseParser::SseParser(qsizetype maxEventBytes, qint64 maxSkipBytes)
    : m_maxEventBytes(std::max<qsizetype>(1, maxEventBytes))
    , m_maxSkipBytes(std::max<qint64>(maxEventBytes, maxSkipBytes))
{}

void SseParser::reset(bool keepLastId)
{
    m_line = QByteArray();
    m_data = QByteArray();
    m_type.clear();
    if (!keepLastId)
        m_lastId.clear();
    m_lineTooLong = false;
    m_oversized = false;
    m_afterCr = false;
    m_started = false;
    m_eventBytes = 0;
    m_lineBytes = 0;
    m_error.clear();
}

bool SseParser::feed(QByteArrayView bytes, const Sink &sink)
{
    const char *p = bytes.data();
    const qsizetype n = bytes.size();
    qsizetype i = 0;
    while (i < n) {
        if (m_afterCr) {
            // CRLF split anywhere, even between two reads: the LF ends nothing new.
            m_afterCr = false;
            if (p[i] == '\n') {
                ++i;
                continue;
            }
        }
        const char *end = std::find_if(p + i, p + n, [](char c) { return c == '\n' || c == '\r'; });
        const qsizetype j = end - p;
        const qsizetype chunk = j - i;
        m_lineBytes += chunk;
        if (!m_lineTooLong) {
            if (m_line.size() + chunk > m_maxEventBytes) {
                // Longer than any message may be: drop it as it comes, remember the event
                // is oversized, and keep counting so an endless line cannot last for ever.
                m_lineTooLong = true;
                m_line = QByteArray();
                markOversized();
            } else {
                m_line.append(p + i, chunk);
            }
        }
        if (m_eventBytes + m_lineBytes > m_maxSkipBytes) {
            m_error = QStringLiteral("the event stream sent more than %1 bytes without ending "
                                     "an event")
                          .arg(m_maxSkipBytes);
            return false;
        }
        if (j == n)
            return true; // the line goes on in the next read
        m_afterCr = p[j] == '\r';
        i = j + 1;
        if (!processLine(sink))
            return false;
    }
    return true;
}

bool SseParser::processLine(const Sink &sink)
{
    const qint64 lineBytes = m_lineBytes + 1; // with its line end
    m_lineBytes = 0;
    if (!m_started) {
        m_started = true;
        if (m_line.startsWith("\xEF\xBB\xBF"))
            m_line.remove(0, 3);
    }
    if (m_lineTooLong) {
        // Whatever field it was, it cannot be used; the event is already marked oversized.
        m_lineTooLong = false;
        m_eventBytes += lineBytes;
        return true;
    }
    if (m_line.isEmpty())
        return dispatch(sink);
    if (m_line.startsWith(':')) {
        m_line.clear(); // a comment (often a keep-alive): not part of any event
        return true;
    }
    m_eventBytes += lineBytes;
    QByteArrayView field(m_line);
    QByteArrayView value;
    const qsizetype colon = m_line.indexOf(':');
    if (colon >= 0) {
        field = QByteArrayView(m_line).first(colon);
        value = QByteArrayView(m_line).sliced(colon + 1);
        if (value.startsWith(' '))
            value = value.sliced(1);
    }
    if (field == "data") {
        if (!m_oversized) {
            if (m_data.size() + value.size() + 1 > m_maxEventBytes) {
                markOversized();
            } else {
                m_data.append(value);
                m_data.append('\n');
            }
        }
    } else if (field == "event") {
        m_type = value.toByteArray();
    } else if (field == "id") {
        if (!value.contains('\0'))
            m_lastId = value.toByteArray();
    } else if (field == "retry") {
        const bool digits = !value.isEmpty() && std::all_of(value.begin(), value.end(), [](char c) {
            return c >= '0' && c <= '9';
        });
        if (digits) {
            bool ok = false;
            const qint64 ms = value.first(std::min<qsizetype>(value.size(), 10)).toLongLong(&ok);
            m_retryMs = ok ? std::min<qint64>(ms, 3600000) : 3600000;
        }
    }
    m_line.clear();
    return true;
}

bool SseParser::dispatch(const Sink &sink)
{
    const bool hasData = !m_data.isEmpty() || m_oversized;
    Event event;
    event.id = m_lastId;
    event.bytes = m_eventBytes;
    event.oversized = m_oversized;
    if (!m_type.isEmpty())
        event.type = m_type;
    if (!m_oversized) {
        event.data = std::move(m_data);
        if (event.data.endsWith('\n'))
            event.data.chop(1);
    }
    m_data = QByteArray();
    m_type.clear();
    m_oversized = false;
    m_eventBytes = 0;
    if (!hasData)
        return true;
    return sink(event);
}

void SseParser::markOversized()
{
    m_oversized = true;
    m_data = QByteArray(); // release it: nothing of this event will be used
}

} // namespace vigil
