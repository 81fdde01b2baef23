#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# sparse (C=2: every file, built or not) on the module, against the same
# kernel tree as `make module`.  Fails if sparse or the compiler printed
# any warning or error.
set -euo pipefail
. "$(dirname "$0")/common.sh"

command -v sparse >/dev/null || lsgc_die "sparse missing: run scripts/deps.sh"
kdir=$(lsgc_kdir)
[ -n "$kdir" ] || lsgc_die "no kernel build tree: install linux-headers or pass KDIR="
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Not quiet even under `make -s`: the CHECK lines are counted below.
if ! env -u MAKEFLAGS -u MFLAGS make -C "$kdir" M="$LSGC_TOP" C=2 CHECK=sparse LSGC_VERSION="$LSGC_VERSION" \
	modules >"$log" 2>&1; then
	cat "$log"
	lsgc_die "build failed"
fi
if grep -E '(warning|error):' "$log"; then
	echo "sparse: $(grep -cE '(warning|error):' "$log") diagnostics" >&2
	exit 1
fi
echo "sparse: clean ($(grep -c '^  CHECK' "$log") files checked against $kdir)"
