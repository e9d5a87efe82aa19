/* model.h - the domain records (client, service, engagement, user, worker, item) as plain structs. */
#ifndef ALIHDAYA_MODEL_H
#define ALIHDAYA_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/mask.h"

/*
 * Every string field is a fixed, bounded array: input validation rejects
 * anything longer, so records never own heap memory except item payloads
 * (see struct item_rec). Times are milliseconds since the Unix epoch (UTC).
 * Money is integer minor units with an ISO 4217 code.
 */

#define MODEL_CODE_MAX 64     /* codes, skill names, categories, countries */
#define MODEL_NAME_MAX 256    /* display names */
#define MODEL_TZ_MAX 64       /* IANA zone names */
#define MODEL_REF_MAX 128     /* external references */
#define MODEL_MAX_SKILLS 16   /* skills per worker / required per engagement */
#define MODEL_MAX_LANGS 8     /* languages per worker / required per engagement */
#define MODEL_MAX_CREDS 8     /* credentials per worker */
#define MODEL_MAX_CLEAR 256   /* clients a worker may be cleared for */
#define MODEL_MAX_SENSITIVE 16 /* sensitive payload fields per engagement */
#define MODEL_MAX_TERMS 16     /* clearances of a worker with an NDA reference or unmasked fields */
#define MODEL_MAX_UNMASKED 8   /* fields one clearance shows in clear */
#define MODEL_RETENTION_MAX_DAYS 36500
#define MODEL_MAX_WALL 16      /* competitor clients an engagement's ethical wall names */
#define MODEL_MAX_ITEM_TYPES 16 /* item types an engagement declares (the rate card's per-item prices) */
#define MODEL_ITEM_TYPE_MAX 33  /* an item type code: 1..32 of [a-z0-9_], with the NUL */
#define MODEL_WALL_MAX_DAYS 3650

enum role { ROLE_ADMIN, ROLE_MANAGER, ROLE_WORKER, ROLE_CLIENT, ROLE_AUDITOR, ROLE__COUNT };
const char *role_name(enum role r);
/* 0 and *out set, or ERR_INVALID. */
int role_parse(const char *s, enum role *out);

enum service_kind { KIND_BPO, KIND_KPO };
const char *service_kind_name(enum service_kind k);
int service_kind_parse(const char *s, enum service_kind *out);

enum worker_status { WORKER_AVAILABLE, WORKER_AWAY, WORKER_OFFLINE };
const char *worker_status_name(enum worker_status s);
int worker_status_parse(const char *s, enum worker_status *out);

/* A skill or language with a level 1..5 (for requirements: the minimum level). */
struct skill_level {
	char code[MODEL_CODE_MAX];
	int level;
};

struct client_rec {
	int64_t id;
	char code[MODEL_CODE_MAX]; /* unique, e.g. "acme" */
	char name[MODEL_NAME_MAX];
	char time_zone[MODEL_TZ_MAX];
	int64_t created_at;
	bool active; /* false: deactivated; its engagements hand out no work and take no items */
};

struct service_rec {
	int64_t id;
	char code[MODEL_CODE_MAX]; /* unique, e.g. "data_entry" */
	char name[MODEL_NAME_MAX];
	enum service_kind kind;
	char category[MODEL_CODE_MAX];
	int64_t created_at;
};

