#pragma once

#include "protocol/envelope.h"

#include <QHash>
#include <QJsonObject>
#include <QString>

#include <map>
#include <optional>

namespace vigil {

/// The channel incidents and their actions travel on.
inline const QString kIncidentsChannel = QStringLiteral("incidents");
/// The channel alerts and their actions travel on.
inline const QString kAlertsChannel = QStringLiteral("alerts");

/// \brief What the relay knows now of every incident and alert it has published: the merged
/// fields of each one's `incident.*` or `alert.*` messages, bounded in count and in size.
///
/// It learns only from published messages (the demo feed, clients' own updates, the
/// confirmations of operator actions, and at start the history), so it holds exactly what the
/// subscribers were told, and a confirmation that could not be published changes nothing.
class EntityStates
{
public:
    enum class Kind { Incident, Alert };

    /// At most `maxPerKind` incidents and as many alerts; beyond it, the one changed longest ago
    /// is forgotten.
    explicit EntityStates(int maxPerKind = kMaxPerKind);

    /// Takes in a published message. Messages of other channels, other types, or without a
    /// usable `incidentId` / `alertId` are ignored.
    void observe(const Envelope &published);
    /// The current state: of an incident its `data` (title, severity, status, assignedTo...),
    /// of an alert its flat payload (alertId, severity, title, source, status...). Nullopt for
    /// one the relay has not seen (or has forgotten).
    [[nodiscard]] std::optional<QJsonObject> find(Kind kind, const QString &id) const;
    [[nodiscard]] bool contains(Kind kind, const QString &id) const;
    [[nodiscard]] int count(Kind kind) const;

    static constexpr int kMaxPerKind = 5000;
    /// One entity's state as compact JSON; a larger one keeps only its core fields.
    static constexpr qsizetype kMaxEntityBytes = 16 * 1024;

private:
    struct Entry
    {
        QJsonObject state;
        quint64 touched = 0; ///< when it last changed, in observe() calls
    };
    struct Table
    {
        QHash<QString, Entry> entries;
        std::map<quint64, QString> byAge; ///< touched -> id, oldest first
    };

    void observeIncident(const QString &type, const QJsonObject &payload);
    void observeAlert(const QString &type, const QJsonObject &payload);
    void store(Kind kind, const QString &id, QJsonObject state);
    [[nodiscard]] Table &table(Kind kind)
    {
        return kind == Kind::Incident ? m_incidents : m_alerts;
    }
    [[nodiscard]] const Table &table(Kind kind) const
    {
        return kind == Kind::Incident ? m_incidents : m_alerts;
    }

    Table m_incidents;
    Table m_alerts;
    quint64 m_changes = 0;
    int m_maxPerKind;
};

} // namespace vigil
