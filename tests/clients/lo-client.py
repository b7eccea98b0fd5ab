# LibreOffice (Python-UNO) through the hook: connects to the headless
# soffice listening on pipe $1 (tests/lib/clients.sh lo_start), opens
# sdbc:odbc:$2 with LibreOffice's own ODBC driver and runs $CL_QUERY.
# Prints 'row: ...' lines, or LibreOffice's own error (SQLState and
# message). 'lo-client.py PIPE --terminate' ends that soffice.
import os
import sys
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.sdbc import SQLException


def context(pipe):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    url = "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe
    # soffice takes a few seconds to listen the first time
    for _ in range(240):
        try:
            return resolver.resolve(url)
        except NoConnectException:
            time.sleep(0.5)
    return resolver.resolve(url)


def query(ctx, dsn):
    dm = ctx.ServiceManager.createInstanceWithContext(
        "com.sun.star.sdbc.DriverManager", ctx)
    info = (PropertyValue(Name="CharSet", Value="UTF-8"),)
    try:
        conn = dm.getConnectionWithInfo("sdbc:odbc:" + dsn, info)
        if conn is None:
            print("no connection for sdbc:odbc:%s" % dsn, file=sys.stderr)
            return 1
        try:
            rs = conn.createStatement().executeQuery(os.environ["CL_QUERY"])
            while rs.next():
                print(rs.getString(1))
        finally:
            conn.close()
    except SQLException as e:
        print("sdbc error [%s] %s" % (e.SQLState, e.Message), file=sys.stderr)
        return 1
    return 0


def main():
    ctx = context(sys.argv[1])
    if sys.argv[2] == "--terminate":
        ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", ctx).terminate()
        return 0
    return query(ctx, sys.argv[2])


if __name__ == "__main__":
    sys.exit(main())
