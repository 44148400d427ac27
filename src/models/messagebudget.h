#pragma once

#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace vigil {

/// \brief How much of a server's message size limit a text being written takes: what the
/// composer's counter shows and what decides whether Send is possible.
///
/// `used` is what `text` costs inside an envelope: its UTF-8 bytes as JSON writes them (quotes
/// and control characters escaped). `limit` is what the content may take (ChatSession's
/// maxContentBytes: the server's limit less room for the rest of the envelope); 0 or less
/// means no limit is known. Created in QML: `MessageBudget { text: field.text; limit: ... }`.
class MessageBudget : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString text READ text WRITE setText NOTIFY changed)
    Q_PROPERTY(int limit READ limit WRITE setLimit NOTIFY changed)
    Q_PROPERTY(int used READ used NOTIFY changed)
    /// Bytes left; negative when over the limit.
    Q_PROPERTY(int remaining READ remaining NOTIFY changed)
    Q_PROPERTY(bool over READ over NOTIFY changed)
    /// Nothing but white space: nothing to send.
    Q_PROPERTY(bool blank READ blank NOTIFY changed)
    /// Something to send, within the limit.
    Q_PROPERTY(bool sendable READ sendable NOTIFY changed)
public:
    explicit MessageBudget(QObject *parent = nullptr);

    [[nodiscard]] QString text() const { return m_text; }
    void setText(const QString &text);
    [[nodiscard]] int limit() const { return m_limit; }
    void setLimit(int limit);
    [[nodiscard]] int used() const { return m_used; }
    [[nodiscard]] int remaining() const { return m_limit - m_used; }
    [[nodiscard]] bool over() const { return m_limit > 0 && m_used > m_limit; }
    [[nodiscard]] bool blank() const { return m_blank; }
    [[nodiscard]] bool sendable() const { return !m_blank && !over(); }

    /// What `text` costs as a JSON string in an envelope, quotes excluded.
    [[nodiscard]] static int bytesOf(const QString &text);

Q_SIGNALS:
    void changed();

private:
    QString m_text;
    int m_limit = 0;
    int m_used = 0;
    bool m_blank = true;
};

} // namespace vigil
