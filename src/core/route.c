/* route.c - eligibility of a worker for an engagement's work. */
#include "core/route.h"

#include <stdio.h>
#include <string.h>

/* Input validation bounds the counts; clamp anyway so a bad record cannot read past an array. */
static size_t clamp(size_t n, size_t max)
{
	return n < max ? n : max;
}

static bool holds(const struct skill_level *have, size_t n_have, const struct skill_level *need)
{
	for (size_t i = 0; i < n_have; i++)
		if (!strncmp(have[i].code, need->code, MODEL_CODE_MAX))
			return have[i].level >= need->level;
	return false;
}

static bool holds_all(const struct skill_level *have, size_t n_have, const struct skill_level *need,
		      size_t n_need)
{
	for (size_t i = 0; i < n_need; i++)
		if (!holds(have, n_have, &need[i]))
			return false;
	return true;
}

bool route_qualified(const struct worker_rec *w, const struct engagement_rec *e, int64_t now)
{
	return holds_all(w->skills, clamp(w->n_skills, MODEL_MAX_SKILLS), e->skills,
			 clamp(e->n_skills, MODEL_MAX_SKILLS)) &&
	       holds_all(w->langs, clamp(w->n_langs, MODEL_MAX_LANGS), e->langs,
			 clamp(e->n_langs, MODEL_MAX_LANGS)) &&
	       route_cleared(w, e->client_id, now);
}

bool route_has_room(const struct worker_rec *w, int load)
{
	return w->active && w->status == WORKER_AVAILABLE && load < w->capacity;
}

bool route_cleared(const struct worker_rec *w, int64_t client_id, int64_t now)
{
	long i = worker_clear_find(w, client_id);

	/* Compared with the clock every time: a clearance lapses at its moment, not at a reload. */
	return i >= 0 && (!w->clear_until[i] || now < w->clear_until[i]);
}

/* ================================================================
 * Why nothing was found
 * ================================================================ */

static const char *const reason_names[ROUTE_REASON__COUNT] = {
	[ROUTE_ELIGIBLE] = "eligible",		 [ROUTE_NO_WORK] = "no_work",
	[ROUTE_NOT_CLEARED] = "not_cleared",	 [ROUTE_BELOW_LEVEL] = "below_level",
	[ROUTE_AT_CAPACITY] = "at_capacity",	 [ROUTE_NOT_AVAILABLE] = "not_available",
	[ROUTE_GOLD_SUSPENDED] = "gold_suspended", [ROUTE_GOLD_PREFERRED] = "gold_preferred",
	[ROUTE_WRAP_UP] = "wrap_up",
};

const char *route_reason_name(enum route_reason r)
{
	return (unsigned)r < ROUTE_REASON__COUNT ? reason_names[r] : "?";
}

void route_explain_init(struct route_explain *x, const struct worker_rec *w, int load)
{
	memset(x, 0, sizeof(*x));
	if (w->status != WORKER_AVAILABLE)
		x->reason = ROUTE_NOT_AVAILABLE;
	else if (load >= w->capacity) {
		x->reason = ROUTE_AT_CAPACITY;
		x->have = load;
		x->need = w->capacity;
	}
	else
		x->reason = ROUTE_NO_WORK;
}

/* The first of need[] that have[] lacks or holds below its level: 1 and x filled, else 0. */
static int first_short(struct route_explain *x, const struct skill_level *have, size_t n_have,
		       const struct skill_level *need, size_t n_need, bool lang)
{
	for (size_t i = 0; i < n_need; i++) {
		int level = 0;

		for (size_t j = 0; j < n_have; j++)
			if (!strncmp(have[j].code, need[i].code, MODEL_CODE_MAX))
				level = have[j].level;
		if (level >= need[i].level)
			continue;
		x->lang = lang;
		snprintf(x->code, sizeof(x->code), "%s", need[i].code);
		x->need = need[i].level;
		x->have = level;
		return 1;
	}
	return 0;
}

void route_explain_add(struct route_explain *x, const struct worker_rec *w,
		       const struct engagement_rec *e, int64_t now)
{
	struct route_explain t = *x;

	/* Decided by init (status, capacity), or by an engagement that fits. */
	if (x->reason == ROUTE_ELIGIBLE || x->reason == ROUTE_AT_CAPACITY ||
	    x->reason == ROUTE_NOT_AVAILABLE)
		return;
	if (!route_cleared(w, e->client_id, now)) {
		if (x->reason == ROUTE_NO_WORK) {
			x->reason = ROUTE_NOT_CLEARED;
			x->engagement_id = e->id;
		}
		return;
	}
	if (first_short(&t, w->skills, clamp(w->n_skills, MODEL_MAX_SKILLS), e->skills,
			clamp(e->n_skills, MODEL_MAX_SKILLS), false) ||
	    first_short(&t, w->langs, clamp(w->n_langs, MODEL_MAX_LANGS), e->langs,
			clamp(e->n_langs, MODEL_MAX_LANGS), true)) {
		/* The first engagement the worker is cleared for names the requirement. */
		if (x->reason != ROUTE_BELOW_LEVEL) {
			*x = t;
			x->reason = ROUTE_BELOW_LEVEL;
			x->engagement_id = e->id;
		}
		return;
	}
	x->reason = ROUTE_ELIGIBLE;
	x->engagement_id = e->id;
}

void route_explain_text(const struct route_explain *x, const struct worker_rec *w, char *out,
			size_t n)
{
	switch (x->reason) {
	case ROUTE_NOT_AVAILABLE:
		snprintf(out, n, "the worker is %s; set its status to available to take work",
			 worker_status_name(w->status));
		break;
	case ROUTE_AT_CAPACITY:
		snprintf(out, n, "the worker holds %d of %d leases; submit work to take more",
			 x->have, x->need);
		break;
	case ROUTE_NOT_CLEARED:
		snprintf(out, n,
			 "work is queued only for clients the worker is not cleared for "
			 "(engagement %lld)",
			 (long long)x->engagement_id);
		break;
	case ROUTE_BELOW_LEVEL:
		if (x->have)
			snprintf(out, n, "engagement %lld requires %s %s at level %d; the worker has %d",
				 (long long)x->engagement_id, x->lang ? "language" : "skill",
				 x->code, x->need, x->have);
		else
			snprintf(out, n,
				 "engagement %lld requires %s %s at level %d; the worker does not have it",
				 (long long)x->engagement_id, x->lang ? "language" : "skill",
				 x->code, x->need);
		break;
	case ROUTE_NO_WORK:
		snprintf(out, n, "no work is queued");
		break;
	default:
		snprintf(out, n, "work is eligible");
		break;
	}
}