struct engagement_rec {
	int64_t id;
	int64_t client_id;
	int64_t service_id;
	char name[MODEL_NAME_MAX];
	enum service_kind kind; /* copied from the service at creation */
	size_t n_skills;
	struct skill_level skills[MODEL_MAX_SKILLS];
	size_t n_langs;
	struct skill_level langs[MODEL_MAX_LANGS];
	int64_t sla_ms;        /* due time = arrival + sla_ms */
	int default_priority;  /* 1..9, higher is more urgent */
	int64_t lease_ms;      /* how long a worker holds an item */
	char time_zone[MODEL_TZ_MAX];
	int64_t created_at;
	int64_t lease_max_ms;  /* the longest a lease may be renewed to, from its start */
	bool active;           /* false: paused; hands out no work and takes no items */
	/* Top-level payload fields that workers see masked (unless their clearance unmasks them). */
	size_t n_sensitive;
	struct sensitive_field {
		char field[MODEL_CODE_MAX];
		enum mask_kind mask;
	} sensitive[MODEL_MAX_SENSITIVE];
	int retention_days; /* finished items are purged this long after they closed; 0 = kept */
	/*
	 * The ethical wall: a worker who worked (was assigned or submitted) for
	 * any of these clients in the last wall_days days gets none of this
	 * engagement's work and reads none of it. wall_days 0: no wall.
	 */
	size_t n_wall;
	int64_t wall[MODEL_MAX_WALL];
	int wall_days;
	/*
	 * The item types its items may have (rates.h: per-item prices by type); none
	 * declared: every item is "default".
	 */
	size_t n_item_types;
	char item_types[MODEL_MAX_ITEM_TYPES][MODEL_CODE_MAX];
};

struct user_rec {
	int64_t id;
	char name[MODEL_CODE_MAX]; /* unique login name */
	enum role role;
	int64_t client_id; /* only for ROLE_CLIENT, else 0 */
	int64_t created_at;
	bool active; /* false: deactivated; its tokens answer 401 */
};

struct worker_rec {
	int64_t id;
	int64_t user_id; /* the ROLE_WORKER user that acts as this worker */
	char name[MODEL_NAME_MAX];
	size_t n_skills;
	struct skill_level skills[MODEL_MAX_SKILLS];
	size_t n_langs;
	struct skill_level langs[MODEL_MAX_LANGS];
	size_t n_creds;
	char creds[MODEL_MAX_CREDS][MODEL_CODE_MAX]; /* "CA", "MBA", "bar:NY" */
	char country[MODEL_CODE_MAX];                 /* ISO 3166 alpha-2 */
	char time_zone[MODEL_TZ_MAX];
	int capacity; /* items held at once, >= 1 */
	int64_t cost_minor; /* per hour */
	char currency[4];   /* ISO 4217 */
	size_t n_clear;
	int64_t clear[MODEL_MAX_CLEAR]; /* client ids, ascending */
	int64_t clear_until[MODEL_MAX_CLEAR]; /* parallel to clear: when it lapses (ms), 0 = never */
	/*
	 * The terms of the clearances that have an NDA reference or unmasked
	 * fields (the others have none), one per client in clear, any order.
	 */
	size_t n_terms;
	struct clear_terms {
		int64_t client_id;
		char nda_ref[MODEL_CODE_MAX];
		size_t n_unmasked;
		char unmasked[MODEL_MAX_UNMASKED][MODEL_CODE_MAX]; /* payload fields shown in clear */
	} terms[MODEL_MAX_TERMS];
	enum worker_status status;
	int64_t created_at;
	bool active; /* false: suspended by staff; gets no work and cannot make itself available */
};

/*
 * Sorts w's clearances ascending by client (clear_until moves along) and
 * drops repeats (the first given wins); drops terms of clients not cleared.
 */
void worker_clear_sort(struct worker_rec *w);
/* The index of client_id in w->clear, or -1. */
long worker_clear_find(const struct worker_rec *w, int64_t client_id);
/* The terms of w's clearance for client_id, or NULL (no NDA reference, nothing unmasked). */
const struct clear_terms *worker_terms(const struct worker_rec *w, int64_t client_id);

enum item_state {
	ITEM_QUEUED,
	ITEM_ASSIGNED,
	ITEM_SUBMITTED,
	ITEM_IN_REVIEW,
	ITEM_DONE,
	ITEM_CANCELLED,
	ITEM_FAILED,
	ITEM_STATE__COUNT
};

