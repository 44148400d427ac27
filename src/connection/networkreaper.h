#pragma once

class QNetworkAccessManager;

namespace vigil::NetworkReaper {

/// \brief Destroys `manager` on a background thread instead of the caller's.
///
/// Qt 6.4's ~QNetworkAccessManager waits up to 5 s for the manager's network thread, and a
/// server that sends an HTTP header without end keeps that thread reading without a pause
/// (docs/reliability-hostile-server.md). Destroyed where it was used, every dropped HTTP link
/// would stop the caller's event loop for those 5 s. `manager` must have been created on the
/// calling thread, and the caller disconnects its replies from itself first: they are aborted,
/// and the manager is taken from its parent and deleted on one thread kept for that.
void retire(QNetworkAccessManager *manager);

/// Managers handed to retire() and not yet destroyed.
int pending();
/// Managers handed to retire() since the start.
int retired();

} // namespace vigil::NetworkReaper
