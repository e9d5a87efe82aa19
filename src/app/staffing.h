/* staffing.h - staffing use cases: the Erlang check, the plan of an engagement and of a skill. */
#ifndef ALIHDAYA_APP_STAFFING_H
#define ALIHDAYA_APP_STAFFING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "core/erlang.h"
#include "core/forecast.h"
#include "core/model.h"
#include "core/plan.h"
#include "sec/auth.h"
#include "util/buf.h"

/*
 * The math is pure (core/erlang, core/backlog, core/forecast, core/plan);
 * these use cases check the input once for every front end, read the plan's
 * inputs through store.h and answer records. JSON: src/wire/staffing.h.
 * Definitions: docs/staffing.md. Conventions: app/app.h.
 */

#define STAFF_MAX_DAYS 28
#define STAFF_HISTORY_WEEKS 6		/* history read for the forecast */
#define STAFF_DEFAULT_AHT_S 300.0	/* a plan's handle time when the caller gives none */
#define STAFF_MAX_SECONDS 86400.0	/* cap of handle times, patience and "within" */
#define STAFF_MAX_SKILL_ENGAGEMENTS 256 /* engagements one skill plan sums */
#define STAFF_ERLANG_ROWS 6		/* three agent counts below the answer, two above */

/* The service target of a staffing search, as given (APP_ABSENT: not given). */
struct staff_target_in {
	double service_level; /* the target service level, (0, 1); absent: 0.8 */
	double within_s;      /* answered within, [0, STAFF_MAX_SECONDS]; default: see the use */
	double shrinkage;     /* paid time off the work, [0, 1); absent: 0 */
	double max_occupancy; /* (0, 1]; absent: 1 (no cap) */
};

#define STAFF_TARGET_IN_INIT                                                                       \
	{                                                                                          \
		.service_level = APP_ABSENT, .within_s = APP_ABSENT, .shrinkage = APP_ABSENT,      \
		.max_occupancy = APP_ABSENT                                                        \
	}

/* ================================================================
 * The Erlang check
 * ================================================================ */

/* Numbers are APP_ABSENT when not given. */
struct staff_erlang_in {
	const char *model; /* "c" (NULL: the default) or "a"; either case */
	double contacts;   /* required: 0 .. 1000 * ERLANG_MAX_TRAFFIC */
	double interval_s; /* required: (0, 7 days] */
	double aht_s;	   /* required: (0, STAFF_MAX_SECONDS] */
	double patience_s; /* model a: required, (0, STAFF_MAX_SECONDS]; model c: absent */
	struct staff_target_in target; /* within absent: 20 s */
	double max_abandon;	       /* [0, 1), model a only unless 0; absent: 0 (no limit) */
};

#define STAFF_ERLANG_IN_INIT                                                                       \
	{                                                                                          \
		.contacts = APP_ABSENT, .interval_s = APP_ABSENT, .aht_s = APP_ABSENT,             \
		.patience_s = APP_ABSENT, .target = STAFF_TARGET_IN_INIT,                          \
		.max_abandon = APP_ABSENT                                                          \
	}

struct staff_erlang {
	struct erlang_load load;     /* as checked, defaults applied */
	struct erlang_target target; /* idem */
	struct erlang_plan plan;     /* the answer */
	/* The metrics around the answer (none when no traffic), so one more or less shows. */
	struct erlang_metrics rows[STAFF_ERLANG_ROWS];
	int nrows;
};

/*
 * Agents needed for one interval's load. OUT: *out. 0, or ERR_INVALID (a
 * bad input, or a load beyond ERLANG_MAX_TRAFFIC) with the field named in err.
 */
int app_staff_erlang(const struct app *app, const struct actor *actor,
		     const struct staff_erlang_in *in, struct staff_erlang *out, struct buf *err);

/* ================================================================
 * Plans
 * ================================================================ */

/* A plan's input; numbers are APP_ABSENT when not given. */
struct staff_plan_in {
	int64_t engagement_id; /* app_staff_plan(): > 0 */
	const char *skill;     /* app_staff_skill_plan(): 1..MODEL_CODE_MAX-1 of [A-Za-z0-9_.:-] */
	double days;	       /* whole, 1..STAFF_MAX_DAYS; absent: 7 */
	double interval_s;     /* 900, 1800 or 3600; absent: 900 */
	double aht_s;	       /* (0, STAFF_MAX_SECONDS]; absent: STAFF_DEFAULT_AHT_S, said so */
	const char *model;     /* "backlog" or "erlang_c"; NULL: plan_model_for() the SLA */
	/*
	 * app_staff_plan() only: "today", "tomorrow" or YYYY-MM-DD, a local day
	 * of the engagement's time zone, today up to STAFF_MAX_DAYS ahead; the
	 * plan then covers `days` local days from its midnight (today: from the
	 * interval holding now). NULL: `days` times 24 hours from now.
	 */
	const char *day;
	/* service level, within (absent or 0: the SLA) and occupancy: erlang_c only */
	struct staff_target_in target;
};

