# Qt's QODBC (PyQt5) through the hook: QSqlDatabase with a DSN name or a
# whole connection string, then $CL_QUERY. Prints 'row: ...' lines, or
# the driver's own error text.
import os
import sys

from PyQt5.QtCore import QCoreApplication
from PyQt5.QtSql import QSqlDatabase, QSqlQuery


def main():
    app = QCoreApplication(sys.argv[:1])
    db = QSqlDatabase.addDatabase("QODBC", "tp")
    db.setDatabaseName(sys.argv[1])
    if not db.open():
        print("open failed: %s" % db.lastError().text(), file=sys.stderr)
        return 1
    q = QSqlQuery(db)
    if not q.exec_(os.environ["CL_QUERY"]):
        print("query failed: %s" % q.lastError().text(), file=sys.stderr)
        return 1
    while q.next():
        print(q.value(0))
    q.finish()
    db.close()
    del q, db
    QSqlDatabase.removeDatabase("tp")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
