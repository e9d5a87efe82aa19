/* webhooks.c - webhook endpoints checked and read; signatures and the retry schedule. */
#include "app/webhooks.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util/err.h"

static const struct {
	const char *name;
	unsigned bit;
} events[] = {
    {"item.done", WH_ITEM_DONE},
    {"item.rejected", WH_ITEM_REJECTED},
    {"sla.breach", WH_SLA_BREACH},	     /* engine/sla.c */
    {"import.finished", WH_IMPORT_FINISHED}, /* the imports helper's jobs */
    {"invoice.issued", WH_INVOICE_ISSUED},   /* engine/billing.c */
};

unsigned webhook_event_bit(const char *name)
{
	for (size_t i = 0; name && i < sizeof(events) / sizeof(events[0]); i++)
		if (!strcmp(events[i].name, name))
			return events[i].bit;
	return 0;
}

const char *webhook_event_name(unsigned bit)
{
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (events[i].bit == bit)
			return events[i].name;
	return "";
}

static int role_may(const struct actor *actor, enum policy_action act, struct buf *err)
{
	if (policy_check(actor, act, NULL) == POLICY_ALLOW)
		return 0;
	return buf_error(err, ERR_FORBIDDEN, "role %s may not take %s", role_name(actor->role),
			 policy_action_name(act));
}

/*
 * http or https, a host, no userinfo (a password in a URL ends up in logs),
 * no spaces or controls, bounded. Loopback and private addresses are
 * allowed: receivers on the provider's own network are the usual case.
 */
static int url_ok(const char *url, struct buf *err)
{
	size_t n = url ? strlen(url) : 0, skip;
	const char *host, *end;

	if (!url || !n)
		return buf_error(err, ERR_INVALID, "url is required");
	if (n > WEBHOOK_URL_MAX)
		return buf_error(err, ERR_INVALID, "url is longer than %d bytes", WEBHOOK_URL_MAX);
	if (!strncmp(url, "https://", 8))
		skip = 8;
	else if (!strncmp(url, "http://", 7))
		skip = 7;
	else
		return buf_error(err, ERR_INVALID, "url must begin with http:// or https://");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7f)
			return buf_error(err, ERR_INVALID,
					 "url may hold no spaces, controls or non-ASCII bytes");
	host = url + skip;
	end = host + strcspn(host, "/?#");
	if (end == host)
		return buf_error(err, ERR_INVALID, "url has no host");
	if (memchr(host, '@', (size_t)(end - host)))
		return buf_error(err, ERR_INVALID, "url may not carry a user or password");
	return 0;
}

int app_webhook_create(const struct app *app, const struct actor *actor,
		       const struct webhook_create_in *in, struct cmd *c, struct buf *err)
{
	int64_t client = in->client_id;
	unsigned bits = 0;
	int rc;

	(void)app;
	if ((rc = role_may(actor, POL_WEBHOOK_MANAGE, err)))
		return rc;
	if (actor->role == ROLE_CLIENT && !client)
		client = actor->client_id;
	if (client < 1)
		return buf_error(err, ERR_INVALID, "client_id is required");
	if (in->engagement_id < 0)
		return buf_error(err, ERR_INVALID, "engagement_id must be a positive id");
	if ((rc = policy_require(actor, POL_WEBHOOK_MANAGE,
				 &(struct policy_scope){.client_id = client})))
		return rc == ERR_NOTFOUND
			   ? buf_error(err, rc, "no client %" PRId64, client)
			   : buf_error(err, rc, "role %s may not take webhook.manage",
				       role_name(actor->role));
	if ((rc = url_ok(in->url, err)))
		return rc;
	if (!in->n_events)
		return buf_error(err, ERR_INVALID, "events must name at least one event");
	for (size_t i = 0; i < in->n_events; i++) {
		unsigned b = webhook_event_bit(in->events[i]);

		if (!b)
			return buf_error(err, ERR_INVALID,
					 "events: unknown event %.64s (item.done, item.rejected, "
					 "sla.breach, import.finished, invoice.issued)",
					 in->events[i] ? in->events[i] : "");
		bits |= b;
	}
	memset(&c->u.webhook, 0, sizeof(c->u.webhook));
	c->type = CMD_WEBHOOK_CREATE;
	c->actor = actor;
	c->u.webhook.client_id = client;
	c->u.webhook.engagement_id = in->engagement_id;
	snprintf(c->u.webhook.url, sizeof(c->u.webhook.url), "%s", in->url);
	c->u.webhook.events = bits;
	return 0;
}

