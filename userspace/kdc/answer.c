// SPDX-License-Identifier: GPL-2.0
/*
 * lsgc-kdc: the KDC's answer to a request for pair keys, the algebra of
 * include/uapi/linux/lsgc_kdc.h.
 *
 *	PRF(K, X)	= HMAC-SHA-256(key K, message X)
 *	{X}K		= PRF(K, "lsgc v1 pair" || X)
 *	pair(SL, A)	= {A}K_SL xor {SL}K_A
 *	K_kdc		= PRF(K_SL, "lsgc v1 kdc")
 *	MAC		= PRF(K_kdc, "lsgc v1 kdc answer" || nonce || SL || be32 n ||
 *			      for each peer: id || be32 status || pair or 32 zeros)
 *
 * Everything here serves both the daemon (serve, kdcd) and the test
 * command pair, so that the tests check the code that answers the kernel.
 * The halves {A}K_SL and {SL}K_A, K_kdc and the HMAC states (which are
 * functions of the keys) live in sodium_malloc() memory and are wiped.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sodium.h>

#include "kdc.h"

struct scratch {
	crypto_auth_hmacsha256_state st;
	unsigned char kkdc[KDC_KEY_LEN];
	unsigned char h1[crypto_auth_hmacsha256_BYTES];
	unsigned char h2[crypto_auth_hmacsha256_BYTES];
};

static int prf_start(crypto_auth_hmacsha256_state *st, const unsigned char key[KDC_KEY_LEN],
		     const char *label)
{
	return crypto_auth_hmacsha256_init(st, key, KDC_KEY_LEN) ||
	       crypto_auth_hmacsha256_update(st, (const unsigned char *)label, strlen(label));
}

/* {X}K = PRF(K, "lsgc v1 pair" || X), X an identity. */
static int half(crypto_auth_hmacsha256_state *st, const unsigned char key[KDC_KEY_LEN],
		const unsigned char x[LSGC_ID_LEN], unsigned char out[KDC_KEY_LEN])
{
	return prf_start(st, key, LSGC_KDC_LABEL_PAIR) ||
	       crypto_auth_hmacsha256_update(st, x, LSGC_ID_LEN) ||
	       crypto_auth_hmacsha256_final(st, out);
}

static int put_be32(crypto_auth_hmacsha256_state *st, uint32_t v)
{
	uint32_t be = htonl(v);

	return crypto_auth_hmacsha256_update(st, (const unsigned char *)&be, sizeof(be));
}

int kdc_answer_mac(const unsigned char k_sl[KDC_KEY_LEN], const struct kdc_request *rq,
		   struct kdc_answer *an)
{
	static const unsigned char zero[LSGC_KDC_PAIR_LEN];
	struct scratch *s;
	uint32_t i;
	int bad;

	s = sodium_malloc(sizeof(*s));
	if (!s) {
		kdc_err("out of locked memory");
		return KDC_ECRYPTO;
	}
	bad = prf_start(&s->st, k_sl, LSGC_KDC_LABEL_KDC) ||
	      crypto_auth_hmacsha256_final(&s->st, s->kkdc) ||
	      prf_start(&s->st, s->kkdc, LSGC_KDC_LABEL_ANSWER) ||
	      crypto_auth_hmacsha256_update(&s->st, rq->nonce, LSGC_KDC_NONCE_LEN) ||
	      crypto_auth_hmacsha256_update(&s->st, rq->requester, LSGC_ID_LEN) ||
	      put_be32(&s->st, an->n);
	for (i = 0; !bad && i < an->n; i++) {
		const struct kdc_answer_peer *p = &an->peer[i];

		bad = crypto_auth_hmacsha256_update(&s->st, p->id, LSGC_ID_LEN) ||
		      put_be32(&s->st, p->status) ||
		      crypto_auth_hmacsha256_update(&s->st, p->status ? zero : p->pair,
						    LSGC_KDC_PAIR_LEN);
	}
	if (!bad)
		bad = crypto_auth_hmacsha256_final(&s->st, an->mac);
	sodium_free(s);		/* wipes K_kdc and the state */
	if (bad) {
		kdc_err("HMAC-SHA-256 failed");
		return KDC_ECRYPTO;
	}
	return KDC_OK;
}

/*
 * The answer to rq from db.  A requester the database does not know fails
 * the whole request with ENOKEY (no peers, no MAC: the kernel could not
 * check one); otherwise every peer is answered in the request's order, 0
 * and the pair key or ENOKEY.  The database has no disabled identities,
 * so EKEYREVOKED is never given.  Returns KDC_OK when an answer (maybe a
 * failed one) is in *an, else a KDC_E* status (libsodium failed).
 */
