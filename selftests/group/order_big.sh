#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Total order, 4 senders + 2 receivers in 6 namespaces, messages of 1 byte to 64 KiB (fragmented) under 2% loss.
. "$(dirname "$0")/group_lib.sh"
GRP_N=${GRP_N:-40} GRP_SIZES=1,100,1399,1400,1401,1500,3000,9000,20000,40000,65535,65536 grp_order_run loss 2%
