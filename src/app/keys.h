/* keys.h - the keyring's use cases: its status, rotation, and removing a client (crypto-shredding). */
#ifndef ALIHDAYA_APP_KEYS_H
#define ALIHDAYA_APP_KEYS_H

#include "app/app.h"
#include "engine/engine.h"
#include "sec/auth.h"
#include "sec/keys.h"

/* The keyring as it is now (keys.read): each client's key versions, no key material. */
struct keys_view {
	struct keys_info info;
	struct keys_client *clients; /* info.n_clients of them, owned: keys_view_release() */
	size_t n;
};

void keys_view_release(struct keys_view *v);

/* keys.read. OUT: *out. ERR_INTERNAL when no keyring is open here. */
int app_keys_status(const struct app *app, const struct actor *actor, struct keys_view *out,
		    struct buf *err);
/* keys.rotate (sec/keys.h keys_rotate()). OUT: *out. */
int app_keys_rotate(const struct app *app, const struct actor *actor, struct keys_rotation *out,
		    struct buf *err);
/*
 * client.remove, in two steps. First the client is switched off: c is its
 * deactivation (CMD_RECORD_ACTIVE), run by the adapter and durable before
 * the second step; a client that is not there is ERR_NOTFOUND.
 */
int app_client_remove(const struct app *app, const struct actor *actor, int64_t id, struct cmd *c,
		      struct buf *err);
/*
 * Then its data key is destroyed (keys_destroy()): nothing of it opens
 * again, here or in any backup. Idempotent, so a remove cut short between
 * the two steps is finished by running it again.
 */
int app_client_shred(const struct app *app, const struct actor *actor, int64_t id,
		     struct buf *err);

#endif