#define STAFF_PLAN_IN_INIT                                                                         \
	{                                                                                          \
		.days = APP_ABSENT, .interval_s = APP_ABSENT, .aht_s = APP_ABSENT,                 \
		.target = STAFF_TARGET_IN_INIT                                                     \
	}

/* The options of a plan as checked, defaults applied (both kinds of plan). */
struct staff_opts {
	int days;
	int64_t interval_s;
	double aht_s;
	bool aht_default; /* aht_s is STAFF_DEFAULT_AHT_S because none was given */
	bool model_set;	  /* else each engagement's plan_model_for() */
	enum plan_model model;
	double service_level, within_s, shrinkage, max_occupancy;
	char day[16]; /* as given; "" when not */
};

/*
 * The work on the floor when the plan starts: only a plan whose horizon
 * holds the current interval counts it (counted); a plan of a later day
 * plans that day's arrivals only.
 */
struct staff_now {
	bool counted;
	long waiting;	/* items queued now */
	long carried;	/* of them, arrived before the current interval: planned at their due times */
	double arrived; /* items arrived in the current interval so far (its volume at least) */
};

/* How an engagement's arrivals were forecast. */
struct staff_forecast {
	struct forecast_fit fit;
	int64_t history_from_ms;
	size_t history_intervals;
	double history_items;
	const char *note; /* one line saying what the method means here; static */
};

/* The plan of one engagement. */
struct staff_plan {
	struct engagement_rec engagement;
	struct staff_opts opts;
	enum plan_model model;	     /* the one used */
	double sla_s;		     /* the engagement's */
	struct erlang_target target; /* PLAN_QUEUE: as used (within defaults to the SLA) */
	int64_t start_ms, end_ms;    /* the horizon: n intervals from the current one */
	char date[11];		     /* with a day: the local date planned first, YYYY-MM-DD */
	struct staff_now now;
	struct staff_forecast forecast;
	struct plan_result result;
	struct plan_interval *iv; /* n, owned: staff_plan_release() */
	size_t n;
};

/* One engagement's part of a skill plan: enough to find and check its own plan. */
struct staff_skill_part {
	int64_t engagement_id, client_id;
	char name[MODEL_NAME_MAX];
	enum service_kind kind;
	int level; /* the skill's level it requires */
	enum plan_model model;
	double sla_s;
	struct staff_forecast forecast;
	double volume; /* forecast over the horizon */
	long peak_required;
	int64_t worker_seconds;
};

/* The plan of a skill: its engagements' plans summed, beside the skill's workers. */
struct staff_skill_plan {
	char skill[MODEL_CODE_MAX];
	int level; /* highest required; 0 when no engagement requires the skill */
	struct staff_opts opts;
	int64_t start_ms, end_ms;
	const char *note;		/* NULL, or why the plan is empty; static */
	struct staff_skill_part *parts; /* n_parts, owned */
	size_t n_parts;
	struct plan_result result;
	struct plan_interval *iv; /* n, owned (volume and required summed; load 0) */
	size_t n;
};

/* Frees what a plan owns; safe on a zeroed or released plan. */
void staff_plan_release(struct staff_plan *p);
void staff_skill_plan_release(struct staff_skill_plan *p);

/*
 * The plan of in->engagement_id for in->days from the interval holding now
 * (UTC-aligned intervals), or for the local day in->day (intervals aligned
 * to its midnight), forecast from up to STAFF_HISTORY_WEEKS of recorded
 * arrivals since the engagement began, with the work waiting now and the
 * current interval's arrivals (struct staff_now); the workers counted are
 * those that meet every requirement of the engagement (route_qualified():
 * skills and languages at level, cleared for the client). OUT: *out (staff_plan_release(), also after an error).
 * 0, ERR_INVALID (input, or model backlog with an SLA under one interval),
 * ERR_NOTFOUND (no such engagement), ERR_TOOBIG, ERR_NOMEM or the store's
 * error; err says why.
 */
int app_staff_plan(const struct app *app, const struct actor *actor, const struct staff_plan_in *in,
		   struct staff_plan *out, struct buf *err);

/*
 * The plan of in->skill: every engagement whose required skills include it,
 * each planned exactly as app_staff_plan() would (same forecast, model and
 * required workers), summed per interval; beside them the workers that
 * meet every requirement of at least one of those engagements (as
 * app_staff_plan() counts them), with advice and cost as in a plan; in->day
 * is refused (the engagements' zones differ). A skill
 * no engagement requires is an empty plan (required 0) with a note.
 * OUT: *out (staff_skill_plan_release(), also after an error). 0,
 * ERR_INVALID, ERR_TOOBIG (over STAFF_MAX_SKILL_ENGAGEMENTS), ERR_NOMEM or
 * the store's error; err says why.
 */
int app_staff_skill_plan(const struct app *app, const struct actor *actor,
			 const struct staff_plan_in *in, struct staff_skill_plan *out,
			 struct buf *err);

#endif
