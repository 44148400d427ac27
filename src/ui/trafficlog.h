#pragma once

#include "models/cppownedsingleton.h"
#include "models/feedfilters.h"
#include "models/livelistmodel.h"

#include <QJsonObject>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

#include <deque>

class QQmlEngine;
class QJSEngine;

namespace vigil {

class ConnectionView;

/// One frame that crossed the link, as the Debug page shows it. Its JSON is redacted when the
/// frame is taken, so a token never reaches the model, let alone the screen.
struct TrafficFrame
{
    QString id; ///< the log's own numbering: the same envelope sent twice is two frames
    qint64 at = 0;
    bool outbound = false;
    QString channel;
    QString type;
    qint64 bytes = 0; ///< as sent on the wire; 0 where the transport does not tell
    QJsonObject json; ///< the whole envelope, redacted
};

/// Secrets never leave here: the value of every field whose name contains "token", "secret",
/// "password" or "authorization" (any case, at any depth, in objects and arrays) becomes
/// "[redacted]", and so do, in every text, the query string of a URL that carries one of them
/// (`?token=...`), such a `name=value` pair anywhere, and a bearer credential.
[[nodiscard]] QJsonValue redactedJson(const QJsonValue &value);
[[nodiscard]] QString redactedText(const QString &text);

/// \brief The Debug page's raw view: the last frames in and out of the connection, with their
/// time, direction, channel, type, size and JSON (tokens redacted).
///
/// Follows the session's ConnectionManager (attach(), on every Workspace::managerChanged) but
/// listens only while `capturing` (the Debug page is on): the manager does not even build the
/// signal otherwise. Keeps the newest `capacity` frames (rows `frameId`, `time`, `outbound`,
/// `channel`, `type`, `bytes`, `json`, newest first). Paused, the list stands still while frames
/// are still taken and counted (`heldCount`); resume() shows them, still within the capacity.
class TrafficLog : public vigil::LiveListModel, public CppOwnedSingleton<TrafficLog>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    /// Frames are taken (the Debug page is on)
    Q_PROPERTY(bool capturing READ capturing NOTIFY capturingChanged)
    Q_PROPERTY(bool paused READ paused NOTIFY pausedChanged)
    /// Frames taken while paused, not shown yet (at most `capacity` are kept)
    Q_PROPERTY(int heldCount READ heldCount NOTIFY countsChanged)
    /// Frames taken since the start or the last clear, shown or not
    Q_PROPERTY(int seenCount READ seenCount NOTIFY countsChanged)
    /// The channels of the frames taken, sorted: the page's filter choices
    Q_PROPERTY(QStringList channels READ seenChannels NOTIFY countsChanged)
    Q_PROPERTY(int capacity READ capacity CONSTANT)
public:
    static constexpr int kDefaultCapacity = 2000;
    static constexpr int kMaxCapacity = 100000;

    enum Role {
        IdRole = Qt::UserRole + 1,
        TimeRole,
        OutboundRole,
        ChannelRole,
        TypeRole,
        BytesRole,
        JsonRole
    };
    Q_ENUM(Role)

    // No default argument for the parent: see feedmodels.h.
    explicit TrafficLog(QObject *parent, int capacity = kDefaultCapacity);

    /// Follows `manager` (not owned; null: none), from now on.
    void attach(ConnectionView *manager);
    /// Takes frames (true) or ignores them; the app follows the Debug page setting.
    void setCapturing(bool capturing);
    /// Takes one frame (the manager's traffic signal; tests call it directly).
    void take(bool outbound, const Envelope &envelope, qint64 bytes);

    /// Not fed by the FeedRouter: the frames come from the manager itself.
    void record(const Envelope &) override {}

    [[nodiscard]] bool capturing() const { return m_capturing; }
    [[nodiscard]] bool paused() const { return m_paused; }
    [[nodiscard]] int heldCount() const { return int(m_held.size()); }
    [[nodiscard]] int seenCount() const { return m_seen; }
    [[nodiscard]] QStringList seenChannels() const { return m_channelList; }
    [[nodiscard]] int capacity() const { return m_capacity; }
    /// The rows, shown and queued (read only).
    [[nodiscard]] const LiveRows<TrafficFrame> &rows() const { return m_rows; }

    /// Keeps the list still; frames are still taken and counted.
    Q_INVOKABLE void pause();
    /// Shows what was taken while paused, and follows again.
    Q_INVOKABLE void resume();
    /// Forgets every frame and the counts.
    Q_INVOKABLE void clearFrames();

Q_SIGNALS:
    void capturingChanged();
    void pausedChanged();
    void countsChanged();

private:
    void connectManager();
    void show(TrafficFrame frame);

    LiveRows<TrafficFrame> m_rows;
    int m_capacity;
    QPointer<ConnectionView> m_manager;
    QMetaObject::Connection m_connection;
    bool m_capturing = false;
    bool m_paused = false;
    std::deque<TrafficFrame> m_held; ///< taken while paused, oldest first
    int m_seen = 0;
    quint64 m_next = 0;
    QSet<QString> m_channels;
    QStringList m_channelList;
};

/// \brief The Debug page's filter over TrafficLog: one direction or both, one channel or all,
/// and a text the type must contain.
class TrafficFilter : public vigil::FeedFilter
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(Direction direction READ direction WRITE setDirection NOTIFY filterChanged)
    /// Only this channel (exactly); empty: every channel
    Q_PROPERTY(QString channel READ channel WRITE setChannel NOTIFY filterChanged)
    /// Text the type must contain (case ignored); empty: every type
    Q_PROPERTY(QString typeText READ typeText WRITE setTypeText NOTIFY filterChanged)
public:
    enum class Direction { Both, Inbound, Outbound };
    Q_ENUM(Direction)

    explicit TrafficFilter(QObject *parent = nullptr);

    [[nodiscard]] Direction direction() const { return m_direction; }
    void setDirection(Direction direction);
    [[nodiscard]] QString channel() const { return m_channel; }
    void setChannel(const QString &channel);
    [[nodiscard]] QString typeText() const { return m_typeText; }
    void setTypeText(const QString &text);

protected:
    [[nodiscard]] bool accepts(const QModelIndex &source) const override;
    [[nodiscard]] QList<int> searchRoles() const override;

private:
    Direction m_direction = Direction::Both;
    QString m_channel;
    QString m_typeText;
};

} // namespace vigil
