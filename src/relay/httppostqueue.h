#pragma once

#include "principal.h"

#include <QJsonArray>
#include <QObject>
#include <QTimer>

#include <deque>
#include <memory>
#include <vector>

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
        int prepaid = 0;    ///< messages already taken from the rate budget
        QJsonArray answers; ///< one per item, in order
        int pending = 0;    ///< answers the relay has yet to give (a shared broker's)
        bool answered = false;
    };

    void runSlice();
    void accept(const std::shared_ptr<Job> &job, qsizetype index);
    /// Answers the request once every message is handled and answered.
    void finish(const std::shared_ptr<Job> &job);

    Relay *m_relay;
    std::deque<std::shared_ptr<Job>> m_jobs;
    /// Handled, waiting for answers from a shared broker.
    std::vector<std::shared_ptr<Job>> m_waiting;
    QTimer m_timer;
};

} // namespace vigil
