/* records.h - what every record use case shares: the kinds, a record of any kind, lists and gets. */
#ifndef ALIHDAYA_APP_RECORDS_H
#define ALIHDAYA_APP_RECORDS_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "app/input.h"
#include "core/model.h"

/*
 * The records the use cases of app/clients.h, services.h, engagements.h,
 * people.h and audit.h read. There is one list for every kind (app_list():
 * app/reads.c), passing each record it may show to one callback as a
 * struct app_rec, so an adapter renders any page with one function
 * (wire_rec()); a get fills the caller's typed record (app_client_get()
 * ...), or passes it as an app_rec (app_get()).
 *
 * Errors as app/app.h; in particular a record the actor may not see is
 * ERR_NOTFOUND exactly as one that does not exist, and then err is left
 * as it was (the two must read the same). ERR_FORBIDDEN: the role may not
 * take the action at all.
 */

enum app_kind { APP_CLIENT, APP_SERVICE, APP_ENGAGEMENT, APP_USER, APP_WORKER, APP_AUDIT };

/* One record of any kind, borrowed for the callback's duration. */
struct app_rec {
	enum app_kind kind;
	union {
		const struct client_rec *client;
		const struct service_rec *service;
		const struct engagement_rec *engagement;
		const struct user_rec *user;
		const struct worker_rec *worker;
		const struct audit_rec *audit;
	} u;
};

/* A list's callback; non-zero stops the list, which returns it. */
typedef int (*app_rec_cb)(void *ctx, const struct app_rec *rec);

/*
 * Every list: the page of in (checked here) of the records of kind k the
 * actor may see, each passed to cb in id order (audit events: seq order).
 * The policy narrows it (policy_list_filter): a client user's page holds
 * its own client's records only, and in->client_id naming another client
 * is an empty page. in->client_id filters clients, engagements, users and
 * audit events.
 * OUT: *next, the cursor of the next page (0: this is the last).
 */
int app_list(const struct app *app, const struct actor *actor, enum app_kind k,
	     const struct app_page_in *in, app_rec_cb cb, void *ctx, int64_t *next,
	     struct buf *err);

/*
 * The record of kind k with this id as the actor may read it, passed to cb
 * (the adapters' one way to show the record a write made). APP_AUDIT has
 * no get: ERR_INVALID.
 */
int app_get(const struct app *app, const struct actor *actor, enum app_kind k, int64_t id,
	    app_rec_cb cb, void *ctx, struct buf *err);

/*
 * Every write of these records by its command type, so an adapter has one
 * create path: fills c from in exactly as the typed use case does. in is
 * that use case's input: CMD_CLIENT_CREATE struct client_in,
 * CMD_SERVICE_CREATE service_in, CMD_ENGAGEMENT_CREATE engagement_in,
 * CMD_USER_CREATE user_in, CMD_TOKEN_CREATE token_in, CMD_WORKER_CREATE
 * worker_in, CMD_WORKER_STATUS worker_status_in. ERR_INVALID for any
 * other type.
 */
int app_write(const struct app *app, const struct actor *actor, enum cmd_type t, const void *in,
	      struct cmd *c, struct buf *err);
/* True if the write t answers with a record, of kind *k (a token answers with its text). */
bool app_write_shows(enum cmd_type t, enum app_kind *k);
/* The same for a prepared command (CMD_RECORD_ACTIVE shows the record it switched). */
bool app_cmd_shows(const struct cmd *c, enum app_kind *k);

/*
 * An edit as app_write() takes it (CMD_CLIENT_UPDATE, CMD_SERVICE_UPDATE,
 * CMD_ENGAGEMENT_UPDATE, CMD_USER_UPDATE, CMD_WORKER_UPDATE): the record's
 * id and the input of that kind's create (struct client_in, ...), in which
 * only what is given changes. Unknown to an edit: the create-only fields
 * (a code, a login, a client), refused with ERR_INVALID.
 */
struct app_update_in {
	int64_t id;
	const void *in;
};

/* CMD_RECORD_ACTIVE as app_write() takes it: a user, worker, client or engagement, off or on. */
struct app_active_in {
	enum app_kind kind;
	int64_t id;
	bool active;
};

/*
 * The edit of the record of kind k with this id (in: as struct
 * app_update_in's). Fills c. ERR_INVALID for a kind without edits (audit).
 */
int app_update(const struct app *app, const struct actor *actor, enum app_kind k, int64_t id,
	       const void *in, struct cmd *c, struct buf *err);
/*
 * The edits app_update runs once the policy and the id are checked: each sets
 * c->u.upd's record id and fills the fields given (in: that kind's struct
 * *_in; NULL strings unchanged).
 *  client.update: admin. name, time_zone; code cannot change.
 *  service.update: admin. name, category; code and kind cannot change.
 *  engagement.update: staff. The engine checks lease_max_seconds >=
 *    lease_seconds against the values as they will be; items queued keep
 *    their due times.
 *  user.update: admin. name; role and client_id under the client_id rule, or
 *    client_id alone for a client user. The engine refuses a worker's login a
 *    role change. Its tokens stand for the new values from the next request on.
 *  worker.update: staff. Every field but login and status.
 */
int app_client_edit(const void *in, int64_t id, struct cmd *c, struct buf *err);
int app_service_edit(const void *in, int64_t id, struct cmd *c, struct buf *err);
int app_engagement_edit(const void *in, int64_t id, struct cmd *c, struct buf *err);
int app_user_edit(const void *in, int64_t id, struct cmd *c, struct buf *err);
int app_worker_edit(const void *in, int64_t id, struct cmd *c, struct buf *err);
/*
 * <kind>.deactivate / .activate: staff; users the admin. Fills c
 * (CMD_RECORD_ACTIVE). ERR_INVALID for services and audit events.
 */
int app_set_active(const struct app *app, const struct actor *actor, enum app_kind k, int64_t id,
		   bool active, struct cmd *c, struct buf *err);

/* ---- for the use case files ---- */

/*
 * The actor may take act on scope (NULL: the role alone): 0, ERR_NOTFOUND
 * (err untouched) or ERR_FORBIDDEN (said so in err).
 */
int app_allow(const struct actor *actor, enum policy_action act, const struct policy_scope *scope,
	      struct buf *err);

/*
 * The start of every write: c becomes the command t with its input zeroed,
 * and the actor's role must be one that may take act at all.
 */
int app_write_start(const struct actor *actor, enum policy_action act, enum cmd_type t,
		    struct cmd *c, struct buf *err);

/* A list's callback and its context, with what the callback answered. */
struct app_fwd {
	app_rec_cb cb;
	void *ctx;
	int cb_rc;
};

/* Passes r to f's callback; keeps and returns its answer (the store walk's callback body). */
int app_fwd(struct app_fwd *f, const struct app_rec *r);
/* The store's answer rc: 0, the callback's own answer, or the store's error said in err. */
int app_store_end(const struct app *app, const struct app_fwd *f, int rc, struct buf *err);
/* A store get's answer rc: 0, ERR_NOTFOUND (err untouched), or the store's error said in err. */
int app_got(const struct app *app, int rc, struct buf *err);

#endif
