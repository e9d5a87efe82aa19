/* assess.h - the process-fit assessment: which work to outsource as BPO, as KPO, or keep in-house; pure. */
#ifndef ALIHDAYA_ASSESS_H
#define ALIHDAYA_ASSESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The questions follow the six elements DESIGN.md uses to tell BPO from
 * KPO (focus, process, specialisation, driving force, activity, client
 * contact), plus rules versus judgement and data sensitivity (choices), and
 * the volume (hours a month, a number). Each choice question has three or
 * four options ordered from the BPO end to the KPO end (or, for data
 * sensitivity, from "outsource freely" to "keep in").
 *
 * The scoring (docs/api.md "Process-fit assessment"):
 *  1. KPO points: each of the seven BPO/KPO questions (the six elements and
 *     rules versus judgement) gives 0 (BPO end), 1 (between) or 2 (KPO end):
 *     0..14 in all.
 *  2. In-house points: data sensitivity low 0, medium 1, high 2; volume
 *     under 20 h a month 2, under 80 h 1, else 0 (too little work to carry
 *     a provider's setup and management).
 *  3. The recommendation, the first rule that holds:
 *     a. data sensitivity "restricted" (may not leave the company) -> in-house;
 *     b. in-house points >= 3 -> in-house;
 *     c. KPO points >= 7 -> KPO, else BPO;
 *     d. the outsourced option of c costs the same or more a month than
 *        in-house -> in-house (no saving).
 *  4. The deciding answers: for a, the sensitivity; for b, the in-house
 *     factors that scored; for c, the questions at the recommended end (2
 *     for KPO, 0 for BPO), in question order; for d, "cost".
 * Costs a month, integer minor units of `currency`, each rounded half up:
 *   BPO = hours * bpo_rate, KPO = hours * kpo_rate,
 *   in-house = hours * in_house_rate * (100 + overhead_pct) / 100.
 * Rates default to the seeds' $11 and $24 an hour (1100 and 2400 cents).
 */

enum assess_q {
	AQ_FOCUS,	    /* cost and volume .. expertise and insight */
	AQ_PROCESS,	    /* predefined steps .. open-ended */
	AQ_SPECIALISATION,  /* trained operators .. advanced degrees and credentials */
	AQ_DRIVING_FORCE,   /* speed and accuracy at volume .. judgement */
	AQ_ACTIVITY,	    /* transactional .. research, analysis, advice */
	AQ_CLIENT_CONTACT,  /* rare .. frequent */
	AQ_RULES,	    /* rules .. judgement */
	AQ_SENSITIVITY,	    /* low, medium, high, restricted */
	AQ__CHOICES,
	AQ_VOLUME = AQ__CHOICES, /* hours a month: a number, not a choice */
	AQ__COUNT
};

enum assess_lang { ASSESS_EN, ASSESS_ID, ASSESS_MS, ASSESS_LANG__COUNT };
enum assess_rec { ASSESS_BPO, ASSESS_KPO, ASSESS_IN_HOUSE, ASSESS_REC__COUNT };

#define ASSESS_OPTIONS_MAX 4
#define ASSESS_BPO_RATE_DEFAULT 1100 /* minor units an hour: $11 */
#define ASSESS_KPO_RATE_DEFAULT 2400 /* $24 */
#define ASSESS_HOURS_MAX 1000000     /* a month's hours: about 6,000 full-time people */
#define ASSESS_RATE_MAX 100000000    /* minor units an hour */
#define ASSESS_KPO_THRESHOLD 7
#define ASSESS_IN_HOUSE_THRESHOLD 3

struct assess_question {
	const char *key;			     /* "focus", ..., "volume" */
	const char *text[ASSESS_LANG__COUNT];	     /* the question */
	int n_options;				     /* 0 for volume (a number) */
	const char *option_key[ASSESS_OPTIONS_MAX];  /* "cost", "mixed", "expertise" */
	const char *option_text[ASSESS_OPTIONS_MAX][ASSESS_LANG__COUNT];
};

/* Question q (0 .. AQ__COUNT - 1), or NULL. */
const struct assess_question *assess_question(int q);
/* The option of question q keyed `key`: its index, or -1. */
int assess_option(int q, const char *key);
/* "en", "id", "ms"; 0 or ERR_INVALID. */
int assess_lang_parse(const char *s, enum assess_lang *out);
/* "bpo", "kpo", "in_house". */
const char *assess_rec_name(enum assess_rec r);
/* A one-line explanation of a recommendation's rule in lang ("a", "b", "c", "d" of above). */
const char *assess_rule_text(char rule, enum assess_lang lang);

struct assess_answers {
	int choice[AQ__CHOICES];   /* option index; -1: not answered */
	int64_t hours_per_month;   /* the volume, 1..ASSESS_HOURS_MAX */
	int64_t in_house_rate;	   /* minor units an hour, 0..ASSESS_RATE_MAX (0: unknown) */
	int64_t overhead_pct;	   /* 0..500: benefits, space, management on top of pay */
	int64_t bpo_rate, kpo_rate; /* 0: the defaults */
	char currency[4];	   /* ISO 4217 ("" : USD) */
};

/* Every choice unanswered, rates and volume 0 (assess_score refuses that until filled). */
void assess_answers_init(struct assess_answers *a);

struct assess_result {
	enum assess_rec rec;
	char rule;	   /* 'a', 'b', 'c' or 'd' of the scoring above */
	int kpo_points;	   /* 0..14 */
	int in_house_points;
	int n_deciding;
	const char *deciding[AQ__COUNT + 1]; /* question keys, or "cost" */
	char currency[4];
	int64_t bpo_rate, kpo_rate, in_house_rate, overhead_pct, hours_per_month;
	int64_t cost_bpo, cost_kpo, cost_in_house; /* a month, minor units */
	int64_t saving;	   /* in-house minus the recommendation (0 when in-house) */
};

/*
 * Scores a. 0, or ERR_INVALID with *why (a static sentence naming the
 * question) when an answer is missing or out of range, or a cost passes
 * 2^63. OUT: *out.
 */
int assess_score(const struct assess_answers *a, struct assess_result *out, const char **why);

#endif
