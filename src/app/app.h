/* app.h - the application layer's conventions: what a use case runs against and how it answers. */
#ifndef ALIHDAYA_APP_H
#define ALIHDAYA_APP_H

#include <math.h>
#include <stdint.h>

#include "engine/engine.h"
#include "sec/auth.h"
#include "sec/policy.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/clock.h"

/*
 * A use case is one function per thing a caller can ask for, written once
 * for every front end (HTTP, CLI, the coming web screens):
 *
 *   int app_<resource>_<verb>(const struct app *app, const struct actor *actor,
 *                             const struct <X>_in *in, struct <X> *out, struct buf *err);
 *
 *  - actor (sec/auth.h) is who asks. HTTP passes the request's actor, the
 *    CLI AUTH_LOCAL_ADMIN. The use case asks the access policy
 *    (sec/policy.h) with the record's scope; a record the actor may not see
 *    is ERR_NOTFOUND, exactly as one that does not exist. The adapters
 *    decide no access of their own.
 *  - in is typed input as the caller received it, not yet checked: the use
 *    case checks every rule once. Optional numbers the caller was not given
 *    are APP_ABSENT; the use case applies the defaults.
 *  - out is a C record (core/, store/ structs), never JSON: rendering is the
 *    adapters' (src/wire/ for the JSON both of them print).
 *  - 0, or a negative ERR_* with one line appended to err. ERR_INVALID means
 *    the input is wrong and the line names the field (HTTP answers 400, the
 *    CLI exits 2); anything else is the store's or the machine's.
 */

/*
 * Writes. A write use case checks its input and the actor's role, and fills
 * a command (engine/engine.h) without running it:
 *
 *   int app_<resource>_<verb>(const struct app *app, const struct actor *actor,
 *                             const struct <X>_in *in, struct cmd *c, struct buf *err);
 *
 * The adapter then runs it with app_call() (blocking: the CLI) or
 * app_submit() (the HTTP adapter, which suspends the connection meanwhile),
 * and renders c->result. Scope that only the live state knows (the lease
 * holder, a worker's clearances now) is asked of the policy by the engine.
 * A write use case is pure: the HTTP adapter may run it twice (a request's
 * handler runs again after the engine answers).
 */

/* What a use case runs against. One per server or CLI run; read-only after start. */
struct keyring;

struct app {
	struct store *store;	 /* reads */
	struct keyring *keys;	 /* sec/keys.h: rotation and shredding; NULL where not open */
	struct engine *engine;	 /* writes; NULL where nothing is written */
	int64_t (*now_ms)(void); /* the clock; NULL: clock_now_ms() */
	/* The data directory (the audit head and key files); NULL: none (tests) */
	const char *data_dir;
	/* The engine's injected clock (engine_opts.clock), which wins when set: a clearance
	 * lapses for reads at the moment it lapses for routing. */
	int64_t (*clock)(void *arg);
	void *clock_arg;
};

/* An optional number the caller was not given (a parsed number is always finite). */
#define APP_ABSENT NAN

/* The time of a use case: app->now_ms() or the wall clock. */
static inline int64_t app_now_ms(const struct app *app)
{
	if (app->clock)
		return app->clock(app->clock_arg);
	return app->now_ms ? app->now_ms() : clock_now_ms();
}

/*
 * Runs a prepared command and waits until it is durable or refused (c->rc,
 * c->result). ERR_SHUTDOWN when the app has no engine or it is stopping.
 */
int app_call(const struct app *app, struct cmd *c);
/*
 * Hands a prepared command to the engine; on_done(c, arg) runs on the engine
 * thread once it is durable or refused (see engine_submit()). Returns 0, or
 * ERR_SHUTDOWN without calling on_done.
 */
int app_submit(const struct app *app, struct cmd *c, void (*on_done)(struct cmd *c, void *arg),
	       void *arg);

#endif
