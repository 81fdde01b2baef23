#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A full secure session (issue 16), as applications and operators see it.
# The KDC registers six identities with pass phrases (lsgc-kdc register);
# each member derives its long-term key from its own pass phrase into the
# keyring (lsgc-kdc key) and joins with that key's serial; the KDC helper
# (lsgc-kdc serve) answers the leader's namespace.  Four members join, two
# send on the reliable channel and two datagrams; one member leaves and
# another identity joins later: every member delivers exactly the total
# order of the views it was in (the order checker), nothing fails to
# open, every data packet on the wire is sealed (the sender's payload
# never appears in clear), and then each refusal gives its errno: no key
# serial (ENOKEY), another identity's key (EKEYREJECTED), an identity the
# KDC does not know (ENOKEY, from the KDC through the leader), a wrong
# pass phrase (EKEYREJECTED: the admission does not open), the KDC helper
# down (ECONNREFUSED, at once).  A ChaCha20-Poly1305 group works too.
. "$(dirname "$0")/group_lib.sh"

KDC=${LSGC_KDC:-$LSGC_REPO/userspace/kdc/lsgc-kdc}
N=${GRP_N:-150}
ND=${GRP_ND:-150}
RATE=${GRP_RATE:-30}
ktap_plan 18
grp_init 5
grp_sysctl_all heartbeat_timeout_ms $((3000 * GRP_SCALE)) || exit 1
grp_sysctl_all join_timeout_ms $((4000 * GRP_SCALE)) || exit 1

DB=$W/kdc.db
# Small Argon2 limits: fast under TCG.  The defaults stay strong.
kdc_k() { "$KDC" "$@" --ops 1 --mem 8388608; }
register() { kdc_k register -d "$DB" -i "$1" --passphrase-fd 3 3<<<"$2" >/dev/null; }
keyof() { kdc_k key -i "$1" --passphrase-fd 3 3<<<"$2"; }
declare -A KEY
ok=1
for id in alice bob carol dave erin frank; do
	register "$id" "pass phrase of $id" || ok=0
done
for id in alice bob carol dave erin; do
	KEY[$id]=$(keyof "$id" "pass phrase of $id") || ok=0
done
# frank's member side types the wrong pass phrase; mallory is unknown.
KEY[frank]=$(keyof frank "not frank's pass phrase") || ok=0
KEY[mallory]=$(keyof mallory "whatever") || ok=0
_sec_cleanup() {
	local s
	for s in "${KEY[@]}"; do keyctl unlink "$s" @u >/dev/null 2>&1; done
	[ -n "${KDCPID:-}" ] && kill "$KDCPID" 2>/dev/null
	grp_cleanup
}
trap _sec_cleanup EXIT
[ "$ok" = 1 ] && ktap_ok "six identities registered, seven keys in the keyring" ||
	ktap_fail "six identities registered, seven keys in the keyring"

# (Not inside ktap_check, which may run its command in a subshell.)
kdc_start() {
	: >"$W/kdc.out"
	ip netns exec "$(grp_ns 1)" "$KDC" serve -d "$DB" >"$W/kdc.out" 2>"$W/kdc.err" &
	KDCPID=$!
}
kdc_start
ktap_check "the KDC helper serves the leader's namespace" \
	lsgc_wait_for 20 grep -q serving "$W/kdc.out"

# The payload of every message names its sender and counter in clear
# (lsgc_member's format): a capture on the bridge must never show it.
ip netns exec "$GRP_HUB" python3 - "$W/wire" <<'EOF' &
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.settimeout(1)
end = time.time() + 600
with open(sys.argv[1], "wb") as f:
    while time.time() < end:
        try:
            f.write(s.recv(65535)[14:] + b"\n--\n")
            f.flush()
        except socket.timeout:
            pass
EOF
SNIFF=$!

done_when=(-X "alice:$N" -X "bob:$N" -H -t 300000)
grp_member alice 1 -c -K "${KEY[alice]}" -C both -n "$N" -N "$ND" -r "$RATE" -m 4 "${done_when[@]}"
grp_wait alice joined 30
grp_member bob 2 -K "${KEY[bob]}" -C both -n "$N" -N "$ND" -r "$RATE" -m 4 "${done_when[@]}"
grp_member carol 3 -K "${KEY[carol]}" -C both "${done_when[@]}"
grp_member dave 4 -K "${KEY[dave]}" -C both -W erin -H -t 300000
ktap_check "four members joined with their keys" grp_wait_all ready 90 alice bob carol dave

