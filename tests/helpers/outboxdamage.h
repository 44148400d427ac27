#pragma once

#include <QString>

namespace vigil::test {

/// Puts `count` rows that cannot be read back at the head of `profile`'s queue in the outbox
/// file at `path` (older than anything queued), the way a damaged disk or an old bug would leave
/// them: a third are binary garbage, a third are not JSON, a third are valid envelopes whose id
/// is not their row's. Ids are "bad-1" ... "bad-N". Works while an Outbox has the file open
/// (WAL). Returns how many rows were written; a failure is logged with qWarning.
int insertUnreadableRows(const QString &path, const QString &profile, int count, int priority = 2);

} // namespace vigil::test
