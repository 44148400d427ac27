#include "probe.h"

#include "serverendpoint.h"

namespace vigil {

Probe::Probe(ProbeHost &host, const DiagnosticsConfig &config, QObject *parent)
    : QObject(parent)
    , m_host(host)
    , m_config(config)
{}

QSslConfiguration Probe::tlsConfiguration() const
{
    return ServerEndpoint(m_config.token, m_config.extraCaCertificates).tls();
}

} // namespace vigil
