# pyodbc through the hook: 'threads' connects from 8 threads at once and
# runs $CL_QUERY on each; 'pandas' reads it with pandas.read_sql; 'attrs'
# sets SQL_ATTR_METADATA_ID (an integer attribute) before the connect and
# turns autocommit off, reads the rows, then checks that a rollback undoes
# an insert ('rollback ok'). Prints 'row: ...' lines (once), then
# 'threads ok N'; the client's own error and traceback on failure. Run
# with /usr/bin/python3 (Debian's pyodbc).
import os
import sys
import threading
import traceback

import pyodbc

QUERY = os.environ["CL_QUERY"]


def one(cs, results, i):
    try:
        conn = pyodbc.connect(cs, timeout=60)
        try:
            rows = [r[0] for r in conn.cursor().execute(QUERY).fetchall()]
        finally:
            conn.close()
        results[i] = rows
    except Exception:
        results[i] = "thread %d: %s" % (i, traceback.format_exc())


def threads(cs, n=8):
    results = [None] * n
    ts = [threading.Thread(target=one, args=(cs, results, i))
          for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    bad = [r for r in results if not isinstance(r, list)]
    for r in bad:
        print(r, file=sys.stderr)
    good = [r for r in results if isinstance(r, list)]
    if good:
        for row in good[0]:
            print(row)
    if any(r != good[0] for r in good):
        print("threads disagree: %r" % good, file=sys.stderr)
        return 1
    print("threads ok %d" % len(good))
    return 1 if bad else 0


def pandas(cs):
    import warnings
    import pandas as pd
    warnings.simplefilter("ignore")  # pandas prefers SQLAlchemy
    conn = pyodbc.connect(cs, timeout=60)
    try:
        frame = pd.read_sql(QUERY, conn)
    finally:
        conn.close()
    for row in frame["r"]:
        print(row)
    return 0


SQL_ATTR_METADATA_ID = 10014


def attrs(cs):
    conn = pyodbc.connect(cs, timeout=60, autocommit=False,
                          attrs_before={SQL_ATTR_METADATA_ID: 1})
    try:
        cur = conn.cursor()
        for row in cur.execute(QUERY).fetchall():
            print(row[0])
        count = "select count(*) from cities"
        before = cur.execute(count).fetchone()[0]
        cur.execute("insert into cities values (99, 'rolled back')")
        conn.rollback()
        after = cur.execute(count).fetchone()[0]
        if before != after:
            print("rollback did nothing: %d rows, then %d" % (before, after),
                  file=sys.stderr)
            return 1
        print("rollback ok")
    finally:
        conn.close()
    return 0


def main():
    mode, cs = sys.argv[1], sys.argv[2]
    return {"threads": threads, "pandas": pandas, "attrs": attrs}[mode](cs)


if __name__ == "__main__":
    sys.exit(main())
