# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers of the key tool's tests (issue 16: lsgc-kdc, userspace/kdc/).
# Source it from a test in this directory:
#
#	. "$(dirname "$0")/kdc_lib.sh"
#
# The tests need no module: they run lsgc-kdc as root (the VM lane's
# guest, or a host, since nothing here touches the kernel but the keyring
# and, in e2e.sh, a dm-crypt device that only the guest makes).
#
# KDC                      the tool (LSGC_KDC overrides)
# W                        a fresh directory (mode 0711), removed at exit
# KDC_OPS, KDC_MEM         small Argon2 limits: fast under TCG; never the
#                          defaults, which stay strong
# kdc CMD ARGS...          lsgc-kdc CMD with the small limits where CMD takes them
# kdc_pw PASS CMD ARGS...  the same, with the pass phrase PASS on fd 3
# kdc_expect RC DESC [-o REGEX] [-n REGEX] -- CMD...
#                          one test point: CMD exits RC and its output
#                          (stdout and stderr) matches -o, and never -n
# kdc_hex64_in TEXT        true if TEXT holds 64 hex digits in a row (a key)
# kdc_salt_py REALM IDHEX  the salt, by Python's hashlib (not our code)

. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

KDC=${LSGC_KDC:-$LSGC_REPO/userspace/kdc/lsgc-kdc}
KDC_OPS=1
KDC_MEM=8388608		# 8 MiB, 8192 KiB for argon2 -k

if [ ! -x "$KDC" ]; then
	echo "# $KDC missing: run make userspace"
	exit "$KSFT_FAIL"
fi

W=$(mktemp -d /tmp/lsgc-kdc.XXXXXX) || exit "$KSFT_FAIL"
# Traversable by others (the tests run lsgc-kdc as nobody too); every
# database in it is created 0600 all the same.
chmod 711 "$W"
_kdc_cleanup() { rm -rf "$W"; }
trap _kdc_cleanup EXIT

kdc() {
	local cmd=$1; shift
	case $cmd in
	register|key) "$KDC" "$cmd" --ops "$KDC_OPS" --mem "$KDC_MEM" "$@" ;;
	*) "$KDC" "$cmd" "$@" ;;
	esac
}

kdc_pw() {
	local pass=$1; shift
	kdc "$@" --passphrase-fd 3 3<<<"$pass"
}

kdc_hex64_in() { grep -Eq '[0-9a-fA-F]{64}' <<<"$1"; }

kdc_expect() {
	local want=$1 desc=$2 re= nre= out rc; shift 2
	while [ "$1" != -- ]; do
		case $1 in
		-o) re=$2; shift 2 ;;
		-n) nre=$2; shift 2 ;;
		*) echo "kdc_expect: bad option $1" >&2; return 1 ;;
		esac
	done
	shift
	out=$("$@" 2>&1); rc=$?
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
	if [ "$rc" != "$want" ]; then
		ktap_fail "$desc" "exit status $rc, want $want: $*"
	elif [ -n "$re" ] && ! grep -Eq -- "$re" <<<"$out"; then
		ktap_fail "$desc" "output does not match /$re/"
	elif [ -n "$nre" ] && grep -Eq -- "$nre" <<<"$out"; then
		ktap_fail "$desc" "output matches /$nre/"
	else
		ktap_ok "$desc"
	fi
}

# The salt as the spec defines it, computed by Python's hashlib (BLAKE2b
# with a 16-byte digest), never by lsgc-kdc:
#   blake2b(b"LSGC v1 salt" + realm + b"\0" + identity16, digest_size=16)
kdc_salt_py() {
	python3 -c 'import hashlib, sys; print(hashlib.blake2b(b"LSGC v1 salt" + sys.argv[1].encode() + b"\0" + bytes.fromhex(sys.argv[2]), digest_size=16).hexdigest())' "$1" "$2"
}

# kdc_idhex NAME: a printable identity zero padded to 16 bytes, in hex.
kdc_idhex() {
	python3 -c 'import sys; print(sys.argv[1].encode().ljust(16, b"\0").hex())' "$1"
}

