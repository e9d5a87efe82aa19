/* offer.c - the order of experts for an offer, and the rules of how offers end. */
#include "core/offer.h"

#include <string.h>

#include "util/err.h"

static const char *const state_names[OFFER_STATE__COUNT] = {
    [OFFER_OPEN] = "open",	   [OFFER_ACCEPTED] = "accepted", [OFFER_DECLINED] = "declined",
    [OFFER_EXPIRED] = "expired", [OFFER_WITHDRAWN] = "withdrawn",
};

static const char *const mode_names[] = {[OFFER_PULL] = "pull", [OFFER_PUSH] = "push"};

const char *offer_state_name(enum offer_state s)
{
	return (unsigned)s < OFFER_STATE__COUNT ? state_names[s] : "?";
}

int offer_state_parse(const char *s, enum offer_state *out)
{
	for (int i = 0; s && i < OFFER_STATE__COUNT; i++)
		if (!strcmp(s, state_names[i])) {
			*out = (enum offer_state)i;
			return 0;
		}
	return ERR_INVALID;
}

const char *offer_mode_name(enum offer_mode m)
{
	return m == OFFER_PUSH ? mode_names[OFFER_PUSH] : mode_names[OFFER_PULL];
}

int offer_mode_parse(const char *s, enum offer_mode *out)
{
	if (s && !strcmp(s, "pull"))
		*out = OFFER_PULL;
	else if (s && !strcmp(s, "push"))
		*out = OFFER_PUSH;
	else
		return ERR_INVALID;
	return 0;
}

static int level_of(const struct skill_level *have, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (!strncmp(have[i].code, code, MODEL_CODE_MAX))
			return have[i].level;
	return 0;
}

int offer_levels(const struct worker_rec *w, const struct engagement_rec *e)
{
	size_t ns = w->n_skills < MODEL_MAX_SKILLS ? w->n_skills : MODEL_MAX_SKILLS;
	size_t nl = w->n_langs < MODEL_MAX_LANGS ? w->n_langs : MODEL_MAX_LANGS;
	int sum = 0;

	for (size_t i = 0; i < e->n_skills && i < MODEL_MAX_SKILLS; i++)
		sum += level_of(w->skills, ns, e->skills[i].code);
	for (size_t i = 0; i < e->n_langs && i < MODEL_MAX_LANGS; i++)
		sum += level_of(w->langs, nl, e->langs[i].code);
	return sum;
}

bool offer_better(const struct offer_candidate *a, const struct offer_candidate *b)
{
	if (a->levels != b->levels)
		return a->levels > b->levels;
	if (a->load != b->load)
		return a->load < b->load;
	if (a->idle_since != b->idle_since)
		return a->idle_since < b->idle_since;
	return a->worker_id < b->worker_id;
}

bool offer_may_again(int64_t ended_at, int64_t timeout_ms, int64_t now)
{
	return now - ended_at >= timeout_ms;
}

int offer_no_answer_next(int count, enum offer_state how, int max, bool *away)
{
	*away = false;
	if (how == OFFER_ACCEPTED || how == OFFER_DECLINED)
		return 0;
	if (how != OFFER_EXPIRED)
		return count;
	count++;
	if (max > 0 && count >= max) {
		*away = true;
		return 0;
	}
	return count;
}
