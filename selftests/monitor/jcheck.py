#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""jcheck.py [--lines] EXPR...: check JSON from stdin against assertions.

Every EXPR is a Python expression over `d`, the parsed document (with
--lines, the list of the JSON objects, one per input line, as
`lsgc -j monitor` prints them).  Helpers: by(d, key, value) finds the
only element of a list whose key equals value (None if not exactly one),
ids(d, key) is the sorted list of the values of key.  Prints every
failing expression and the document, and exits 1 if any failed or the
input is not JSON.
"""
import json
import sys


def by(items, key, value):
    found = [x for x in items if x.get(key) == value]
    return found[0] if len(found) == 1 else None


def ids(items, key):
    return sorted(x.get(key) for x in items)


def main():
    args = sys.argv[1:]
    lines = False
    if args and args[0] == "--lines":
        lines = True
        args = args[1:]
    text = sys.stdin.read()
    try:
        if lines:
            d = [json.loads(ln) for ln in text.splitlines() if ln.strip()]
        else:
            d = json.loads(text)
    except ValueError as e:
        print(f"# not JSON ({e}): {text[:2000]!r}")
        return 1
    failed = 0
    for expr in args:
        try:
            # d is a global, so that comprehensions see it too.
            ok = eval(expr, {"by": by, "ids": ids, "len": len,
                             "sorted": sorted, "set": set, "all": all,
                             "any": any, "sum": sum, "d": d})
        except Exception as e:  # a failed lookup is a failed check
            ok = False
            print(f"# {expr}: {type(e).__name__}: {e}")
        if not ok:
            failed += 1
            print(f"# check failed: {expr}")
    if failed:
        out = json.dumps(d, indent=1)
        for ln in out.splitlines()[:200]:
            print(f"#   {ln}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
