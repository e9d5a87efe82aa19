/* review.h - review sampling records: defect codes, sampling settings, review tasks and lots. */
#ifndef ALIHDAYA_CORE_REVIEW_H
#define ALIHDAYA_CORE_REVIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "core/model.h"

/*
 * An engagement's reject reasons (docs/api.md "Review and sampling"): at
 * most REVIEW_DEFECTS_MAX codes of [a-z0-9_]{1,63}, each with a label and a
 * severity. When an engagement has any, every rejection names one.
 */
#define REVIEW_DEFECTS_MAX 100
#define REVIEW_LABEL_MAX 256

enum defect_severity { SEV_MINOR, SEV_MAJOR, SEV_CRITICAL };
const char *defect_severity_name(enum defect_severity s);
int defect_severity_parse(const char *s, enum defect_severity *out);

struct defect_rec {
	char code[MODEL_CODE_MAX];
	char label[REVIEW_LABEL_MAX];
	enum defect_severity severity;
};

/* True for a defect code: 1..63 of [a-z0-9_]. */
bool defect_code_valid(const char *s);

/* How submitted items of an engagement reach a reviewer. */
enum sampling_mode {
	SAMPLING_NONE,	/* none: the client's (or staff's) accept as before */
	SAMPLING_SHARE, /* share_pct of submitted items, by a keyed hash of the item id */
	SAMPLING_AQL,	/* lots of lot_size, sampled by the ISO 2859-1 plan (core/aql.h) */
};
const char *sampling_mode_name(enum sampling_mode m);
int sampling_mode_parse(const char *s, enum sampling_mode *out);

/* The inspection levels, in the order of core/aql.h's enum aql_level: S1..S4, I, II, III. */
#define SAMPLING_LEVELS 7
const char *sampling_level_name(int level);
int sampling_level_parse(const char *s, int *out);

#define SAMPLING_KEY_BYTES 16

struct sampling_rec {
	int64_t engagement_id;
	enum sampling_mode mode;
	int share_pct;	       /* share: 0..100 */
	int64_t lot_size;      /* aql: 2..500000 */
	int level;	       /* aql: enum aql_level */
	int aql_centi;	       /* aql: the AQL in hundredths of a percent (250 = 2.5 %) */
	struct skill_level qa; /* the skill a reviewer must have (code "" = any cleared worker) */
	unsigned char key[SAMPLING_KEY_BYTES]; /* the sampling hash's key: never shown */
	int64_t updated_at;
};

/*
 * Whether a submitted item is chosen (share mode): SipHash-2-4 of the item
 * id under the engagement's secret key, so the choice is fixed for an item
 * but cannot be guessed by the worker who keys it. Pure.
 */
uint64_t sampling_hash(const unsigned char key[SAMPLING_KEY_BYTES], int64_t item_id);
bool sampling_chosen(const struct sampling_rec *s, int64_t item_id);

/* A submitted item in the review flow. */
enum review_state {
	RV_HELD,     /* in a lot that is not (or not yet) drawn for the sample */
	RV_WAITING,  /* chosen: waits for a reviewer */
	RV_LEASED,   /* a reviewer holds it (epoch, lease_expires) */
	RV_ACCEPTED, /* decided: accepted */
	RV_REJECTED, /* decided: rejected (defect, field) */
	RV_CLOSED,   /* the item left the flow: its lot's verdict, or staff moved it */
	RV__COUNT
};
const char *review_state_name(enum review_state s);
int review_state_parse(const char *s, enum review_state *out);

struct review_task {
	int64_t id;
	int64_t item_id, engagement_id, client_id;
	int64_t lot_id;	      /* 0: not in a lot (share mode) */
	int64_t submitter_id; /* the worker whose submission it reviews: never its reviewer */
	int64_t item_epoch;   /* the item's epoch at the submit: a later lease makes it void */
	enum review_state state;
	int64_t reviewer_id, epoch, lease_expires; /* the review lease (epoch grows per lease) */
	char defect[MODEL_CODE_MAX];
	char field[MODEL_CODE_MAX];
	int64_t created_at, decided_at;
	int64_t rework_count; /* reads: how many times the item went back for rework */
};

enum lot_state { LOT_OPEN, LOT_SAMPLING, LOT_ACCEPTED, LOT_REJECTED, LOT__COUNT };
const char *lot_state_name(enum lot_state s);

struct lot_rec {
	int64_t id, engagement_id;
	enum lot_state state;
	int64_t lot_size; /* the size it closes at */
	int64_t size;	  /* items in it */
	char code;	  /* the plan's sample size code letter, once drawn */
	int64_t n;	  /* sample size */
	int ac, re;	  /* accept if rejected <= ac, reject if rejected >= re */
	int64_t rejected, decided;
	char defect[MODEL_CODE_MAX]; /* a rejected lot: the defect code that decided it */
	int64_t created_at, closed_at;
};

#endif
