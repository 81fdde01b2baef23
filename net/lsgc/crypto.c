// SPDX-License-Identifier: GPL-2.0
/*
 * The cryptography of secure groups, all of it through the kernel crypto
 * API: the keyed PRF (hmac(sha256)), the key schedule derived from it,
 * and the AEAD (gcm(aes) or rfc7539(chacha20,poly1305)) under which every
 * packet, every key wrap and every admission is sealed.
 *
 * Key schedule (Documentation/networking/lsgc.rst has the full text):
 *
 *   S_A      = {SL}K_A = PRF(K_A, "lsgc v1 pair" || SL)
 *              the shared secret of member A with leader SL; the leader
 *              gets it from the KDC's pair key (kdc.c)
 *   K_join   = PRF(S_A, "lsgc v1 join" || session || N_A || N_L)
 *              seals the admission (JOIN_SACK) of one run
 *   W_A      = PRF(S_A, "lsgc v1 wrap" || session)
 *              seals A's copy of each view's session key (nonce: the view)
 *   K_v      random, one per view: seals every packet of the view
 *
 * Setting a gcm(aes) key allocates and may sleep, so every key object
 * (struct lsgc_skey) is made in process context: by the socket call, the
 * KDC answer, or the member's crypto work, which also unwraps the keys
 * of views the receive path saw arrive.  Using a key (lsgc_aead_crypt())
 * is fine in any context: the transforms are synchronous.
 */
#include <asm/unaligned.h>
#include <crypto/aead.h>
#include <crypto/hash.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/workqueue.h>

#include <uapi/linux/lsgc_kdc.h>

#include "lsgc.h"

static struct crypto_shash *lsgc_hmac;
static DEFINE_MUTEX(lsgc_hmac_lock); /* lsgc_hmac's key */

struct workqueue_struct *lsgc_wq;

/* Room for one AEAD request per CPU: no allocation per packet. */
#define LSGC_REQ_SIZE	1024

struct lsgc_req_buf {
	u8 b[LSGC_REQ_SIZE] __aligned(CRYPTO_MINALIGN);
};

static struct lsgc_req_buf __percpu *lsgc_req_buf;

static const char *lsgc_cipher_name(u8 cipher)
{
	switch (cipher) {
	case LSGC_CIPHER_AES_GCM:
		return "gcm(aes)";
	case LSGC_CIPHER_CHACHA20POLY1305:
		return "rfc7539(chacha20,poly1305)";
	}
	return NULL;
}

/**
 * lsgc_prf - HMAC-SHA-256 of the concatenation of up to three parts
 * @key: LSGC_KEY_LEN bytes
 * @a: first part
 * @alen: its length
 * @b: second part, or NULL
 * @blen: its length
 * @c: third part, or NULL
 * @clen: its length
 * @out: LSGC_KEY_LEN bytes
 *
 * Process context.
 *
 * Return: 0 or a negative errno.
 */
int lsgc_prf(const u8 *key, const void *a, size_t alen, const void *b,
	     size_t blen, const void *c, size_t clen, u8 *out)
{
	SHASH_DESC_ON_STACK(desc, lsgc_hmac);
	int err;

	mutex_lock(&lsgc_hmac_lock);
	desc->tfm = lsgc_hmac;
	err = crypto_shash_setkey(lsgc_hmac, key, LSGC_KEY_LEN) ?:
	      crypto_shash_init(desc) ?:
	      crypto_shash_update(desc, a, alen);
	if (!err && b)
		err = crypto_shash_update(desc, b, blen);
	if (!err && c)
		err = crypto_shash_update(desc, c, clen);
	if (!err)
		err = crypto_shash_final(desc, out);
	shash_desc_zero(desc);
	mutex_unlock(&lsgc_hmac_lock);
	return err;
}

/**
 * lsgc_pair_half - {X}K, one half of a pair key
 * @key: the long-term key K
 * @id: identity X
 * @out: LSGC_KEY_LEN bytes
 *
 * Return: 0 or a negative errno.
 */
int lsgc_pair_half(const u8 *key, const u8 *id, u8 *out)
{
	return lsgc_prf(key, LSGC_KDC_LABEL_PAIR, strlen(LSGC_KDC_LABEL_PAIR),
			id, LSGC_ID_LEN, NULL, 0, out);
}

/**
 * lsgc_derive_join - the key of one admission, K_join
 * @secret: the shared secret S_A
 * @session: the session
 * @nonce: the joiner's nonce
 * @lnonce: the leader's nonce, LSGC_LNONCE_LEN bytes
 * @out: LSGC_KEY_LEN bytes
 *
 * Return: 0 or a negative errno.
 */
int lsgc_derive_join(const u8 *secret, u32 session, u64 nonce,
		     const u8 *lnonce, u8 *out)
{
	static const char label[] = "lsgc v1 join";
	u8 run[12];

	put_unaligned_be32(session, run);
	put_unaligned_be64(nonce, run + 4);
	return lsgc_prf(secret, label, strlen(label), run, sizeof(run),
			lnonce, LSGC_LNONCE_LEN, out);
}

