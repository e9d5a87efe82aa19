/* keying.h - double keying and overlap: an engagement's settings, answers, decisions (pure). */
#ifndef ALIHDAYA_KEYING_H
#define ALIHDAYA_KEYING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/queue.h"
#include "util/buf.h"

/*
 * An engagement's keying (docs/api.md "Double keying and overlap"):
 *   single   one answer is the result (the default, and every engagement
 *            without settings);
 *   double   two workers key each item without seeing each other's; the
 *            answers compared field by field (fields.h); agreed: the item
 *            is submitted with that result; not: a third worker adjudicates;
 *   overlap  k workers answer; the answers' classes aggregated (majority
 *            or Dawid-Skene) with a confidence; below min_confidence more
 *            answers are asked, up to max_k.
 */
enum keying_mode { KEYING_SINGLE, KEYING_DOUBLE, KEYING_OVERLAP };
enum keying_agg { KEYING_MAJORITY, KEYING_DAWID_SKENE };

#define KEYING_K_MAX 15	       /* answers per item at most (overlap's max_k) */
#define KEYING_FIELD_MAX 64    /* the result field carrying the class */
#define KEYING_SCAN_MAX 64     /* items awaiting answers a get-next looks at, at most */
#define KEYING_DS_ANSWERS 4000 /* answers Dawid-Skene runs over, at most (the newest) */

struct keying_conf {
	int64_t engagement_id;
	enum keying_mode mode;
	int k;		       /* answers per item: double 2, overlap 2..KEYING_K_MAX */
	int max_k;	       /* overlap: answers a low-confidence item gets at most (>= k) */
	double min_confidence; /* overlap: 0..1 */
	char field[KEYING_FIELD_MAX]; /* overlap: the class's field; "" = the whole result */
	enum keying_agg aggregate;
	int64_t updated_at;
};

const char *keying_mode_name(enum keying_mode m);
int keying_mode_parse(const char *s, enum keying_mode *out);
const char *keying_agg_name(enum keying_agg a);
int keying_agg_parse(const char *s, enum keying_agg *out);

/*
 * The rules between the settings' fields, and their defaults: k 2 for
 * double (any other k refused), max_k = k unless given (overlap), field
 * [a-z0-9_]{1,63} or "". k or max_k 0 mean "not given". ERR_INVALID with
 * the field named in err.
 */
int keying_conf_check(struct keying_conf *c, struct buf *err);

/* Where an item is in its keying. Stored as these numbers: never renumber. */
enum keying_phase {
	KPHASE_NONE = 0,	 /* no answer yet */
	KPHASE_ANSWERING = 1,	 /* some answers, more needed */
	KPHASE_ADJUDICATING = 2, /* double keying disagreed: a third worker decides */
	KPHASE_DECIDED = 3,	 /* the result is decided: ordinary work from here on */
};
const char *keying_phase_name(enum keying_phase p);

/* What one answer was: a keying, or the adjudicator's final word. */
enum answer_kind { ANSWER_KEY = 0, ANSWER_ADJUDICATE = 1 };

/* One answer of a multi-keyed item (item_answers). result: sealed at rest. */
struct answer_rec {
	int64_t id, item_id, engagement_id, client_id, worker_id, epoch, at;
	enum answer_kind kind;
	char *result; /* JSON text: walks borrow it for the call, gets own it */
};

/*
 * An item's keying as stored (item_keying): its phase, and once decided how.
 * label and diff are client data (sealed at rest): the consensus class text,
 * and the JSON array of the fields two keyings differed in.
 */
struct item_keying_rec {
	int64_t item_id, engagement_id, client_id;
	enum keying_phase phase;
	int answers;		/* how many the item has */
	char method[16];	/* "double", "adjudicated", "majority", "dawid_skene", "" */
	double confidence;	/* overlap: of the label; double: 1 agreed */
	char *label;		/* overlap: the class; NULL none */
	char *diff;		/* double keying: ["field", ...] the keyings differ in; NULL none */
	int64_t decided_at;	/* 0 until decided */
};

/*
 * The document base with over's top-level members set over it (the
 * adjudicator's differing fields over the agreed ones). Both JSON objects;
 * over NULL: base. OUT: *out (free()). 0, ERR_INVALID, ERR_NOMEM.
 */
int keying_merge(const char *base, const char *over, char **out);

/*
 * The names of a field_diff-like list as a JSON array text: ["a", "b"].
 * OUT: appended to out. 0 or ERR_NOMEM.
 */
int keying_names_json(const char (*names)[64], size_t n, struct buf *out);

/*
 * The top-level members of a and b (JSON objects) that are present and not
 * null in either: the fields a comparison compares, a's first then b's
 * others. OUT: names[0..*n), at most max (longer names are skipped). 0,
 * ERR_INVALID, ERR_NOMEM.
 */
int keying_members(const char *a, const char *b, char (*names)[64], size_t max, size_t *n);

/*
 * The canonical compact text of a whole JSON document (keys sorted), so two
 * results are equal exactly when their texts are: the class of an overlap
 * answer without a field. 0, ERR_INVALID (not JSON), ERR_NOMEM.
 */
int keying_canonical(const char *doc, struct buf *out);

/*
 * The best entry of q (queue order) for which skip() answers false, visiting
 * entries best first and at most max_visit of them: a heap is not sorted,
 * so this walks it as a tree with a frontier of at most max_visit + 1
 * entries. Cost: O(max_visit^2) comparisons at worst, O(1) when the head
 * qualifies. NULL when none qualifies among the first max_visit.
 */
struct queue_entry *keying_queue_best(const struct queue *q,
				      bool (*skip)(const struct queue_entry *e, void *ctx),
				      void *ctx, size_t max_visit);

#endif
