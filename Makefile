# SPDX-License-Identifier: GPL-2.0
#
# Top-level build of AF_LSGC: the module (through Kbuild), the userspace
# programs and the selftests, plus the checks and the VM test lanes.
#
#   make                  module + userspace + selftests
#   make KDIR=<tree>      build the module against another kernel tree
#   make check            everything CI runs (installs what it needs)
#   make demo             the main job: build, boot a VM, show a group
#   make vm-test [T=...]  run the selftests (or some) in the VM
#   make checkpatch       checkpatch.pl --strict on the tree
#   make sparse           sparse (C=2) on the module
#   make debug-kernel     build (or reuse) the cached debug kernel
#   make debug-test       run the selftests on the debug kernel
#   make stress-test      the robustness lanes (exerciser, fault injection)
#                         on the debug kernel
#   make bench            first throughput figure: AF_LSGC vs raw UDP multicast
#   make fuzz [FUZZ_TIME=S]  fuzz the wire parsers and the replay window,
#                         S seconds per harness (default 60)
#   make fuzz-regress     replay the fuzz seeds and regression inputs

LSGC_VERSION := 0.1.0
LSGC_CACHE ?= $(HOME)/.cache/lsgc
export LSGC_CACHE

# The module is built for the running kernel unless told otherwise.  On a
# machine whose running kernel has no headers (every VM-lane host), fall
# back to the newest kernel whose build tree is installed.
KVER ?= $(shell uname -r)
ifeq ($(KDIR),)
KDIR := $(shell if [ -d /lib/modules/$(KVER)/build ]; then \
		echo /lib/modules/$(KVER)/build; \
	else \
		ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1; \
	fi)
endif
export KDIR

.PHONY: all module userspace selftests clean check demo vm-test checkpatch \
	sparse debug-kernel debug-test stress-test deps bench fuzz fuzz-regress

all: module userspace selftests

module:
	@test -n "$(KDIR)" || { echo "no kernel build tree: install linux-headers or pass KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) LSGC_VERSION=$(LSGC_VERSION) modules

userspace:
	$(MAKE) -C userspace

selftests:
	$(MAKE) -C selftests

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C selftests clean
	rm -rf out

deps:
	scripts/deps.sh

check:
	scripts/check.sh

demo:
	scripts/demo.sh

vm-test: all
	scripts/vm/run.sh $(T)

checkpatch:
	scripts/checkpatch.sh

sparse:
	scripts/sparse.sh

debug-kernel:
	scripts/debug-kernel.sh

# run.sh --debug builds its own copy of the module for the debug kernel
# (scripts/debug-module.sh) and leaves the tree's Debian build alone.
debug-test: selftests
	scripts/debug-kernel.sh
	scripts/vm/run.sh --debug --timeout 7200 $(T)

# The random exerciser (240 s there) and the fault-injection test, which
# needs the debug kernel's failslab and fail_page_alloc; kernel reports
# and kmemleak fail the run.
stress-test: selftests
	scripts/debug-kernel.sh
	scripts/vm/run.sh --debug --timeout 3600 stress

bench: module
	$(MAKE) -C userspace/bench
	scripts/vm/run.sh --run userspace/bench/run.sh

# The fuzzing lane (selftests/fuzz: clang, libFuzzer) is never part of
# `make`: it needs neither the kernel nor the VM, only the two sources it
# fuzzes.  FUZZ_TIME given on the command line reaches the sub-make.
fuzz:
	$(MAKE) -C selftests/fuzz fuzz

fuzz-regress:
	$(MAKE) -C selftests/fuzz regress
