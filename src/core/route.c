/* route.c - eligibility of a worker for an engagement's work. */
#include "core/route.h"

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

bool route_qualified(const struct worker_rec *w, const struct engagement_rec *e)
{
	return holds_all(w->skills, clamp(w->n_skills, MODEL_MAX_SKILLS), e->skills,
			 clamp(e->n_skills, MODEL_MAX_SKILLS)) &&
	       holds_all(w->langs, clamp(w->n_langs, MODEL_MAX_LANGS), e->langs,
			 clamp(e->n_langs, MODEL_MAX_LANGS)) &&
	       route_cleared(w, e->client_id);
}

bool route_has_room(const struct worker_rec *w, int load)
{
	return w->active && w->status == WORKER_AVAILABLE && load < w->capacity;
}

bool route_cleared(const struct worker_rec *w, int64_t client_id)
{
	size_t lo = 0, hi = clamp(w->n_clear, MODEL_MAX_CLEAR);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w->clear[mid] == client_id)
			return true;
		if (w->clear[mid] < client_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}
