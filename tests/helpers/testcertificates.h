#pragma once

#include <QString>

namespace vigil::test {

/// Writes a throwaway CA (`ca.pem`, `ca.key`) and a server certificate for 127.0.0.1 signed by
/// it (`server.pem`, `server.key`) into `dir` with the openssl command. Returns false, with a
/// warning saying which openssl call failed, when it cannot.
bool makeTestCertificates(const QString &dir, const QString &caName);

} // namespace vigil::test
