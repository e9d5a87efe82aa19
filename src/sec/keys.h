/* keys.h - the keyring: a data key per client, wrapped by a master key kept outside the database. */
#ifndef ALIHDAYA_KEYS_H
#define ALIHDAYA_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/buf.h"

/*
 * Envelope encryption (docs/security.md). Three things, in three places:
 *  - the master key (32 bytes): ALIHDAYA_MASTER_KEY (64 hex digits) or the
 *    key file <data>/master.key (mode 0600, lines "<version> <64 hex>"),
 *    never in the database;
 *  - the keyring <data>/keyring (mode 0600, written with rename + fsync):
 *    each client's data keys, one per key version, each wrapped by the
 *    master key (XChaCha20-Poly1305 IETF, additional data
 *    "alihdaya.wrap.1 client=<id> key=<version> master=<version>"), and
 *    the clients whose keys were destroyed. Not in the database either, so
 *    a backup of the database carries no key;
 *  - the sealed values in the database (store.h's cipher): byte 1, the key
 *    version (4 bytes, big-endian), a 24-byte nonce, then the ciphertext
 *    with its tag, under additional data
 *    "alihdaya.seal.1 client=<id> record=<type>:<id> field=<name> key=<version>".
 *
 * Threads: seal and open may be called from any thread at once (a
 * read-write lock); rotate and destroy take it exclusively.
 */

struct keyring;

#define KEYS_FILE "keyring"
#define KEYS_MASTER_FILE "master.key"
#define KEYS_MASTER_ENV "ALIHDAYA_MASTER_KEY"
#define KEYS_SEAL_FORMAT 1
#define KEYS_SEAL_OVERHEAD (1 + 4 + 24 + 16)

/*
 * Opens the keyring of the data directory dir with the master key of the
 * environment or the key file. create (the holder of the data directory's
 * lock): a missing key file and keyring are made (a new master key,
 * version 1), and a key file left by a rotation cut short is finished.
 * Without create a missing keyring is an empty one.
 * Errors: ERR_INVALID for a key file readable by group or others, a
 * malformed key or keyring; ERR_CRYPTO when the master key does not open
 * the keyring; ERR_IO. OUT: *out (keys_close()).
 */
int keys_open(const char *dir, bool create, struct keyring **out, struct buf *err);
/* Whether dir holds a keyring file. */
bool keys_exist(const char *dir);
/* Wipes the keys from memory and frees k (NULL is fine). */
void keys_close(struct keyring *k);

/* The store's cipher (store_set_cipher()), valid while k is open. */
const struct store_cipher *keys_cipher(struct keyring *k);

/*
 * Seals plain for ad with the client's newest data key, made (and the
 * keyring file written) on the client's first seal. OUT: *out (malloc'd),
 * *out_len. ERR_SHREDDED: the client's key was destroyed.
 */
int keys_seal(struct keyring *k, const struct store_seal_ad *ad, const void *plain, size_t len,
	      unsigned char **out, size_t *out_len, struct buf *err);
/*
 * Opens a sealed value for ad. OUT: *plain (malloc'd, NUL-terminated).
 * ERR_SHREDDED; ERR_CRYPTO when it does not open (another row, field or
 * client, altered, or a key version this keyring does not hold).
 */
int keys_open_value(struct keyring *k, const struct store_seal_ad *ad, const unsigned char *blob,
		    size_t len, char **plain, struct buf *err);

/* What keys_rotate() did. */
struct keys_rotation {
	uint32_t master_version; /* after */
	bool master_changed;	 /* false with ALIHDAYA_MASTER_KEY: its key stays */
	size_t clients;		 /* given a new data key version */
};

/*
 * Rotates: every live client gets a new data key version (new writes use
 * it; old versions stay and open what they sealed), and every data key is
 * wrapped anew. With the key file, under a new master key version: the key
 * file holds both keys until the keyring is written, then only the new one.
 * With ALIHDAYA_MASTER_KEY the master key is the environment's and stays.
 */
int keys_rotate(struct keyring *k, struct keys_rotation *out, struct buf *err);

/*
 * Crypto-shredding: destroys every data key of the client and records it
 * as destroyed (the keyring file rewritten and synced before returning);
 * from then on nothing sealed for it opens, in this database or in any copy
 * of it. Idempotent.
 */
int keys_destroy(struct keyring *k, int64_t client_id, struct buf *err);

/* The keyring as keys status shows it (no key material). */
struct keys_client {
	int64_t client_id;
	uint32_t version;    /* newest data key version; 0 when destroyed */
	uint32_t n_versions; /* versions held */
	bool destroyed;
};

struct keys_info {
	uint32_t master_version;
	const char *master_source; /* "environment" or "key file" */
	size_t n_clients;
};

/*
 * The keyring's summary, then to cb (NULL: not walked) each live client in
 * id order, then each destroyed one.
 */
int keys_status(struct keyring *k, struct keys_info *info,
		int (*cb)(void *ctx, const struct keys_client *c), void *ctx);

#endif
