/* audit.h - the tamper-evident audit chain: each event's hash covers the one before it; verification. */
#ifndef ALIHDAYA_AUDIT_H
#define ALIHDAYA_AUDIT_H

#include <stdint.h>

#include "core/model.h"

struct store;

/*
 * hash = BLAKE2b-256(prev_hash || seq || at || actor || action || record_type
 *                    || record_id || client_id [|| detail]), integers as 8-byte
 * big-endian, strings with a 2-byte length prefix; a detail (when not NULL
 * or "") with a 4-byte length prefix, so events without one hash as before. Changing any stored field, deleting or
 * reordering events breaks every later hash.
 */
void audit_hash(const struct audit_rec *a, unsigned char out[32]);

/* Lower-case hex of 32 bytes into out[65]. */
void audit_hex(const unsigned char h[32], char out[65]);

/*
 * Walks the trail in seq order (store_audit_each) and recomputes the chain:
 * each event's prev_hash must be the hash before it (all zero for the
 * first) and its hash audit_hash() of it. OUT: *checked, events looked at;
 * *bad_seq, 0 if the chain is intact, else the first event that breaks it
 * (the walk stops there). 0, or the store's error.
 */
int audit_verify(struct store *s, int64_t *checked, int64_t *bad_seq);

#endif
