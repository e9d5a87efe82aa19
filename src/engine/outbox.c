/* outbox.c - webhooks in the engine: endpoints' commands and the outbox rows an item step writes.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "engine/engine_int.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/err.h"

/* "whsec_" + 32 random bytes in hex: made here, so a handler that runs twice makes one. */
static void secret_new(char out[WEBHOOK_SECRET_TEXT])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	memcpy(out, "whsec_", 6);
	sodium_bin2hex(out + 6, WEBHOOK_SECRET_TEXT - 6, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
}

/* s as the body of a JSON string (the engine has no JSON library): quotes, \ and controls escaped.
 */
static int json_str(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	int rc = buf_puts(b, "\"");

	for (const unsigned char *p = (const unsigned char *)s; !rc && *p; p++) {
		if (*p == '"' || *p == '\\') {
			char esc[2] = {'\\', (char)*p};

			rc = buf_append(b, esc, 2);
		} else if (*p < 0x20) {
			char esc[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};

			rc = buf_append(b, esc, 6);
		} else {
			rc = buf_append(b, p, 1);
		}
	}
	return rc ? rc : buf_puts(b, "\"");
}

/*
 * An item's event: the body carries ids, the state and the due time, never
 * payload or result values: a receiver reads those with its own token.
 */
static int item_event(struct engine *e, const struct live_item *it, unsigned bit,
		      const char *type, const char *event_id, enum item_state state, int64_t now)
{
	struct webhook_delivery d;
	struct buf body = BUF_INIT;
	char at[40], due[40], head[320];
	int64_t n = 0;
	int rc;

	memset(&d, 0, sizeof(d));
	d.item_id = it->ri.id;
	d.client_id = it->client_id;
	d.created_at = now;
	snprintf(d.event_id, sizeof(d.event_id), "%s", event_id);
	snprintf(d.type, sizeof(d.type), "%s", type);
	clock_format_ms(now, at, sizeof(at));
	clock_format_ms(it->ri.due_at, due, sizeof(due));
	snprintf(head, sizeof(head),
		 "{\"id\":\"%s\",\"type\":\"%s\",\"created_at\":\"%s\",\"data\":{\"item_id\":%" PRId64
		 ",\"engagement_id\":%" PRId64 ",\"client_id\":%" PRId64
		 ",\"state\":\"%s\",\"due_at\":\"%s\",\"external_ref\":",
		 d.event_id, d.type, at, it->ri.id, it->engagement_id, it->client_id,
		 item_state_name(state), due);
	rc = buf_puts(&body, head);
	if (!rc && it->external_ref && it->external_ref[0])
		rc = json_str(&body, it->external_ref);
	else if (!rc)
		rc = buf_puts(&body, "null");
	if (!rc)
		rc = buf_puts(&body, "}}");
	if (rc)
		goto out;
	d.body = buf_str(&body);
	rc = store_webhook_enqueue(e->store, &d, it->engagement_id, bit, &n);
out:
	buf_release(&body);
	return rc;
}

/*
 * The outbox rows of an item step, in the command's savepoint: they commit
 * with the change or not at all. The event's id is the audit event's
 * sequence number of the step (unique, and findable in the trail).
 */
int engine__outbox_item(struct engine *e, const struct live_item *it, enum item_action act,
			enum item_state to, int64_t now)
{
	char id[32];

	if (to != ITEM_DONE && act != ACT_REWORK)
		return 0;
	snprintf(id, sizeof(id), "evt_%" PRId64, e->st.audit_seq);
	return item_event(e, it, to == ITEM_DONE ? WH_ITEM_DONE : WH_ITEM_REJECTED,
			  to == ITEM_DONE ? "item.done" : "item.rejected", id, to, now);
}

/*
 * sla.breach (sla.c): once per item, so its id names the item: a receiver
 * that sees it twice (at least once) knows it is the same breach.
 */
int engine__outbox_sla(struct engine *e, const struct live_item *it, int64_t now)
{
	char id[40];

	snprintf(id, sizeof(id), "evt_sla_%" PRId64, it->ri.id);
	return item_event(e, it, WH_SLA_BREACH, "sla.breach", id, it->state, now);
}

/*
 * An import's end (cmd_import.c), in its command's savepoint: import.finished
 * with the job's counts, never a row's values. Not an item's event: item_id 0
 * (the sender keeps one endpoint's import events in order among themselves).
 */
int engine__outbox_import(struct engine *e, const struct import_rec *r, int64_t now)
{
	struct webhook_delivery d;
	char at[40], body[512];
	int64_t n = 0;

	memset(&d, 0, sizeof(d));
	d.client_id = r->client_id;
	d.created_at = now;
	snprintf(d.event_id, sizeof(d.event_id), "evt_%" PRId64, e->st.audit_seq);
	snprintf(d.type, sizeof(d.type), "import.finished");
	clock_format_ms(now, at, sizeof(at));
	snprintf(body, sizeof(body),
		 "{\"id\":\"%s\",\"type\":\"import.finished\",\"created_at\":\"%s\",\"data\":{"
		 "\"import_id\":%" PRId64 ",\"engagement_id\":%" PRId64 ",\"client_id\":%" PRId64
		 ",\"state\":\"%s\",\"created\":%" PRId64 ",\"duplicate\":%" PRId64
		 ",\"rejected\":%" PRId64 "}}",
		 d.event_id, at, r->id, r->engagement_id, r->client_id, import_state_name(r->state),
		 r->created, r->duplicate, r->rejected);
	d.body = body;
	return store_webhook_enqueue(e->store, &d, r->engagement_id, WH_IMPORT_FINISHED, &n);
}