/*
 * An item as stored. payload and result are JSON texts owned by whoever
 * filled the struct (NULL when not loaded); item_rec_release() frees them.
 */
struct item_rec {
	int64_t id;
	int64_t engagement_id;
	int64_t client_id;
	char external_ref[MODEL_REF_MAX];
	int priority;
	int64_t created_at;
	int64_t due_at;
	enum item_state state;
	int64_t worker_id;     /* lease holder, 0 if none */
	int64_t epoch;         /* lease epoch, increases with every lease */
	int64_t lease_expires; /* 0 if no lease */
	int64_t lease_started; /* when the current lease began (renewals keep it), 0 if none */
	char type[MODEL_CODE_MAX]; /* its engagement's item type; "" or "default": default */
	/* what its lease adds to the worker's load, fixed at the take (0: none, or a lease
	 * stored before the column: recovery weighs it by the engagement's weight) */
	int lease_weight;
	char *payload;
	char *result;
};

void item_rec_release(struct item_rec *it);

/* One entry of an item's history. */
struct event_rec {
	int64_t id;
	int64_t item_id;
	int64_t at;
	char action[MODEL_CODE_MAX]; /* item_action_name() */
	enum item_state from_state;
	enum item_state to_state;
	int64_t actor_user_id; /* 0 = the system (lease expiry) */
	int64_t worker_id;
	int64_t epoch;
	/*
	 * Written: the reason of a rework, fail or cancel as plain text (NULL or
	 * "" for none); the store keeps it as the detail {"reason": reason}.
	 * Read back (history), reason is NULL and detail that JSON text.
	 */
	const char *reason;
	char *detail; /* JSON text or NULL; written only when there is no reason */
};

/*
 * One audit event; hash = BLAKE2b-256(prev_hash || canonical fields || detail
 * when present). detail: a JSON text or NULL (an edit's {"field": {"before",
 * "after"}}); written: the caller's; read: borrowed for the walk's callback.
 */
struct audit_rec {
	int64_t seq;
	int64_t at;
	int64_t actor_user_id;
	char action[MODEL_CODE_MAX];      /* "item.create", "item.read", ... */
	char record_type[MODEL_CODE_MAX]; /* "item", "client", ... */
	int64_t record_id;
	int64_t client_id; /* 0 when not client data */
	unsigned char prev_hash[32];
	unsigned char hash[32];
	char *detail;
};

/*
 * A signed tree head of the audit Merkle tree (sec/audit_head.h): the tree
 * of the first tree_size audit events has root, said at timestamp (ms since
 * the epoch) by the holder of public_key (Ed25519 signature).
 */
struct audit_head {
	int64_t tree_size;
	int64_t timestamp;
	unsigned char root[32];
	unsigned char public_key[32];
	unsigned char signature[64];
};

/*
 * A quality observation (issue 10): one measured fact about a worker's work,
 * the one table quality reports read (app/quality.c). Written by the engine
 * inside the command's batch, so it commits with the change it measures.
 *  - QOBS_GOLD: one per gold answer; ok = correct (field: the field judged, or "").
 *  - QOBS_AGREE: one per compared field per worker (double keying, overlap);
 *    ok = agreed; field named.
 *  - QOBS_REVIEW: one per review decision; ok = accepted; code = the defect
 *    code of a rejection ("" when accepted), field when the decision names one.
 * field and code are names from the engagement's declarations (field names,
 * defect codes), never values of a payload or result: they are stored plain.
 */
enum qobs_kind { QOBS_GOLD, QOBS_AGREE, QOBS_REVIEW };
#define QOBS_KIND__COUNT 3
const char *qobs_kind_name(enum qobs_kind k); /* "gold", "agree", "review" */
int qobs_kind_parse(const char *s, enum qobs_kind *out);

struct quality_obs {
	int64_t at, engagement_id, worker_id, item_id;
	enum qobs_kind kind;
	char field[64];
	char code[64];
	bool ok;
};

#endif
