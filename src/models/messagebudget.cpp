#include "messagebudget.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace vigil {

MessageBudget::MessageBudget(QObject *parent)
    : QObject(parent)
{}

int MessageBudget::bytesOf(const QString &text)
{
    if (text.isEmpty())
        return 0;
    // Exactly what the envelope's serializer writes: ["..."] less the brackets and quotes.
    const QByteArray json = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    return int(json.size()) - 4;
}

void MessageBudget::setText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    m_used = bytesOf(text);
    m_blank = text.trimmed().isEmpty();
    Q_EMIT changed();
}

void MessageBudget::setLimit(int limit)
{
    if (limit == m_limit)
        return;
    m_limit = limit;
    Q_EMIT changed();
}

} // namespace vigil