int kdc_answer(struct kdc_db *db, const struct kdc_request *rq, struct kdc_answer *an)
{
	const struct kdc_entry *sl, *a;
	struct scratch *s;
	uint32_t i, j;
	int ret = KDC_OK;

	memset(an, 0, sizeof(*an));
	an->req_id = rq->req_id;
	sl = db ? kdc_db_find(db, rq->requester) : NULL;
	if (!sl) {
		an->status = db ? ENOKEY : EIO;
		return KDC_OK;
	}
	s = sodium_malloc(sizeof(*s));
	if (!s) {
		kdc_err("out of locked memory");
		return KDC_ECRYPTO;
	}
	an->n = rq->n;
	for (i = 0; i < rq->n; i++) {
		struct kdc_answer_peer *p = &an->peer[i];

		memcpy(p->id, rq->peer[i], LSGC_ID_LEN);
		a = kdc_db_find(db, p->id);
		if (!a) {
			p->status = ENOKEY;
			continue;
		}
		/* pair(SL, A) = {A}K_SL xor {SL}K_A */
		if (half(&s->st, sl->key, a->id, s->h1) || half(&s->st, a->key, sl->id, s->h2)) {
			kdc_err("HMAC-SHA-256 failed");
			ret = KDC_ECRYPTO;
			break;
		}
		for (j = 0; j < LSGC_KDC_PAIR_LEN; j++)
			p->pair[j] = s->h1[j] ^ s->h2[j];
	}
	sodium_free(s);
	if (!ret)
		ret = kdc_answer_mac(sl->key, rq, an);
	if (ret) {
		sodium_memzero(an, sizeof(*an));
		an->req_id = rq->req_id;
		an->status = EIO;
	}
	return ret;
}

/* An errno of the answer by name, for logs and the test command's output. */
const char *kdc_status_name(uint32_t status)
{
	switch (status) {
	case 0:
		return "ok";
	case ENOKEY:
		return "ENOKEY";
	case EKEYREVOKED:
		return "EKEYREVOKED";
	case EIO:
		return "EIO";
	case ETIMEDOUT:
		return "ETIMEDOUT";
	default:
		return "errno";
	}
}

/*
 * The answer as text (pair and relay-query print it; the tests compare
 * it with Python's):
 *
 *	req_id N
 *	status S		0, or the errno that failed the request (then nothing follows)
 *	peer IDHEX S PAIRHEX	per peer, in order; "-" for the pair when S is not 0
 *	mac MACHEX
 */
void kdc_answer_print(FILE *f, const struct kdc_answer *an)
{
	char id[KDC_ID_HEX_LEN + 1], hex[2 * LSGC_KDC_PAIR_LEN + 1];
	uint32_t i;

	fprintf(f, "req_id %u\nstatus %u\n", an->req_id, an->status);
	if (an->status)
		return;
	for (i = 0; i < an->n; i++) {
		kdc_id_hex(an->peer[i].id, id);
		if (an->peer[i].status)
			strcpy(hex, "-");
		else
			sodium_bin2hex(hex, sizeof(hex), an->peer[i].pair, LSGC_KDC_PAIR_LEN);
		fprintf(f, "peer %s %u %s\n", id, an->peer[i].status, hex);
	}
	sodium_bin2hex(hex, sizeof(hex), an->mac, LSGC_KDC_MAC_LEN);
	fprintf(f, "mac %s\n", hex);
}

/* ---------------------------------------------------------------- the live database */

/*
 * The daemons' database, loaded again whenever the file changes: a
 * register or remove replaces it by rename, so its inode, size, mtime or
 * ctime differ.  While the file is missing or malformed the daemons have
 * no database (they answer EIO) rather than an old one, so that a removed
 * identity does not keep working because a later edit went wrong.
 */
static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

int kdc_live_open(struct kdc_live_db *l, const char *path, const char *realm)
{
	int ret;

	memset(l, 0, sizeof(*l));
	l->path = path;
	l->realm = realm;
	if (lstat(path, &l->st)) {
		kdc_err("%s: %s", path, strerror(errno));
		return KDC_EDB;
	}
	ret = kdc_db_load(path, 1, &l->db);
	if (ret)
		return ret;
	if (realm && strcmp(realm, l->db.realm)) {
		kdc_err("%s is the database of realm '%s', not '%s'", path, l->db.realm, realm);
		kdc_db_free(&l->db);
		return KDC_EUSAGE;
	}
	l->ok = 1;
	return KDC_OK;
}

/* The database to answer from, NULL if there is none just now. */
struct kdc_db *kdc_live_get(struct kdc_live_db *l, int force)
{
	struct stat st;
	int ret;

	if (lstat(l->path, &st)) {
		if (l->ok || !l->down)
			kdc_err("%s: %s: answering EIO until it is back", l->path, strerror(errno));
		if (l->ok)
			kdc_db_free(&l->db);
		l->ok = 0;
		l->down = 1;
		memset(&l->st, 0, sizeof(l->st));
		return NULL;
	}
	if (!force && (l->ok || l->down) && same_file(&st, &l->st))
		return l->ok ? &l->db : NULL;
	if (l->ok)
		kdc_db_free(&l->db);
	l->ok = 0;
	l->st = st;	/* a change during the load is seen next time */
	ret = kdc_db_load(l->path, 1, &l->db);
	if (!ret && l->realm && strcmp(l->realm, l->db.realm)) {
		kdc_err("%s: now the database of realm '%s', not '%s'", l->path, l->db.realm,
			l->realm);
		kdc_db_free(&l->db);
		ret = KDC_EUSAGE;
	}
	if (ret) {
		kdc_err("%s: unusable: answering EIO until it is fixed", l->path);
		l->down = 1;
		return NULL;
	}
	l->ok = 1;
	l->down = 0;
	l->loads++;
	kdc_err("%s: loaded, %zu identit%s", l->path, l->db.n, l->db.n == 1 ? "y" : "ies");
	return &l->db;
}

void kdc_live_close(struct kdc_live_db *l)
{
	if (l->ok)
		kdc_db_free(&l->db);
	l->ok = 0;
}
