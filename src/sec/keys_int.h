/* keys_int.h - the keyring's internals shared by keys.c (cipher, rotation) and keys_ring.c (files). */
#ifndef ALIHDAYA_KEYS_INT_H
#define ALIHDAYA_KEYS_INT_H

#include <limits.h>
#include <pthread.h>
#include <sodium.h>

#include "sec/keys.h"

#define KEY_BYTES crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define WRAPPED_BYTES (NONCE_BYTES + KEY_BYTES + TAG_BYTES)
#define CHECK_BYTES (NONCE_BYTES + TAG_BYTES)
#define MAX_MASTERS 4		   /* lines of a key file: two during a rotation */
#define MAX_FILE (64u << 20)	   /* a keyring file larger than this is not ours */
#define WRONG_MASTER "master key does not open the keyring: wrong " KEYS_MASTER_ENV " or key file?"

/* One data key: a client's key of one version, unwrapped. */
struct dkey {
	int64_t client;
	uint32_t version;
	unsigned char key[KEY_BYTES];
};

/* A master key candidate: from the environment (version 0: whichever) or a key file line. */
struct master {
	uint32_t version;
	unsigned char key[KEY_BYTES];
};

struct keyring {
	char dir[PATH_MAX];
	bool writable;	/* the holder of the data directory: makes keys, rewrites the files */
	bool from_env;	/* the master key is the environment's */
	bool have_master;
	uint32_t mversion;
	unsigned char master[KEY_BYTES];
	struct dkey *keys; /* sorted by client, then version */
	size_t n, cap;
	int64_t *gone; /* destroyed clients, sorted */
	size_t n_gone, cap_gone;
	pthread_rwlock_t lock;
	bool lock_init;
	struct store_cipher cipher;
};

/* ---- key sets (keys_ring.c); the caller holds the lock as it needs ---- */

const struct dkey *keys__key_find(const struct keyring *k, int64_t client, uint32_t version);
/* The client's newest key, NULL if it has none. */
const struct dkey *keys__key_newest(const struct keyring *k, int64_t client);
/* 0, ERR_EXISTS, ERR_NOMEM. */
int keys__key_add(struct keyring *k, int64_t client, uint32_t version, const unsigned char *key);
/* Removes the key (client, version) if held, wiping it. */
void keys__key_remove(struct keyring *k, int64_t client, uint32_t version);
/* Removes every key of client, wiping them. */
void keys__key_drop(struct keyring *k, int64_t client);
bool keys__is_gone(const struct keyring *k, int64_t client);
int keys__gone_add(struct keyring *k, int64_t client);

/* AEAD of msg (mlen, may be 0) under key for ad: nonce || ciphertext || tag into out. */
void keys__aead_seal(unsigned char *out, const unsigned char *msg, size_t mlen, const char *ad,
		     const unsigned char *key);
/* Opens nonce || ciphertext || tag (len bytes) into out. 0 or -1. */
int keys__aead_open(unsigned char *out, const unsigned char *in, size_t len, const char *ad,
		    const unsigned char *key);

/* ---- files (keys_ring.c) ---- */

/* Writes the keyring file from k: a fresh check, every key wrapped anew. */
int keys__ring_write(const struct keyring *k, struct buf *err);
/* Writes the key file with the master keys m[0..n), one line each. */
int keys__master_write(const struct keyring *k, const struct master *m, size_t n, struct buf *err);
/* Reads the key file (or environment) and the keyring into k (empty); see keys_open(). */
int keys__ring_load(struct keyring *k, bool create, struct buf *err);

#endif
