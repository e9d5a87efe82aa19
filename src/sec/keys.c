/* keys.c - the keyring's use: seal and open for the store, opening, rotation, shredding, status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sec/keys_int.h"
#include "util/err.h"

/* ================================================================
 * The cipher
 * ================================================================ */

/* Appends s (at most the room left, keeping one byte for the NUL) at ad + *at. */
static void ad_str(char *ad, size_t n, size_t *at, const char *s)
{
	size_t len = strnlen(s, n - 1 - *at);

	memcpy(ad + *at, s, len);
	*at += len;
}

/* Appends v in decimal. */
static void ad_int(char *ad, size_t n, size_t *at, long long v)
{
	char d[24];
	size_t i = sizeof(d);
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;

	d[--i] = '\0';
	do
		d[--i] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		d[--i] = '-';
	ad_str(ad, n, at, d + i);
}

/*
 * "alihdaya.seal.1 client=%lld record=%s:%lld field=%s key=%u", truncated at
 * n - 1 as snprintf would, written by hand: it is made for every value sealed
 * (each imported row's payload), where snprintf was a fifth of the seal's time.
 */
static void seal_ad(char *ad, size_t n, const struct store_seal_ad *a, uint32_t version)
{
	size_t at = 0;

	ad_str(ad, n, &at, "alihdaya.seal.1 client=");
	ad_int(ad, n, &at, (long long)a->client_id);
	ad_str(ad, n, &at, " record=");
	ad_str(ad, n, &at, a->record_type);
	ad_str(ad, n, &at, ":");
	ad_int(ad, n, &at, (long long)a->record_id);
	ad_str(ad, n, &at, " field=");
	ad_str(ad, n, &at, a->field);
	ad_str(ad, n, &at, " key=");
	ad_int(ad, n, &at, (long long)version);
	ad[at] = '\0';
}

/* Makes the client's first data key and writes the keyring (exclusive lock held). */
static int key_create(struct keyring *k, int64_t client, struct buf *err)
{
	unsigned char key[KEY_BYTES];
	int rc;

	if (!k->writable || !k->have_master)
		return buf_error(err, ERR_INTERNAL, "keyring: no key for client %lld here",
				 (long long)client);
	randombytes_buf(key, sizeof(key));
	rc = keys__key_add(k, client, 1, key);
	sodium_memzero(key, sizeof(key));
	if (rc)
		return buf_error(err, rc, "keyring: out of memory");
	rc = keys__ring_write(k, err);
	if (rc)
		keys__key_drop(k, client);
	return rc;
}

int keys_seal(struct keyring *k, const struct store_seal_ad *ad, const void *plain, size_t len,
	      unsigned char **out, size_t *out_len, struct buf *err)
{
	const struct dkey *d;
	char a[256];
	unsigned char *blob;
	int rc = 0;

	*out = NULL;
	pthread_rwlock_rdlock(&k->lock);
	while (!(d = keys__key_newest(k, ad->client_id))) {
		pthread_rwlock_unlock(&k->lock);
		pthread_rwlock_wrlock(&k->lock);
		if (keys__is_gone(k, ad->client_id))
			rc = buf_error(err, ERR_SHREDDED, "client %lld was removed: its data key is "
					    "destroyed", (long long)ad->client_id);
		else if (!keys__key_newest(k, ad->client_id))
			rc = key_create(k, ad->client_id, err);
		pthread_rwlock_unlock(&k->lock);
		if (rc)
			return rc;
		pthread_rwlock_rdlock(&k->lock);
	}
	blob = malloc(len + KEYS_SEAL_OVERHEAD);
	if (!blob) {
		pthread_rwlock_unlock(&k->lock);
		return buf_error(err, ERR_NOMEM, "out of memory sealing");
	}
	blob[0] = KEYS_SEAL_FORMAT;
	blob[1] = (unsigned char)(d->version >> 24);
	blob[2] = (unsigned char)(d->version >> 16);
	blob[3] = (unsigned char)(d->version >> 8);
	blob[4] = (unsigned char)d->version;
	seal_ad(a, sizeof(a), ad, d->version);
	keys__aead_seal(blob + 5, plain, len, a, d->key);
	pthread_rwlock_unlock(&k->lock);
	*out = blob;
	*out_len = len + KEYS_SEAL_OVERHEAD;
	return 0;
}