/**
 * lsgc_derive_wrap - a member's wrap key W_A
 * @secret: the shared secret S_A
 * @session: the session
 * @out: LSGC_KEY_LEN bytes
 *
 * Return: 0 or a negative errno.
 */
int lsgc_derive_wrap(const u8 *secret, u32 session, u8 *out)
{
	static const char label[] = "lsgc v1 wrap";
	__be32 s = cpu_to_be32(session);

	return lsgc_prf(secret, label, strlen(label), &s, sizeof(s), NULL, 0,
			out);
}

static void lsgc_skey_free_work(struct work_struct *work)
{
	struct lsgc_skey *k = container_of(to_rcu_work(work), struct lsgc_skey,
					   rwork);

	crypto_free_aead(k->tfm);
	kfree_sensitive(k);
}

/**
 * lsgc_skey_new - a key object: an AEAD transform keyed with @raw
 * @cipher: enum lsgc_cipher
 * @epoch: what the key is for (a view's epoch; 0 for other keys)
 * @raw: LSGC_KEY_LEN bytes, or NULL for a fresh random key
 *
 * Process context: setting the key may sleep.  The raw bytes are kept
 * (the leader wraps a view's key for each member) and wiped on free.
 *
 * Return: the key, or an ERR_PTR().
 */
struct lsgc_skey *lsgc_skey_new(u8 cipher, u32 epoch, const u8 *raw)
{
	const char *name = lsgc_cipher_name(cipher);
	struct lsgc_skey *k;
	int err;

	if (!name)
		return ERR_PTR(-EINVAL);
	k = kzalloc(sizeof(*k), GFP_KERNEL_ACCOUNT);
	if (!k)
		return ERR_PTR(-ENOMEM);
	/* Synchronous transforms only: the receive path runs in softirq
	 * context and cannot wait for a completion.
	 */
	k->tfm = crypto_alloc_aead(name, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(k->tfm)) {
		err = PTR_ERR(k->tfm);
		kfree(k);
		return ERR_PTR(err);
	}
	if (raw)
		memcpy(k->raw, raw, LSGC_KEY_LEN);
	else
		get_random_bytes(k->raw, LSGC_KEY_LEN);
	err = crypto_aead_setkey(k->tfm, k->raw, LSGC_KEY_LEN) ?:
	      crypto_aead_setauthsize(k->tfm, LSGC_TAG_LEN);
	if (err) {
		crypto_free_aead(k->tfm);
		kfree_sensitive(k);
		return ERR_PTR(err);
	}
	k->epoch = epoch;
	k->cipher = cipher;
	INIT_RCU_WORK(&k->rwork, lsgc_skey_free_work);
	return k;
}

/**
 * lsgc_skey_free - free a key once no reader can hold it
 * @k: the key, or NULL
 *
 * Any context.  Readers find keys under RCU (the receive and transmit
 * paths), so the transform is freed after a grace period, in process
 * context, and the raw key is wiped with it.
 */
void lsgc_skey_free(struct lsgc_skey *k)
{
	if (k)
		queue_rcu_work(lsgc_wq, &k->rwork);
}

/**
 * lsgc_aead_crypt - seal or open a buffer in place
 * @k: the key
 * @enc: seal (else open)
 * @sender: first part of the nonce, the sending member's number
 * @counter: second part, the sender's packet counter (unique per key)
 * @buf: associated data, then the text; when sealing, room for the tag
 *	after it
 * @adlen: bytes of associated data
 * @len: when sealing, the plaintext's length; when opening, the
 *	ciphertext's with its tag
 *
 * Process or softirq context; no lock is needed, the key is only read.
 *
 * Return: 0 or a negative errno (-EBADMSG: the tag did not verify).
 */
int lsgc_aead_crypt(struct lsgc_skey *k, bool enc, u32 sender, u64 counter,
		    u8 *buf, unsigned int adlen, unsigned int len)
{
	unsigned int size = sizeof(struct aead_request) +
			    crypto_aead_reqsize(k->tfm);
	struct aead_request *req;
	struct scatterlist sg;
	u8 iv[LSGC_NONCE_LEN];
	bool own = false;
	int err;

	if (!enc && len < LSGC_TAG_LEN)
		return -EBADMSG;
	/* The per-CPU request: with bottom halves off nothing else on this
	 * CPU can be in here, and the transforms never sleep.
	 */
	local_bh_disable();
	if (size <= LSGC_REQ_SIZE) {
		req = (void *)this_cpu_ptr(lsgc_req_buf)->b;
		aead_request_set_tfm(req, k->tfm);
	} else {
		req = aead_request_alloc(k->tfm, GFP_ATOMIC);
		own = true;
		if (!req) {
			local_bh_enable();
			return -ENOMEM;
		}
	}
	put_unaligned_be32(sender, iv);
	put_unaligned_be64(counter, iv + 4);
	sg_init_one(&sg, buf, adlen + len + (enc ? LSGC_TAG_LEN : 0));
	aead_request_set_callback(req, 0, NULL, NULL);
	aead_request_set_ad(req, adlen);
	aead_request_set_crypt(req, &sg, &sg, len, iv);
	err = enc ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
	if (own)
		aead_request_free(req);
	else
		memzero_explicit(req, size);
	local_bh_enable();
	return err;
}

