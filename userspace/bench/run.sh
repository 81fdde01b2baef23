#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A first figure: reliable AF_LSGC goodput against raw UDP multicast in the
# same VM run (run it with scripts/vm/run.sh --run userspace/bench/run.sh).
# One sender, two receivers, each in its own namespace on one bridge.
# Prints both rates and their ratio; the benchmark issue makes it rigorous.
set -u
B=$(cd "$(dirname "$0")" && pwd)
. "$B/../../selftests/lib.sh"
N=${BENCH_N:-3000}
SIZE=${BENCH_SIZE:-1000}
G=239.9.9.9
P=7099
out=$(mktemp -d)
trap 'lsgc_ns_destroy lsgc-b >/dev/null 2>&1; rm -rf "$out"' EXIT

lsgc_loaded || lsgc_load || exit 1
lsgc_modprobe veth bridge
lsgc_ns_create 3 lsgc-b || exit 1
ns() { ip netns exec "lsgc-b$1" "${@:2}"; }
wait_ready() { local i; for i in $(seq 300); do grep -q "${2:-ready}" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# Raw UDP multicast: what the network and this VM can carry at best.
ns 2 "$B/lsgc_bench" udp-recv $G $P eth0 "$N" 20000 >"$out/u2" &
ns 3 "$B/lsgc_bench" udp-recv $G $P eth0 "$N" 20000 >"$out/u3" &
wait_ready "$out/u2"; wait_ready "$out/u3"
ns 1 "$B/lsgc_bench" udp-send $G $P eth0 "$N" "$SIZE"
wait
cat "$out/u2" "$out/u3" | grep udp

# AF_LSGC reliable, totally ordered: leader receives, one member sends.
ns 1 timeout 300 "$B/lsgc_bench" lsgc $G $P eth0 L 3 0 "$SIZE" "$N" create >"$out/l1" &
wait_ready "$out/l1" joined
ns 3 timeout 300 "$B/lsgc_bench" lsgc $G $P eth0 R 3 0 "$SIZE" "$N" >"$out/l3" &
wait_ready "$out/l3" joined
ns 2 timeout 300 "$B/lsgc_bench" lsgc $G $P eth0 S 3 "$N" "$SIZE" 0 >"$out/l2" &
wait
cat "$out/l1" "$out/l3" | grep lsgc

rate() { grep -h "^$1" "${@:2}" | sed 's/.*mbit_per_s=//' | sort -n | head -1; }
u=$(rate udp "$out"/u2 "$out"/u3)
l=$(rate lsgc "$out"/l1 "$out"/l3)
udp_n=$(grep -h '^udp' "$out"/u2 "$out"/u3 | sed 's/.*msgs=\([0-9]*\).*/\1/' | sort -n | head -1)
lsgc_n=$(grep -h '^lsgc' "$out"/l1 "$out"/l3 | sed 's/.*msgs=\([0-9]*\).*/\1/' | sort -n | head -1)
echo "# size=$SIZE count=$N"
echo "# raw UDP multicast (slowest receiver): $u Mbit/s, delivered $udp_n of $N"
echo "# AF_LSGC reliable (slowest receiver):  $l Mbit/s, delivered ${lsgc_n:-0} of $N in total order"
echo "# ratio lsgc/udp: $(echo "scale=2; $l / $u" | bc)"