grp_wait_data carol $((N / 3)) 120
# The key epoch and the cipher are visible to operators (lsgc group show),
# the key never.
shown() {
	ip netns exec "$(grp_ns 3)" "$LSGC_REPO/userspace/lsgc" -j group show |
		python3 -c 'import json, sys
d = json.load(sys.stdin)
assert len(d) == 1, d
g = d[0]
assert g["cipher"] == "gcm(aes)" and g["epoch"] == g["view"] and g["epoch"] >= 4, g
print("# carol: view %d, epoch %d, cipher %s" % (g["view"], g["epoch"], g["cipher"]))'
}
ktap_check "the monitoring shows carol's key epoch (= its view) and cipher" shown
grp_member erin 5 -K "${KEY[erin]}" -C both "${done_when[@]}"
ktap_check "a fifth member joined while traffic flowed" grp_wait erin joined 60
# dave waits for a view without erin: it never comes, so stop it now,
# mid-traffic: its leave makes the next view.
grp_wait_data carol $((N * 2 / 3)) 120
grp_stop dave
all=(alice bob carol erin)
ktap_check "every member delivered every reliable message" grp_wait_all done 240 "${all[@]}"
grp_stop "${all[@]}"
ktap_check "every member exited 0" grp_expect_exit 0 "${all[@]}"
ktap_check "total order at every member, dave's and erin's views included" \
	grp_order_check --data $((2 * N)) --sent "alice=$N" --sent "bob=$N" \
	"$W/alice.log:full" "$W/bob.log:full" "$W/carol.log:full" \
	"$W/dave.log:leave" "$W/erin.log:join"
# Rekeys under continuous best-effort traffic: carol was in every view,
# and a datagram sealed under a key carol does not hold yet waits for it
# (the hold queue) instead of being dropped.  On a clean link: no loss.
# Counted where the kernel hands datagrams to carol's socket
# (udata_delivered; carol's log may miss the last one or two, which
# arrive after it stopped reading).
dg=$(grep -c '^U ' "$W/carol.log" || true)
views=$(grep -c '^V ' "$W/carol.log" || true)
ud=$(grp_stat 3 udata_delivered)
ue=$(grp_stat 3 drop_unknown_epoch)
ktap_diag "carol: $ud datagrams delivered of $((2 * ND)) sent ($dg read) across $views views; drop_unknown_epoch $ue"
[ "$ud" = $((2 * ND)) ] ||
	for i in 1 2 3 4 5; do ktap_diag "ns $i: $(grp_stats_nonzero "$i")"; done
ktap_check "no datagram lost to a rekey (carol got all $((2 * ND)))" \
	test "$ud" = $((2 * ND))
auth=0
for i in 1 2 3 4 5; do auth=$((auth + $(grp_stat "$i" drop_auth))); done
[ "$auth" = 0 ] || for i in 1 2 3 4 5; do ktap_diag "ns $i: $(grp_stats_nonzero "$i")"; done
ktap_check "no packet failed to open (drop_auth 0 everywhere)" test "$auth" = 0
kill "$SNIFF" 2>/dev/null; wait "$SNIFF" 2>/dev/null
leaks=$(grep -a -c -E '(alice|bob)/[0-9]+/[0-9]+/' "$W/wire" || true)
ktap_diag "captured $(grep -a -c -- '^--$' "$W/wire" || true) packets; $leaks show a payload in clear"
ktap_check "no payload in clear on the wire" test "$leaks" = 0

# Refusals.  The group goes on under alice.
grp_member alice 1 -c -K "${KEY[alice]}" -H -t 300000
grp_wait alice joined 30
join_err() {
	local name=$1 want=$2; shift 2
	grp_member "$name" "$@" -t 60000
	grp_reap "$name" 60
	grep -q "join (seq): .* ($want)" "$W/$name.err" ||
		{ echo "# $name: $(tail -n 2 "$W/$name.err" | tr '\n' ' ')"; return 1; }
}
ktap_check "no key serial: ENOKEY" join_err bob ENOKEY 2 -k
ktap_check "another identity's key: EKEYREJECTED" join_err bob EKEYREJECTED 2 -K "${KEY[carol]}"
ktap_check "an identity the KDC does not know: ENOKEY" \
	join_err mallory ENOKEY 3 -K "${KEY[mallory]}"
ktap_check "a wrong pass phrase: EKEYREJECTED" join_err frank EKEYREJECTED 4 -K "${KEY[frank]}"
kill "$KDCPID"; wait "$KDCPID" 2>/dev/null; KDCPID=
ktap_check "the KDC helper down: ECONNREFUSED" join_err carol ECONNREFUSED 3 -K "${KEY[carol]}"
grp_stop alice

# ChaCha20-Poly1305, the creator's choice.
kdc_start
lsgc_wait_for 20 grep -q serving "$W/kdc.out"
grp_member alice 1 -c -K "${KEY[alice]}" -F 4 -n 50 -r "$RATE" -m 2 -X alice:50 -H -t 200000
grp_wait alice joined 30
grp_member bob 2 -K "${KEY[bob]}" -X alice:50 -H -t 200000
if grp_wait_all done 120 alice bob; then
	ktap_ok "a ChaCha20-Poly1305 group delivers"
else
	grp_diag alice bob
	ktap_fail "a ChaCha20-Poly1305 group delivers"
fi
grp_stop alice bob
kill "$KDCPID" 2>/dev/null; wait "$KDCPID" 2>/dev/null; KDCPID=
grp_check_clean
ktap_finish