/* Known answers of the key schedule, computed independently of this code
 * with Python's hmac module:
 *
 *   import hmac, hashlib, struct
 *   K, S = bytes(range(32)), bytes(range(32, 64))
 *   h = lambda k, m: hmac.new(k, m, hashlib.sha256).hexdigest()
 *   h(K, b"lsgc v1 pair" + b"alice".ljust(16, b"\0"))
 *   h(S, b"lsgc v1 join" + struct.pack(">IQ", 0x01020304,
 *     0x1122334455667788) + bytes(range(0xa0, 0xb0)))
 *   h(S, b"lsgc v1 wrap" + struct.pack(">I", 0x01020304))
 *
 * Checked at module load: a module whose derivations differ from the
 * specification (and from the KDC's) refuses to load.
 */
static const u8 lsgc_kat_pair[LSGC_KEY_LEN] = {
	0x0f, 0x68, 0xbd, 0x56, 0xd1, 0xc1, 0x62, 0x0b, 0x47, 0xdf, 0x8d,
	0x54, 0xf0, 0x39, 0xba, 0xa2, 0xdc, 0x92, 0xa4, 0x0d, 0xea, 0x6e,
	0xd4, 0x23, 0xab, 0x93, 0x6d, 0xd6, 0xd7, 0x69, 0x38, 0xf7,
};

static const u8 lsgc_kat_join[LSGC_KEY_LEN] = {
	0x93, 0xa6, 0x31, 0xc8, 0x2e, 0x9e, 0x50, 0x21, 0xe0, 0x10, 0x52,
	0x0a, 0xf2, 0x60, 0xa8, 0x5e, 0x76, 0x2a, 0x95, 0x06, 0xaa, 0x93,
	0x2a, 0x7d, 0xb6, 0xe4, 0x17, 0xee, 0xb9, 0xc3, 0xb2, 0xd1,
};

static const u8 lsgc_kat_wrap[LSGC_KEY_LEN] = {
	0x48, 0x5b, 0x68, 0x27, 0x2d, 0x3a, 0xb4, 0x06, 0x21, 0x60, 0x8c,
	0xd0, 0x8e, 0xb3, 0x45, 0x63, 0xd5, 0x92, 0x17, 0x22, 0x2d, 0xdf,
	0xb5, 0x02, 0x3e, 0x27, 0xa9, 0xe0, 0x9d, 0x59, 0x8c, 0xc4,
};

static int __init lsgc_crypto_selftest(void)
{
	u8 k[LSGC_KEY_LEN], s[LSGC_KEY_LEN], ln[LSGC_LNONCE_LEN];
	u8 id[LSGC_ID_LEN] = "alice", out[LSGC_KEY_LEN];
	unsigned int i;

	for (i = 0; i < LSGC_KEY_LEN; i++) {
		k[i] = i;
		s[i] = 32 + i;
	}
	for (i = 0; i < LSGC_LNONCE_LEN; i++)
		ln[i] = 0xa0 + i;
	if (lsgc_pair_half(k, id, out) || memcmp(out, lsgc_kat_pair, sizeof(out)) ||
	    lsgc_derive_join(s, 0x01020304, 0x1122334455667788ULL, ln, out) ||
	    memcmp(out, lsgc_kat_join, sizeof(out)) ||
	    lsgc_derive_wrap(s, 0x01020304, out) ||
	    memcmp(out, lsgc_kat_wrap, sizeof(out))) {
		pr_err("lsgc: the key schedule fails its known answers\n");
		return -EINVAL;
	}
	return 0;
}

/**
 * lsgc_crypto_init - the module's PRF transform and work queue
 *
 * Return: 0 or a negative errno.
 */
int __init lsgc_crypto_init(void)
{
	lsgc_hmac = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(lsgc_hmac))
		return PTR_ERR(lsgc_hmac);
	if (lsgc_crypto_selftest()) {
		crypto_free_shash(lsgc_hmac);
		return -EINVAL;
	}
	lsgc_req_buf = alloc_percpu(struct lsgc_req_buf);
	lsgc_wq = alloc_workqueue("lsgc_keys", WQ_UNBOUND, 0);
	if (!lsgc_wq || !lsgc_req_buf) {
		if (lsgc_wq)
			destroy_workqueue(lsgc_wq);
		free_percpu(lsgc_req_buf);
		crypto_free_shash(lsgc_hmac);
		return -ENOMEM;
	}
	return 0;
}

/**
 * lsgc_crypto_exit - undo lsgc_crypto_init(), after every member is gone
 *
 * Keys freed last wait in RCU callbacks that queue their work: barrier
 * first, then drain the queue.
 */
void lsgc_crypto_exit(void)
{
	rcu_barrier();
	flush_workqueue(lsgc_wq);
	rcu_barrier();
	destroy_workqueue(lsgc_wq);
	free_percpu(lsgc_req_buf);
	crypto_free_shash(lsgc_hmac);
}
