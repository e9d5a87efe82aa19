/* audit.c - hashing and verification of the audit chain. */
#include "sec/audit.h"

#include <sodium.h>
#include <string.h>

#include "store/store.h"

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
