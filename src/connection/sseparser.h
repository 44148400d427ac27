#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <functional>

namespace vigil {

/// \brief An incremental, bounded parser of `text/event-stream` as the WHATWG HTML standard
/// ("Server-sent events", "Interpreting an event stream") describes it.
///
/// Lines end with CRLF, LF or CR, also when a CRLF is split between two reads. A leading
/// byte-order mark is dropped. `data:` with or without the one space after the colon; several
/// data lines are joined with LF; `:` starts a comment; `id:` sets the last event id (kept from
/// one event to the next, as the standard says); `event:` names the type; `retry:` is parsed and
/// only remembered (bounded), because reconnect timing belongs to ConnectionManager alone.
/// Unknown fields are ignored. An event is dispatched on a blank line; one without data is not.
///
/// Memory is bounded: no line and no event's data grow past `maxEventBytes`. Past that the
/// event is marked oversized, its data is dropped as it arrives and it is still dispatched (with
/// its id, so the caller can skip past it and say so). An event that goes on past
/// `maxSkipBytes` in total is not a message but an attack or a broken server: feed() returns
/// false and the caller drops the stream.
class SseParser
{
public:
    struct Event
    {
        QByteArray type = QByteArrayLiteral("message");
        QByteArray data; ///< data lines joined with LF; empty when oversized
        QByteArray id;   ///< the last event id when this event was dispatched
        bool oversized = false;
        qint64 bytes = 0; ///< size of the event on the wire (all its lines)
    };
    /// Called for each dispatched event; return false to stop feeding (the caller restarted).
    using Sink = std::function<bool(const Event &)>;

    SseParser(qsizetype maxEventBytes, qint64 maxSkipBytes);

    /// Parses `bytes`. Returns false when the stream must be dropped (an event ran past
    /// maxSkipBytes) or when `sink` asked to stop.
    bool feed(QByteArrayView bytes, const Sink &sink);
    /// Forgets everything (a new stream). The last event id is kept only if `keepLastId`.
    void reset(bool keepLastId = false);

    [[nodiscard]] QByteArray lastEventId() const { return m_lastId; }
    /// The last `retry:` the server asked for (ms, clamped to an hour), -1 if none.
    [[nodiscard]] qint64 retryMs() const { return m_retryMs; }
    /// Bytes held right now (the partial line and the event being assembled).
    [[nodiscard]] qsizetype bufferedBytes() const { return m_line.size() + m_data.size(); }
    /// Why feed() returned false on its own (empty otherwise).
    [[nodiscard]] QString error() const { return m_error; }

private:
    bool processLine(const Sink &sink);
    bool dispatch(const Sink &sink);
    void markOversized();

    qsizetype m_maxEventBytes;
    qint64 m_maxSkipBytes;
    QByteArray m_line;
    QByteArray m_data;
    QByteArray m_type;
    QByteArray m_lastId;
    bool m_lineTooLong = false;
    bool m_oversized = false;
    bool m_afterCr = false;  ///< the last byte was CR: a following LF belongs to that line end
    bool m_started = false;  ///< past the (optional) byte-order mark
    qint64 m_eventBytes = 0; ///< bytes of the current event's lines so far
    qint64 m_lineBytes = 0;  ///< bytes of the line being read, dropped ones included
    qint64 m_retryMs = -1;
    QString m_error;
};

} // namespace vigil
