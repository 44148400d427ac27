#pragma once

namespace vigil {

/// \brief The accepted range of one connection setting.
struct SettingRange
{
    int min;
    int max;
    [[nodiscard]] constexpr bool contains(long long value) const
    {
        return value >= min && value <= max;
    }
};

/// The ranges of the connection settings an operator can change, in one place: the Settings
/// page's fields, its validation, the stored preferences and vigil-cli's options all use these.
namespace ranges {
inline constexpr SettingRange kHeartbeatMs{100, 3600000};
inline constexpr SettingRange kHeartbeatTimeoutMs{100, 3600000};
inline constexpr SettingRange kMissedHeartbeats{1, 100};
inline constexpr SettingRange kReconnectBaseMs{10, 600000};
inline constexpr SettingRange kReconnectCapMs{10, 3600000}; ///< and never below the base
inline constexpr SettingRange kMaxAttempts{0, 1000000};     ///< 0: never give up
/// Lines the log viewer holds (its ring buffer); the oldest go first.
inline constexpr SettingRange kLogCapacity{10000, 5000000};
inline constexpr int kDefaultLogCapacity = 1000000;
} // namespace ranges

} // namespace vigil
