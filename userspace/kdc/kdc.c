// SPDX-License-Identifier: GPL-2.0
/*
 * lsgc-kdc: identities, realms, the key derivation and the pass phrase.
 *
 * Every primitive is libsodium's: BLAKE2b (crypto_generichash) for the
 * salt, Argon2id version 1.3 (crypto_pwhash) for the key.  These are the
 * functions every command goes through, register (KDC side), key (member
 * side), verify and the known-answer tests alike, so that the tests
 * exercise the code path the keys are made by.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <fcntl.h>
#include <sodium.h>

#include "kdc.h"

void kdc_err(const char *fmt, ...)
{
	va_list ap;

	fputs("lsgc-kdc: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * An identity on the command line: a printable name of 1 to 16 bytes
 * (ASCII without spaces, as the paper's identities are), or "0x" and 2 to
 * 32 hex digits for any bytes.  Either way it is zero padded to
 * LSGC_ID_LEN, which is how struct lsgc_join_req carries it; so "alice"
 * and "0x616c696365" are the same identity.  All zero bytes are refused:
 * that is what an unset id field looks like.
 */
int kdc_parse_id(const char *arg, unsigned char id[LSGC_ID_LEN])
{
	size_t len = strlen(arg), i, bin_len;
	const char *end;

	memset(id, 0, LSGC_ID_LEN);
	if (!strncmp(arg, "0x", 2)) {
		len -= 2;
		if (len == 0 || len % 2 || len > KDC_ID_HEX_LEN) {
			kdc_err("identity '%s': 0x must be followed by 2 to %d hex digits, an even number",
				arg, KDC_ID_HEX_LEN);
			return KDC_EUSAGE;
		}
		if (sodium_hex2bin(id, LSGC_ID_LEN, arg + 2, len, NULL, &bin_len, &end) ||
		    bin_len != len / 2 || *end) {
			kdc_err("identity '%s': not hexadecimal", arg);
			return KDC_EUSAGE;
		}
	} else {
		if (len == 0 || len > LSGC_ID_LEN) {
			kdc_err("identity '%s': a name has 1 to %d bytes (or use 0x and hex)",
				arg, LSGC_ID_LEN);
			return KDC_EUSAGE;
		}
		for (i = 0; i < len; i++) {
			if (arg[i] < 0x21 || arg[i] > 0x7e) {
				kdc_err("identity: a name is printable ASCII without spaces (or use 0x and hex)");
				return KDC_EUSAGE;
			}
		}
		memcpy(id, arg, len);
	}
	if (sodium_is_zero(id, LSGC_ID_LEN)) {
		kdc_err("identity '%s': all zero bytes", arg);
		return KDC_EUSAGE;
	}
	return KDC_OK;
}

void kdc_id_hex(const unsigned char id[LSGC_ID_LEN], char hex[KDC_ID_HEX_LEN + 1])
{
	sodium_bin2hex(hex, KDC_ID_HEX_LEN + 1, id, LSGC_ID_LEN);
}

/* The identity as a name when it is one (printable, then zeros), else "-". */
void kdc_id_name(const unsigned char id[LSGC_ID_LEN], char name[LSGC_ID_LEN + 1])
{
	size_t n = 0;

	while (n < LSGC_ID_LEN && id[n] >= 0x21 && id[n] <= 0x7e)
		n++;
	if (n == 0 || !sodium_is_zero(id + n, LSGC_ID_LEN - n)) {
		strcpy(name, "-");
		return;
	}
	memcpy(name, id, n);
	name[n] = '\0';
}

/*
 * A realm separates the salts of two KDCs that would otherwise give one
 * identity and pass phrase the same key.  It is written in the database
 * header and hashed before a 0x00 separator: printable, no spaces.
 */
int kdc_check_realm(const char *realm)
{
	size_t len = strlen(realm), i;

	if (len == 0 || len > KDC_REALM_MAX) {
		kdc_err("realm '%s': 1 to %d bytes", realm, KDC_REALM_MAX);
		return KDC_EUSAGE;
	}
	for (i = 0; i < len; i++) {
		if (realm[i] < 0x21 || realm[i] > 0x7e) {
			kdc_err("realm: printable ASCII without spaces");
			return KDC_EUSAGE;
		}
	}
	return KDC_OK;
}

