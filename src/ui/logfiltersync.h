#pragma once

#include "models/cppownedsingleton.h"
#include "protocol/logfilter.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace vigil {

class ConnectionView;
class LogLinesModel;
class Preferences;

/// \brief The Logs page's "Filter on server": pushes the viewer's level, source and task
/// filter to the server (`update_filter`, capability `logFilter`) so lines the operator does
/// not want never cross the network. The viewer keeps filtering locally as well, so what it
/// shows is the same with or without the server's help; a server without the capability simply
/// sends everything.
///
/// The switch is remembered (Preferences); the filter follows the viewer's at once, and a new
/// session subscribes with it.
class LogFilterSync : public QObject, public CppOwnedSingleton<LogFilterSync>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    /// The server of this session can filter logs (its welcome listed `logFilter`).
    Q_PROPERTY(bool available READ available NOTIFY changed)
    /// The operator's switch: send the viewer's filter to the server.
    Q_PROPERTY(bool pushToServer READ pushToServer WRITE setPushToServer NOTIFY changed)
    /// The server confirmed that it applies the viewer's current filter.
    Q_PROPERTY(bool onServer READ onServer NOTIFY changed)
    /// One sentence for the page: where the filter applies now.
    Q_PROPERTY(QString statusText READ statusText NOTIFY changed)
public:
    // No default argument: see ConnectionStatus.
    LogFilterSync(QObject *parent, LogLinesModel *lines, Preferences *preferences);

    /// Follows a new session (null: none).
    void attach(ConnectionView *view);

    [[nodiscard]] bool available() const { return m_available; }
    [[nodiscard]] bool pushToServer() const { return m_push; }
    void setPushToServer(bool push);
    [[nodiscard]] bool onServer() const { return m_onServer; }
    [[nodiscard]] QString statusText() const;
    /// What is asked of the server now: the viewer's filter while the switch is on, else none.
    [[nodiscard]] LogFilter wanted() const;

Q_SIGNALS:
    void changed();

private:
    void push();
    void updateAvailable();

    QPointer<LogLinesModel> m_lines;
    Preferences *m_preferences = nullptr;
    QPointer<ConnectionView> m_view;
    bool m_push = false;
    bool m_available = false;
    bool m_onServer = false;
    LogFilter m_applied; ///< what the server last said it applies
};

} // namespace vigil
