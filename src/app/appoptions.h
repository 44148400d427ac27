#pragma once

#include <QList>
#include <QSslCertificate>
#include <QString>
#include <QUrl>

#include <optional>

namespace vigil::app {

/// \brief The desktop application's command line, validated.
struct AppOptions
{
    bool demo = false;
    quint32 demoSeed = 1;
    double demoLogRate = 5.0; ///< log lines per second of the demo (--demo-log-rate)
    QList<QUrl> urls;
    QString token;
    QList<QSslCertificate> extraCaCertificates;
    QString dataDir;
    QString transport;      ///< auto, websocket, sse or poll; empty: the saved preference
    QString screenshotPath; ///< save the window here once connected and showing data, then quit
    int screenshotTimeoutMs = 60000;
    int screenshotDelayMs = 0; ///< extra wait before the capture (charts need a history)
    QString page;              ///< the page to open on; empty: the one shown last
    bool debug = false;        ///< list the Debug page (raw frames) for this run
};

/// Parses argv; on a usage error prints it and returns nullopt with `exitCode` set (2, or 0
/// after --help/--version).
std::optional<AppOptions> parseAppOptions(const QStringList &arguments, int *exitCode);

} // namespace vigil::app
