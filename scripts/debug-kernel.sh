#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse) the debug kernel of the second VM lane: Debian's
# linux-source-6.1 with x86_64_defconfig + kvm_guest.config +
# scripts/debug-kernel.config (KASAN, lockdep, kmemleak, UBSAN, DEBUG_LIST,
# DEBUG_OBJECTS, and everything the tests need built in).
#
#   scripts/debug-kernel.sh            build if missing or out of date
#   scripts/debug-kernel.sh --status   print whether it is up to date
#
# Layout under $LSGC_CACHE/debug-kernel (default ~/.cache/lsgc):
#   src/       the extracted source (extracted once per tarball version)
#   build/     the O= tree: KDIR for the module (make KDIR=.../build)
#   bzImage    the kernel the VM boots with --debug
#   stamp      hash of the inputs of the finished build
#   build.log  the last build's output
#
# A rebuild happens only when the stamp changes: the config fragment, this
# recipe or the tarball.  Expect 30-60 minutes on two cores.
set -euo pipefail
. "$(dirname "$0")/common.sh"

# Bump when the recipe below changes in a way that needs a rebuild.
RECIPE=1

dk=$LSGC_CACHE/debug-kernel
frag=$LSGC_TOP/scripts/debug-kernel.config
mkdir -p "$dk"

tar_id=$(stat -c '%s %Y' "$LSGC_SRC_TARBALL" 2>/dev/null) ||
	lsgc_die "$LSGC_SRC_TARBALL missing: run scripts/deps.sh"
want=$( { echo "recipe $RECIPE"; echo "tarball $tar_id"; cat "$frag"; } |
	sha256sum | cut -d' ' -f1)
have=$(cat "$dk/stamp" 2>/dev/null || true)

if [ "${1:-}" = --status ]; then
	if [ "$want" = "$have" ] && [ -f "$dk/bzImage" ]; then
		echo "up to date: $dk/bzImage ($(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$dk/build/include/generated/utsrelease.h"))"
		exit 0
	fi
	echo "missing or out of date"
	exit 1
fi

if [ "$want" = "$have" ] && [ -f "$dk/bzImage" ]; then
	lsgc_log "debug kernel up to date: $dk/bzImage"
	exit 0
fi

# One build at a time.
exec 9>"$dk/.lock"
flock -n 9 || { lsgc_log "another build holds $dk/.lock; waiting"; flock 9; }
have=$(cat "$dk/stamp" 2>/dev/null || true)
if [ "$want" = "$have" ] && [ -f "$dk/bzImage" ]; then
	lsgc_log "debug kernel up to date: $dk/bzImage"
	exit 0
fi

start=$(date +%s)
if [ "$(cat "$dk/src/.tarball" 2>/dev/null)" != "$tar_id" ]; then
	lsgc_log "extracting $LSGC_SRC_TARBALL"
	rm -rf "$dk/src" "$dk/build" "$dk/stamp"
	mkdir -p "$dk/src"
	tar -xJf "$LSGC_SRC_TARBALL" -C "$dk/src" --strip-components=1
	echo "$tar_id" >"$dk/src/.tarball"
fi

mkdir -p "$dk/build"
src=$dk/src
out=$dk/build
lsgc_log "configuring in $out"
make -C "$src" O="$out" -s x86_64_defconfig
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
	"$src/kernel/configs/kvm_guest.config" "$frag" >"$dk/merge.log"
make -C "$src" O="$out" -s olddefconfig

# merge_config only warns; a symbol the fragment asks for that did not
# stick (a missing dependency) would silently weaken the lane.
bad=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		sym=${line%%=*}
		if ! grep -qxF "$line" "$out/.config"; then
			lsgc_log "config: wanted $line, got: $(grep -E "^(# )?$sym[= ]" "$out/.config" || echo absent)"
			bad=1
		fi
		;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }
		sym=${sym%% *}
		if grep -qE "^$sym=" "$out/.config"; then
			lsgc_log "config: wanted $sym off, got: $(grep -E "^$sym=" "$out/.config")"
			bad=1
		fi
		;;
	esac
done <"$frag"
[ "$bad" = 0 ] || lsgc_die "the config fragment did not apply; fix scripts/debug-kernel.config"

jobs=$(nproc)
lsgc_log "building $(make -C "$src" O="$out" -s kernelrelease) with -j$jobs (log: $dk/build.log)"
if ! make -C "$src" O="$out" -j"$jobs" all >"$dk/build.log" 2>&1; then
	tail -n 40 "$dk/build.log" >&2
	lsgc_die "debug kernel build failed (full log: $dk/build.log)"
fi
cp "$out/arch/x86/boot/bzImage" "$dk/bzImage.new"
mv "$dk/bzImage.new" "$dk/bzImage"
echo "$want" >"$dk/stamp"
lsgc_log "debug kernel ready: $dk/bzImage ($(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$out/include/generated/utsrelease.h")), $(( $(date +%s) - start )) s"
