/* keying.h - double keying and overlap: an engagement's settings, an item's answers, the decisions. */
#ifndef ALIHDAYA_APP_KEYING_H
#define ALIHDAYA_APP_KEYING_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "core/keying.h"
#include "util/buf.h"

/*
 * docs/api.md "Double keying and overlap". The settings are staff's
 * (engagement.keying); an item's answers are staff's and, while it
 * adjudicates a disagreement, the worker holding the item's lease
 * (item.answers: never a keyer's view of another's answer); the decisions
 * are staff's (engagement.consensus). JSON: wire/keying.h.
 */

/* PUT's input as the caller got it: NULL strings and APP_ABSENT numbers not given. */
struct app_keying_in {
	int64_t engagement_id;
	const char *mode;      /* required */
	double k, max_k;       /* whole numbers */
	double min_confidence; /* 0..1 */
	const char *field;     /* "" or NULL: the whole result */
	const char *aggregate; /* default majority */
};

/* The settings of engagement id (single when never set). ERR_NOTFOUND, ERR_FORBIDDEN. */
int app_keying_get(const struct app *app, const struct actor *actor, int64_t id,
		   struct keying_conf *out, struct buf *err);

/* The settings checked and c filled as CMD_KEYING_SET. ERR_INVALID names the field. */
int app_keying_set(const struct app *app, const struct actor *actor,
		   const struct app_keying_in *in, struct cmd *c, struct buf *err);

/* One answer as its reader sees it. */
struct keying_answer {
	int64_t worker_id; /* 0 for a worker reader: an adjudicator sees answers, not names */
	int64_t at;
	enum answer_kind kind;
	char *result; /* JSON text, owned */
};

struct item_answers {
	int64_t item_id, engagement_id, client_id;
	struct item_keying_rec k; /* phase NONE when the item has no keying; label, diff owned */
	struct keying_answer *a;
	size_t n;
	bool hidden; /* a worker that does not adjudicate: no answers, phase none */
};

void item_answers_release(struct item_answers *ia);

/*
 * GET /v1/items/:id/answers, begun: the actor may read them (staff; a worker
 * the item it holds, and sees its answers only while it adjudicates: before,
 * an empty list and phase "none", so a keyer learns nothing of the others). Fills audit as CMD_AUDIT "item.answers", which the adapter
 * runs before app_item_answers_end() reads the answers (audit_rc: its rc).
 */
int app_item_answers_begin(const struct app *app, const struct actor *actor, int64_t id,
			   struct item_answers *out, struct cmd *audit, struct buf *err);
int app_item_answers_end(const struct app *app, const struct actor *actor, int audit_rc,
			 struct item_answers *out, struct buf *err);

/*
 * The items of engagement id with keying, by item id, a page (pg: after,
 * limit): each to fn. OUT: *next_after (0: the last page).
 */
int app_consensus_list(const struct app *app, const struct actor *actor, int64_t id,
		       const struct store_page *pg,
		       int (*fn)(void *ctx, const struct item_keying_rec *r), void *ctx,
		       int64_t *next_after, struct buf *err);

#endif
