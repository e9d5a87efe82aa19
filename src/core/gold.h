/* gold.h - gold items: their records, a worker's tally on them and the mixing rule (pure). */
#ifndef ALIHDAYA_GOLD_H
#define ALIHDAYA_GOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A gold item: a payload with its known result, loaded by a manager into an
 * engagement. Workers receive copies of it (instances: ordinary items with a
 * hidden gold_id) mixed into their work; their answers are compared with the
 * known result (docs/api.md "Gold items"). payload and result are JSON texts
 * owned by whoever filled the record (gold_rec_release), NULL when not loaded.
 */
struct gold_rec {
	int64_t id;
	int64_t engagement_id;
	int64_t client_id;
	char external_ref[128]; /* what its instances carry as external_ref ("" = none) */
	bool active;
	int64_t created_at;
	char *payload;
	char *result;
};

void gold_rec_release(struct gold_rec *g);

/* The most gold items one load takes. */
#define GOLD_LOAD_MAX 1000

/* The 95 % two-sided normal quantile every Wilson bound of the gold rules uses. */
#define GOLD_Z 1.959963984540054

/*
 * An engagement's gold settings. rate: the share of a worker's assignments
 * of the engagement that are gold (0 < rate <= 0.5; 0 = gold off); threshold:
 * the Wilson lower bound under which a worker is suspended; min_answers:
 * answers of the current window before the threshold applies; qualification:
 * gold answers a suspended worker gives to be re-qualified (0: only by a
 * manager's hand); margin and prefer_ms: the routing preference (a worker
 * whose lower bound is under threshold + margin gets an item only once it
 * waited prefer_ms, while a better worker could take it). salt keys the
 * mixing rule's jitter (made by the engine at the first settings).
 */
struct gold_settings {
	int64_t engagement_id;
	double rate, threshold, margin;
	int min_answers, qualification;
	int64_t prefer_ms;
	uint64_t salt;
	int64_t updated_at;
};

/* The defaults of a first PUT that leaves fields out. */
#define GOLD_DEFAULT_MIN_ANSWERS 10
#define GOLD_DEFAULT_QUALIFICATION 5
#define GOLD_DEFAULT_MARGIN 0.1
#define GOLD_DEFAULT_PREFER_MS 60000

/* A worker's standing on one engagement's gold. */
enum gold_state {
	GOLD_QUALIFIED,	 /* receives the engagement's work */
	GOLD_QUALIFYING, /* suspended; receives only qualification gold */
	GOLD_SUSPENDED,	 /* suspended; receives nothing of it until a manager re-qualifies */
};
const char *gold_state_name(enum gold_state s);

/*
 * The tally of one worker on one engagement, a state machine over its gold
 * answers in order (gold_tally_answer), so live state and every report
 * rebuild it the same way from the quality observations:
 *  - qualified: the answer counts in the window (n, k); once n >=
 *    min_answers and wilson_lower(k, n) < threshold, the worker is suspended:
 *    qualifying when qualification > 0, else suspended.
 *  - qualifying: the answer counts in the round (qn, qk); after
 *    `qualification` answers, qk/qn >= threshold re-qualifies with a fresh
 *    window (n = k = 0: the old answers that suspended it no longer count),
 *    otherwise the worker stays suspended until a manager re-qualifies.
 *  - a manager's re-qualification (gold_tally_reset) is the fresh window too.
 * total_n, total_k count every answer, for reports.
 */
struct gold_tally {
	enum gold_state state;
	int64_t n, k;	/* the current window */
	int64_t qn, qk; /* the qualification round */
	int64_t total_n, total_k;
	int64_t suspended_at; /* when it was last suspended (0: never) */
};

/* One gold answer at `at` (ok: correct) under settings gs. True if the state changed. */
bool gold_tally_answer(struct gold_tally *t, const struct gold_settings *gs, bool ok, int64_t at);
/* A manager's re-qualification: qualified, fresh window; totals kept. */
void gold_tally_reset(struct gold_tally *t);
/* The Wilson lower bound of the current window (0 with no answers). */
double gold_tally_lower(const struct gold_tally *t);
double gold_tally_upper(const struct gold_tally *t);

/*
 * The mixing rule. A worker's assignments of a gold-checked engagement are
 * numbered 0, 1, 2, ... (assigned). They fall in blocks of
 * period = round(1 / rate); in block b exactly one position is gold:
 * jitter(salt, worker, b) mod period. So the share is exactly 1/period over
 * whole blocks, a worker cannot tell which position comes next, and the
 * rule needs nothing but the counter to be replayed.
 */
int64_t gold_period(double rate);
bool gold_slot(const struct gold_settings *gs, int64_t worker_id, int64_t assigned);
/* SipHash-2-4 of the 16-byte message (a, b) under the key (salt, engagement_id). */
uint64_t gold_jitter(uint64_t salt, int64_t engagement_id, int64_t a, int64_t b);

#endif
