#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install with apt-get whatever building, checking and the VM lane need.
# Idempotent and quick: `apt-get update` runs once, and only when a package
# is missing.  Needs root (or sudo).  Debian 12 (bookworm).
set -euo pipefail

# The kernel the VM lane boots and its headers (the module is built against
# them); QEMU and the initramfs tools; Debian's kernel source (checkpatch,
# the kselftest harness, the debug kernel); sparse; the build tools for
# the module, the userspace programs and the debug kernel; clang with
# libFuzzer (libclang-rt-14-dev has -fsanitize=fuzzer) and llvm-14 (the
# symbolizer of sanitizer reports) for the fuzz lane.  lsgc-kdc
# (userspace/kdc) links libsodium and libkeyutils; its tests use keyctl
# (keyutils), the reference argon2 tool, Python's hashlib and dmsetup.
pkgs=(
	linux-image-amd64 linux-headers-amd64
	qemu-system-x86 busybox-static cpio kmod iproute2 xz-utils
	linux-source-6.1 sparse perl
	build-essential bc flex bison libelf-dev libssl-dev dwarves pkg-config
	libmnl-dev libsodium-dev python3 python3-yaml
	libkeyutils-dev keyutils argon2 dmsetup
	clang-14 libclang-rt-14-dev llvm-14
)

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed'; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} = 0 ]; then
	echo "deps: all ${#pkgs[@]} packages present"
	exit 0
fi

sudo=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "deps: need root to install: ${missing[*]}" >&2; exit 1; }
	sudo=sudo
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
