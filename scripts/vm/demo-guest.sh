#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest side of `make demo` (run by scripts/vm/run.sh --run): load the
# module, show that the family is registered and that sockets of both types
# can be created, then hand over to the project's demo program,
# userspace/examples/demo.sh, when it exists.
. "$(dirname "$0")/../../selftests/lib.sh"
set -e

step() { printf '\n=== %s\n' "$*"; }

step "loading $LSGC_MODULE"
lsgc_dmesg_mark
lsgc_load
lsgc_dmesg_since_mark | grep "lsgc: AF_LSGC" | sed 's/^/dmesg: /'

step "the family in force ($LSGC_SYSFS/parameters/family)"
fam=$(lsgc_family)
echo "family = $fam"

step "socket($fam, SOCK_SEQPACKET|SOCK_DGRAM, 0)"
python3 - "$fam" <<'PY'
import socket, sys
fam = int(sys.argv[1])
for name in ("SOCK_SEQPACKET", "SOCK_DGRAM", "SOCK_STREAM"):
    t = getattr(socket, name)
    try:
        s = socket.socket(fam, t, 0)
        print(f"{name:15} -> fd {s.fileno()}")
        s.close()
    except OSError as e:
        print(f"{name:15} -> {e.strerror} (as specified)")
PY

demo=$LSGC_REPO/userspace/examples/demo.sh
if [ -x "$demo" ]; then
	step "group demo: $demo"
	"$demo"
fi

step "unloading"
lsgc_unload_wait 10
echo "lsgc unloaded cleanly"
