/* audit.h - the tamper-evident audit chain: each event's hash covers the one before it. */
#ifndef ALIHDAYA_AUDIT_H
#define ALIHDAYA_AUDIT_H

#include "core/model.h"

/*
 * hash = BLAKE2b-256(prev_hash || seq || at || actor || action || record_type
 *                    || record_id || client_id), integers as 8-byte big-endian,
 * strings with a 2-byte length prefix. Changing any stored field, deleting or
 * reordering events breaks every later hash.
 */
void audit_hash(const struct audit_rec *a, unsigned char out[32]);

/* Lower-case hex of 32 bytes into out[65]. */
void audit_hex(const unsigned char h[32], char out[65]);

#endif
