#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the module for the debug kernel in a copy of the sources under
# $LSGC_CACHE/debug-module, so the tree's own build (for the Debian kernel)
# is left alone; print the path of the resulting lsgc.ko.  Incremental:
# only changed files are copied, so kbuild rebuilds only what changed.
set -euo pipefail
. "$(dirname "$0")/common.sh"

kdir=$LSGC_CACHE/debug-kernel/build
[ -f "$kdir/Module.symvers" ] || lsgc_die "no debug kernel build in $kdir: run make debug-kernel"
copy=$LSGC_CACHE/debug-module
mkdir -p "$copy"
# Sources only (never the tree's objects, built for the Debian kernel);
# cp -u keeps the timestamps kbuild relies on for what did not change.
srcs=$(cd "$LSGC_TOP" && find Kbuild net include -type f \
	\( -name '*.[ch]' -o -name Kbuild -o -name Makefile \) ! -name '*.mod.c')
(cd "$LSGC_TOP" && cp -pu --parents $srcs "$copy/")
# Sources removed from the tree must not linger in the copy.
(cd "$copy" && find net include -type f \( -name '*.[ch]' -o -name Kbuild \) ! -name '*.mod.c') |
while read -r f; do
	[ -e "$LSGC_TOP/$f" ] || rm -f "$copy/$f"
done
make -C "$kdir" M="$copy" LSGC_VERSION="$LSGC_VERSION" modules >"$copy/build.log" 2>&1 || {
	cat "$copy/build.log" >&2
	lsgc_die "module build for the debug kernel failed"
}
echo "$copy/net/lsgc/lsgc.ko"
