#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh KVER|none: print the path of the VM lane's initramfs for
# kernel release KVER, building it into $LSGC_CACHE/initramfs/ only when its
# inputs (the init script, busybox, the kernel's modules) changed.
# "none" builds one without modules, for a kernel that has virtio-pci and
# 9p built in (the debug kernel).
set -euo pipefail
. "$(dirname "$0")/../common.sh"

kver=$1
init=$LSGC_TOP/scripts/vm/initramfs-init
busybox=$(command -v busybox || true)
[ -n "$busybox" ] && file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
	busybox=/bin/busybox
[ -x "$busybox" ] || lsgc_die "busybox missing: run scripts/deps.sh (busybox-static)"

# What the host root and the repository need, in load order (a module's
# dependencies first).
wanted="virtio_pci 9pnet_virtio 9p"
mods=()
add_mod() {
	local m=$1 d
	for d in "${mods[@]}"; do
		[ "$d" = "$m" ] && return 0
	done
	for d in $(modinfo -k "$kver" -F depends "$m" | tr ',' ' '); do
		add_mod "$d"
	done
	mods+=("$m")
}

if [ "$kver" != none ]; then
	[ -d "/lib/modules/$kver" ] || lsgc_die "/lib/modules/$kver missing"
	for m in $wanted; do
		# Built in: nothing to load.
		if grep -q "/${m}.ko" "/lib/modules/$kver/modules.builtin" 2>/dev/null; then
			continue
		fi
		modinfo -k "$kver" -n "$m" >/dev/null 2>&1 ||
			lsgc_die "kernel $kver has no module $m"
		add_mod "$m"
	done
fi

# The cache key: every input's content.
key=$( {
	echo "kver $kver"
	cat "$init" "$busybox" "$0" | sha256sum
	for m in "${mods[@]}"; do
		f=$(modinfo -k "$kver" -n "$m")
		echo "$m $(stat -c '%s %Y' "$f") $f"
	done
} | sha256sum | cut -c1-16)
dir=$LSGC_CACHE/initramfs
img=$dir/initramfs-$kver-$key.cpio
if [ -s "$img" ]; then
	touch "$img"
	echo "$img"
	exit 0
fi

mkdir -p "$dir"
work=$(mktemp -d "$dir/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/modules"
cp "$busybox" "$work/bin/busybox"
cp "$init" "$work/init"
chmod 755 "$work/init" "$work/bin/busybox"
: >"$work/modules.list"
for m in "${mods[@]}"; do
	f=$(modinfo -k "$kver" -n "$m")
	case $f in
	*.ko) cp "$f" "$work/modules/$m.ko" ;;
	*.ko.xz) xz -dc "$f" >"$work/modules/$m.ko" ;;
	*.ko.zst) zstd -qdc "$f" >"$work/modules/$m.ko" ;;
	*.ko.gz) gzip -dc "$f" >"$work/modules/$m.ko" ;;
	*) lsgc_die "cannot handle module file $f" ;;
	esac
	echo "$m" >>"$work/modules.list"
done
(cd "$work" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"$img.tmp"
mv "$img.tmp" "$img"
# Keep the cache small, but only drop images unused for a week: other
# checkouts (worktrees) share the cache and may need an older image.
find "$dir" -maxdepth 1 -name 'initramfs-*.cpio' -mtime +7 -delete
lsgc_log "built $img (${mods[*]:-no modules})"
echo "$img"
