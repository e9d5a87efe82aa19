/* audit.c - hashing and verification of the audit chain. */
#include "sec/audit.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/err.h"

static void put_i64(crypto_generichash_state *st, int64_t v)
{
	unsigned char b[8];
	uint64_t u = (uint64_t)v;

	for (int i = 7; i >= 0; i--) {
		b[i] = (unsigned char)(u & 0xff);
		u >>= 8;
	}
	crypto_generichash_update(st, b, sizeof(b));
}

static void put_str(crypto_generichash_state *st, const char *s)
{
	size_t n = strnlen(s, MODEL_CODE_MAX);
	unsigned char len[2] = { (unsigned char)(n >> 8), (unsigned char)(n & 0xff) };

	crypto_generichash_update(st, len, 2);
	crypto_generichash_update(st, (const unsigned char *)s, n);
}

void audit_hash(const struct audit_rec *a, unsigned char out[32])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, a->prev_hash, 32);
	put_i64(&st, a->seq);
	put_i64(&st, a->at);
	put_i64(&st, a->actor_user_id);
	put_str(&st, a->action);
	put_str(&st, a->record_type);
	put_i64(&st, a->record_id);
	put_i64(&st, a->client_id);
	/*
	 * Appended only when present, so every event written before details
	 * existed hashes exactly as it did: a 4-byte big-endian length, then
	 * the JSON text's bytes.
	 */
	if (a->detail && a->detail[0]) {
		size_t n = strlen(a->detail);
		unsigned char len[4] = {(unsigned char)(n >> 24), (unsigned char)(n >> 16),
					(unsigned char)(n >> 8), (unsigned char)n};

		crypto_generichash_update(&st, len, 4);
		crypto_generichash_update(&st, (const unsigned char *)a->detail, n);
	}
	crypto_generichash_final(&st, out, 32);
}

void audit_hex(const unsigned char h[32], char out[65])
{
	sodium_bin2hex(out, 65, h, 32);
}

struct verify {
	unsigned char prev[32]; /* the hash the next event must chain to */
	int64_t checked;
	int64_t bad_seq;
};

/* Stops the walk (non-zero) at the first event that breaks the chain. */
static int verify_one(void *ctx, const struct audit_rec *a)
{
	struct verify *v = ctx;
	struct audit_rec want = *a;
	unsigned char hash[32];

	memcpy(want.prev_hash, v->prev, 32);
	audit_hash(&want, hash);
	v->checked++;
	if (memcmp(a->prev_hash, v->prev, 32) || memcmp(a->hash, hash, 32)) {
		v->bad_seq = a->seq;
		return 1;
	}
	memcpy(v->prev, a->hash, 32);
	return 0;
}

int audit_verify(struct store *s, int64_t *checked, int64_t *bad_seq)
{
	struct verify v = { .checked = 0 };
	int rc = store_audit_each(s, 0, verify_one, &v);

	*checked = v.checked;
	*bad_seq = v.bad_seq;
	return rc == 1 ? 0 : rc;
}

/* ------------------------------------------------------------------ */
/* The Merkle tree of the entries                                       */
/* ------------------------------------------------------------------ */

static void sha_i64(crypto_hash_sha256_state *st, int64_t v)
{
	unsigned char b[8];
	uint64_t u = (uint64_t)v;

	for (int i = 7; i >= 0; i--) {
		b[i] = (unsigned char)(u & 0xff);
		u >>= 8;
	}
	crypto_hash_sha256_update(st, b, sizeof(b));
}

static void sha_str(crypto_hash_sha256_state *st, const char *s)
{
	size_t n = strnlen(s, MODEL_CODE_MAX);
	unsigned char len[2] = { (unsigned char)(n >> 8), (unsigned char)(n & 0xff) };

	crypto_hash_sha256_update(st, len, 2);
	crypto_hash_sha256_update(st, (const unsigned char *)s, n);
}

void audit_leaf(const struct audit_rec *a, merkle_hash out)
{
	crypto_hash_sha256_state st;
	size_t n = a->detail ? strlen(a->detail) : 0;
	unsigned char pre = 0x00;
	unsigned char len[4] = {(unsigned char)(n >> 24), (unsigned char)(n >> 16),
				(unsigned char)(n >> 8), (unsigned char)n};

	/* merkle_leaf() over the entry, streamed: the entry is never built whole. */
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &pre, 1);
	sha_i64(&st, a->seq);
	sha_i64(&st, a->at);
	sha_i64(&st, a->actor_user_id);
	sha_str(&st, a->action);
	sha_str(&st, a->record_type);
	sha_i64(&st, a->record_id);
	sha_i64(&st, a->client_id);
	crypto_hash_sha256_update(&st, len, 4);
	if (n)
		crypto_hash_sha256_update(&st, (const unsigned char *)a->detail, n);
	crypto_hash_sha256_final(&st, out);
}

