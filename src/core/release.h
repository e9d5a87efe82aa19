/* release.h - why a worker hands an item back, and why a worker is away: the reason codes. */
#ifndef ALIHDAYA_RELEASE_H
#define ALIHDAYA_RELEASE_H

#include <stdbool.h>

/*
 * A release's reason. The names are the API's (release_reason_name());
 * never renumber. Some reasons keep the worker away from that item for
 * good (release_reason_excludes()): a conflict of interest or a skill the
 * item needs and the worker lacks do not pass with time.
 */
enum release_reason {
	RELEASE_BREAK,		     /* the worker takes a break */
	RELEASE_SKILL_MISMATCH,	     /* the item needs what the worker lacks: excluded */
	RELEASE_CONFLICT_OF_INTEREST, /* the worker may not work on it: excluded */
	RELEASE_ILLEGIBLE,	     /* the item cannot be read (another may do better) */
	RELEASE_OTHER,		     /* with a note */
	RELEASE_OFFLINE,	     /* the engine's: the worker was set offline */
	RELEASE_REASON__COUNT
};

const char *release_reason_name(enum release_reason r);
/* 0 and *out, or ERR_INVALID (an unknown code, or "offline", which only the engine gives). */
int release_reason_parse(const char *s, enum release_reason *out);
/* True if the reason excludes the worker from the item for good. */
bool release_reason_excludes(enum release_reason r);

/* Why a worker is away (POST /v1/workers/:id/status {status: "away", reason}). Never renumber. */
enum away_reason {
	AWAY_NONE,	/* not away, or away without a reason given */
	AWAY_BREAK,
	AWAY_MEETING,
	AWAY_TRAINING,
	AWAY_LUNCH,
	AWAY_OTHER,
	AWAY_NO_ANSWER, /* the engine's: offers ran out max_no_answer times in a row */
	AWAY_REASON__COUNT
};

const char *away_reason_name(enum away_reason r); /* "" for AWAY_NONE */
/* 0 and *out, or ERR_INVALID; "" is AWAY_NONE. no_answer is the engine's, not a person's. */
int away_reason_parse(const char *s, enum away_reason *out);

#endif
