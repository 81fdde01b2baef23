#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Total order, 4 senders + 2 receivers in 6 namespaces, IPv6 group ff02::77, clean link.
. "$(dirname "$0")/group_lib.sh"
GRP_ADDR=ff02::77 GRP_N=${GRP_N:-200} grp_order_run 
