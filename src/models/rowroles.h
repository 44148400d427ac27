#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QVariant>

#include <functional>
#include <optional>

namespace vigil {

/// \brief One role of a row type: the id views ask for, the name QML binds to, and how its
/// value is read from a row.
///
/// A model declares its roles once, as one table of these; roleNames() and data() are both
/// derived from that table, so a role's name and its value cannot drift apart.
template<typename Row> struct RowRole
{
    int id;
    QByteArray name;
    std::function<QVariant(const Row &)> read;
};

template<typename Row> using RowRoles = QList<RowRole<Row>>;

/// The role names of `roles`, as roleNames() returns them.
template<typename Row> QHash<int, QByteArray> roleNamesOf(const RowRoles<Row> &roles)
{
    QHash<int, QByteArray> names;
    names.reserve(roles.size());
    for (const RowRole<Row> &role : roles)
        names.insert(role.id, role.name);
    return names;
}

/// The value of `role` in `row`; an empty QVariant for a role the table does not have.
template<typename Row> QVariant readRole(const RowRoles<Row> &roles, const Row &row, int role)
{
    for (const RowRole<Row> &entry : roles) {
        if (entry.id == role)
            return entry.read(row);
    }
    return {};
}

/// An optional figure as a role value: empty (undefined in QML) while it is not known.
template<typename T> QVariant optionalValue(const std::optional<T> &value)
{
    return value ? QVariant::fromValue(*value) : QVariant();
}

/// Sets `field` when a partial update carries a value for it, and keeps it otherwise.
template<typename T, typename V> void assignIf(T &field, const std::optional<V> &value)
{
    if (value)
        field = *value;
}

} // namespace vigil
