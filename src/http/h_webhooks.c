/* h_webhooks.c - webhook endpoints over HTTP: register, read, rotate, switch off, the delivery log.
 */
#include <sodium.h>
#include <string.h>

#include "app/webhooks.h"
#include "http/http_int.h"
#include "util/clock.h"
#include "util/err.h"

/* RFC 3339 of ms, or JSON null for 0. */
static json_t *at_json(int64_t ms)
{
	char t[40];

	if (!ms)
		return json_null();
	clock_format_ms(ms, t, sizeof(t));
	return json_string(t);
}

/* An endpoint as the API shows it: never a secret. */
static json_t *hook_json(const struct webhook_rec *w, int64_t now)
{
	json_t *ev = json_array(), *j;

	for (unsigned b = 1; ev && b <= WH_INVOICE_ISSUED; b <<= 1)
		if (w->events & b)
			json_array_append_new(ev, json_string(webhook_event_name(b)));
	j = json_pack("{s:I, s:I, s:o, s:s, s:o, s:b, s:o, s:o, s:o}", "id", (json_int_t)w->id,
		      "client_id", (json_int_t)w->client_id, "engagement_id",
		      w->engagement_id ? json_integer(w->engagement_id) : json_null(), "url",
		      w->url, "events", ev ? ev : json_array(), "active", w->active, "created_at",
		      at_json(w->created_at), "rotated_at", at_json(w->rotated_at),
		      "old_secret_until", at_json(w->old_until > now ? w->old_until : 0));
	return j;
}

struct hook_page {
	json_t *data;
	int64_t now;
};

static int hook_add(void *ctx, const struct webhook_rec *w)
{
	struct hook_page *p = ctx;
	json_t *j = hook_json(w, p->now);

	return j && !json_array_append_new(p->data, j) ? 0 : ERR_NOMEM;
}

static const char *const dstates[] = {"pending", "delivered", "failed"};

static int delivery_add(void *ctx, const struct webhook_delivery *d, const struct webhook_rec *w)
{
	json_t *j;

	(void)w;
	j = json_pack("{s:I, s:s, s:s, s:o, s:s, s:I, s:I, s:o, s:o, s:o, s:o}", "id",
		      (json_int_t)d->id, "event_id", d->event_id, "type", d->type, "item_id",
		      d->item_id ? json_integer(d->item_id) : json_null(), "state",
		      dstates[d->state <= WHD_FAILED ? d->state : 0], "attempts",
		      (json_int_t)d->attempts, "last_status", (json_int_t)d->last_status,
		      "last_error", d->last_error[0] ? json_string(d->last_error) : json_null(),
		      "created_at", at_json(d->created_at), "last_attempt_at", at_json(d->last_at),
		      "next_attempt_at", at_json(d->state == WHD_PENDING ? d->next_at : 0));
	return j && !json_array_append_new(ctx, j) ? 0 : ERR_NOMEM;
}

/*
 * After the engine: the endpoint as it is now, with the secret it was given
 * (create, rotate): the only time the secret is shown.
 */
static int answer_hook(struct req *r, struct cmd *c, int status)
{
	struct webhook_rec w;
	json_t *j = NULL;
	int rc = store_webhook_get(
	    r->srv->app.store, c->result.id ? c->result.id : c->u.webhook.webhook_id, false, &w);

	if (!rc && !(j = hook_json(&w, http__now(r))))
		rc = ERR_NOMEM;
	if (!rc && c->result.secret[0])
		json_object_set_new(j, "secret", json_string(c->result.secret));
	sodium_memzero(c->result.secret, sizeof(c->result.secret));
	if (rc) {
		json_decref(j);
		return http__fail(r, rc, NULL);
	}
	http__reply(r, status, j);
	return 0;
}

/* A prepared write run through the engine and answered with the endpoint. */
static int run(struct req *r, int rc, struct buf *err, struct cmd *c, int status)
{
	if (rc)
		return http__app_fail(r, rc, err);
	if ((rc = http__engine(r, c)) || r->status >= 300)
		return rc;
	return answer_hook(r, c, status);
}

/*
 * POST /v1/webhooks {url, events: [names], engagement_id?, client_id?}
 * -> 201 the endpoint with "secret" (shown once). Staff name the client; a
 * client user registers for its own.
 */
int h_webhooks_create(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_WEBHOOK_CREATE);
	struct webhook_create_in in;
	struct buf err = BUF_INIT;
	json_t *body = NULL, *ev = NULL;
	json_int_t eng = 0, client = 0;
	int rc;

	memset(&in, 0, sizeof(in));
	if (!c)
		return ERR_NOMEM;
	if ((rc = http__body(r, false, &body)) ||
	    (rc = http__unpack(r, body, "{s:s, s:o, s?I, s?I}", "url", &in.url, "events", &ev,
			       "engagement_id", &eng, "client_id", &client)))
		goto out;
	if (!json_is_array(ev) || json_array_size(ev) > WEBHOOK_EVENTS_MAX) {
		rc = http__fail(r, ERR_INVALID, "events must be an array of at most %d names",
				WEBHOOK_EVENTS_MAX);
		goto out;
	}
	for (size_t i = 0; i < json_array_size(ev); i++) {
		in.events[i] = json_string_value(json_array_get(ev, i));
		if (!in.events[i]) {
			rc = http__fail(r, ERR_INVALID, "events must hold names (strings)");
			goto out;
		}
	}
	in.n_events = json_array_size(ev);
	in.engagement_id = (int64_t)eng;
	in.client_id = (int64_t)client;
	rc = run(r, app_webhook_create(&r->srv->app, &r->actor, &in, c, &err), &err, c, 201);
