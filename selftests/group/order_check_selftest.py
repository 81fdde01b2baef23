#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The checker's own test: order_check.py accepts consistent logs and
rejects each kind of disagreement the group tests rely on it to find.
Needs no kernel; prints TAP."""
import contextlib
import io
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import order_check  # noqa: E402  (one interpreter for every case: TCG is slow)


def view(vid, seq, members, leader=1):
    ms = ",".join("%d:%s" % (n, i) for n, i in members)
    return "V %d %d %s %d" % (vid, leader, ms, seq)


def data(seq, vid, member, name, counter, ok="ok"):
    return "D %d %d %d %s/%d/100/deadbeef/%s" % (seq, vid, member, name,
                                                  counter, ok)


A, B, C = (1, "a"), (2, "b"), (3, "c")


def base():
    """a creates, b joins, c joins; a and b send 3 messages each."""
    recs = [view(1, 1, [A]), view(2, 2, [A, B]), view(3, 3, [A, B, C])]
    seq = 4
    for i in range(1, 4):
        for m, n in ((1, "a"), (2, "b")):
            recs.append(data(seq, 3, m, n, i))
            seq += 1
    return recs


def logs_for(recs, sent=True):
    a = ["# id a"] + recs + (["# sent 3", "# exit 0"] if sent else [])
    b = ["# id b"] + recs[1:] + (["# sent 3", "# exit 0"] if sent else [])
    c = ["# id c"] + recs[2:] + ["# exit 0"]
    return {"a": a, "b": b, "c": c}


def run(logs, roles=None, extra=()):
    d = tempfile.mkdtemp(prefix="ocst.")
    args = []
    for name, lines in logs.items():
        p = os.path.join(d, name + ".log")
        with open(p, "w") as f:
            f.write("\n".join(lines) + "\n")
        args.append(p + ":" + (roles or {}).get(name, "full"))
    out = io.StringIO()
    argv = sys.argv
    sys.argv = ["order_check.py", "-q"] + args + list(extra)
    try:
        with contextlib.redirect_stdout(out):
            rc = order_check.main()
    finally:
        sys.argv = argv
    return rc, out.getvalue()


cases = []


def case(desc, want_ok):
    def deco(fn):
        cases.append((desc, want_ok, fn))
        return fn
    return deco


@case("consistent logs pass", True)
def _():
    return run(logs_for(base()), extra=["--data", "6", "--sent", "a=3"])


@case("a message missing at one member", False)
def _():
    lg = logs_for(base())
    del lg["c"][5]
    return run(lg)


@case("a message duplicated at one member", False)
def _():
    lg = logs_for(base())
    lg["c"].insert(6, lg["c"][5].replace("D 7 ", "D 77 "))
    return run(lg)


@case("two members disagree on a record", False)
def _():
    lg = logs_for(base())
    lg["b"][3] = lg["b"][3].replace("a/1/", "a/9/")
    return run(lg)


@case("two members disagree on a view", False)
def _():
    lg = logs_for(base())
    lg["c"][1] = view(3, 3, [A, B, (4, "c")])
    return run(lg)


@case("sender order broken (same at all members)", False)
def _():
    recs = base()
    recs[3], recs[5] = (recs[5].replace("D 6", "D 4"),
                        recs[3].replace("D 4", "D 6"))
    return run(logs_for(recs))


@case("a sender's message lost at every member", False)
def _():
    recs = base()
    del recs[5]
    return run(logs_for(recs))


@case("a full member stops early", False)
def _():
    lg = logs_for(base())
    del lg["c"][-2]
    return run(lg)


@case("the same member may stop early as a leaver", True)
def _():
    lg = logs_for(base())
    del lg["c"][-2]
    return run(lg, roles={"c": "leave"})


@case("corrupt payload", False)
def _():
    recs = base()
    recs[4] = recs[4].replace("/ok", "/bad")
    return run(logs_for(recs))


@case("data from a non-member of the view", False)
def _():
    recs = base()
    recs.append(data(10, 3, 9, "z", 1))
    return run(logs_for(recs))


@case("member id differs from the view's", False)
def _():
    recs = base()
    recs.append(data(10, 3, 2, "c", 1))
    return run(logs_for(recs))


@case("data tagged with a stale view", False)
def _():
    recs = base()
    recs.append(data(10, 2, 1, "a", 4))
    return run(logs_for(recs))


@case("first record is not a view", False)
def _():
    lg = logs_for(base())
    lg["c"] = ["# id c"] + base()[3:]
    return run(lg, roles={"c": "join"})


@case("sent but not delivered", False)
def _():
    lg = logs_for(base())
    lg["a"][-2] = "# sent 4"
    return run(lg)


@case("wrong total", False)
def _():
    return run(logs_for(base()), extra=["--data", "7"])


@case("member-reported violation", False)
def _():
    lg = logs_for(base())
    lg["b"].append("# violation seq 5 after 9")
    return run(lg)


@case("late joiner's suffix passes", True)
def _():
    recs = base()
    recs.append(view(4, 10, [A, B, C, (4, "d")]))
    recs.append(data(11, 4, 1, "a", 4))
    lg = logs_for(recs)
    lg["d"] = ["# id d", recs[-2], recs[-1]]
    lg["a"][-2] = "# sent 4"
    return run(lg, roles={"d": "join"})


@case("late joiner with a hole", False)
def _():
    recs = base()
    recs.append(view(4, 10, [A, B, C, (4, "d")]))
    recs.append(data(11, 4, 1, "a", 4))
    recs.append(data(12, 4, 1, "a", 5))
    lg = logs_for(recs)
    lg["d"] = ["# id d", recs[-3], recs[-1]]
    lg["a"][-2] = "# sent 5"
    return run(lg, roles={"d": "join"})


@case("datagrams: all received once", True)
def _():
    lg = logs_for(base())
    for n in ("b", "c"):
        lg[n] += ["U 1 a/%d/10/0/ok" % i for i in (2, 1)]
    return run(lg, extra=["--dgram", "a=2"])


@case("datagrams: one missing", False)
def _():
    lg = logs_for(base())
    lg["b"] += ["U 1 a/1/10/0/ok", "U 1 a/2/10/0/ok"]
    lg["c"] += ["U 1 a/1/10/0/ok"]
    return run(lg, extra=["--dgram", "a=2"])


@case("datagrams: wrong sender member number", False)
def _():
    lg = logs_for(base())
    for n in ("b", "c"):
        lg[n] += ["U 3 a/1/10/0/ok"]
    return run(lg, extra=["--dgram", "a=1"])


def main():
    print("TAP version 13")
    print("1..%d" % len(cases))
    failed = 0
    for i, (desc, want_ok, fn) in enumerate(cases, 1):
        rc, out = fn()
        good = (rc == 0) == want_ok
        if not good:
            failed += 1
            for line in out.splitlines():
                print("# " + line.lstrip("# "))
        print("%s %d %s" % ("ok" if good else "not ok", i, desc))
    print("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0" %
          (len(cases) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
