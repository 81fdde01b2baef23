#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Print the directory holding kselftest.h and kselftest_harness.h from
# Debian's linux-source-6.1, extracting them into $LSGC_CACHE on first use.
set -euo pipefail
. "$(dirname "$0")/common.sh"
d=$(lsgc_src_extract ksft tools/testing/selftests/kselftest.h \
	tools/testing/selftests/kselftest_harness.h)
echo "$d/tools/testing/selftests"
