# SPDX-License-Identifier: GPL-2.0
# Shared by the scripts under scripts/: where things live and small helpers.
# Sourced, never run.

LSGC_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LSGC_CACHE=${LSGC_CACHE:-$HOME/.cache/lsgc}
LSGC_SRC_TARBALL=${LSGC_SRC_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
LSGC_VERSION=$(sed -n 's/^LSGC_VERSION *:= *//p' "$LSGC_TOP/Makefile")
export LSGC_CACHE

lsgc_die() { echo "${0##*/}: $*" >&2; exit 1; }
lsgc_log() { echo "${0##*/}: $*" >&2; }

# The kernel build tree the module is built against, as the top-level
# Makefile picks it: $KDIR, else the running kernel's, else the newest one
# installed.
lsgc_kdir() {
	if [ -n "${KDIR:-}" ]; then
		echo "$KDIR"
	elif [ -d "/lib/modules/$(uname -r)/build" ]; then
		echo "/lib/modules/$(uname -r)/build"
	else
		ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1
	fi
}

# lsgc_src_extract DIR MEMBER...: extract MEMBERs (paths relative to the
# top of Debian's linux-source-6.1 tarball, directories allowed) into
# $LSGC_CACHE/src-subset/DIR once per tarball version; prints the directory
# holding the extracted tree.
lsgc_src_extract() {
	local name=$1; shift
	local dest=$LSGC_CACHE/src-subset/$name
	local id m missing=
	[ -r "$LSGC_SRC_TARBALL" ] || lsgc_die "$LSGC_SRC_TARBALL missing: run scripts/deps.sh"
	id=$(stat -c '%s %Y' "$LSGC_SRC_TARBALL")
	if [ "$(cat "$dest/.stamp" 2>/dev/null)" = "$id" ]; then
		for m in "$@"; do
			[ -e "$dest/linux-source-6.1/$m" ] || missing=1
		done
		if [ -z "$missing" ]; then
			echo "$dest/linux-source-6.1"
			return 0
		fi
	fi
	rm -rf "$dest"
	mkdir -p "$dest"
	local args=()
	for m in "$@"; do
		args+=("linux-source-6.1/$m")
	done
	tar -xJf "$LSGC_SRC_TARBALL" -C "$dest" "${args[@]}" ||
		lsgc_die "cannot extract $* from $LSGC_SRC_TARBALL"
	echo "$id" >"$dest/.stamp"
	echo "$dest/linux-source-6.1"
}
