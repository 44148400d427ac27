#include "witness.h"

#include "protocol/envelope.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace vigil::chaos {

Witness::Witness(QUrl url, const QString &journalPath, QObject *parent)
    : QObject(parent)
    , m_url(std::move(url))
{
    QString error;
    m_journal.open(journalPath, &error);
    m_retry.setSingleShot(true);
    m_retry.setInterval(100);
    connect(&m_retry, &QTimer::timeout, this, &Witness::connectNow);
    m_ping.setInterval(1000);
    connect(&m_ping, &QTimer::timeout, this, [this] {
        m_socket.sendTextMessage(
            QString::fromUtf8(Envelope::create(QStringLiteral("ping"), QStringLiteral("system"),
                                               QJsonObject{{QStringLiteral("t"), Journal::now()}})
                                  .serialize()));
    });
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &Witness::onText);
    connect(&m_socket, &QWebSocket::connected, this, [this] {
        m_journal.write({{QStringLiteral("e"), QStringLiteral("connected")}});
        m_ping.start();
    });
    connect(&m_socket, &QWebSocket::disconnected, this, [this] {
        m_subscribed = false;
        m_ping.stop();
        m_journal.write({{QStringLiteral("e"), QStringLiteral("disconnected")}});
        if (!m_stopping)
            m_retry.start();
    });
}

void Witness::start()
{
    connectNow();
}

void Witness::stop()
{
    m_stopping = true;
    m_retry.stop();
    m_ping.stop();
    m_socket.close();
}

void Witness::connectNow()
{
    if (!m_stopping)
        m_socket.open(m_url);
}

void Witness::subscribe(const QStringList &channels)
{
    QJsonArray list;
    for (const QString &channel : channels) {
        // From the start of what the relay holds the first time, from the last seq after.
        list.append(QJsonObject{{QStringLiteral("name"), channel},
                                {QStringLiteral("since"), m_last.value(channel, 0)}});
    }
    m_socket.sendTextMessage(
        QString::fromUtf8(Envelope::create(QStringLiteral("subscribe"), QStringLiteral("system"),
                                           QJsonObject{{QStringLiteral("channels"), list}})
                              .serialize()));
}

void Witness::onText(const QString &text)
{
    const ParseResult parsed = parseEnvelope(text.toUtf8());
    if (!parsed.ok())
        return;
    const Envelope &e = parsed.envelope;
    if (e.channel == u"system") {
        const QJsonObject payload = e.payload.toObject();
        if (e.type == u"welcome") {
            const QString epoch = payload.value(QStringLiteral("epoch")).toString();
            if (!m_epoch.isEmpty() && epoch != m_epoch) {
                m_journal.write({{QStringLiteral("e"), QStringLiteral("epoch")},
                                 {QStringLiteral("from"), m_epoch},
                                 {QStringLiteral("to"), epoch}});
                m_last.clear();
            }
            m_epoch = epoch;
            subscribe(knownChannels());
            m_subscribed = true;
        } else if (e.type == u"subscribed") {
            const QString channel = payload.value(QStringLiteral("channel")).toString();
            m_journal.write(
                {{QStringLiteral("e"), QStringLiteral("sub")},
                 {QStringLiteral("ch"), channel},
                 {QStringLiteral("head"), payload.value(QStringLiteral("head"))},
                 {QStringLiteral("recovered"), payload.value(QStringLiteral("recovered"))}});
            // A long replay comes in pages: ask for the next one.
            if (payload.value(QStringLiteral("more")).toBool())
                subscribe({channel});
        }
        return;
    }
    if (!e.hasSeq())
        return;
    m_journal.write({{QStringLiteral("e"), QStringLiteral("rx")},
                     {QStringLiteral("ch"), e.channel},
                     {QStringLiteral("seq"), e.seq},
                     {QStringLiteral("id"), e.id},
                     {QStringLiteral("ep"), m_epoch}});
    if (e.seq > m_last.value(e.channel, 0))
        m_last.insert(e.channel, e.seq);
}

} // namespace vigil::chaos
