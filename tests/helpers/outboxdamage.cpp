#include "outboxdamage.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace vigil::test {

int insertUnreadableRows(const QString &path, const QString &profile, int count, int priority)
{
    const QString name = QStringLiteral("outbox-damage");
    int written = 0;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (!db.open()) {
            qWarning("cannot open %s: %s", qPrintable(path), qPrintable(db.lastError().text()));
        } else {
            db.transaction();
            QSqlQuery q(db);
            q.prepare(QStringLiteral("INSERT INTO messages(id, profile, priority, enqueued_at,"
                                     " bytes, envelope) VALUES(?, ?, ?, ?, ?, ?)"));
            for (int i = 1; i <= count; ++i) {
                QByteArray body;
                switch (i % 3) {
                case 0:
                    body = QByteArray::fromHex("00ff13deadbeef7f");
                    break;
                case 1:
                    body = "{\"id\":\"truncated";
                    break;
                default:
                    body = R"({"id":"someone-else","type":"chat.message","channel":"chat",)"
                           R"("payload":{},"timestamp":1})";
                    break;
                }
                q.addBindValue(QStringLiteral("bad-%1").arg(i));
                q.addBindValue(profile);
                q.addBindValue(priority);
                q.addBindValue(i); // 1970: older than anything queued, so first in line
                q.addBindValue(body.size());
                q.addBindValue(body);
                if (!q.exec()) {
                    qWarning("insert failed: %s", qPrintable(q.lastError().text()));
                    break;
                }
                ++written;
            }
            if (!db.commit())
                written = 0;
        }
    }
    QSqlDatabase::removeDatabase(name);
    return written;
}

} // namespace vigil::test