/* The endpoint if act allows the actor on it; another client's is ERR_NOTFOUND, as a missing one.
 */
static int hook_scoped(const struct app *app, const struct actor *actor, enum policy_action act,
		       int64_t id, struct webhook_rec *w, struct buf *err)
{
	int rc;

	memset(w, 0, sizeof(*w));
	if ((rc = role_may(actor, act, err)))
		return rc;
	if (id < 1)
		return buf_error(err, ERR_INVALID, "webhook id must be a positive id");
	rc = store_webhook_get(app->store, id, false, w);
	if (!rc)
		rc = policy_require(actor, act, &(struct policy_scope){.client_id = w->client_id});
	if (rc == ERR_NOTFOUND)
		return buf_error(err, rc, "no webhook %" PRId64, id);
	if (rc == ERR_FORBIDDEN)
		return buf_error(err, rc, "role %s may not take %s", role_name(actor->role),
				 policy_action_name(act));
	return rc ? buf_error(err, rc, "%s", err_message(rc)) : 0;
}

/* The command of a write on endpoint id, after its scope was checked. */
static int hook_cmd(const struct app *app, const struct actor *actor, int64_t id, enum cmd_type t,
		    struct cmd *c, struct buf *err)
{
	struct webhook_rec w;
	int rc = hook_scoped(app, actor, POL_WEBHOOK_MANAGE, id, &w, err);

	if (rc)
		return rc;
	memset(&c->u.webhook, 0, sizeof(c->u.webhook));
	c->type = t;
	c->actor = actor;
	c->u.webhook.webhook_id = id;
	c->u.webhook.client_id = w.client_id;
	return 0;
}

int app_webhook_rotate(const struct app *app, const struct actor *actor, int64_t id,
		       int64_t overlap_ms, struct cmd *c, struct buf *err)
{
	int rc;

	if (overlap_ms > WEBHOOK_OVERLAP_MAX_MS)
		return buf_error(err, ERR_INVALID, "overlap_s must be between 0 and %" PRId64,
				 WEBHOOK_OVERLAP_MAX_MS / 1000);
	if ((rc = hook_cmd(app, actor, id, CMD_WEBHOOK_ROTATE, c, err)))
		return rc;
	c->u.webhook.overlap_ms = overlap_ms < 0 ? WEBHOOK_OVERLAP_DEFAULT_MS : overlap_ms;
	return 0;
}

int app_webhook_set_active(const struct app *app, const struct actor *actor, int64_t id,
			   bool active, struct cmd *c, struct buf *err)
{
	int rc = hook_cmd(app, actor, id, CMD_WEBHOOK_ACTIVE, c, err);

	if (!rc)
		c->u.webhook.active = active;
	return rc;
}

int app_webhook_redeliver(const struct app *app, const struct actor *actor, int64_t id,
			  int64_t delivery_id, struct cmd *c, struct buf *err)
{
	int rc;

	if (delivery_id < 1)
		return buf_error(err, ERR_INVALID, "delivery id must be a positive id");
	if ((rc = hook_cmd(app, actor, id, CMD_WEBHOOK_REDELIVER, c, err)))
		return rc;
	c->u.webhook.delivery.id = delivery_id;
	return 0;
}

int app_webhook_get(const struct app *app, const struct actor *actor, int64_t id,
		    struct webhook_rec *out, struct buf *err)
{
	return hook_scoped(app, actor, POL_WEBHOOK_READ, id, out, err);
}

struct list_ctx {
	const struct actor *actor;
	store_webhook_cb cb;
	void *ctx;
};

