#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# socket() for both types and every wrong type/protocol (socket_test), with
# the module loaded with its default family.
. "$(dirname "$0")/../lib.sh"

lsgc_load || exit $KSFT_FAIL
./socket_test
rc=$?
lsgc_unload || rc=1
exit $rc
