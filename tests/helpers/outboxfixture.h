#pragma once

// An outbox of its own for each test. Header-only; the test links vigil_storage.

#include "storage/outbox.h"

#include <QString>
#include <QTemporaryDir>

namespace vigil::test {

/// \brief An Outbox on a new file in a temporary directory of its own, opened on construction;
/// the file goes with it. A test starts with
/// `QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));` and then uses it as an Outbox.
class TempOutbox : public Outbox
{
public:
    explicit TempOutbox(const OutboxLimits &limits = {},
                        const QString &fileName = QStringLiteral("outbox.sqlite"))
        : Outbox(limits)
    {
        if (m_dir.isValid())
            open(m_dir.filePath(fileName), &m_openError);
        else
            m_openError = QStringLiteral("no temporary directory: ") + m_dir.errorString();
    }
    /// Closed before the directory is removed, so queued work reaches the file first.
    ~TempOutbox() { close(); }

    /// Why open() failed; empty when it worked.
    [[nodiscard]] QString openError() const { return m_openError; }

private:
    QTemporaryDir m_dir;
    QString m_openError;
};

} // namespace vigil::test
