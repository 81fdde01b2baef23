# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers of the key tool's tests (issue 16: lsgc-kdc, userspace/kdc/).
# Source it from a test in this directory:
#
#	. "$(dirname "$0")/kdc_lib.sh"
#
# The tests need no module: they run lsgc-kdc as root (the VM lane's
# guest, or a host, since nothing here touches the kernel but the keyring
# and, in e2e.sh, a dm-crypt device that only the guest makes).
#
# KDC                      the tool (LSGC_KDC overrides)
# W                        a fresh directory (mode 0711), removed at exit
# KDC_OPS, KDC_MEM         small Argon2 limits: fast under TCG; never the
#                          defaults, which stay strong
# kdc CMD ARGS...          lsgc-kdc CMD with the small limits where CMD takes them
# kdc_pw PASS CMD ARGS...  the same, with the pass phrase PASS on fd 3
# kdc_expect RC DESC [-o REGEX] [-n REGEX] -- CMD...
#                          one test point: CMD exits RC and its output
#                          (stdout and stderr) matches -o, and never -n
# kdc_hex64_in TEXT        true if TEXT holds 64 hex digits in a row (a key)
# kdc_salt_py REALM IDHEX  the salt, by Python's hashlib (not our code)

. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

KDC=${LSGC_KDC:-$LSGC_REPO/userspace/kdc/lsgc-kdc}
KDC_OPS=1
KDC_MEM=8388608		# 8 MiB, 8192 KiB for argon2 -k

if [ ! -x "$KDC" ]; then
	echo "# $KDC missing: run make userspace"
	exit "$KSFT_FAIL"
fi

W=$(mktemp -d /tmp/lsgc-kdc.XXXXXX) || exit "$KSFT_FAIL"
# Traversable by others (the tests run lsgc-kdc as nobody too); every
# database in it is created 0600 all the same.
chmod 711 "$W"
_kdc_cleanup() { rm -rf "$W"; }
trap _kdc_cleanup EXIT

kdc() {
	local cmd=$1; shift
	case $cmd in
	register|key) "$KDC" "$cmd" --ops "$KDC_OPS" --mem "$KDC_MEM" "$@" ;;
	*) "$KDC" "$cmd" "$@" ;;
	esac
}

kdc_pw() {
	local pass=$1; shift
	kdc "$@" --passphrase-fd 3 3<<<"$pass"
}

kdc_hex64_in() { grep -Eq '[0-9a-fA-F]{64}' <<<"$1"; }

kdc_expect() {
	local want=$1 desc=$2 re= nre= out rc; shift 2
	while [ "$1" != -- ]; do
		case $1 in
		-o) re=$2; shift 2 ;;
		-n) nre=$2; shift 2 ;;
		*) echo "kdc_expect: bad option $1" >&2; return 1 ;;
		esac
	done
	shift
	out=$("$@" 2>&1); rc=$?
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
	if [ "$rc" != "$want" ]; then
		ktap_fail "$desc" "exit status $rc, want $want: $*"
	elif [ -n "$re" ] && ! grep -Eq -- "$re" <<<"$out"; then
		ktap_fail "$desc" "output does not match /$re/"
	elif [ -n "$nre" ] && grep -Eq -- "$nre" <<<"$out"; then
		ktap_fail "$desc" "output matches /$nre/"
	else
		ktap_ok "$desc"
	fi
}

# The salt as the spec defines it, computed by Python's hashlib (BLAKE2b
# with a 16-byte digest), never by lsgc-kdc:
#   blake2b(b"LSGC v1 salt" + realm + b"\0" + identity16, digest_size=16)
kdc_salt_py() {
	python3 -c 'import hashlib, sys; print(hashlib.blake2b(b"LSGC v1 salt" + sys.argv[1].encode() + b"\0" + bytes.fromhex(sys.argv[2]), digest_size=16).hexdigest())' "$1" "$2"
}

# kdc_idhex NAME: a printable identity zero padded to 16 bytes, in hex.
kdc_idhex() {
	python3 -c 'import sys; print(sys.argv[1].encode().ljust(16, b"\0").hex())' "$1"
}