static int list_one(void *ctx, const struct webhook_rec *w)
{
	struct list_ctx *l = ctx;

	if (policy_check(l->actor, POL_WEBHOOK_READ,
			 &(struct policy_scope){.client_id = w->client_id}) != POLICY_ALLOW)
		return 0;
	return l->cb(l->ctx, w);
}

int app_webhook_list(const struct app *app, const struct actor *actor, store_webhook_cb cb,
		     void *ctx, struct buf *err)
{
	struct list_ctx l = {actor, cb, ctx};
	int64_t client = 0, worker = 0;
	int rc = role_may(actor, POL_WEBHOOK_READ, err);

	if (rc)
		return rc;
	if ((rc = policy_list_filter(actor, POL_WEBHOOK_READ, &client, &worker)))
		return buf_error(err, rc, "%s", err_message(rc));
	rc = store_webhook_list(app->store, client, list_one, &l);
	return rc ? buf_error(err, rc, "%s", err_message(rc)) : 0;
}

int app_webhook_deliveries(const struct app *app, const struct actor *actor, int64_t id,
			   store_delivery_cb cb, void *ctx, struct buf *err)
{
	struct webhook_rec w;
	int rc = hook_scoped(app, actor, POL_WEBHOOK_READ, id, &w, err);

	if (rc)
		return rc;
	rc = store_webhook_deliveries(app->store, id, WEBHOOK_LOG_MAX, cb, ctx);
	return rc ? buf_error(err, rc, "%s", err_message(rc)) : 0;
}

void webhook_signature(const char *secret, int64_t t, const char *body, size_t len, char out[65])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char ts[24];
	int n = snprintf(ts, sizeof(ts), "%" PRId64 ".", t);

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, (unsigned long long)n);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(out, 65, mac, sizeof(mac));
	sodium_memzero(&st, sizeof(st));
}

void webhook_signature_header(const struct webhook_rec *w, int64_t now_ms, const char *body,
			      size_t len, char *out, size_t n)
{
	int64_t t = now_ms / 1000;
	char a[65], b[65];

	webhook_signature(w->secret, t, body, len, a);
	if (w->old_secret[0] && now_ms < w->old_until) {
		webhook_signature(w->old_secret, t, body, len, b);
		snprintf(out, n, "t=%" PRId64 ",v1=%s,v1=%s", t, a, b);
	} else {
		snprintf(out, n, "t=%" PRId64 ",v1=%s", t, a);
	}
}

int64_t webhook_backoff_ms(int64_t n, double r)
{
	int64_t ceil = WEBHOOK_BACKOFF_BASE_MS;

	for (int64_t i = 1; i < n && ceil < WEBHOOK_BACKOFF_CAP_MS; i++)
		ceil *= 2;
	if (ceil > WEBHOOK_BACKOFF_CAP_MS)
		ceil = WEBHOOK_BACKOFF_CAP_MS;
	if (r < 0)
		r = 0;
	return (int64_t)(r * (double)ceil) % (ceil + 1);
}

void app_webhook_attempt(const struct webhook_delivery *d, int64_t now, int status,
			 const char *error, struct cmd *c)
{
	struct webhook_delivery *o = &c->u.webhook.delivery;
	/* uniform in [0, 1): 2^-32 steps of libsodium's CSPRNG */
	double r = (double)randombytes_random() / 4294967296.0;

	memset(&c->u.webhook, 0, sizeof(c->u.webhook));
	c->type = CMD_WEBHOOK_ATTEMPT;
	c->actor = &AUTH_LOCAL_ADMIN;
	*o = *d;
	o->body = NULL;
	o->attempts = d->attempts + 1;
	o->last_at = now;
	o->last_status = status;
	snprintf(o->last_error, sizeof(o->last_error), "%s", error ? error : "");
	c->u.webhook.webhook_id = d->webhook_id;
	if (status >= 200 && status < 300) {
		o->state = WHD_DELIVERED;
		o->next_at = 0;
		return;
	}
	o->next_at = now + webhook_backoff_ms(o->attempts, r);
	o->state = o->next_at - d->created_at > WEBHOOK_GIVE_UP_MS ? WHD_FAILED : WHD_PENDING;
	if (o->state == WHD_FAILED)
		o->next_at = 0;
}
