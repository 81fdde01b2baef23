#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare what the members of an AF_LSGC group delivered.

Each argument is a delivery log written by lsgc_member, optionally with a
role: LOG[:ROLE].  Roles say how long the member was in the group:

  full   present before the first data record and until the end (default)
  join   joined later: its log starts at the view that admitted it
  leave  left (or was expelled) before the end: its log is a prefix
  any    joined later and left before the end

Checks, on delivered content only:
  * every log is internally consistent: strictly increasing sequence
    numbers and view ids, data tagged with the current view, sender a
    member of that view with the identity the view gives it, payload intact;
  * records with the same sequence number are identical at every member,
    and views with the same id are identical;
  * every log is one contiguous slice of the merged sequence, starting at
    a view that contains its member; "full"/"join" logs end at the end,
    "full"/"leave" logs start before the first data record;
  * every sender's messages appear in its FIFO order, counters 1, 2, 3 ...
    each exactly once, none missing;
  * a sender that ran to the end (exit 0, role full/join) had every message
    it sent ("# sent N") delivered;
  * optional exact totals (--data N) and datagram expectations.

Exit status 0 when everything holds; 1 with a description otherwise.
"""
import argparse
import sys


class Log:
    def __init__(self, path, role):
        self.path = path
        self.role = role
        self.records = []      # (kind, seq, line, fields)
        self.udata = []        # (sender_member, name, counter, ok)
        self.errors = []       # E lines
        self.meta = {}
        self.violations = []
        self.parse()

    def parse(self):
        with open(self.path, errors="replace") as f:
            for n, raw in enumerate(f, 1):
                line = raw.rstrip("\n")
                if not line:
                    continue
                if line.startswith("#"):
                    parts = line[1:].split(None, 1)
                    if not parts:
                        continue
                    key = parts[0]
                    val = parts[1] if len(parts) > 1 else ""
                    if key == "violation":
                        self.violations.append(val)
                    else:
                        self.meta.setdefault(key, val)
                    continue
                f_ = line.split()
                try:
                    if f_[0] == "D":
                        seq, view, member = int(f_[1]), int(f_[2]), int(f_[3])
                        name, counter, length, crc, ok = f_[4].split("/")
                        self.records.append(("D", seq, line, dict(
                            view=view, member=member, name=name,
                            counter=int(counter), len=int(length), ok=ok)))
                    elif f_[0] == "V":
                        view, leader = int(f_[1]), int(f_[2])
                        members = []
                        if f_[3] != "-":
                            for m in f_[3].split(","):
                                num, mid = m.split(":", 1)
                                members.append((int(num), mid))
                        seq = int(f_[4])
                        self.records.append(("V", seq, line, dict(
                            view=view, leader=leader, members=members)))
                    elif f_[0] == "U":
                        name, counter, length, crc, ok = f_[2].split("/")
                        self.udata.append((int(f_[1]), name, int(counter), ok))
                    elif f_[0] == "E":
                        self.errors.append(" ".join(f_[1:]))
                    else:
                        raise ValueError("unknown record")
                except (ValueError, IndexError) as e:
                    raise SystemExit("%s:%d: cannot parse %r (%s)" %
                                     (self.path, n, line, e))

    @property
    def name(self):
        return self.meta.get("id", self.path)

    @property
    def exit_code(self):
        v = self.meta.get("exit")
        return int(v) if v is not None else None


class Checker:
    def __init__(self, logs, args):
        self.logs = logs
        self.args = args
        self.failures = []

    def fail(self, msg):
        self.failures.append(msg)

    def check_log(self, lg):
        for v in lg.violations:
            self.fail("%s: member reported a violation: %s" % (lg.path, v))
        if not lg.records:
            if lg.role in ("full", "join"):
                self.fail("%s: delivered nothing" % lg.path)
            return
        kind, seq, line, f = lg.records[0]
        if kind != "V":
            self.fail("%s: first record is not a view: %s" % (lg.path, line))
        elif lg.name not in [m for _, m in f["members"]]:
            self.fail("%s: first view does not contain %s: %s" %
                      (lg.path, lg.name, line))
        view = None
        last_seq = None
        for kind, seq, line, f in lg.records:
            if last_seq is not None and seq <= last_seq:
                self.fail("%s: seq %d after %d" % (lg.path, seq, last_seq))
            last_seq = seq
            if kind == "V":
                if view is not None and f["view"] <= view["view"]:
                    self.fail("%s: view %d after view %d" %
                              (lg.path, f["view"], view["view"]))
                nums = [m for m, _ in f["members"]]
                if nums != sorted(set(nums)):
                    self.fail("%s: view members not sorted/unique: %s" %
                              (lg.path, line))
                if f["leader"] not in nums:
                    self.fail("%s: leader not in view: %s" % (lg.path, line))
                view = f
                continue
            if f["ok"] != "ok":
                self.fail("%s: corrupt payload: %s" % (lg.path, line))
            if view is None:
                continue
            if f["view"] != view["view"]:
                self.fail("%s: data tagged view %d in view %d: %s" %
                          (lg.path, f["view"], view["view"], line))
            ids = dict(view["members"])
            if f["member"] not in ids:
                self.fail("%s: sender %d not in view %d: %s" %
                          (lg.path, f["member"], view["view"], line))
            elif ids[f["member"]] != f["name"]:
                self.fail("%s: sender %d is %s in view %d but payload says %s" %
                          (lg.path, f["member"], ids[f["member"]],
                           view["view"], f["name"]))

    def merge(self):
        by_seq = {}
        owner = {}
        views = {}
        for lg in self.logs:
            for kind, seq, line, f in lg.records:
                if seq in by_seq and by_seq[seq] != line:
                    self.fail("seq %d differs: %s has %r, %s has %r" %
                              (seq, owner[seq], by_seq[seq], lg.path, line))
                    continue
                by_seq[seq] = line
                owner.setdefault(seq, lg.path)
                if kind == "V":
                    vid = f["view"]
                    if vid in views and views[vid][0] != line:
                        self.fail("view %d differs: %r vs %r (%s)" %
                                  (vid, views[vid][0], line, lg.path))
                    views.setdefault(vid, (line, lg.path))
        self.order = sorted(by_seq)
        self.index = {s: i for i, s in enumerate(self.order)}
        self.lines = by_seq
        vids = [int(by_seq[s].split()[1]) for s in self.order
                if by_seq[s].startswith("V ")]
        if vids != sorted(vids):
            self.fail("view ids not increasing in sequence order: %s" % vids)

    def check_slices(self):
        first_data = next((i for i, s in enumerate(self.order)
                           if self.lines[s].startswith("D ")), None)
        end = len(self.order) - 1
        for lg in self.logs:
            if not lg.records:
                continue
            start = self.index[lg.records[0][1]]
            want = self.order[start:start + len(lg.records)]
            got = [r[1] for r in lg.records]
            if got != want:
                for i, (g, w) in enumerate(zip(got, want)):
                    if g != w:
                        break
                else:
                    i = min(len(got), len(want))
                self.fail("%s: not a contiguous slice: record %d is %s, "
                          "merged sequence has %s" % (
                              lg.path, i,
                              lg.records[i][2] if i < len(got) else "<end>",
                              self.lines[want[i]] if i < len(want) else "<end>"))
                continue
            stop = start + len(lg.records) - 1
            if lg.role in ("full", "join") and stop != end:
                self.fail("%s (%s): ends at %r, the others go on to %r "
                          "(%d records missing at its end)" % (
                              lg.path, lg.role, self.lines[self.order[stop]],
                              self.lines[self.order[end]], end - stop))
            if lg.role in ("full", "leave") and first_data is not None and \
                    start > first_data:
                self.fail("%s (%s): starts after data was delivered: first "
                          "record %r" % (lg.path, lg.role, lg.records[0][2]))

    def check_senders(self):
        counters = {}
        for s in self.order:
            line = self.lines[s]
            if not line.startswith("D "):
                continue
            name, counter = line.split()[4].split("/")[:2]
            counters.setdefault(name, []).append(int(counter))
        for name, cs in counters.items():
            want = list(range(1, len(cs) + 1))
            if cs != want:
                bad = next(i for i, (a, b) in enumerate(zip(cs, want)) if a != b)
                self.fail("sender %s: not FIFO/exactly-once: message %d of "
                          "the total order is its #%d, expected #%d "
                          "(counters around it: %s)" % (
                              name, bad + 1, cs[bad], want[bad],
                              cs[max(0, bad - 3):bad + 4]))
        self.counters = counters
        for lg in self.logs:
            sent = int(lg.meta.get("sent", "0") or 0)
            if not sent:
                continue
            got = len(counters.get(lg.name, []))
            if lg.role in ("full", "join") and lg.exit_code == 0 and got != sent:
                self.fail("sender %s sent %d messages, %d were delivered" %
                          (lg.name, sent, got))
            elif got > sent and lg.exit_code is not None:
                self.fail("sender %s sent %d messages, %d were delivered" %
                          (lg.name, sent, got))
        for spec in self.args.sent or []:
            name, n = spec.split("=")
            got = len(counters.get(name, []))
            if got != int(n):
                self.fail("sender %s: %d messages delivered, expected %s" %
                          (name, got, n))

    def check_totals(self):
        ndata = sum(1 for s in self.order if self.lines[s].startswith("D "))
        nviews = len(self.order) - ndata
        if self.args.data is not None and ndata != self.args.data:
            self.fail("%d data records in the merged sequence, expected %d" %
                      (ndata, self.args.data))
        if self.args.views is not None and nviews != self.args.views:
            self.fail("%d views in the merged sequence, expected %d" %
                      (nviews, self.args.views))
        self.ndata, self.nviews = ndata, nviews

    def check_dgram(self):
        for spec in self.args.dgram or []:
            name, n = spec.split("=")
            n = int(n)
            for lg in self.logs:
                if lg.name == name:
                    continue    # own datagrams: no promise either way
                got = [(c, ok) for m, nm, c, ok in lg.udata if nm == name]
                cs = sorted(c for c, _ in got)
                if cs != list(range(1, n + 1)):
                    missing = sorted(set(range(1, n + 1)) - set(cs))
                    self.fail("%s: datagrams from %s: %d received, expected "
                              "1..%d once each (missing %s, extra/dup %d)" % (
                                  lg.path, name, len(cs), n, missing[:10],
                                  len(cs) - (n - len(missing))))
                if any(ok != "ok" for _, ok in got):
                    self.fail("%s: corrupt datagram from %s" % (lg.path, name))
        for path in self.args.dgram_none or []:
            lg = Log(path, "any")
            if lg.udata:
                self.fail("%s: non-member received %d datagrams" %
                          (path, len(lg.udata)))
        # Sender identity: the member number a datagram names must be the
        # one the sender has in the views of the reliable logs.
        numbers = {}
        for lg in self.logs:
            for kind, seq, line, f in lg.records:
                if kind == "V":
                    for num, mid in f["members"]:
                        numbers.setdefault(mid, set()).add(num)
        for lg in self.logs:
            for m, nm, c, ok in lg.udata:
                if nm in numbers and m not in numbers[nm]:
                    self.fail("%s: datagram %s/%d names member %d, views "
                              "give %s" % (lg.path, nm, c, m,
                                           sorted(numbers[nm])))

    def run(self):
        for lg in self.logs:
            self.check_log(lg)
        self.merge()
        self.check_slices()
        self.check_senders()
        self.check_totals()
        self.check_dgram()
        return not self.failures


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("logs", nargs="+", help="LOG[:full|join|leave|any]")
    ap.add_argument("--data", type=int, help="exact number of data records")
    ap.add_argument("--views", type=int, help="exact number of views")
    ap.add_argument("--sent", action="append",
                    help="ID=N: exactly N messages of ID delivered")
    ap.add_argument("--dgram", action="append",
                    help="ID=N: every log got datagrams 1..N of ID once")
    ap.add_argument("--dgram-none", action="append",
                    help="LOG (not merged with the others) must have received no datagram")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args()
    logs = []
    for spec in args.logs:
        path, role = spec, "full"
        if ":" in spec and spec.rsplit(":", 1)[1] in ("full", "join", "leave", "any"):
            path, role = spec.rsplit(":", 1)
        logs.append(Log(path, role))
    c = Checker(logs, args)
    ok = c.run()
    for f in c.failures[:40]:
        print("# order_check: FAIL: " + f)
    if len(c.failures) > 40:
        print("# order_check: ... %d more failures" % (len(c.failures) - 40))
    if not args.quiet or not ok:
        print("# order_check: %d logs, %d data records, %d views, %d senders: %s"
              % (len(logs), getattr(c, "ndata", 0), getattr(c, "nviews", 0),
                 len(getattr(c, "counters", {})), "ok" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
