/* gold.h - gold items: load, list, switch off, settings, a worker's quality, re-qualification. */
#ifndef ALIHDAYA_APP_GOLD_H
#define ALIHDAYA_APP_GOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "app/input.h"
#include "core/gold.h"
#include "sec/auth.h"
#include "store/store.h"
#include "util/buf.h"

/*
 * Gold items are the provider's check on its workers (docs/api.md "Gold
 * items"): staff load and read them (gold.read, gold.manage), never a
 * client's users nor workers; a worker reads its own quality
 * (worker.quality). JSON: the HTTP handlers (http/h_gold.c) and the CLI
 * (cli/gold.c) render these records.
 */

/* One gold item as the caller received it: JSON texts (already parsed by the adapter). */
struct gold_in {
	const char *payload;	  /* a JSON object or array */
	const char *result;	  /* the known result: a JSON object */
	const char *external_ref; /* NULL: none */
};

/*
 * gold.manage: n (1..GOLD_LOAD_MAX) items into the engagement. Fills c
 * (CMD_GOLD_ADD) with a texts buffer of its own: app_gold_cmd_release(c)
 * once the command ran. The ids are c->result.id .. c->result.id + n - 1.
 */
int app_gold_add(const struct app *app, const struct actor *actor, int64_t engagement_id,
		 const struct gold_in *items, size_t n, struct cmd *c, struct buf *err);
void app_gold_cmd_release(struct cmd *c);

/* gold.manage: a gold item of the engagement leaves (active false) or rejoins the mix. */
int app_gold_set_active(const struct app *app, const struct actor *actor, int64_t engagement_id,
			int64_t gold_id, bool active, struct cmd *c, struct buf *err);

/*
 * gold.read: a page of the engagement's gold items with payload and known
 * result (opened), to cb in id order. ERR_NOTFOUND: no such engagement.
 */
int app_gold_list(const struct app *app, const struct actor *actor, int64_t engagement_id,
		  const struct app_page_in *page, store_gold_cb cb, void *ctx, int64_t *next,
		  struct buf *err);

/* Settings as given: numbers APP_ABSENT when not given (the stored value, or the default). */
struct gold_settings_in {
	double rate, threshold, min_answers, qualification, margin, prefer_seconds;
};

/* gold.read: the engagement's settings (the defaults with rate 0 when never set). */
int app_gold_settings_get(const struct app *app, const struct actor *actor, int64_t engagement_id,
			  struct gold_settings *out, struct buf *err);
/* gold.manage: the settings checked and merged over the stored ones; fills c (CMD_GOLD_SETTINGS).
 */
int app_gold_settings_put(const struct app *app, const struct actor *actor, int64_t engagement_id,
			  const struct gold_settings_in *in, struct cmd *c, struct buf *err);

/* gold.manage: a fresh window for the worker on the engagement (CMD_GOLD_REQUALIFY). */
int app_gold_requalify(const struct app *app, const struct actor *actor, int64_t worker_id,
		       int64_t engagement_id, struct cmd *c, struct buf *err);

/* A worker's standing on one gold-checked engagement. */
struct gold_quality {
	int64_t engagement_id;
	struct gold_settings gs;
	struct gold_tally t;
	double accuracy, lower, upper; /* of the current window; accuracy 0 with no answers */
};

/*
 * worker.quality: staff, auditors, the worker itself. Every engagement with
 * gold settings where the worker answered gold or was counted, rebuilt from
 * the quality observations as the engine rebuilds it. OUT: *out, *n
 * (free(*out)). ERR_NOTFOUND: no such worker (or not the actor's).
 */
int app_worker_quality(const struct app *app, const struct actor *actor, int64_t worker_id,
		       struct gold_quality **out, size_t *n, struct buf *err);

#endif
