#pragma once

#include "probe.h"

namespace vigil {

/// \brief The DNS step: the server's host name resolves to addresses (an IP address passes as
/// it is), within the step timeout.
class DnsProbe : public Probe
{
    Q_OBJECT
public:
    using Probe::Probe;

    void run();
    void release() override;

private:
    int m_lookupId = -1;
};

} // namespace vigil
