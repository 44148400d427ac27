#pragma once

#include <QString>

namespace vigil {

/// Where Vigil keeps its SQLite files: `explicitDir` if given, else $VIGIL_DATA_DIR, else the
/// per-user application data folder (~/.local/share/Vigil on Linux).
[[nodiscard]] QString resolveDataDir(const QString &explicitDir = {});

/// Creates `dir` if needed; on failure returns false and a sentence for the user in `error`.
bool ensureDataDir(const QString &dir, QString *error);

} // namespace vigil
