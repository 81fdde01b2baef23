#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: install what is missing, build, boot the VM and show AF_LSGC
# working (scripts/vm/demo-guest.sh, which runs userspace/examples/demo.sh
# when present).  Fails if the demo fails or the kernel complained.
set -euo pipefail
. "$(dirname "$0")/common.sh"
cd "$LSGC_TOP"

"$LSGC_TOP/scripts/deps.sh"
make -s
exec "$LSGC_TOP/scripts/vm/run.sh" --timeout 600 --run scripts/vm/demo-guest.sh "$@"
