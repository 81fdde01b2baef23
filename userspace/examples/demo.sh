#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The group demo of `make demo`, run inside the VM: three hosts (network
# namespaces on one bridge) form a secure group.  The KDC registers alice,
# bob and carol from their pass phrases; each member derives its own key
# into the kernel keyring; the KDC helper serves alice's host; alice
# creates the group and leads, bob and carol join with their keys; each
# sends three reliable messages; every member prints what it delivered
# (views and data, in the one total order), and the namespace's
# /proc/net/lsgc files show the group from the kernel's side.
set -u
R=$(cd "$(dirname "$0")/../.." && pwd)
. "$R/selftests/lib.sh"
M=$R/selftests/group/lsgc_member
K=$R/userspace/kdc/lsgc-kdc
D=$(mktemp -d)
declare -A KEY
PIDS=()
cleanup() {
	local s
	for s in "${KEY[@]}"; do keyctl unlink "$s" @u >/dev/null 2>&1; done
	[ -n "${KDCPID:-}" ] && kill "$KDCPID" 2>/dev/null
	lsgc_ns_destroy lsgc-demo >/dev/null 2>&1
	rm -rf "$D"
}
trap cleanup EXIT

[ -x "$M" ] && [ -x "$K" ] || { echo "build the selftests first (make)"; exit 1; }
lsgc_loaded || lsgc_load || exit 1
lsgc_modprobe veth bridge
lsgc_ns_create 3 lsgc-demo || exit 1

member() {	# member NAME NS LINGER_MS [EXTRA...]
	local name=$1 ns=$2 linger=$3
	shift 3
	ip netns exec "lsgc-demo$ns" "$M" -I "$name" -K "${KEY[$name]}" \
		-i eth0 -n 3 -s 32 -m 3 \
		-E 9 -l "$linger" -t 60000 -o "$D/$name.log" -S "$D/$name.st" "$@" &
	PIDS+=($!)
}
wait_joined() {
	local i
	for i in $(seq 300); do
		grep -q joined "$D/$1.st" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "$1 did not join"; return 1
}

# Argon2id limits kept small for the demo's slow VM (the defaults are
# libsodium's MODERATE ones).
echo "the KDC registers alice, bob and carol; each derives its key into the keyring"
for n in alice bob carol; do
	"$K" register -d "$D/kdc.db" -i "$n" --ops 1 --mem 8388608 \
		--passphrase-fd 3 3<<<"$n's pass phrase" 2>/dev/null || exit 1
	KEY[$n]=$("$K" key -i "$n" --ops 1 --mem 8388608 \
		--passphrase-fd 3 3<<<"$n's pass phrase" 2>/dev/null) || exit 1
	echo "  $n: a logon key userspace cannot read back, serial ${KEY[$n]}"
done
ip netns exec lsgc-demo1 "$K" serve -d "$D/kdc.db" >"$D/kdc.out" 2>&1 &
KDCPID=$!
lsgc_wait_for 20 grep -q serving "$D/kdc.out" || { cat "$D/kdc.out"; exit 1; }
echo "the KDC helper serves alice's host: $(cat "$D/kdc.out")"
echo "alice creates the secure group 239.7.7.7:7007 (AES-256-GCM) and becomes its leader"
member alice 1 3000 -c
wait_joined alice || exit 1
echo "bob and carol join"
member bob 2 500
member carol 3 500
wait_joined bob && wait_joined carol || exit 1
sleep 1
echo
echo "--- the group as the kernel sees it in alice's namespace (/proc/net/lsgc/members)"
ip netns exec lsgc-demo1 cat /proc/net/lsgc/members
wait "${PIDS[@]}"	# the members, not the KDC helper
for n in alice bob carol; do
	echo
	echo "--- delivered at $n (V = view: id leader members; D = data: seq view sender payload)"
	grep -E '^[VD] ' "$D/$n.log"
done
echo
a=$(grep '^D ' "$D/alice.log")
b=$(grep '^D ' "$D/bob.log")
c=$(grep '^D ' "$D/carol.log")
if [ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" = "$c" ]; then
	echo "all three delivered the same 9 messages in the same order"
else
	echo "the members disagree: this is a bug"; exit 1
fi
echo
echo "--- counters in bob's namespace (/proc/net/lsgc/stats, non-zero)"
ip netns exec lsgc-demo2 grep -v ' 0$' /proc/net/lsgc/stats
echo
echo "--- what the KDC helper answered"
sed 's/^/  /' "$D/kdc.out"