/* Re-reads the files (a reader beside the server: a key made or rotated since we opened). */
static int reload(struct keyring *k, struct buf *err)
{
	struct keyring *fresh = NULL;
	int rc = keys_open(k->dir, false, &fresh, err);

	if (rc)
		return rc;
	pthread_rwlock_wrlock(&k->lock);
#define SWAP(f)                                                                                    \
	do {                                                                                       \
		__typeof__(k->f) t_ = k->f;                                                        \
		k->f = fresh->f;                                                                   \
		fresh->f = t_;                                                                     \
	} while (0)
	SWAP(keys);
	SWAP(n);
	SWAP(cap);
	SWAP(gone);
	SWAP(n_gone);
	SWAP(cap_gone);
	SWAP(mversion);
#undef SWAP
	memcpy(k->master, fresh->master, KEY_BYTES);
	pthread_rwlock_unlock(&k->lock);
	keys_close(fresh);
	return 0;
}

int keys_open_value(struct keyring *k, const struct store_seal_ad *ad, const unsigned char *blob,
		    size_t len, char **plain, struct buf *err)
{
	const struct dkey *d = NULL;
	uint32_t version;
	char a[256];
	unsigned char *out;
	bool reloaded = false;
	int rc = 0;

	*plain = NULL;
	if (len < KEYS_SEAL_OVERHEAD || blob[0] != KEYS_SEAL_FORMAT)
		return buf_error(err, ERR_CRYPTO, "the %s of %s %lld is not a sealed value",
				 ad->field, ad->record_type, (long long)ad->record_id);
	version = (uint32_t)blob[1] << 24 | (uint32_t)blob[2] << 16 | (uint32_t)blob[3] << 8 | blob[4];
	out = malloc(len - KEYS_SEAL_OVERHEAD + 1);
	if (!out)
		return buf_error(err, ERR_NOMEM, "out of memory opening a sealed value");
	for (;;) {
		pthread_rwlock_rdlock(&k->lock);
		if (keys__is_gone(k, ad->client_id)) {
			rc = buf_error(err, ERR_SHREDDED,
				       "client %lld was removed: its data key is destroyed",
				       (long long)ad->client_id);
			break;
		}
		d = keys__key_find(k, ad->client_id, version);
		if (d || reloaded || k->writable)
			break;
		pthread_rwlock_unlock(&k->lock);
		reloaded = true;
		rc = reload(k, err);
		if (rc) {
			free(out);
			return rc;
		}
	}
	if (!rc && !d)
		rc = buf_error(err, ERR_CRYPTO, "the keyring holds no key version %u of client %lld",
			       version, (long long)ad->client_id);
	if (!rc) {
		seal_ad(a, sizeof(a), ad, version);
		if (keys__aead_open(out, blob + 5, len - 5, a, d->key))
			rc = buf_error(err, ERR_CRYPTO,
				       "the %s of %s %lld does not open: it was sealed for another "
				       "record, field or client, or altered",
				       ad->field, ad->record_type, (long long)ad->record_id);
	}
	pthread_rwlock_unlock(&k->lock);
	if (rc) {
		free(out);
		return rc;
	}
	out[len - KEYS_SEAL_OVERHEAD] = '\0';
	*plain = (char *)out;
	return 0;
}

static int cipher_seal(void *ctx, const struct store_seal_ad *ad, const void *plain, size_t len,
		       unsigned char **out, size_t *out_len, struct buf *err)
{
	return keys_seal(ctx, ad, plain, len, out, out_len, err);
}

static int cipher_open(void *ctx, const struct store_seal_ad *ad, const unsigned char *blob,
		       size_t len, char **plain, struct buf *err)
{
	return keys_open_value(ctx, ad, blob, len, plain, err);
}

const struct store_cipher *keys_cipher(struct keyring *k)
{
	return &k->cipher;
}

/* ================================================================
 * Opening, rotation, shredding, status
 * ================================================================ */

int keys_open(const char *dir, bool create, struct keyring **out, struct buf *err)
{
	struct keyring *k;
	int rc;

	*out = NULL;
	if (sodium_init() < 0)
		return buf_error(err, ERR_INTERNAL, "libsodium does not initialise");
	k = calloc(1, sizeof(*k));
	if (!k)
		return buf_error(err, ERR_NOMEM, "out of memory opening the keyring");
	if (strlen(dir) >= sizeof(k->dir) - 32) {
		free(k);
		return buf_error(err, ERR_INVALID, "data directory path too long");
	}
	snprintf(k->dir, sizeof(k->dir), "%s", dir);
	k->writable = create;
	k->cipher = (struct store_cipher){ k, cipher_seal, cipher_open };
	if (pthread_rwlock_init(&k->lock, NULL)) {
		free(k);
		return buf_error(err, ERR_NOMEM, "cannot create the keyring lock");
	}
	k->lock_init = true;
	rc = keys__ring_load(k, create, err);
	if (rc) {
		keys_close(k);
		return rc;
	}
	*out = k;
	return 0;
}

