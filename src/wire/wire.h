/* wire.h - the wire JSON of every record (docs/api.md): one renderer each, pages, and item reads rendered. */
#ifndef ALIHDAYA_WIRE_H
#define ALIHDAYA_WIRE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/records.h"
#include "core/model.h"
#include "store/store.h"

/*
 * The adapters' side of the store: the store answers with records, the
 * HTTP API and the CLI's --json show them in these shapes. Keeping one
 * renderer per record here is what keeps the API's answers the same
 * whichever backend or front end produced them.
 */

/* ---- renderers ---- */

/*
 * Each returns a new value (the caller owns it) or NULL when out of memory.
 * Times are RFC 3339 strings, absent ids (0) are null.
 */
json_t *wire_client(const struct client_rec *c);
json_t *wire_service(const struct service_rec *sv);
json_t *wire_engagement(const struct engagement_rec *e);
json_t *wire_user(const struct user_rec *u);
json_t *wire_worker(const struct worker_rec *w);
/*
 * payload and result are JSON texts or NULL; they are included only if
 * with_payload. NULL also when a stored text is not valid JSON.
 */
json_t *wire_item(const struct item_rec *it, bool with_payload);
/* One history entry; "from" is null for a create. NULL also when detail is not JSON. */
json_t *wire_event(const struct event_rec *ev);
/*
 * Walk callbacks (store_item_cb, store_event_cb) that append the record
 * rendered to the JSON array ctx: wire_item_add without payload (lists never
 * carry one). 0, ERR_NOMEM, or ERR_IO for an event whose detail is not JSON.
 */
int wire_item_add(void *ctx, const struct item_rec *it);
int wire_event_add(void *ctx, const struct event_rec *ev);
/* One audit event with its hashes in lower-case hex. */
json_t *wire_audit(const struct audit_rec *a);

/*
 * An actor's login name into out (MODEL_CODE_MAX bytes): 0, ERR_NOTFOUND (no
 * such user), or an error, which stops wire_audit_names.
 */
typedef int (*wire_name_fn)(void *ctx, int64_t user_id, char *out);

/*
 * Each event of a page (wire_audit's objects in events) gains "actor_name":
 * name's answer for its actor_user_id, null for the system and for a user
 * name does not find. Read after the page, not inside its walk; a page names
 * few users, so the first ones looked up are kept for its later events.
 * 0, ERR_NOMEM, or name's error.
 */
int wire_audit_names(json_t *events, wire_name_fn name, void *ctx);

/*
 * A page: {"data": data, "next_cursor": "<next_after>" | null (when 0)}.
 * Takes data (an array) even on failure; NULL when out of memory or data
 * is NULL.
 */
json_t *wire_page(json_t *data, int64_t next_after);

/* Any record a use case passes (app/records.h), by its kind's renderer. NULL: out of memory. */
json_t *wire_rec(const struct app_rec *r);
/*
 * An app_rec_cb: appends wire_rec(r) to the JSON array ctx, so any list use
 * case fills a page's data. ERR_NOMEM when rendering fails.
 */
int wire_rec_add(void *ctx, const struct app_rec *r);

#endif