out:
	buf_release(&err);
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

/* POST /v1/webhooks/:id/rotate {overlap_s?} -> 200 the endpoint with its new "secret" */
int h_webhooks_rotate(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_WEBHOOK_ROTATE);
	struct buf err = BUF_INIT;
	json_t *body = NULL;
	json_int_t overlap = -1;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if (!(rc = http__body(r, true, &body)) &&
	    !(rc = body ? http__unpack(r, body, "{s?I}", "overlap_s", &overlap) : 0)) {
		if (overlap < -1 || (overlap == -1 && json_object_get(body, "overlap_s")))
			rc = http__fail(r, ERR_INVALID,
					"overlap_s must be a number of seconds from 0");
		else
			rc = run(r,
				 app_webhook_rotate(&r->srv->app, &r->actor, r->param[0],
						    overlap < 0 ? -1 : (int64_t)overlap * 1000, c,
						    &err),
				 &err, c, 200);
	}
	buf_release(&err);
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

/* A body where none is needed: empty or {} (a member is refused, as everywhere). */
static int no_members(struct req *r)
{
	json_t *body = NULL;
	int rc = http__body(r, true, &body);

	if (!rc && body)
		rc = http__unpack(r, body, "{}");
	json_decref(body);
	return rc;
}

static int set_active(struct req *r, bool active)
{
	struct cmd *c = http__cmd_new(r, CMD_WEBHOOK_ACTIVE);
	struct buf err = BUF_INIT;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if ((rc = no_members(r)))
		goto out;
	rc = run(r, app_webhook_set_active(&r->srv->app, &r->actor, r->param[0], active, c, &err),
		 &err, c, 200);
out:
	buf_release(&err);
	http__cmd_free(c);
	return rc;
}

/* DELETE /v1/webhooks/:id, POST /v1/webhooks/:id/deactivate -> 200 the endpoint, inactive */
int h_webhooks_deactivate(struct req *r)
{
	return set_active(r, false);
}

/* POST /v1/webhooks/:id/activate -> 200 the endpoint, active again */
int h_webhooks_activate(struct req *r)
{
	return set_active(r, true);
}

/* POST /v1/webhooks/:id/deliveries/:did/redeliver -> 200 {"id": did, "state": "pending"} */
int h_webhooks_redeliver(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_WEBHOOK_REDELIVER);
	struct buf err = BUF_INIT;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if ((rc = no_members(r)))
		goto out;
	rc = app_webhook_redeliver(&r->srv->app, &r->actor, r->param[0], r->param[1], c, &err);
	if (rc)
		rc = http__app_fail(r, rc, &err);
	else if (!(rc = http__engine(r, c)) && r->status < 300)
		http__reply(
		    r, 200,
		    json_pack("{s:I, s:s}", "id", (json_int_t)r->param[1], "state", "pending"));
out:
	buf_release(&err);
	http__cmd_free(c);
	return rc;
}

/* GET /v1/webhooks -> {"data": [endpoints by id], "next_cursor": null} */
int h_webhooks_list(struct req *r)
{
	struct buf err = BUF_INIT;
	json_t *data = json_array();
	struct hook_page p = {data, http__now(r)};
	int rc;

	if (!data)
		return http__fail(r, ERR_NOMEM, NULL);
	if ((rc = app_webhook_list(&r->srv->app, &r->actor, hook_add, &p, &err))) {
		json_decref(data);
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	return http__read(r, 0, json_pack("{s:o, s:n}", "data", data, "next_cursor"));
}

/* GET /v1/webhooks/:id -> the endpoint */
int h_webhooks_get(struct req *r)
{
	struct buf err = BUF_INIT;
	struct webhook_rec w;
	int rc = app_webhook_get(&r->srv->app, &r->actor, r->param[0], &w, &err);

	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	return http__read(r, 0, hook_json(&w, http__now(r)));
}

/* GET /v1/webhooks/:id/deliveries -> {"data": [deliveries, newest first], "next_cursor": null} */
int h_webhooks_deliveries(struct req *r)
{
	struct buf err = BUF_INIT;
	json_t *data = json_array();
	int rc;

	if (!data)
		return http__fail(r, ERR_NOMEM, NULL);
	if ((rc = app_webhook_deliveries(&r->srv->app, &r->actor, r->param[0], delivery_add, data,
					 &err))) {
		json_decref(data);
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	return http__read(r, 0, json_pack("{s:o, s:n}", "data", data, "next_cursor"));
}
