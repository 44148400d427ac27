#include "logexport.h"

#include <QCoreApplication>
#include <QDate>
#include <QSaveFile>

#include <cstdio>

namespace vigil {

namespace {

constexpr qint64 kMsPerDay = 86'400'000;
constexpr qint64 kUnixEpochJulianDay = 2'440'588;
constexpr qsizetype kWriteChunk = qsizetype(1) << 20;

void appendUtcTime(QByteArray &out, qint64 ms)
{
    qint64 days = ms / kMsPerDay;
    qint64 rest = ms % kMsPerDay;
    if (rest < 0) {
        rest += kMsPerDay;
        --days;
    }
    const QDate date = QDate::fromJulianDay(days + kUnixEpochJulianDay);
    char text[40];
    const int n = std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                                date.year(), date.month(), date.day(), int(rest / 3'600'000),
                                int(rest / 60'000 % 60), int(rest / 1000 % 60), int(rest % 1000));
    out.append(text, n);
}

void appendField(QByteArray &out, QByteArrayView text)
{
    if (text.isEmpty())
        out.append('-');
    else
        out.append(text);
}

void appendJsonString(QByteArray &out, QByteArrayView utf8)
{
    static const char hex[] = "0123456789abcdef";
    out.append('"');
    for (char ch : utf8) {
        const auto c = uchar(ch);
        if (c == '"' || c == '\\') {
            out.append('\\');
            out.append(ch);
        } else if (c == '\n') {
            out.append("\\n", 2);
        } else if (c == '\r') {
            out.append("\\r", 2);
        } else if (c == '\t') {
            out.append("\\t", 2);
        } else if (c < 0x20) {
            const char escaped[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            out.append(escaped, sizeof escaped);
        } else {
            out.append(ch); // UTF-8 as stored: JSON text is UTF-8
        }
    }
    out.append('"');
}

void appendJsonKey(QByteArray &out, const char *key)
{
    out.append(out.endsWith('{') ? "\"" : ",\"");
    out.append(key);
    out.append("\":", 2);
}

void appendLine(QByteArray &out, const LogLines &lines, qint64 ordinal, LogExportFormat format)
{
    if (!lines.contains(ordinal))
        return;
    const LogRecord &r = lines.record(ordinal);
    if (format == LogExportFormat::PlainText) {
        appendUtcTime(out, r.timestamp);
        out.append(' ');
        appendField(out, lines.levelName(r).toUtf8());
        out.append(' ');
        appendField(out, lines.sourceName(r).toUtf8());
        out.append(' ');
        appendField(out, lines.taskName(r).toUtf8());
        out.append(' ');
        out.append(lines.messageUtf8(r));
        return;
    }
    out.append('{');
    if (r.idLength > 0) {
        appendJsonKey(out, "id");
        appendJsonString(out, lines.idUtf8(r));
    }
    if (r.seq >= 0) {
        appendJsonKey(out, "seq");
        out.append(QByteArray::number(r.seq));
    }
    appendJsonKey(out, "timestamp");
    out.append(QByteArray::number(r.timestamp));
    appendJsonKey(out, "level");
    appendJsonString(out, lines.levelName(r).toUtf8());
    appendJsonKey(out, "source");
    appendJsonString(out, lines.sourceName(r).toUtf8());
    appendJsonKey(out, "taskId");
    appendJsonString(out, lines.taskName(r).toUtf8());
    appendJsonKey(out, "message");
    appendJsonString(out, lines.messageUtf8(r));
    out.append('}');
}

QString tr(const char *text)
{
    return QCoreApplication::translate("vigil::LogExport", text);
}

} // namespace

QByteArray formatLogLine(const LogLines &lines, qint64 ordinal, LogExportFormat format)
{
    QByteArray out;
    appendLine(out, lines, ordinal, format);
    return out;
}

bool writeLogLines(const LogLines &lines, qsizetype count,
                   const std::function<qint64(qsizetype)> &ordinalAt, LogExportFormat format,
                   const QString &path, QString *error, const std::function<bool()> &cancelled)
{
    auto fail = [&](const QString &why) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, why);
        return false;
    };
    if (path.isEmpty())
        return fail(tr("no file name given"));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(file.errorString());
    QByteArray buffer;
    buffer.reserve(kWriteChunk + 4096);
    for (qsizetype i = 0; i < count; ++i) {
        if (i % 4096 == 0 && cancelled && cancelled())
            return fail(tr("cancelled"));
        const qint64 ordinal = ordinalAt(i);
        if (!lines.contains(ordinal))
            continue;
        appendLine(buffer, lines, ordinal, format);
        buffer.append('\n');
        if (buffer.size() >= kWriteChunk) {
            if (file.write(buffer) != buffer.size())
                return fail(file.errorString());
            buffer.resize(0); // keeps the allocation
        }
    }
    if (!buffer.isEmpty() && file.write(buffer) != buffer.size())
        return fail(file.errorString());
    if (!file.commit())
        return fail(file.errorString());
    if (error)
        error->clear();
    return true;
}

} // namespace vigil