# ---------------------------------------------------------------- pair keys
#
# The key algebra of include/uapi/linux/lsgc_kdc.h, written again in
# Python (hmac, hashlib) from the header's comment, never from our C:
#   PRF(K, X) = HMAC-SHA-256(K, X)      {X}K = PRF(K, b"lsgc v1 pair" + X)
#   pair(SL, A) = {A}K_SL xor {SL}K_A   K_kdc = PRF(K_SL, b"lsgc v1 kdc")
#   MAC = PRF(K_kdc, b"lsgc v1 kdc answer" + nonce + SL + be32(n) +
#             for each peer: id + be32(status) + (pair or 32 zero bytes))
# Keys are read from the database file's lines (lsgc-kdc-v1 ID SALT OPS MEM
# argon2id13 KEY).  Commands (identities and nonces in hex):
#   answer DB REQID SL NONCE PEER...   the answer as `lsgc-kdc pair` prints it
#   half KEYHEX XHEX                   {X}K
#   kkdc KEYHEX                        K_kdc
#   db DB REALM NAME=KEYHEX...         writes a database with those keys
#                                      (0600, ops 1, mem 8192, v1 salts)
KDC_PY_REF='
import hashlib, hmac, os, struct, sys

def prf(k, x): return hmac.new(k, x, hashlib.sha256).digest()
def half(k, x): return prf(k, b"lsgc v1 pair" + x)
def kkdc(k): return prf(k, b"lsgc v1 kdc")
def keys(db):
    ks = {}
    for line in open(db):
        f = line.split()
        if f and f[0] == "lsgc-kdc-v1":
            ks[bytes.fromhex(f[1])] = bytes.fromhex(f[6])
    return ks
def answer(db, req_id, sl, nonce, peers):
    ks = keys(db)
    out = ["req_id %d" % req_id]
    if sl not in ks:
        return out + ["status %d" % 126]
    out.append("status 0")
    m = b"lsgc v1 kdc answer" + nonce + sl + struct.pack(">I", len(peers))
    for a in peers:
        if a in ks:
            p = bytes(x ^ y for x, y in zip(half(ks[sl], a), half(ks[a], sl)))
            out.append("peer %s 0 %s" % (a.hex(), p.hex()))
            m += a + struct.pack(">I", 0) + p
        else:
            out.append("peer %s 126 -" % a.hex())
            m += a + struct.pack(">I", 126) + bytes(32)
    out.append("mac " + prf(kkdc(ks[sl]), m).hex())
    return out
def name16(s):
    return bytes.fromhex(s[2:]).ljust(16, b"\0") if s.startswith("0x") else s.encode().ljust(16, b"\0")

cmd, a = sys.argv[1], sys.argv[2:]
if cmd == "answer":
    print("\n".join(answer(a[0], int(a[1]), bytes.fromhex(a[2]), bytes.fromhex(a[3]),
                           [bytes.fromhex(p) for p in a[4:]])))
elif cmd == "half":
    print(half(bytes.fromhex(a[0]), bytes.fromhex(a[1])).hex())
elif cmd == "kkdc":
    print(kkdc(bytes.fromhex(a[0])).hex())
elif cmd == "db":
    realm = a[1]
    lines = ["lsgc-kdc-db v1 realm=" + realm]
    for nk in a[2:]:
        n, k = nk.split("=")
        i = name16(n)
        salt = hashlib.blake2b(b"LSGC v1 salt" + realm.encode() + b"\0" + i, digest_size=16)
        lines.append("lsgc-kdc-v1 %s %s 1 8192 argon2id13 %s" % (i.hex(), salt.hexdigest(), k))
    tmp = a[0] + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, ("\n".join(lines) + "\n").encode())
    os.close(fd)
    os.rename(tmp, a[0])
'
kdc_py() { python3 -c "$KDC_PY_REF" "$@"; }

# kdc_wait_line FILE REGEX [SECONDS]: wait until FILE has a line matching REGEX.
kdc_wait_line() { lsgc_wait_for "${3:-10}" grep -Eq -- "$2" "$1"; }

