/* app.h - the application layer's conventions: what a use case runs against and how it answers. */
#ifndef ALIHDAYA_APP_H
#define ALIHDAYA_APP_H

#include <math.h>
#include <stdint.h>

#include "store/store.h"
#include "util/clock.h"

/*
 * A use case is one function per thing a caller can ask for, written once
 * for every front end (HTTP, CLI, the coming web screens):
 *
 *   int app_<resource>_<verb>(const struct app *app, const struct actor *actor,
 *                             const struct <X>_in *in, struct <X> *out, struct buf *err);
 *
 *  - actor (sec/auth.h) is who asks. HTTP passes the request's actor (the
 *    route table has already checked the role), the CLI AUTH_LOCAL_ADMIN.
 *    The access policy will be asked here, not in the adapters.
 *  - in is typed input as the caller received it, not yet checked: the use
 *    case checks every rule once. Optional numbers the caller was not given
 *    are APP_ABSENT; the use case applies the defaults.
 *  - out is a C record (core/, store/ structs), never JSON: rendering is the
 *    adapters' (src/wire/ for the JSON both of them print).
 *  - 0, or a negative ERR_* with one line appended to err. ERR_INVALID means
 *    the input is wrong and the line names the field (HTTP answers 400, the
 *    CLI exits 2); anything else is the store's or the machine's.
 */

/* What a use case runs against. */
struct app {
	struct store *store;	 /* reads */
	int64_t (*now_ms)(void); /* the clock; NULL: clock_now_ms() */
};

/* An optional number the caller was not given (a parsed number is always finite). */
#define APP_ABSENT NAN

/* The time of a use case: app->now_ms() or the wall clock. */
static inline int64_t app_now_ms(const struct app *app)
{
	return app->now_ms ? app->now_ms() : clock_now_ms();
}

#endif
