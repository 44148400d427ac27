#include "probedns.h"

#include "diagnostics.h"
#include "serverendpoint.h"

#include <QHostAddress>
#include <QHostInfo>
#include <QJsonArray>

namespace vigil {

void DnsProbe::release()
{
    if (m_lookupId >= 0)
        QHostInfo::abortHostLookup(std::exchange(m_lookupId, -1));
}

void DnsProbe::run()
{
    const QUrl &url = m_config.url;
    const bool usable =
        url.isValid() && !host().isEmpty() && (url.scheme() == u"ws" || url.scheme() == u"wss");
    if (!m_host.beginStep(Diagnostics::Dns, m_config.stepTimeoutMs, [this] {
            release();
            m_host.finishStep(Diagnostics::Dns, DiagnosticStep::Failed,
                              tr("no answer from the resolver for %1 within %2 ms")
                                  .arg(host())
                                  .arg(m_config.stepTimeoutMs));
        }))
        return;
    if (!usable) {
        m_host.finishStep(Diagnostics::Dns, DiagnosticStep::Failed,
                          tr("'%1' is not a ws:// or wss:// URL with a host")
                              .arg(ServerEndpoint::redacted(url).left(200)));
        return;
    }
    if (QHostAddress literal; literal.setAddress(host())) {
        m_host.finishStep(Diagnostics::Dns, DiagnosticStep::Passed,
                          tr("%1 is an IP address: nothing to look up").arg(host()),
                          {{QStringLiteral("addresses"), QJsonArray{literal.toString()}}});
        return;
    }
    // Lookup ids are never reused, and release() forgets the id: a late answer of an aborted
    // lookup is recognised by its id alone.
    m_lookupId = QHostInfo::lookupHost(host(), this, [this](const QHostInfo &info) {
        if (info.lookupId() != m_lookupId)
            return;
        m_lookupId = -1;
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            const QString why = info.error() != QHostInfo::NoError
                                    ? info.errorString()
                                    : tr("the name has no addresses");
            m_host.finishStep(Diagnostics::Dns, DiagnosticStep::Failed,
                              tr("cannot resolve %1: %2").arg(host(), why));
            return;
        }
        QStringList addresses;
        for (const QHostAddress &address : info.addresses())
            addresses.append(address.toString());
        m_host.finishStep(Diagnostics::Dns, DiagnosticStep::Passed,
                          tr("%1 resolves to %2").arg(host(), addresses.join(QStringLiteral(", "))),
                          {{QStringLiteral("addresses"), QJsonArray::fromStringList(addresses)}});
    });
}

} // namespace vigil
