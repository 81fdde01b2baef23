#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A first figure: reliable AF_LSGC goodput, insecure and secure (gcm(aes),
# rfc7539(chacha20,poly1305)), against raw UDP multicast in the same VM
# run (run it with scripts/vm/run.sh --run userspace/bench/run.sh).  One
# sender, two receivers, each in its own namespace on one bridge.  Prints
# the rates and their ratios; the benchmark issue makes it rigorous.
#
#   BENCH_ROUNDS="insecure gcm chacha"   the AF_LSGC rounds to run
#   BENCH_SYSCTL="window=256 backlog=1024"   net.lsgc settings of every
#                  namespace
#   BENCH_PERF=1   profile each AF_LSGC round (perf record -a, cpu-clock:
#                  TCG has no PMU) and print its busiest symbols
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
# The CPU's own AES, GHASH, ChaCha20 and Poly1305 code, which udev loads
# on a real host from the CPU's features (the VM lane runs no udev):
# without it the kernel seals with its portable C code.
for mod in aesni_intel ghash_clmulni_intel chacha_x86_64 poly1305_x86_64; do
	modprobe -q "$mod" 2>/dev/null || echo "# no $mod"
done
echo "# aead drivers: gcm(aes) $(awk '/^name/ { n = $3 } /^driver/ { d = $3 }
	/^priority/ { if (n == "aes") print d }' /proc/crypto | head -n 1)"
lsgc_modprobe veth bridge
lsgc_ns_create 3 lsgc-b || exit 1
ns() { ip netns exec "lsgc-b$1" "${@:2}"; }
for kv in ${BENCH_SYSCTL:-}; do
	for i in 1 2 3; do
		ns "$i" sh -c "echo ${kv#*=} >/proc/sys/net/lsgc/${kv%%=*}" || exit 1
	done
	echo "# net.lsgc.$kv"
done
wait_ready() { local i; for i in $(seq 300); do grep -q "${2:-ready}" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# Raw UDP multicast: what the network and this VM can carry at best.
ns 2 "$B/lsgc_bench" udp-recv $G $P eth0 "$N" 20000 >"$out/u2" &
ns 3 "$B/lsgc_bench" udp-recv $G $P eth0 "$N" 20000 >"$out/u3" &
wait_ready "$out/u2"; wait_ready "$out/u3"
ns 1 "$B/lsgc_bench" udp-send $G $P eth0 "$N" "$SIZE"
wait
cat "$out/u2" "$out/u3" | grep udp

# AF_LSGC reliable, totally ordered: leader receives, one member sends;
# insecure, then secure with each AEAD (keys from the KDC, whose helper
# serves the leader's namespace).
K=$B/../kdc/lsgc-kdc
declare -A KEY
for id in L R S; do
	"$K" register -d "$out/kdc.db" -i "$id" --ops 1 --mem 8388608 \
		--passphrase-fd 3 3<<<"bench $id" 2>/dev/null || exit 1
	KEY[$id]=$("$K" key -i "$id" --ops 1 --mem 8388608 \
		--passphrase-fd 3 3<<<"bench $id" 2>/dev/null) || exit 1
done
ns 1 "$K" serve -d "$out/kdc.db" >"$out/kdc.out" 2>&1 &
KDCPID=$!
trap 'kill $KDCPID 2>/dev/null; for s in "${KEY[@]}"; do keyctl unlink "$s" @u >/dev/null 2>&1; done; lsgc_ns_destroy lsgc-b >/dev/null 2>&1; rm -rf "$out"' EXIT
wait_ready "$out/kdc.out" serving || { echo "# no KDC helper"; exit 1; }

# lsgc_round TAG PORT: one round, every member with the options of TAG.
lsgc_round() {
	local tag=$1 port=$2 kl= kr= ks= cf=
	case $tag in
	gcm) kl=key=${KEY[L]} kr=key=${KEY[R]} ks=key=${KEY[S]} ;;
	chacha) kl=key=${KEY[L]} kr=key=${KEY[R]} ks=key=${KEY[S]} cf=chacha ;;
	esac
	local pids=() perf=
	ns 1 timeout 300 "$B/lsgc_bench" lsgc $G "$port" eth0 L 3 0 "$SIZE" "$N" create $kl $cf >"$out/$tag.l1" &
	pids+=($!)
	wait_ready "$out/$tag.l1" joined
	ns 3 timeout 300 "$B/lsgc_bench" lsgc $G "$port" eth0 R 3 0 "$SIZE" "$N" $kr >"$out/$tag.l3" &
	pids+=($!)
	wait_ready "$out/$tag.l3" joined
	# The profile covers the transfer, not the joins.
	if [ -n "${BENCH_PERF:-}" ]; then
		perf record -a -e cpu-clock -F 499 -o "$out/$tag.perf" \
			>/dev/null 2>&1 &
		perf=$!
		sleep 2
	fi
	ns 2 timeout 300 "$B/lsgc_bench" lsgc $G "$port" eth0 S 3 "$N" "$SIZE" 0 $ks >"$out/$tag.l2" &
	pids+=($!)
	wait "${pids[@]}"
	sed "s/^/# $tag: /" "$out/$tag.l1" "$out/$tag.l3" | grep lsgc
	if [ -n "$perf" ]; then
		kill -INT "$perf"
		wait "$perf"
		perf report -i "$out/$tag.perf" --stdio --no-children \
			--sort sym 2>/dev/null | grep -v '^#' | grep . |
			head -n "${BENCH_PERF_TOP:-40}" | sed "s/^/# perf $tag: /"
	fi
}
port=$P
for tag in ${BENCH_ROUNDS:-insecure gcm chacha}; do
	lsgc_round "$tag" $port
	port=$((port + 1))
done

rate() { grep -h "^$1" "${@:2}" | sed 's/.*mbit_per_s=//' | sort -n | head -1; }
count() { grep -h "^$1" "${@:2}" | sed 's/.*msgs=\([0-9]*\).*/\1/' | sort -n | head -1; }
u=$(rate udp "$out"/u2 "$out"/u3)
echo "# size=$SIZE count=$N"
echo "# raw UDP multicast (slowest receiver): $u Mbit/s, delivered $(count udp "$out"/u2 "$out"/u3) of $N"
li=$(rate lsgc "$out"/insecure.l1 "$out"/insecure.l3 2>/dev/null)
for tag in ${BENCH_ROUNDS:-insecure gcm chacha}; do
	l=$(rate lsgc "$out/$tag.l1" "$out/$tag.l3")
	echo "# AF_LSGC reliable $tag (slowest receiver): ${l:-0} Mbit/s, delivered $(count lsgc "$out/$tag.l1" "$out/$tag.l3") of $N in total order"
	echo "#   ratio to raw UDP: $(echo "scale=2; ${l:-0} / $u" | bc); to insecure: $(echo "scale=2; ${l:-0} / ${li:-0}" | bc 2>/dev/null)"
done
