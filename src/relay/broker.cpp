#include "broker.h"

#include "channelhistory.h"

namespace vigil {

LocalBroker::LocalBroker(ChannelHistory *history, QObject *parent)
    : Broker(parent)
    , m_history(history)
{}

bool LocalBroker::open(QString *error)
{
    return m_history->open(error);
}

void LocalBroker::close()
{
    m_history->close();
}

QString LocalBroker::epoch() const
{
    return m_history->epoch();
}

void LocalBroker::publish(Envelope envelope, const QString &dedupId, Done done)
{
    // De-duplication within one relay is the relay's own window (Relay::rememberId()).
    Q_UNUSED(dedupId)
    Result result;
    const std::optional<QByteArray> frame = m_history->stamp(envelope, &result.code, &result.why);
    result.envelope = envelope;
    if (frame)
        Q_EMIT entry(envelope, *frame);
    done(result);
}

void LocalBroker::addHealth(QJsonObject *health) const
{
    m_history->addStorageHealth(health);
}

} // namespace vigil
