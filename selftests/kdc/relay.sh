#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The relay protocol (userspace/kdc/relay.c) between two processes on
# localhost: `lsgc-kdc kdcd` answers what `lsgc-kdc relay-query` asks the
# way `serve --relay` does, and the answer is byte for byte the one
# `lsgc-kdc pair` computes locally, and the one Python computes (kdc_py);
# a client written in Python from the protocol's description gets an
# answer whose MAC Python's hmac accepts.  kdcd reads its database again
# when it changes (a new identity answers without a restart).
#
# Hostile input: frames of length 0, 2^32-1, one byte too short or too
# long, a wrong magic, a peer count that disagrees with the length,
# garbage, frames cut short, connections that send nothing or half a
# header (closed after --timeout), more connections than --max-clients:
# kdcd closes them, logs, survives, and answers correctly afterwards.  A
# hostile kdcd (Python) that answers too long, for another request, with
# other peers, or never: relay-query fails with exit status 11, in time.
. "$(dirname "$0")/kdc_lib.sh"

ktap_plan 25
DB=$W/db
A=$(kdc_idhex alice)
B=$(kdc_idhex bob)
C=$(kdc_idhex carol)
D=$(kdc_idhex dave)
F=$(kdc_idhex frank)
N0=00112233445566778899aabbccddeeff
for u in alice bob carol; do
	kdc_pw "$u's pass phrase" register -d "$DB" -i "$u" >/dev/null 2>&1
done

