#include "logfiltersync.h"

#include "connection/connectionview.h"
#include "models/loglinesmodel.h"
#include "storage/preferences.h"

namespace vigil {

LogFilterSync::LogFilterSync(QObject *parent, LogLinesModel *lines, Preferences *preferences)
    : QObject(parent)
    , m_lines(lines)
    , m_preferences(preferences)
    , m_push(preferences && preferences->logFilterOnServer())
{
    if (lines)
        connect(lines, &LogLinesModel::filterChanged, this, [this] {
            if (m_push)
                push();
        });
}

void LogFilterSync::attach(ConnectionView *view)
{
    if (m_view)
        m_view->disconnect(this);
    m_view = view;
    m_onServer = false;
    m_applied = {};
    if (view) {
        connect(view, &ConnectionView::logFilterApplied, this,
                [this](const LogFilter &applied, bool onServer) {
                    m_applied = applied;
                    m_onServer = onServer;
                    Q_EMIT changed();
                });
        connect(view, &ConnectionView::snapshotChanged, this, &LogFilterSync::updateAvailable);
        // Queued before the session opens: its first subscribe already carries the filter.
        if (m_push)
            push();
    }
    updateAvailable();
    Q_EMIT changed();
}

void LogFilterSync::setPushToServer(bool push)
{
    if (push == m_push)
        return;
    m_push = push;
    if (m_preferences) {
        m_preferences->setLogFilterOnServer(push);
        m_preferences->sync();
    }
    this->push();
    Q_EMIT changed();
}

LogFilter LogFilterSync::wanted() const
{
    return m_push && m_lines ? m_lines->filter() : LogFilter{};
}

void LogFilterSync::push()
{
    if (m_view)
        m_view->setLogFilter(wanted());
}

void LogFilterSync::updateAvailable()
{
    const bool available = m_view && m_view->serverSupports(QStringLiteral("logFilter"));
    if (available == m_available)
        return;
    m_available = available;
    Q_EMIT changed();
}

QString LogFilterSync::statusText() const
{
    if (!m_push)
        return tr("Filtering here: the server sends every line.");
    if (!m_view || (!m_available && !m_onServer))
        return tr("This server cannot filter logs: it sends every line and Vigil filters here.");
    const LogFilter want = wanted();
    if (want.isEmpty())
        return tr("No filter set: the server sends every line.");
    if (m_onServer && m_applied == want)
        return tr("Filtered on the server: lines outside the filter are not received.");
    return tr("Asking the server to filter…");
}

} // namespace vigil