/*
 * libsodium takes the memory limit in bytes and hands Argon2 whole KiB:
 * a limit that is not a multiple of 1024 would be recorded as one thing
 * and computed as another, so it is refused.
 */
int kdc_limits_ok(unsigned long long ops, size_t mem)
{
	return ops >= crypto_pwhash_OPSLIMIT_MIN && ops <= crypto_pwhash_OPSLIMIT_MAX &&
	       mem >= crypto_pwhash_MEMLIMIT_MIN && mem <= crypto_pwhash_MEMLIMIT_MAX &&
	       mem % 1024 == 0;
}

int kdc_check_limits(unsigned long long ops, size_t mem)
{
	if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > crypto_pwhash_OPSLIMIT_MAX) {
		kdc_err("--ops %llu: out of libsodium's range %llu..%llu", ops,
			(unsigned long long)crypto_pwhash_OPSLIMIT_MIN,
			(unsigned long long)crypto_pwhash_OPSLIMIT_MAX);
		return KDC_EUSAGE;
	}
	if (mem < crypto_pwhash_MEMLIMIT_MIN || mem > crypto_pwhash_MEMLIMIT_MAX) {
		kdc_err("--mem %zu: out of libsodium's range %zu..%zu bytes", mem,
			(size_t)crypto_pwhash_MEMLIMIT_MIN, (size_t)crypto_pwhash_MEMLIMIT_MAX);
		return KDC_EUSAGE;
	}
	if (mem % 1024) {
		kdc_err("--mem %zu: not a multiple of 1024 bytes (Argon2 counts KiB)", mem);
		return KDC_EUSAGE;
	}
	return KDC_OK;
}

/*
 * salt = BLAKE2b-128("LSGC v1 salt" || realm || 0x00 || identity[16]).
 * Deterministic, so the member needs nothing from the KDC to derive its
 * key; per identity and per realm, so that one pass phrase used twice
 * does not give two identities (or two realms) the same key, and a
 * dictionary has to be computed again for every identity.  The 0x00 ends
 * the realm, which holds none, so no two (realm, identity) pairs hash the
 * same bytes.
 */
int kdc_salt(const char *realm, const unsigned char id[LSGC_ID_LEN],
	     unsigned char salt[KDC_SALT_LEN])
{
	static const unsigned char zero;
	crypto_generichash_state st;

	if (crypto_generichash_init(&st, NULL, 0, KDC_SALT_LEN) ||
	    crypto_generichash_update(&st, (const unsigned char *)KDC_SALT_LABEL,
				      strlen(KDC_SALT_LABEL)) ||
	    crypto_generichash_update(&st, (const unsigned char *)realm, strlen(realm)) ||
	    crypto_generichash_update(&st, &zero, 1) ||
	    crypto_generichash_update(&st, id, LSGC_ID_LEN) ||
	    crypto_generichash_final(&st, salt, KDC_SALT_LEN)) {
		kdc_err("BLAKE2b failed");
		return KDC_ECRYPTO;
	}
	return KDC_OK;
}

/* Argon2id v1.3, one lane, 32 bytes: what `argon2 -id -p 1 -l 32` computes. */
int kdc_derive(const char *pass, size_t len, const unsigned char salt[KDC_SALT_LEN],
	       unsigned long long ops, size_t mem, unsigned char key[KDC_KEY_LEN])
{
	int ret = kdc_check_limits(ops, mem);

	if (ret)
		return ret;
	if (crypto_pwhash(key, KDC_KEY_LEN, pass, len, salt, ops, mem,
			  crypto_pwhash_ALG_ARGON2ID13)) {
		sodium_memzero(key, KDC_KEY_LEN);
		kdc_err("Argon2id failed (out of memory for --mem %zu?)", mem);
		return KDC_ECRYPTO;
	}
	return KDC_OK;
}

/* What a member computes: the salt from realm and identity, then the key. */
int kdc_member_key(const unsigned char id[LSGC_ID_LEN], const char *realm,
		   unsigned long long ops, size_t mem, const char *pass, size_t len,
		   unsigned char key[KDC_KEY_LEN])
{
	unsigned char salt[KDC_SALT_LEN];
	int ret;

	ret = kdc_salt(realm, id, salt);
	if (!ret)
		ret = kdc_derive(pass, len, salt, ops, mem, key);
	return ret;
}