# ---------------------------------------------------------------- netlink
#
# A netlink client of the "lsgc_kdc" family written in Python from the
# header (no libmnl, none of our C): it sends LSGC_KDC_CMD_REQUEST to a
# daemon's port (`serve --test-loopback` takes requests from any port and
# answers there) and prints the LSGC_KDC_CMD_ANSWER it gets back in the
# text of `lsgc-kdc pair`, checking its layout on the way.
#   kdc_nl family                         the family id and "kdc" group id, or exit 3
#   kdc_nl ask PORT FAMILY REQID SL NONCE PEER...
#   kdc_nl hostile PORT FAMILY            the malformed requests; prints their count
#   kdc_nl batch PORT FAMILY SL NONCE PEER two requests in one datagram, and a
#                                         request with attributes of a later version
#   kdc_nl other PORT FAMILY              an ANSWER command and another type; no answer
KDC_PY_NL='
import os, select, socket, struct, sys
NLA_F_NESTED = 0x8000
REQ, ANS = 1, 2
A_REQ_ID, A_REQUESTER, A_NONCE, A_PEER, A_STATUS, A_MAC, A_TIMEOUT = 1, 2, 3, 4, 5, 6, 7
P_ID, P_STATUS, P_PAIR = 1, 2, 3
def attr(t, p):
    return struct.pack("=HH", 4 + len(p), t) + p + bytes((4 - len(p) % 4) % 4)
def u32(t, v): return attr(t, struct.pack("=I", v))
def peer(i): return attr(A_PEER | NLA_F_NESTED, attr(P_ID, i))
def msg(family, body, cmd=REQ, seq=1, flags=0):
    g = struct.pack("BBH", cmd, 1, 0) + body
    return struct.pack("=IHHII", 16 + len(g), family, flags, seq, 0) + g
def request(family, req_id, sl, nonce, peers, extra=b""):
    return msg(family, u32(A_REQ_ID, req_id) + attr(A_REQUESTER, sl) + attr(A_NONCE, nonce) +
               u32(A_TIMEOUT, 3000) + b"".join(peer(p) for p in peers) + extra)
def attrs(b):
    out = []
    while len(b) >= 4:
        l, t = struct.unpack("=HH", b[:4])
        assert 4 <= l <= len(b), "attribute overruns"
        out.append((t & 0x3fff, t & NLA_F_NESTED, b[4:l]))
        b = b[(l + 3) & ~3:]
    assert not b, "trailing bytes"
    return out
def sock():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
    s.bind((0, 0))
    return s
def answers(s, family, secs):
    got = []
    while select.select([s], [], [], secs)[0]:
        b = s.recv(65536)
        while b:
            l, t, f, seq, pid = struct.unpack("=IHHII", b[:16])
            if t == family:
                got.append(b[16:l])
            b = b[(l + 3) & ~3:]
        secs = 0.3
    return got
def text(g):
    cmd, ver = struct.unpack("BB", g[:2])
    assert cmd == ANS and ver == 1, (cmd, ver)
    a = attrs(g[4:])
    out, peers, mac, status = [], [], None, None
    assert a[0][0] == A_REQ_ID and len(a[0][2]) == 4, "REQ_ID first"
    out.append("req_id %d" % struct.unpack("=I", a[0][2])[0])
    for t, n, p in a[1:]:
        if t == A_STATUS:
            assert len(p) == 4 and not peers and mac is None
            status = struct.unpack("=I", p)[0]
        elif t == A_PEER:
            assert n and status is None and mac is None, "PEER nest"
            d = {pt: pp for pt, _, pp in attrs(p)}
            st = struct.unpack("=I", d[P_STATUS])[0]
            assert len(d[P_ID]) == 16 and (P_PAIR in d) == (st == 0)
            peers.append("peer %s %d %s" % (d[P_ID].hex(), st, d[P_PAIR].hex() if st == 0 else "-"))
        elif t == A_MAC:
            assert len(p) == 32 and status is None
            mac = p
        else:
            raise AssertionError("attribute %d in an answer" % t)
    if status is not None:
        assert status != 0 and mac is None
        return out + ["status %d" % status]
    assert mac is not None, "no MAC"
    return out + ["status 0"] + peers + ["mac " + mac.hex()]
