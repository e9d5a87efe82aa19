/* keys.h - the JSON of the keyring's status and of a rotation, for the API and the CLI's --json. */
#ifndef ALIHDAYA_WIRE_KEYS_H
#define ALIHDAYA_WIRE_KEYS_H

#include <jansson.h>

#include "app/keys.h"

/*
 * GET /v1/keys, `keys status --json`: {"master_version", "master_source",
 * "clients": [{"client_id", "version", "versions", "destroyed"}]}. No key
 * material. A new reference, or NULL when out of memory.
 */
json_t *wire_keys_status(const struct keys_view *v);
/* POST /v1/keys/rotate, `keys rotate --json`: {"master_version", "master_changed", "clients"}. */
json_t *wire_keys_rotation(const struct keys_rotation *r);

#endif
