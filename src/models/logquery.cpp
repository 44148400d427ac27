#include "logquery.h"

#include <QStringDecoder>

#include <algorithm>
#include <array>
#include <cstring>

namespace vigil {

namespace {

constexpr std::array<uchar, 256> makeFoldTable()
{
    std::array<uchar, 256> table{};
    for (int c = 0; c < 256; ++c)
        table[size_t(c)] = uchar(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return table;
}
constexpr std::array<uchar, 256> kFold = makeFoldTable();

bool isAscii(const QString &text)
{
    return std::all_of(text.cbegin(), text.cend(), [](QChar c) { return c.unicode() < 0x80; });
}

// Is lower-case ASCII `needle` in `hay`, ignoring ASCII case?
bool containsFolded(QByteArrayView hay, const QByteArray &needle)
{
    const qsizetype n = needle.size();
    if (n == 0)
        return true;
    const auto *h = reinterpret_cast<const uchar *>(hay.data());
    const auto *p = reinterpret_cast<const uchar *>(needle.constData());
    const uchar first = p[0];
    const uchar firstUpper = uchar(first >= 'a' && first <= 'z' ? first - 'a' + 'A' : first);
    for (qsizetype i = 0, last = hay.size() - n; i <= last; ++i) {
        if (h[i] != first && h[i] != firstUpper)
            continue;
        qsizetype k = 1;
        while (k < n && kFold[h[i + k]] == p[k])
            ++k;
        if (k == n)
            return true;
    }
    return false;
}

void decodeInto(QByteArrayView utf8, QString &out)
{
    out.resize(utf8.size()); // UTF-8 never takes fewer bytes than UTF-16 units
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QChar *end = decoder.appendToBuffer(out.data(), utf8);
    out.truncate(end - out.constData());
}

} // namespace

LogMatcher::LogMatcher(const LogFilter &filter, const LogSearch &search, QString *error)
    : m_filter(filter)
{
    if (error)
        error->clear();
    if (search.isEmpty())
        return;
    if (search.regex) {
        QRegularExpression::PatternOptions options = QRegularExpression::UseUnicodePropertiesOption;
        if (!search.caseSensitive)
            options |= QRegularExpression::CaseInsensitiveOption;
        QRegularExpression regex(search.text, options);
        if (!regex.isValid()) {
            if (error)
                *error = QStringLiteral("%1 (at character %2)")
                             .arg(regex.errorString())
                             .arg(regex.patternErrorOffset() + 1);
            return;
        }
        regex.optimize();
        m_regex = regex;
        m_kind = Kind::Regex;
    } else if (search.caseSensitive) {
        m_needle = search.text.toUtf8();
        m_kind = Kind::Bytes;
    } else if (isAscii(search.text)) {
        m_needle = search.text.toLatin1().toLower();
        m_kind = Kind::AsciiFolded;
    } else {
        m_kind = Kind::Unicode;
    }
    m_search = search;
}

void LogMatcher::resolve(const LogStore &store)
{
    m_sourceFilter = !m_filter.sources.isEmpty();
    m_sources.clear();
    for (const QString &source : m_filter.sources) {
        const quint32 index = store.sourceIndex(source);
        if (index != LogStore::kNoIndex)
            m_sources.push_back(index);
    }
    m_taskFilter = !m_filter.taskId.isEmpty();
    m_task = m_taskFilter ? store.taskIndex(m_filter.taskId) : LogStore::kNoIndex;
}

void LogMatcher::detachForThread()
{
    if (m_kind == Kind::Regex) {
        m_regex = QRegularExpression(m_regex.pattern(), m_regex.patternOptions());
        m_regex.optimize();
    }
}

bool LogMatcher::matchesSearch(QByteArrayView message, QString &scratch) const
{
    switch (m_kind) {
    case Kind::None:
        return true;
    case Kind::AsciiFolded:
        return containsFolded(message, m_needle);
    case Kind::Bytes:
        // glibc's memmem (two-way, vectorised) beats a generic search on short messages.
        return m_needle.isEmpty() ||
               memmem(message.data(), size_t(message.size()), m_needle.constData(),
                      size_t(m_needle.size())) != nullptr;
    case Kind::Unicode:
        decodeInto(message, scratch);
        return scratch.contains(m_search.text, Qt::CaseInsensitive);
    case Kind::Regex:
        decodeInto(message, scratch);
        return m_regex.match(scratch).hasMatch();
    }
    return false;
}

QList<std::pair<int, int>> LogMatcher::ranges(const QString &message) const
{
    QList<std::pair<int, int>> out;
    if (m_kind == Kind::None)
        return out;
    if (m_kind == Kind::Regex) {
        QRegularExpressionMatchIterator it = m_regex.globalMatch(message);
        while (it.hasNext() && out.size() < kMaxRanges) {
            const QRegularExpressionMatch match = it.next();
            if (match.capturedLength() > 0)
                out.append({int(match.capturedStart()), int(match.capturedLength())});
        }
        return out;
    }
    const Qt::CaseSensitivity cs = m_search.caseSensitive ? Qt::CaseSensitive : Qt::CaseInsensitive;
    const qsizetype length = m_search.text.size();
    qsizetype from = 0;
    while (out.size() < kMaxRanges) {
        const qsizetype at = message.indexOf(m_search.text, from, cs);
        if (at < 0)
            break;
        out.append({int(at), int(length)});
        from = at + length;
    }
    return out;
}

LogPassResult runLogPass(const LogLines &lines, const LogMatcher &matcher, qint64 from, qint64 to,
                         LogPassPlan plan, const std::function<bool()> &cancelled)
{
    constexpr qint64 kCheckEvery = 4096;
    LogPassResult result;
    result.from = std::max(from, lines.firstOrdinal());
    result.to = std::max(result.from, std::min(to, lines.endOrdinal()));
    const bool filter = matcher.hasFilter();
    const bool search = matcher.hasSearch() && (plan.matches || plan.rowsNeedSearch);
    QString scratch;
    for (qint64 o = result.from; o < result.to; ++o) {
        if ((o - result.from) % kCheckEvery == 0 && cancelled && cancelled()) {
            result.cancelled = true;
            return result;
        }
        const LogRecord &r = lines.record(o);
        if (filter && !matcher.passesFilter(lines, r))
            continue;
        const bool found = !search || matcher.matchesSearch(lines.messageUtf8(r), scratch);
        if (plan.rows && (!plan.rowsNeedSearch || found))
            result.rows.push_back(o);
        if (search && plan.matches && found)
            result.matches.push_back(o);
    }
    return result;
}

} // namespace vigil