cmd, a = sys.argv[1], sys.argv[2:]
if cmd == "family":
    s = sock()
    name = b"lsgc_kdc\0"
    s.sendto(msg(0x10, attr(2, name), cmd=3, flags=1), (0, 0))
    b = s.recv(65536)
    l, t = struct.unpack("=IH", b[:6])
    if t == 2:
        sys.exit(3)
    fam, grp = None, None
    for at, _, p in attrs(b[20:l]):
        if at == 1:
            fam = struct.unpack("=H", p[:2])[0]
        if at == 7:
            for _, _, g in attrs(p):
                d = {x: y for x, _, y in attrs(g)}
                if d.get(1) == b"kdc\0":
                    grp = struct.unpack("=I", d[2])[0]
    print(fam, grp)
    sys.exit(0 if fam and grp else 3)
port, family = int(a[0]), int(a[1])
s = sock()
if cmd == "ask":
    s.sendto(request(family, int(a[2]), bytes.fromhex(a[3]), bytes.fromhex(a[4]),
                     [bytes.fromhex(p) for p in a[5:]]), (port, 0))
    got = answers(s, family, 5)
    assert len(got) == 1, "%d answers" % len(got)
    print("\n".join(text(got[0])))
elif cmd == "hostile":
    sl, n = b"alice".ljust(16, b"\0"), bytes(16)
    B = peer(b"bob".ljust(16, b"\0"))
    head = u32(A_REQ_ID, 9) + attr(A_REQUESTER, sl) + attr(A_NONCE, n)
    cases = [
        struct.pack("=IHHII", 18, family, 0, 1, 0) + b"\1\1",
        msg(family, head + struct.pack("=HH", 100, A_PEER) + bytes(16)),
        msg(family, head + B + struct.pack("=HH", 2, A_PEER)),
        msg(family, attr(A_REQ_ID, b"\1\2") + attr(A_REQUESTER, sl) + attr(A_NONCE, n) + B),
        msg(family, u32(A_REQ_ID, 9) + attr(A_REQUESTER, sl[:15]) + attr(A_NONCE, n) + B),
        msg(family, u32(A_REQ_ID, 9) + attr(A_REQUESTER, sl) + attr(A_NONCE, n + b"x") + B),
        msg(family, head + u32(A_REQ_ID, 10) + B),
        msg(family, u32(A_REQ_ID, 9) + attr(A_REQUESTER, sl) + B),
        msg(family, u32(A_REQ_ID, 9) + attr(A_NONCE, n) + B),
        msg(family, attr(A_REQUESTER, sl) + attr(A_NONCE, n) + B),
        msg(family, head),
        msg(family, head + B * 257),
        msg(family, head + attr(A_PEER | NLA_F_NESTED, u32(P_STATUS, 0))),
        msg(family, head + attr(A_PEER | NLA_F_NESTED, attr(P_ID, bytes(8)))),
        msg(family, head + attr(A_PEER | NLA_F_NESTED, attr(P_ID, sl) + attr(P_ID, sl))),
        msg(family, head + attr(A_PEER | NLA_F_NESTED, struct.pack("=HH", 40, P_ID) + sl)),
        msg(family, head + B + attr(A_MAC, bytes(32))),
        msg(family, head + B + u32(A_STATUS, 5)),
        msg(family, head + B + attr(A_TIMEOUT, bytes(8))),
    ]
    for c in cases:
        s.sendto(c, (port, 0))
    got = answers(s, family, 1.5)
    print(len(cases))
    sys.exit(1 if got else 0)
elif cmd == "batch":
    sl, n, ps = bytes.fromhex(a[2]), bytes.fromhex(a[3]), [bytes.fromhex(p) for p in a[4:]]
    s.sendto(request(family, 21, sl, n, ps) + request(family, 22, sl, n, ps[::-1]), (port, 0))
    s.sendto(request(family, 23, sl, n, ps, extra=attr(99, b"later") +
                     attr(A_PEER | NLA_F_NESTED, attr(P_ID, ps[0]) + attr(9, b"x"))), (port, 0))
    for g in answers(s, family, 5):
        print("\n".join(text(g)))
elif cmd == "other":
    s.sendto(msg(family, u32(A_REQ_ID, 1), cmd=ANS), (port, 0))
    s.sendto(msg(family + 1, u32(A_REQ_ID, 1)), (port, 0))
    sys.exit(1 if answers(s, family, 1) else 0)
'
kdc_nl() { python3 -c "$KDC_PY_NL" "$@"; }
