#pragma once

#include "principal.h"

#include <QJsonArray>
#include <QObject>
#include <QTimer>

#include <deque>
#include <memory>

namespace vigil {

class HttpConnection;
class Relay;

/// \brief `POST /api/messages`: holds a request's messages to the per-request count and the
/// principal's rate limit, and publishes them a slice at a time, so a large batch never
/// stalls the relay; the answer (one `ack` or `error` per message) goes out after the last.
class HttpPostQueue : public QObject
{
    Q_OBJECT
public:
    /// Messages handled per turn of the event loop.
    static constexpr qsizetype kSlice = 64;

    explicit HttpPostQueue(Relay *relay, QObject *parent = nullptr);

    /// Takes one request body from `who` and answers it through `connection`.
    void post(const Principal &who, const QByteArray &body, HttpConnection *connection);
    /// The client of `connection` has gone: its messages not yet handled are dropped (the
    /// client sends them again; their ids make that safe).
    void forget(HttpConnection *connection);
    void clear();

private:
    struct Job
    {
        HttpConnection *connection = nullptr; ///< null once the client has gone
        Principal who;
        QJsonArray items;
        qsizetype next = 0;
        int prepaid = 0; ///< messages already taken from the rate budget
        QJsonArray answers;
    };

    void runSlice();
    QJsonObject accept(Job &job, const QJsonValue &item);

    Relay *m_relay;
    std::deque<std::unique_ptr<Job>> m_jobs;
    QTimer m_timer;
};

} // namespace vigil
