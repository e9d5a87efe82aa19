/* webhooks.h - webhook endpoints as use cases, the signature and the retry schedule of deliveries.
 */
#ifndef ALIHDAYA_APP_WEBHOOKS_H
#define ALIHDAYA_APP_WEBHOOKS_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

#define WEBHOOK_EVENTS_MAX 8
#define WEBHOOK_OVERLAP_DEFAULT_MS ((int64_t)24 * 3600 * 1000)
#define WEBHOOK_OVERLAP_MAX_MS ((int64_t)7 * 24 * 3600 * 1000)
/* Retries: exponential backoff with full jitter, base 10 s, cap 1 h, for up to 3 days. */
#define WEBHOOK_BACKOFF_BASE_MS ((int64_t)10 * 1000)
#define WEBHOOK_BACKOFF_CAP_MS ((int64_t)3600 * 1000)
#define WEBHOOK_GIVE_UP_MS ((int64_t)3 * 24 * 3600 * 1000)
#define WEBHOOK_LOG_MAX 200 /* deliveries a log read shows, newest first */

/* POST /v1/webhooks: as received (NULL / 0: not given). */
struct webhook_create_in {
	const char *url;
	const char *events[WEBHOOK_EVENTS_MAX];
	size_t n_events;
	int64_t engagement_id; /* 0: every engagement of the client */
	int64_t client_id;     /* staff: required; a client user: its own (or absent) */
};

/* The event's bit (store.h enum webhook_event_bit), or 0 for a name not known. */
unsigned webhook_event_bit(const char *name);
/* The name of one bit. */
const char *webhook_event_name(unsigned bit);

/* Writes: a command filled (the engine makes the secret, result.secret, shown once). */
int app_webhook_create(const struct app *app, const struct actor *actor,
		       const struct webhook_create_in *in, struct cmd *c, struct buf *err);
/* overlap_ms < 0: the default (24 h); at most 7 days. */
int app_webhook_rotate(const struct app *app, const struct actor *actor, int64_t id,
		       int64_t overlap_ms, struct cmd *c, struct buf *err);
int app_webhook_set_active(const struct app *app, const struct actor *actor, int64_t id,
			   bool active, struct cmd *c, struct buf *err);
int app_webhook_redeliver(const struct app *app, const struct actor *actor, int64_t id,
			  int64_t delivery_id, struct cmd *c, struct buf *err);

/* Reads (webhook.read with the endpoint's client; another client's is ERR_NOTFOUND). */
int app_webhook_get(const struct app *app, const struct actor *actor, int64_t id,
		    struct webhook_rec *out, struct buf *err);
int app_webhook_list(const struct app *app, const struct actor *actor, store_webhook_cb cb,
		     void *ctx, struct buf *err);
/* The endpoint's deliveries, newest first, at most WEBHOOK_LOG_MAX (d->body is NULL). */
int app_webhook_deliveries(const struct app *app, const struct actor *actor, int64_t id,
			   store_delivery_cb cb, void *ctx, struct buf *err);

/*
 * hex(HMAC-SHA256(secret, "<t>.<body>")) into out[65]: the v1 signature of a
 * delivery at t (Unix seconds). The key is the secret's whole text.
 */
void webhook_signature(const char *secret, int64_t t, const char *body, size_t len, char out[65]);
/*
 * The Alihdaya-Signature header value at now_ms: "t=<s>,v1=<new>" and, while
 * the old secret's overlap lasts, ",v1=<old>". OUT: out (at least 160 bytes).
 */
void webhook_signature_header(const struct webhook_rec *w, int64_t now_ms, const char *body,
			      size_t len, char *out, size_t n);
/*
 * The wait before attempt n + 1 after n failed attempts (n >= 1): full
 * jitter, r uniform in [0, 1) times min(cap, base * 2^(n - 1)).
 */
int64_t webhook_backoff_ms(int64_t n, double r);

/*
 * The command recording an attempt of d at now: status (HTTP status, 0:
 * none), error ("" when none). 2xx: delivered; else pending at the backoff,
 * or failed once the next try would be past 3 days after the event.
 */
void app_webhook_attempt(const struct webhook_delivery *d, int64_t now, int status,
			 const char *error, struct cmd *c);

#endif