/* ---------------------------------------------------------------- pass phrase */

/*
 * The terminal's settings while echo is off, so that a signal that ends
 * the program does not leave the user's terminal without echo.
 */
static int tty_fd = -1;
static struct termios tty_saved;

static void tty_restore(int sig)
{
	tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * One line from fd, a byte at a time: no stdio buffer keeps a copy of the
 * pass phrase, and nothing past the newline is consumed.  buf has room for
 * KDC_PASS_MAX bytes and a NUL.
 */
static int read_line(int fd, char *buf, size_t *len)
{
	size_t n = 0;
	ssize_t r;
	char c;

	for (;;) {
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			kdc_err("reading the pass phrase: %s", strerror(errno));
			return KDC_EPASS;
		}
		if (r == 0 || c == '\n')
			break;
		if (n == KDC_PASS_MAX) {
			c = 0;
			kdc_err("pass phrase longer than %d bytes", KDC_PASS_MAX);
			return KDC_EPASS;
		}
		buf[n++] = c;
	}
	c = 0;
	buf[n] = '\0';
	*len = n;
	return KDC_OK;
}

static int read_tty(const char *prompt, char *buf, size_t *len)
{
	struct sigaction sa = { .sa_handler = tty_restore };
	struct sigaction old_int, old_term, old_hup;
	struct termios t;
	int ret;

	if (tcgetattr(tty_fd, &tty_saved)) {
		kdc_err("/dev/tty: %s", strerror(errno));
		return KDC_EPASS;
	}
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	t = tty_saved;
	t.c_lflag &= ~(tcflag_t)ECHO;
	t.c_lflag |= ECHONL;
	if (write(tty_fd, prompt, strlen(prompt)) < 0 ||
	    tcsetattr(tty_fd, TCSAFLUSH, &t)) {
		kdc_err("/dev/tty: %s", strerror(errno));
		ret = KDC_EPASS;
	} else {
		ret = read_line(tty_fd, buf, len);
	}
	tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	return ret;
}

/*
 * The pass phrase: from fd (the first line, for scripts) or, with fd < 0,
 * from the controlling terminal without echo, twice when confirm is set
 * (registration: a typo would register a key nobody can derive).  Empty
 * is refused.  *pass is sodium_malloc() memory (locked, guarded): give it
 * back with kdc_free_pass().
 */
int kdc_read_pass(int fd, const char *prompt, int confirm, char **pass, size_t *len)
{
	char *p, *again = NULL;
	size_t n, n2;
	int ret;

	*pass = NULL;
	p = sodium_malloc(KDC_PASS_MAX + 1);
	if (!p) {
		kdc_err("out of locked memory for the pass phrase");
		return KDC_ECRYPTO;
	}
	if (fd >= 0) {
		ret = read_line(fd, p, &n);
	} else {
		tty_fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (tty_fd < 0) {
			kdc_err("no terminal to read the pass phrase from: use --passphrase-fd");
			sodium_free(p);
			return KDC_EPASS;
		}
		ret = read_tty(prompt, p, &n);
		if (!ret && confirm && n) {
			again = sodium_malloc(KDC_PASS_MAX + 1);
			if (!again) {
				kdc_err("out of locked memory for the pass phrase");
				ret = KDC_ECRYPTO;
			} else {
				ret = read_tty("Again: ", again, &n2);
			}
			if (!ret && (n2 != n || sodium_memcmp(p, again, n))) {
				kdc_err("the pass phrases differ");
				ret = KDC_EPASS;
			}
			sodium_free(again);	/* wipes it */
		}
		close(tty_fd);
		tty_fd = -1;
	}
	if (!ret && n == 0) {
		kdc_err("empty pass phrase refused");
		ret = KDC_EPASS;
	}
	if (ret) {
		sodium_free(p);
		return ret;
	}
	*pass = p;
	*len = n;
	return KDC_OK;
}

void kdc_free_pass(char *pass, size_t len)
{
	if (!pass)
		return;
	sodium_memzero(pass, len);	/* sodium_free() wipes it too; be explicit */
	sodium_free(pass);
}
