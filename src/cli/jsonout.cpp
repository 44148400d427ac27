#include "jsonout.h"

#include <QJsonDocument>

#include <cstdio>

namespace vigil::cli {

namespace {

void printLine(FILE *stream, const QJsonObject &object)
{
    const QByteArray line = QJsonDocument(object).toJson(QJsonDocument::Compact);
    std::fwrite(line.constData(), 1, size_t(line.size()), stream);
    std::fputc('\n', stream);
    // Line-buffered on purpose: a script reading us through a pipe sees each line at once.
    std::fflush(stream);
}

} // namespace

void printResult(const QJsonObject &object)
{
    printLine(stdout, object);
}

void printEvent(const QJsonObject &object)
{
    printLine(stderr, object);
}

} // namespace vigil::cli