bool keys_exist(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, KEYS_FILE);
	return access(path, F_OK) == 0;
}

void keys_close(struct keyring *k)
{
	if (!k)
		return;
	sodium_free(k->keys);
	free(k->gone);
	if (k->lock_init)
		pthread_rwlock_destroy(&k->lock);
	sodium_memzero(k, sizeof(*k));
	free(k);
}

int keys_rotate(struct keyring *k, struct keys_rotation *out, struct buf *err)
{
	struct master both[2];
	unsigned char key[KEY_BYTES];
	struct dkey *newest = NULL;
	size_t n_live = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!k->writable || !k->have_master)
		return buf_error(err, ERR_INTERNAL, "keyring: opened for reading only");
	pthread_rwlock_wrlock(&k->lock);
	memcpy(both[1].key, k->master, KEY_BYTES);
	both[1].version = k->mversion;
	/* Each live client's newest version (the last of its run), then one more for each. */
	if (k->n && !(newest = calloc(k->n, sizeof(*newest))))
		rc = buf_error(err, ERR_NOMEM, "keyring: out of memory");
	for (size_t i = 0; !rc && i < k->n; i++)
		if (i + 1 == k->n || k->keys[i + 1].client != k->keys[i].client)
			newest[n_live++] = (struct dkey){ k->keys[i].client, k->keys[i].version, { 0 } };
	for (size_t i = 0; !rc && i < n_live; i++) {
		randombytes_buf(key, sizeof(key));
		rc = keys__key_add(k, newest[i].client, newest[i].version + 1, key);
		if (rc)
			rc = buf_error(err, rc, "keyring: out of memory");
		out->clients++;
	}
	sodium_memzero(key, sizeof(key));
	if (!rc && !k->from_env) {
		/* Both keys in the file first: whichever keyring a crash leaves, it opens. */
		both[0].version = k->mversion + 1;
		randombytes_buf(both[0].key, KEY_BYTES);
		rc = keys__master_write(k, both, 2, err);
		if (!rc) {
			memcpy(k->master, both[0].key, KEY_BYTES);
			k->mversion = both[0].version;
			out->master_changed = true;
		}
	}
	if (!rc)
		rc = keys__ring_write(k, err);
	if (rc && out->master_changed) {
		memcpy(k->master, both[1].key, KEY_BYTES);
		k->mversion = both[1].version;
		out->master_changed = false;
	} else if (!rc && out->master_changed) {
		rc = keys__master_write(k, both, 1, err);
	}
	/* Versions the file does not hold must not seal anything: dropped again. */
	for (size_t i = 0; rc && i < out->clients; i++)
		keys__key_remove(k, newest[i].client, newest[i].version + 1);
	if (rc)
		out->clients = 0;
	free(newest);
	out->master_version = k->mversion;
	pthread_rwlock_unlock(&k->lock);
	sodium_memzero(both, sizeof(both));
	return rc;
}

int keys_destroy(struct keyring *k, int64_t client_id, struct buf *err)
{
	int rc;

	if (!k->writable)
		return buf_error(err, ERR_INTERNAL, "keyring: opened for reading only");
	pthread_rwlock_wrlock(&k->lock);
	rc = keys__gone_add(k, client_id);
	if (rc) {
		pthread_rwlock_unlock(&k->lock);
		return buf_error(err, rc, "keyring: out of memory");
	}
	keys__key_drop(k, client_id);
	rc = keys__ring_write(k, err);
	pthread_rwlock_unlock(&k->lock);
	return rc;
}

int keys_status(struct keyring *k, struct keys_info *info,
		int (*cb)(void *ctx, const struct keys_client *c), void *ctx)
{
	int rc = 0;

	pthread_rwlock_rdlock(&k->lock);
	info->master_version = k->mversion;
	info->master_source = k->from_env ? "environment" : "key file";
	info->n_clients = 0;
	for (size_t i = 0; i < k->n; i++)
		info->n_clients += i + 1 == k->n || k->keys[i + 1].client != k->keys[i].client;
	info->n_clients += k->n_gone;
	for (size_t i = 0, first = 0; cb && !rc && i < k->n; i++) {
		if (i + 1 < k->n && k->keys[i + 1].client == k->keys[i].client)
			continue;
		rc = cb(ctx, &(struct keys_client){ k->keys[i].client, k->keys[i].version,
						    (uint32_t)(i + 1 - first), false });
		first = i + 1;
	}
	for (size_t i = 0; cb && !rc && i < k->n_gone; i++)
		rc = cb(ctx, &(struct keys_client){ k->gone[i], 0, 0, true });
	pthread_rwlock_unlock(&k->lock);
	return rc;
}
