/* staffing.h - staffing answers as JSON from the store: plans per engagement and per skill. */
#ifndef ALIHDAYA_STAFFING_H
#define ALIHDAYA_STAFFING_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/erlang.h"
#include "core/plan.h"
#include "store/store.h"
#include "util/buf.h"

/*
 * Shared by the API (src/http/h_staff.c) and the CLI (src/cli/staff.c) so
 * both answer the same JSON. The math is pure (core/erlang, core/backlog,
 * core/forecast, core/plan); this module only reads its inputs through the
 * store's reader functions and shapes the answer. Definitions are in
 * docs/staffing.md, "The plan".
 */

#define STAFFING_MAX_DAYS 28
#define STAFFING_HISTORY_WEEKS 6     /* history read for the forecast */
#define STAFFING_DEFAULT_AHT_S 300.0 /* when the caller gives none */
#define STAFFING_MAX_AHT_S 86400.0
#define STAFFING_MAX_SKILL_ENGAGEMENTS 256 /* engagements one skill plan sums */

struct staffing_opts {
	int64_t engagement_id;
	int days;	      /* 1..STAFFING_MAX_DAYS */
	int64_t interval_s;   /* 900, 1800 or 3600 */
	double aht_s;	      /* handle time per item; 0 = STAFFING_DEFAULT_AHT_S */
	bool model_set;	      /* else plan_model_for(the engagement's SLA, interval) */
	enum plan_model model;
	double service_level; /* PLAN_QUEUE target, in (0, 1) */
	double within_s;      /* PLAN_QUEUE: answered within; 0 = the engagement's SLA */
	double shrinkage;     /* [0, 1) */
	double max_occupancy; /* PLAN_QUEUE: (0, 1] */
};

#define STAFFING_OPTS_INIT                                                                         \
	{                                                                                          \
		.days = 7, .interval_s = 900, .service_level = 0.8, .max_occupancy = 1.0           \
	}

/* 0, or ERR_INVALID with one line saying which option is wrong appended to err. */
int staffing_check(const struct staffing_opts *o, struct buf *err);

/*
 * The plan of o->engagement_id for o->days from the interval holding now_ms
 * (UTC-aligned intervals), forecast from up to STAFFING_HISTORY_WEEKS of
 * recorded arrivals since the engagement began. OUT: *out (json_decref).
 * 0, ERR_INVALID (options), ERR_NOTFOUND (no such engagement), ERR_TOOBIG,
 * ERR_NOMEM or the store's error; err says why.
 */
int staffing_plan(struct store *s, const struct staffing_opts *o, int64_t now_ms, json_t **out,
		  struct buf *err);

/* True if code is a valid skill code: 1..MODEL_CODE_MAX-1 of [A-Za-z0-9_.:-]. */
bool staffing_skill_code_ok(const char *code);

/* As staffing_check() for a skill plan (o->engagement_id is ignored): the code, then o. */
int staffing_skill_check(const char *skill, const struct staffing_opts *o, struct buf *err);

/*
 * The plan of a skill: every engagement whose required skills include it,
 * each planned exactly as staffing_plan() would (same forecast, model and
 * required workers), summed per interval; beside them the workers holding
 * the skill at the highest level those engagements require and cleared for
 * at least one of their clients, with advice and cost as in a plan. A skill
 * no engagement requires answers an empty plan (required 0) with a "note".
 * OUT: *out (json_decref). 0, ERR_INVALID (code or options, or a model an
 * engagement cannot take), ERR_TOOBIG (over STAFFING_MAX_SKILL_ENGAGEMENTS),
 * ERR_NOMEM or the store's error; err says why.
 */
int staffing_skill_plan(struct store *s, const char *skill, const struct staffing_opts *o,
			int64_t now_ms, json_t **out, struct buf *err);

/*
 * The answer of an Erlang check: inputs, the required agents and their
 * metrics, and rows of metrics around the answer (may be 0 rows).
 * NULL when out of memory.
 */
json_t *staffing_erlang_json(const struct erlang_load *load, const struct erlang_target *t,
			     const struct erlang_plan *p, const struct erlang_metrics *rows,
			     int nrows);

#endif