int engine__webhook_create(struct engine *e, struct cmd *c, int64_t now)
{
	struct webhook_rec w;
	const struct live_engagement *le;
	int64_t id;
	int rc;

	if (!idmap_get(&e->st.clients, c->u.webhook.client_id))
		return engine__fail(c, ERR_NOTFOUND, "no client %" PRId64, c->u.webhook.client_id);
	if (c->u.webhook.engagement_id) {
		le = idmap_get(&e->st.engagements, c->u.webhook.engagement_id);
		if (!le || le->rec.client_id != c->u.webhook.client_id)
			return engine__fail(c, ERR_NOTFOUND, "no engagement %" PRId64,
					    c->u.webhook.engagement_id);
	}
	memset(&w, 0, sizeof(w));
	w.client_id = c->u.webhook.client_id;
	w.engagement_id = c->u.webhook.engagement_id;
	snprintf(w.url, sizeof(w.url), "%s", c->u.webhook.url);
	w.events = c->u.webhook.events;
	w.created_at = now;
	w.created_by = c->actor->user_id;
	secret_new(w.secret);
	rc = store_webhook_insert(e->store, &w);
	if (!rc)
		memcpy(c->result.secret, w.secret, sizeof(w.secret));
	id = w.id;
	sodium_memzero(&w, sizeof(w));
	if (rc)
		return rc;
	return engine__record_done(e, c, CMD_OUT_CREATED, "webhook.create", "webhook", id,
				   c->u.webhook.client_id, now);
}

/* The endpoint of the command, with its secrets (writer: sees the batch). */
static int hook_of(struct engine *e, struct cmd *c, struct webhook_rec *w)
{
	int rc = store_webhook_state_get(e->store, c->u.webhook.webhook_id, w);

	if (rc == ERR_NOTFOUND)
		return engine__fail(c, rc, "no webhook %" PRId64, c->u.webhook.webhook_id);
	if (!rc && c->u.webhook.client_id && w->client_id != c->u.webhook.client_id)
		return engine__fail(c, ERR_NOTFOUND, "no webhook %" PRId64,
				    c->u.webhook.webhook_id);
	return rc;
}

/* The old secret keeps signing beside the new one for the overlap (deliveries carry both). */
int engine__webhook_rotate(struct engine *e, struct cmd *c, int64_t now)
{
	struct webhook_rec w;
	int rc = hook_of(e, c, &w);

	if (rc)
		return rc;
	memcpy(w.old_secret, w.secret, sizeof(w.secret));
	w.old_until = now + c->u.webhook.overlap_ms;
	w.rotated_at = now;
	secret_new(w.secret);
	rc = store_webhook_update(e->store, &w);
	if (!rc)
		memcpy(c->result.secret, w.secret, sizeof(w.secret));
	sodium_memzero(&w, sizeof(w));
	if (rc)
		return rc;
	return engine__record_done(e, c, CMD_OUT_OK, "webhook.rotate", "webhook",
				   c->u.webhook.webhook_id, c->u.webhook.client_id, now);
}

int engine__webhook_active(struct engine *e, struct cmd *c, int64_t now)
{
	struct webhook_rec w;
	int64_t client;
	int rc = hook_of(e, c, &w);

	if (rc)
		return rc;
	client = w.client_id;
	w.active = c->u.webhook.active;
	rc = store_webhook_update(e->store, &w);
	sodium_memzero(&w, sizeof(w));
	if (rc)
		return rc;
	return engine__record_done(e, c, CMD_OUT_OK,
				   c->u.webhook.active ? "webhook.activate" : "webhook.deactivate",
				   "webhook", c->u.webhook.webhook_id, client, now);
}

/*
 * An attempt's outcome, from the sender: not audited (the trail records
 * people's acts; the delivery log is the outbox row itself).
 */
int engine__webhook_attempt(struct engine *e, struct cmd *c, int64_t now)
{
	int rc = store_webhook_attempt(e->store, &c->u.webhook.delivery);

	if (rc == ERR_NOTFOUND)
		return engine__fail(c, rc, "no delivery %" PRId64, c->u.webhook.delivery.id);
	return rc ? rc : engine__done(e, c, CMD_OUT_OK, c->u.webhook.delivery.id, now);
}

int engine__webhook_redeliver(struct engine *e, struct cmd *c, int64_t now)
{
	struct webhook_rec w;
	int rc = hook_of(e, c, &w);
	int64_t client = w.client_id;

	sodium_memzero(&w, sizeof(w));
	if (rc)
		return rc;
	rc = store_webhook_redeliver(e->store, c->u.webhook.webhook_id, c->u.webhook.delivery.id,
				     now);
	if (rc == ERR_NOTFOUND)
		return engine__fail(c, rc, "no delivery %" PRId64, c->u.webhook.delivery.id);
	if (rc)
		return rc;
	return engine__record_done(e, c, CMD_OUT_OK, "webhook.redeliver", "webhook",
				   c->u.webhook.webhook_id, client, now);
}
