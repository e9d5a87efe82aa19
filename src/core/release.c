/* release.c - the release and away reason codes. */
#include "core/release.h"

#include <string.h>

#include "util/err.h"

static const char *const release_names[RELEASE_REASON__COUNT] = {
    [RELEASE_BREAK] = "break",
    [RELEASE_SKILL_MISMATCH] = "skill_mismatch",
    [RELEASE_CONFLICT_OF_INTEREST] = "conflict_of_interest",
    [RELEASE_ILLEGIBLE] = "illegible",
    [RELEASE_OTHER] = "other",
    [RELEASE_OFFLINE] = "offline",
};

static const char *const away_names[AWAY_REASON__COUNT] = {
    [AWAY_NONE] = "",	      [AWAY_BREAK] = "break", [AWAY_MEETING] = "meeting",
    [AWAY_TRAINING] = "training", [AWAY_LUNCH] = "lunch", [AWAY_OTHER] = "other",
    [AWAY_NO_ANSWER] = "no_answer",
};

const char *release_reason_name(enum release_reason r)
{
	return (unsigned)r < RELEASE_REASON__COUNT ? release_names[r] : "?";
}

int release_reason_parse(const char *s, enum release_reason *out)
{
	for (int i = 0; s && i < RELEASE_OFFLINE; i++)
		if (!strcmp(s, release_names[i])) {
			*out = (enum release_reason)i;
			return 0;
		}
	return ERR_INVALID;
}

bool release_reason_excludes(enum release_reason r)
{
	return r == RELEASE_SKILL_MISMATCH || r == RELEASE_CONFLICT_OF_INTEREST;
}

const char *away_reason_name(enum away_reason r)
{
	return (unsigned)r < AWAY_REASON__COUNT ? away_names[r] : "?";
}

int away_reason_parse(const char *s, enum away_reason *out)
{
	for (int i = 0; s && i < AWAY_NO_ANSWER; i++)
		if (!strcmp(s, away_names[i])) {
			*out = (enum away_reason)i;
			return 0;
		}
	return ERR_INVALID;
}