struct tree_walk {
	struct verify chain;
	struct merkle_frontier f;
	int64_t head_size;
	int64_t last_seq;
	int64_t first_missing;
	bool head_reached;
	merkle_hash head_root;
	bool chain_only; /* audit_tree_load: no chain or seq checks */
	/* audit_verify_tree: the heads to compare with, the next one, what was found */
	const struct audit_head *heads;
	size_t n_heads, next;
	int64_t good_size, bad_size;
};

/* The heads of the tree's size now: their roots against the tree's. */
static void heads_check(struct tree_walk *w)
{
	merkle_hash root;
	bool have = false;

	while (w->next < w->n_heads && w->heads[w->next].tree_size == (int64_t)w->f.size) {
		const struct audit_head *h = &w->heads[w->next++];

		if (!have)
			merkle_frontier_root(&w->f, root);
		have = true;
		if (!memcmp(root, h->root, MERKLE_HASH)) {
			if (!w->bad_size)
				w->good_size = h->tree_size;
		} else if (!w->bad_size) {
			w->bad_size = h->tree_size;
		}
	}
}

static int tree_one(void *ctx, const struct audit_rec *a)
{
	struct tree_walk *w = ctx;
	merkle_hash leaf;

	if (!w->chain_only) {
		/* The chain: only its first break is named; the walk goes on for the tree. */
		if (!w->chain.bad_seq)
			verify_one(&w->chain, a);
		else
			w->chain.checked++;
		if (!w->first_missing && a->seq != w->last_seq + 1)
			w->first_missing = w->last_seq + 1;
	}
	w->last_seq = a->seq;
	audit_leaf(a, leaf);
	merkle_frontier_append(&w->f, leaf);
	if (w->head_size && (int64_t)w->f.size == w->head_size) {
		merkle_frontier_root(&w->f, w->head_root);
		w->head_reached = true;
	}
	heads_check(w);
	return 0;
}

int audit_verify_tree(struct store *s, const struct audit_head *heads, size_t n,
		      struct audit_report *out)
{
	struct tree_walk *w = calloc(1, sizeof(*w));
	int rc;

	memset(out, 0, sizeof(*out));
	if (!w)
		return ERR_NOMEM;
	w->heads = heads;
	w->n_heads = n;
	heads_check(w); /* heads of the empty tree */
	rc = store_audit_each(s, 0, tree_one, w);
	out->checked = w->chain.checked;
	out->last_seq = w->last_seq;
	out->first_bad = w->chain.bad_seq;
	out->first_missing = w->first_missing;
	out->good_size = w->good_size;
	out->bad_size = w->bad_size;
	out->unreached = w->next < n ? heads[n - 1].tree_size : 0;
	merkle_frontier_root(&w->f, out->root);
	free(w);
	return rc;
}

int audit_tree_load(struct store *s, int64_t head_size, struct merkle_frontier *f,
		    merkle_hash head_root, bool *reached)
{
	struct tree_walk *w = calloc(1, sizeof(*w));
	int rc;

	if (!w)
		return ERR_NOMEM;
	w->head_size = head_size;
	w->chain_only = true;
	rc = store_audit_each(s, 0, tree_one, w);
	*f = w->f;
	*reached = w->head_reached || head_size == 0;
	if (head_root)
		memcpy(head_root, w->head_root, MERKLE_HASH);
	free(w);
	return rc;
}

struct leaves_walk {
	merkle_hash *v;
	int64_t n, got;
};

/* Stops (1) at the n-th event, or (2) at a gap. */
static int leaves_one(void *ctx, const struct audit_rec *a)
{
	struct leaves_walk *w = ctx;

	if (a->seq != w->got + 1)
		return 2;
	audit_leaf(a, w->v[w->got++]);
	return w->got == w->n;
}

int audit_leaves(struct store *s, int64_t n, merkle_hash **out)
{
	struct leaves_walk w = { .n = n };
	int rc;

	*out = NULL;
	if (n <= 0)
		return ERR_NOTFOUND;
	if (!(w.v = malloc((size_t)n * sizeof(merkle_hash))))
		return ERR_NOMEM;
	rc = store_audit_each(s, 0, leaves_one, &w);
	if (rc < 0 || w.got != n) {
		free(w.v);
		return rc < 0 ? rc : ERR_NOTFOUND;
	}
	*out = w.v;
	return 0;
}