kdcd_pid=
fake_pid=
_relay_cleanup() {
	[ -n "$kdcd_pid" ] && kill "$kdcd_pid" 2>/dev/null
	[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null
	wait 2>/dev/null
	_kdc_cleanup
}
trap _relay_cleanup EXIT

"$KDC" kdcd -d "$DB" --listen 127.0.0.1:0 --timeout 1000 --max-clients 4 \
	>"$W/kdcd.out" 2>"$W/kdcd.err" &
kdcd_pid=$!
kdc_wait_line "$W/kdcd.out" '^lsgc-kdc: kdcd listening on 127\.0\.0\.1:[0-9]+, realm lsgc$'
ktap_check "kdcd listens and says where" grep -Eq 'listening on 127\.0\.0\.1:[0-9]+' "$W/kdcd.out"
PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$W/kdcd.out")
R=127.0.0.1:$PORT

# rq NONCE SL PEER...: relay-query; local NONCE SL PEER...: pair.
rq() {
	local n=$1 sl=$2 p a=(); shift 2
	for p; do a+=(--peer "0x$p"); done
	"$KDC" relay-query --relay "$R" --timeout 3000 --req-id 5 --requester "0x$sl" --nonce "$n" "${a[@]}"
}
loc() {
	local n=$1 sl=$2 p a=(); shift 2
	for p; do a+=(--peer "0x$p"); done
	"$KDC" pair -d "$DB" --req-id 5 --requester "0x$sl" --nonce "$n" "${a[@]}"
}
same() {
	local r l rc1 rc2
	r=$(rq "$@"); rc1=$?
	l=$(loc "$@"); rc2=$?
	printf '%s\n' "$r" | head -n 6 | sed 's/^/relay: /'
	[ "$r" = "$l" ] && [ "$rc1" = "$rc2" ] && [ -n "$r" ]
}
alive() { kill -0 "$kdcd_pid" 2>/dev/null; }
good() { same "$N0" "$A" "$B" "$D" "$C"; }

ktap_check "relay-query's answer is pair's, byte for byte" good
ktap_check "and Python's" test "$(rq "$N0" "$A" "$B" "$D" "$C")" = \
	"$(kdc_py answer "$DB" 5 "$A" "$N0" "$B" "$D" "$C")"
kdc_expect 5 "an unknown requester through the relay: status 126, exit 5" -o '^status 126$' -n '^mac' -- \
	rq "$N0" "$D" "$A"
many=()
for ((i = 0; i < 256; i++)); do many+=("$(printf '%030x%02x' 0x7065657200 "$i")"); done
many[3]=$C
ktap_check "256 peers through the relay, as pair answers them" same "$N0" "$B" "${many[@]}"

kdc_pw "frank's pass phrase" register -d "$DB" -i frank >/dev/null 2>&1
ktap_check "frank, registered while kdcd runs, has a pair key without a restart" \
	sh -c "'$KDC' relay-query --relay '$R' --requester alice --peer frank --nonce $N0 | grep -q '^peer $F 0 [0-9a-f]\{64\}\$'"
ktap_check "and it is pair's" same "$N0" "$A" "$F"
"$KDC" remove -d "$DB" -i bob >/dev/null
ktap_check "bob, removed, is ENOKEY at once" \
	sh -c "'$KDC' relay-query --relay '$R' --requester alice --peer bob --nonce $N0 | grep -q '^peer $B 126 -\$'"

# A client from the protocol's description, and the hostile ones.
KDC_PY_CLIENT='
import hashlib, hmac, os, socket, struct, sys, time
host, port, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def conn():
    s = socket.create_connection((host, port), timeout=5)
    return s
def frame(body): return struct.pack(">I", len(body)) + body
def request(req_id, sl, nonce, peers):
    return frame(b"LKQ1" + struct.pack(">I", req_id) + sl + nonce + struct.pack(">I", len(peers)) + b"".join(peers))
def recv_all(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError("closed after %d of %d bytes" % (len(b), n))
        b += c
    return b
def closed_without_answer(s):
    s.settimeout(5)
    try:
        d = s.recv(100)
    except ConnectionResetError:
        return True
    return d == b""
if cmd == "client":
    db, sl, nonce = sys.argv[4], bytes.fromhex(sys.argv[5]), bytes.fromhex(sys.argv[6])
    peers = [bytes.fromhex(p) for p in sys.argv[7:]]
    ks = {bytes.fromhex(f[1]): bytes.fromhex(f[6]) for f in (l.split() for l in open(db)) if f[0] == "lsgc-kdc-v1"}
    s = conn()
    s.sendall(request(77, sl, nonce, peers))
    n, = struct.unpack(">I", recv_all(s, 4))
    b = recv_all(s, n)
    assert b[:4] == b"LKA1" and struct.unpack(">II", b[4:12]) == (77, 0), b[:12]
    cnt, = struct.unpack(">I", b[12:16])
    assert cnt == len(peers) and n == 48 + 52 * cnt, (cnt, n)
    body = b[16:16 + 52 * cnt]
    kkdc = hmac.new(ks[sl], b"lsgc v1 kdc", hashlib.sha256).digest()
    m = b"lsgc v1 kdc answer" + nonce + sl + struct.pack(">I", cnt) + body
    assert hmac.compare_digest(hmac.new(kkdc, m, hashlib.sha256).digest(), b[-32:]), "MAC"
    print("MAC ok over %d peers" % cnt)
elif cmd == "hostile":
    sl = b"alice".ljust(16, b"\0")
    good = request(1, sl, bytes(16), [b"bob".ljust(16, b"\0")])
    cases = {
        "length 0": struct.pack(">I", 0),
        "length 2^32-1": struct.pack(">I", 0xffffffff) + b"x" * 100,
        "length one short": struct.pack(">I", 59) + b"LKQ1" + bytes(55),
        "length one too long": struct.pack(">I", 4141) + b"LKQ1" + bytes(4137),
        "a wrong magic": good[:4] + b"LKA1" + good[8:],
        "two peers announced, one sent": good[:44] + struct.pack(">I", 2) + good[48:],
        "zero peers": frame(good[4:44] + struct.pack(">I", 0) + bytes(16)),
        "garbage": os.urandom(3000),
    }
    for name, data in cases.items():
        s = conn()
        s.sendall(data)
        ok = closed_without_answer(s)
        print("%s: %s" % (name, "closed without an answer" if ok else "ANSWERED"))
        if not ok:
            sys.exit(1)
        s.close()
    for cut in (2, 20, len(good) - 1):
        s = conn()
        s.sendall(good[:cut])
        s.close()
    print("three frames cut short, then closed")
elif cmd == "idle":
    # argv[4] connections sending argv[5] bytes of a header, held argv[6] s.
    ss = [conn() for _ in range(int(sys.argv[4]))]
    for s in ss:
        s.sendall(struct.pack(">I", 60)[:int(sys.argv[5])])
    print("holding %d" % len(ss), flush=True)
    t = time.time()
    closed = sum(closed_without_answer(s) for s in ss)
    print("%d of %d closed by kdcd after %.1f s" % (closed, len(ss), time.time() - t))
    sys.exit(0 if closed == len(ss) else 1)
'
pyc() { python3 -c "$KDC_PY_CLIENT" 127.0.0.1 "$PORT" "$@"; }
ktap_check "a Python client gets an answer whose MAC Python's hmac accepts" \
	pyc client "$DB" "$A" "$N0" "$C" "$D" "$A"
ktap_check "hostile frames: each connection closed without an answer" pyc hostile
ktap_check "kdcd is alive after them" alive
ktap_check "and answers correctly" good
ktap_check "kdcd logged the bad frames" grep -q 'frame length out of bounds' "$W/kdcd.err"

pyc idle 4 0 >"$W/idle.out" 2>&1 &
idle=$!
kdc_wait_line "$W/idle.out" '^holding 4' 5
kdc_expect 11 "with 4 idle connections (--max-clients 4) a fifth is refused: exit 11" -- \
	rq "$N0" "$A" "$C"
wait "$idle"
idle_rc=$?
sed 's/^/# /' "$W/idle.out"
ktap_check "the idle connections are closed after --timeout" test "$idle_rc" = 0
ktap_check "then kdcd answers again" good
ktap_check "a connection that sends half a header is closed after --timeout too" pyc idle 2 2
ktap_check "kdcd is still alive and right" good

# A hostile kdcd: what relay-query (serve --relay's client) does with it.
KDC_PY_FAKE='
import socket, struct, sys, time
mode = sys.argv[1]
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", 0))
l.listen(8)
print(l.getsockname()[1], flush=True)
while True:
    c, _ = l.accept()
    n, = struct.unpack(">I", c.recv(4, socket.MSG_WAITALL))
    q = c.recv(n, socket.MSG_WAITALL)
    req_id, peers = q[4:8], [q[44 + 16 * i:60 + 16 * i] for i in range(struct.unpack(">I", q[40:44])[0])]
    def ans(rid, ps, status=0, pair=bytes(32)):
        b = b"LKA1" + rid + struct.pack(">II", 0, len(ps))
        b += b"".join(p + struct.pack(">I", status) + pair for p in ps) + bytes(32)
        return struct.pack(">I", len(b)) + b
    if mode == "huge":
        c.sendall(struct.pack(">I", 1 << 30) + bytes(1000))
    elif mode == "other-id":
        c.sendall(ans(struct.pack(">I", 12345), peers))
    elif mode == "other-peers":
        c.sendall(ans(req_id, peers[::-1]))
    elif mode == "failed-with-pair":
        c.sendall(ans(req_id, peers, 126, b"\1" * 32))
    elif mode == "silent":
        time.sleep(30)
    c.close()
'
fake() {	# MODE: exit status and duration of relay-query against it
	local port t0 t1 rc
	python3 -c "$KDC_PY_FAKE" "$1" >"$W/fake.$1" &
	fake_pid=$!
	lsgc_wait_for 5 grep -q '^[0-9]' "$W/fake.$1"
	port=$(cat "$W/fake.$1")
	t0=$(date +%s%N)
	"$KDC" relay-query --relay "127.0.0.1:$port" --timeout 700 --requester alice \
		--peer bob --peer carol --nonce "$N0"
	rc=$?
	t1=$(date +%s%N)
	kill "$fake_pid"
	wait "$fake_pid" 2>/dev/null
	fake_pid=
	echo "exit $rc after $(((t1 - t0) / 1000000)) ms"
	[ "$rc" = 11 ] && [ $(((t1 - t0) / 1000000)) -lt 3000 ]
}
ktap_check "an answer of 2^30 bytes: exit 11" fake huge
ktap_check "the answer of another request: exit 11" fake other-id
ktap_check "an answer for other peers: exit 11" fake other-peers
ktap_check "a failed peer with a pair key: exit 11" fake failed-with-pair
ktap_check "a kdcd that never answers: exit 11 after --timeout" fake silent
kdc_expect 11 "no kdcd at all: exit 11" -o 'refused' -- \
	"$KDC" relay-query --relay 127.0.0.1:1 --requester alice --peer bob --nonce "$N0"

kill -TERM "$kdcd_pid"
wait "$kdcd_pid"
rc=$?
kdcd_pid=
ktap_check "kdcd exits 0 on SIGTERM" test "$rc" = 0
sed 's/^/# kdcd: /' "$W/kdcd.err" | tail -n 15
ktap_finish
