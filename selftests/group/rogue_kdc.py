#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A KDC helper that answers one pair-key request twice (issue 16 tests).

rogue_kdc.py KDC DB: subscribes to the "kdc" group of the lsgc_kdc
generic netlink family (include/uapi/linux/lsgc_kdc.h), waits for one
REQUEST, and answers it first with what the real KDC would compute for
another nonce (lsgc-kdc pair --nonce 00..00: a stale or misdirected
answer), then with the answer for the request's own nonce.  Prints one
line per answer: "answer wrong-nonce <errno>" and "answer right-nonce
<errno>", the kernel's verdict (0: accepted).  Written from the header,
not from our daemon.

rogue_kdc.py KDC DB silent: subscribes, prints "request seen" for the
first request and never answers it (a helper that hangs).
"""
import os
import select
import socket
import struct
import subprocess
import sys

NETLINK_GENERIC, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP = 16, 270, 1
CMD_REQUEST, CMD_ANSWER = 1, 2
A_REQ_ID, A_REQUESTER, A_NONCE, A_PEER, A_STATUS, A_MAC = 1, 2, 3, 4, 5, 6
P_ID, P_STATUS, P_PAIR = 1, 2, 3
NLA_F_NESTED = 0x8000


def attr(t, p):
    a = struct.pack("=HH", 4 + len(p), t) + p
    return a + b"\0" * ((4 - len(a) % 4) % 4)


def attrs(b):
    out = {}
    while len(b) >= 4:
        n, t = struct.unpack("=HH", b[:4])
        out.setdefault(t & 0x3fff, []).append(b[4:n])
        b = b[(n + 3) & ~3:]
    return out


def msg(ftype, cmd, payload, flags=1 | 4, seq=1):
    g = struct.pack("BBH", cmd, 1, 0) + payload
    return struct.pack("=IHHII", 16 + len(g), ftype, flags, seq, 0) + g


def resolve(s):
    s.sendto(msg(0x10, 3, attr(2, b"lsgc_kdc\0"), flags=1), (0, 0))
    b = s.recv(65536)
    fam = grp = None
    for t, vals in attrs(b[20:]).items():
        if t == 1:
            fam = struct.unpack("=H", vals[0][:2])[0]
        if t == 7:
            for g in attrs(vals[0]).values():
                d = attrs(g[0])
                if d.get(1, [b""])[0] == b"kdc\0":
                    grp = struct.unpack("=I", d[2][0])[0]
    return fam, grp


def answer(s, fam, req_id, peer, pair, mac, seq):
    nest = attr(P_ID, peer) + attr(P_STATUS, struct.pack("=I", 0)) + \
        attr(P_PAIR, pair)
    p = attr(A_REQ_ID, struct.pack("=I", req_id)) + \
        attr(A_PEER | NLA_F_NESTED, nest) + attr(A_MAC, mac)
    s.sendto(msg(fam, CMD_ANSWER, p, seq=seq), (0, 0))
    while True:
        b = s.recv(65536)
        n, t = struct.unpack("=IH", b[:6])
        if t == 2:      # NLMSG_ERROR
            return -struct.unpack("=i", b[16:20])[0]


def pair(kdc, db, requester, peer, nonce, req_id):
    out = subprocess.run([kdc, "pair", "-d", db, "--requester", "0x" + requester.hex(),
                          "--peer", "0x" + peer.hex(), "--nonce", nonce.hex(),
                          "--req-id", str(req_id)],
                         check=True, capture_output=True, text=True).stdout
    p = m = None
    for line in out.splitlines():
        w = line.split()
        if w[0] == "peer":
            p = bytes.fromhex(w[3])
        if w[0] == "mac":
            m = bytes.fromhex(w[1])
    return p, m


def main():
    kdc, db = sys.argv[1], sys.argv[2]
    silent = len(sys.argv) > 3 and sys.argv[3] == "silent"
    ctl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    ctl.bind((0, 0))
    fam, grp = resolve(ctl)
    mc = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    mc.bind((0, 0))
    mc.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, grp)
    print("rogue: listening", flush=True)
    while select.select([mc], [], [], 120)[0]:
        b = mc.recv(65536)
        n, t = struct.unpack("=IH", b[:6])
        if t != fam or b[16] != CMD_REQUEST:
            continue
        if silent:
            print("request seen", flush=True)
            return 0
        a = attrs(b[20:n])
        req_id = struct.unpack("=I", a[A_REQ_ID][0])[0]
        requester, nonce = a[A_REQUESTER][0], a[A_NONCE][0]
        peer = attrs(a[A_PEER][0])[P_ID][0]
        p, m = pair(kdc, db, requester, peer, bytes(16), req_id)
        print("answer wrong-nonce %d" % answer(ctl, fam, req_id, peer, p, m, 2), flush=True)
        p, m = pair(kdc, db, requester, peer, nonce, req_id)
        print("answer right-nonce %d" % answer(ctl, fam, req_id, peer, p, m, 3), flush=True)
        return 0
    print("rogue: no request", flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
