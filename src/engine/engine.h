/* engine.h - the engine thread: owns live work state, applies commands, group-commits them. */
#ifndef ALIHDAYA_ENGINE_H
#define ALIHDAYA_ENGINE_H

#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/dash.h"
#include "core/keying.h"
#include "core/kpo.h"
#include "core/gold.h"
#include "core/import.h"
#include "core/invoice.h"
#include "core/model.h"
#include "core/review.h"
#include "core/rindex_json.h"
#include "sec/auth.h"
#include "util/buf.h"

struct store;

/*
 * HTTP handlers and the CLI never touch live state. They fill a struct cmd,
 * call engine_call(), and block until the engine has applied the command in
 * memory AND written its effects in a transaction that is durable (group
 * commit: every command waiting is applied and written in one transaction).
 *
 * The engine answers in domain terms (struct cmd_result): an outcome, the
 * record's id or the item as it is now, and on error a message and the
 * item's state. It knows no HTTP status and no wire format; the adapters
 * map outcomes to statuses and render records.
 *
 * Security: the caller has already authenticated the actor and checked its
 * role for the route. The engine checks record scope (client, lease holder)
 * in engine/scope.c, and writes the audit event for the change in the same
 * transaction.
 */

enum cmd_type {
	CMD_CLIENT_CREATE,     /* u.client */
	CMD_SERVICE_CREATE,    /* u.service */
	CMD_ENGAGEMENT_CREATE, /* u.engagement (kind is filled by the engine) */
	CMD_USER_CREATE,       /* u.user */
	CMD_TOKEN_CREATE,      /* u.token: result.token, result.id = the user; never idempotent */
	CMD_WORKER_CREATE,     /* u.worker: also creates its ROLE_WORKER user named u.worker_login */
	CMD_WORKER_STATUS,     /* u.wstatus */
	/* Edits: u.upd, the record's id and its new values of the fields named in u.upd.fields */
	CMD_CLIENT_UPDATE,     /* u.upd.r.client */
	CMD_SERVICE_UPDATE,    /* u.upd.r.service */
	CMD_ENGAGEMENT_UPDATE, /* u.upd.r.engagement */
	CMD_USER_UPDATE,       /* u.upd.r.user */
	CMD_WORKER_UPDATE,     /* u.upd.r.worker */
	CMD_RECORD_ACTIVE,     /* u.active: deactivate or reactivate a record */
	CMD_ITEM_CREATE,       /* u.item_create */
	/* get-next for actor->worker_id (or u.op.worker_id for staff) */
	CMD_ITEM_NEXT,         /* result.item; CMD_OUT_NONE when no eligible work */
	CMD_ITEM_SUBMIT,       /* u.op: item_id, epoch, result_json */
	CMD_ITEM_REVIEW,       /* u.op: item_id (submitted -> in_review) */
	CMD_ITEM_ACCEPT,       /* u.op: item_id */
	CMD_ITEM_REWORK,       /* u.op: item_id, reason */
	CMD_ITEM_FAIL,         /* u.op: item_id, reason (required) */
	CMD_ITEM_CANCEL,       /* u.op: item_id, reason (optional) */
	CMD_ITEM_RENEW,        /* u.op: item_id, epoch: the lease holder extends its lease */
	CMD_AUDIT,             /* u.audit: record a read (e.g. "item.read") durably */
	CMD_TOKEN_REVOKE,      /* u.token: token_id (of user_id); result.id = the token */
	CMD_ITEM_PURGE,        /* u.purge: finished items past their retention; result.purged */
	/*
	 * Sign-in, once the HTTP thread verified the password (never hashed here):
	 * u.session user_id, max_ms, rehash. result.token = the cookie text (its
	 * only copy), result.token_id = the session, result.id = the user.
	 */
	CMD_SESSION_CREATE,
	/* u.session: session_id (of user_id) ends at once; session_id 0: every one of user_id */
	CMD_SESSION_END,
	/* u.password: hash (made by the caller) for user_id, or for the user of the link */
	CMD_PASSWORD_SET,
	CMD_PASSWORD_LINK,     /* u.password: user_id, expires_at; result.token = the link's text */
	CMD_KEYING_SET,        /* u.keying: an engagement's keying settings (checked by the caller) */
	CMD_ENGAGEMENT_FIELDS, /* u.fields: an engagement's declared payload and result fields */
	/* KPO deliverables (engine/kpo.c): u.milestone; result.id = the milestone */
	CMD_MILESTONE_CREATE,  /* item_id, title, due_at, deliverable */
	CMD_MILESTONE_UPDATE,  /* item_id, milestone_id, deliverable (has_deliverable), submitted (has_submitted) */
	/* Review sampling (engine/review.c, docs/api.md "Review and sampling"): */
	CMD_DEFECTS_SET,     /* u.defects: an engagement's defect codes, replaced whole */
	CMD_SAMPLING_SET,    /* u.sampling: an engagement's sampling settings (the key is the engine's) */
	CMD_REVIEW_NEXT,     /* u.review.worker_id: result.item and result.review (a review lease) */
	CMD_REVIEW_DECISION, /* u.review: item_id, epoch, reject, defect, field, comment */
	/* Gold items (engine/gold.c, docs/api.md "Gold items"); u.gold */
	CMD_GOLD_ADD,	     /* n items in texts; result.id = the first id, the others follow it */
	CMD_GOLD_ACTIVE,     /* gold_id of engagement_id switched to active */
	CMD_GOLD_SETTINGS,   /* settings (engagement_id in it); the salt is the engine's */
	CMD_GOLD_REQUALIFY,  /* worker_id re-qualified by hand for engagement_id */
	/* Webhooks (engine/outbox.c, docs/api.md "Webhooks"); u.webhook */
	CMD_WEBHOOK_CREATE,   /* client_id, engagement_id, url, events; result.token = the secret */
	CMD_WEBHOOK_ROTATE,   /* webhook_id, overlap_ms; result.token = the new secret */
	CMD_WEBHOOK_ACTIVE,   /* webhook_id switched to active */
	CMD_WEBHOOK_ATTEMPT,  /* delivery: an attempt's outcome (the sender) */
	CMD_WEBHOOK_REDELIVER, /* webhook_id, delivery.id pending again now */
	CMD_IMPORT,          /* u.import: a bulk import's begin, batch of rows, or end (cmd_import.c) */
	/* Release, worker states and offers (engine/release.c, engine/offer.c, docs/offers.md) */
	CMD_ITEM_RELEASE,    /* u.release: the lease holder hands the item back with a reason */
	CMD_WORK_CONF,       /* u.work_conf: an engagement's offers and wrap-up settings */
	CMD_OFFER_ANSWER,    /* u.offer: accept (result.item, a lease) or decline an open offer */
	/* time and periods (engine/time.c; docs/api.md "Time and periods"): u.time */
	CMD_TIME_LOG,	     /* a manual entry: engagement_id, worker_id, started_at, ended_at, note */
	CMD_TIME_START,	     /* a running timer of the worker: engagement_id, started_at, note */
	CMD_TIME_STOP,	     /* the worker's running timer stopped at ended_at */
	CMD_TIME_CORRECT,    /* entry_id replaced by a correcting entry (manager, reason) */
	CMD_PERIOD_CREATE,   /* engagement_id, kind, starts_at, ends_at, label */
	CMD_PERIOD_ADVANCE,  /* period_id moved to state `to` (approve, lock) */
	CMD_ASSESSMENT_CREATE, /* u.assessment: a process-fit assessment stored */
	/* Billing (engine/billing.c, docs/api.md "Rates" and "Invoices") */
	CMD_RATES_SET,	     /* u.rates: an engagement's rate card (checked by the caller) */
	CMD_INVOICE_DRAFT,   /* u.invoice.draft: written over the period's drafts; result.id */
	CMD_INVOICE_ISSUE,   /* u.invoice.invoice_id: numbered in this transaction */
	CMD_INVOICE_PAY,     /* u.invoice.invoice_id */
	CMD_INVOICE_CREDIT,  /* u.invoice.invoice_id: a credit note issued; result.id = the note */
	CMD_CLIENT_BILLING,  /* u.cbilling: a client's language and in-house cost */
	/* Routing (engine/route_index.c, docs/routing.md) */
	CMD_ROUTING_SET,     /* u.routing: an engagement's rings and weight (checked by the caller) */
	CMD__COUNT
};

/* True for the commands that use u.op (and own its strings). */
static inline bool cmd_type_is_op(enum cmd_type t)
{
	return t >= CMD_ITEM_NEXT && t <= CMD_ITEM_RENEW;
}

/* The fields an edit changes (u.upd.fields), one bit each; each kind takes some of them. */
enum upd_field {
	UPD_NAME = 1u << 0,      /* all kinds */
	UPD_TZ = 1u << 1,        /* client, engagement, worker: time_zone */
	UPD_CATEGORY = 1u << 2,  /* service */
	UPD_SKILLS = 1u << 3,    /* engagement (required), worker */
	UPD_LANGS = 1u << 4,     /* engagement (required), worker */
	UPD_SLA = 1u << 5,       /* engagement */
	UPD_PRIORITY = 1u << 6,  /* engagement: default_priority */
	UPD_LEASE = 1u << 7,     /* engagement: lease_ms */
	UPD_LEASE_MAX = 1u << 8, /* engagement: lease_max_ms */
	UPD_CREDS = 1u << 9,     /* worker */
	UPD_CLEAR = 1u << 10,    /* worker: clearances */
	UPD_CAPACITY = 1u << 11, /* worker */
	UPD_COST = 1u << 12,     /* worker: cost_minor */
	UPD_COUNTRY = 1u << 13,  /* worker */
	UPD_ROLE = 1u << 14,     /* user: role and client_id together (the client_id rule) */
	UPD_CLIENT = 1u << 15,   /* user: client_id alone (a client user moved to another client) */
	UPD_CURRENCY = 1u << 16, /* worker: cost_per_hour.currency (UPD_COST: its amount) */
	UPD_SENSITIVE = 1u << 17, /* engagement: its sensitive payload fields */
	UPD_RETENTION = 1u << 18, /* engagement: retention_days */
	UPD_WALL = 1u << 19,      /* engagement: wall (its clients and days together) */
	UPD_ITEM_TYPES = 1u << 20, /* engagement: item_types */
};

/* The records CMD_RECORD_ACTIVE switches on and off. */
enum active_kind { ACTIVE_USER, ACTIVE_WORKER, ACTIVE_CLIENT, ACTIVE_ENGAGEMENT };

/*
 * What a command that succeeded did. The values are stored in the
 * idempotency table (its status column): never renumber them.
 */
enum cmd_outcome {
	CMD_OUT_OK = 0,      /* changed or recorded something */
	CMD_OUT_CREATED = 1, /* created a record: result.id */
	CMD_OUT_NONE = 2,    /* nothing to do (get-next found no eligible work) */
};

struct cmd_result {
	enum cmd_outcome outcome;
	int64_t id; /* the record created or changed (token create: the user) */
	/*
	 * has_item: item commands that changed an item give it as it is after
	 * the command, without payload and result (both NULL).
	 */
	bool has_item;
	struct item_rec item;
	char token[AUTH_TOKEN_TEXT]; /* CMD_TOKEN_CREATE: the only copy of the token text */
	int64_t token_id;	     /* CMD_TOKEN_CREATE: the token's id */
	char secret[WEBHOOK_SECRET_TEXT]; /* CMD_WEBHOOK_CREATE, _ROTATE: shown once */
	/* On error: why, for the caller to show ("" = the error's own message). */
	char message[256];
	int state; /* on error: the item state that refused the command, or -1 */
	/*
	 * CMD_ITEM_NEXT answered CMD_OUT_NONE: why (enum route_reason of
	 * core/route.h, never ROUTE_ELIGIBLE) and a line saying what to fix.
	 * On ERR_EXISTS (an item create whose external_ref is taken), id is the
	 * existing item.
	 */
	int none_reason;
	char none_message[256];
	/*
	 * replayed: the answer comes from the idempotency record: outcome is
	 * the stored one and replay_text the stored encoding (see encode),
	 * malloc'd, released with cmd_release(). The other fields are unset.
	 */
	bool replayed;
	char *replay_text;
	/* CMD_ITEM_PURGE: items and item events deleted (dry run: that would be); more to do. */
	int64_t purged_items, purged_events;
	bool purge_more;
	/*
	 * On ERR_INVALID from declared fields (core/fields.h): every problem, one
	 * "field\treason\n" line each, malloc'd (cmd_release); message holds the
	 * first of them. NULL otherwise.
	 */
	char *problems;
	/* CMD_REVIEW_NEXT, CMD_REVIEW_DECISION: the review task (its lease) as it now is. */
	bool has_review;
	struct review_task review;
	/* CMD_ITEM_NEXT none for wrap-up: how long until the worker gets work again (ms). */
	int64_t none_retry_ms;
	/*
	 * CMD_ITEM_NEXT that leased an item: the item as the lease wrote it, with its
	 * payload and result (the store's answer to the update itself), malloc'd and
	 * released with cmd_release(); get-next answers it without reading the item
	 * again. NULL otherwise (a replay, another command).
	 */
	struct item_rec *leased;
};

struct cmd {
	enum cmd_type type;
	const struct actor *actor;
	/* Idempotency-Key, NULL if none. req_hash covers method, path and body. */
	const char *idem_key;
	unsigned char req_hash[32];
	/*
	 * The adapter's encoding of a successful answer, stored with the key so
	 * a retry can be answered the same way. Required when idem_key is set.
	 * Called on the engine thread at the command's commit point, with
	 * c->result filled; must be quick and must not call the engine.
	 * Returns 0 with *out_text malloc'd (the engine frees it), or ERR_NOMEM.
	 */
	int (*encode)(const struct cmd *c, char **out_text);
	/*
	 * CMD_ITEM_NEXT: keep the item leased, with its payload and result, in
	 * result.leased for the caller that answers it (the HTTP adapter), which
	 * then cmd_release()s it. Off: no copy is made.
	 */
	bool want_leased;

	union {
		struct client_rec client;
		struct service_rec service;
		struct engagement_rec engagement;
		struct user_rec user;
		struct {
			int64_t user_id;
			int64_t expires_at; /* create: ms since the epoch, 0 = never */
			int64_t token_id;   /* revoke */
		} token;
		struct {
			struct worker_rec rec;
			char login[MODEL_CODE_MAX];
		} worker;
		struct {
			int64_t worker_id;
			enum worker_status status;
			int away_reason; /* enum away_reason (core/release.h); 0: none given */
		} wstatus;
		struct {
			unsigned fields; /* enum upd_field bits */
			union {
				struct client_rec client;
				struct service_rec service;
				struct engagement_rec engagement;
				struct user_rec user;
				struct worker_rec worker;
			} r;
		} upd;
		struct {
			enum active_kind kind;
			int64_t id;
			bool active;
		} active;
		struct {
			int64_t engagement_id;
			char external_ref[MODEL_REF_MAX];
			int priority;          /* 0 = the engagement's default */
			int64_t due_at;        /* 0 = arrival + the engagement's SLA */
			const char *payload;   /* JSON text, owned by the caller */
			/*
			 * A row of an import (cmd_import.c): its batch's one import.batch
			 * audit event names it (the item id range), so none of its own; and
			 * its batch's import_batches row stands for its create event
			 * (store_import_batch_add: the history shows it from that).
			 */
			bool batch_audited;
			char type[MODEL_CODE_MAX]; /* "": default; else one of the engagement's */
		} item_create;
		struct {
			int64_t item_id;
			int64_t worker_id;       /* CMD_ITEM_NEXT by staff on behalf of a worker */
			int64_t epoch;
			const char *result_json; /* CMD_ITEM_SUBMIT, owned by caller */
			const char *reason;      /* REWORK / FAIL / CANCEL, owned by caller */
			const char *defect, *field; /* REWORK: the defect code and field, or NULL */
		} op;
		struct {
			char action[MODEL_CODE_MAX];
			char record_type[MODEL_CODE_MAX];
			int64_t record_id;
			int64_t client_id;
			/* The event's detail, a JSON text ("" for none): item.unmask names its fields. */
			char detail[8192];
		} audit;
		struct {
			bool dry_run; /* count only */
		} purge;
		struct {
			int64_t user_id;
			int64_t session_id; /* end */
			int64_t max_ms;     /* create: the absolute lifetime */
			char rehash[128];   /* create: the password hashed anew, "" = keep */
		} session;
		struct {
			int64_t engagement_id;
			int64_t gold_id;   /* ACTIVE */
			int64_t worker_id; /* REQUALIFY */
			bool active;	   /* ACTIVE */
			/*
			 * ADD: n items, each three NUL-terminated texts one after the
			 * other in texts (len bytes, the caller's): payload, known
			 * result (JSON), external_ref ("" = none).
			 */
			size_t n, len;
			const char *texts;
			struct gold_settings settings; /* SETTINGS */
		} gold;
		struct {
			int64_t user_id;      /* set: 0 when by_link; link: whose */
			char hash[128];       /* set: the Argon2id string (sec/password.h) */
			bool by_link;         /* set: through the link whose token hashes to link */
			unsigned char link[32];
			int64_t expires_at;   /* link */
		} password;
		struct keying_conf keying; /* CMD_KEYING_SET */
		struct {
			int64_t engagement_id;
			/* JSON arrays of field objects, owned by the caller; NULL: not declared */
			const char *payload, *result;
		} fields;
		/* Texts inline (bounded by core/kpo.h), so the command owns them without copies. */
		struct {
			int64_t item_id;
			int64_t milestone_id; /* update */
			char title[MILESTONE_TITLE_MAX + 1];
			int64_t due_at;
			char deliverable[MILESTONE_TEXT_MAX + 1];
			bool has_deliverable; /* update: the deliverable is set ("" clears it) */
			bool has_submitted, submitted; /* update: the submitted mark is set */
		} milestone;
		struct {
			int64_t engagement_id;
			size_t n;
			const struct defect_rec *codes; /* n of them, the caller's */
		} defects;
		/*
		 * CMD_IMPORT (engine/cmd_import.c). BEGIN: rec's engagement_id,
		 * all_or_nothing, format, bytes; result.id = the job. BATCH: rows[0..n)
		 * created as items (each row's outcome and reason set), errs[0..n_errs)
		 * stored as rejected rows, rec's created, duplicate and rejected grown by
		 * this batch and written with its other counters. END: rec written as
		 * given (its final state and error).
		 */
		struct {
			/* RECOVER: the jobs a stopped server left open marked failed (result.id: how many) */
			enum { IMPORT_OP_BEGIN, IMPORT_OP_BATCH, IMPORT_OP_END, IMPORT_OP_RECOVER } op;
			struct import_rec rec;
			struct import_row *rows; /* the caller's */
			size_t n;
			const struct import_error_rec *errs; /* the caller's */
			size_t n_errs;
			/*
			 * BATCH, OUT: rows applied, rows[0..n_done). A batch stops early
			 * (n_done < n, never 0) once it has run IMPORT_BATCH_BUDGET_US while
			 * other commands wait, so they wait about that at most; the caller
			 * sends the rest again (errs are written by then).
			 */
			size_t n_done;
		} import;
		struct sampling_rec sampling;
		struct {
			int64_t webhook_id, client_id, engagement_id;
			char url[WEBHOOK_URL_MAX + 1];
			unsigned events;
			bool active;
			int64_t overlap_ms;
			struct webhook_delivery delivery; /* ATTEMPT, REDELIVER (body NULL) */
		} webhook;
		struct {
			int64_t worker_id; /* next: staff on a worker's behalf (0: the actor) */
			int64_t item_id, epoch;
			bool reject;
			const char *defect, *field, *comment; /* the caller's, or NULL */
		} review;
		struct {
			int64_t item_id, epoch;
			int reason; /* enum release_reason (core/release.h) */
			char note[2001]; /* "other": what the worker says; sealed in the event */
		} release;
		struct work_conf work_conf; /* CMD_WORK_CONF (core/offer.h), checked by the caller */
		struct {
			int64_t offer_id;
			bool accept;
		} offer;
		/* CMD_TIME_*, CMD_PERIOD_* (texts inline: the command owns them). */
		struct {
			int64_t engagement_id;
			int64_t worker_id;    /* LOG, START, STOP: whose (0: the actor's worker) */
			int64_t item_id, milestone_id; /* LOG, START: the milestone (0: none) */
			int64_t entry_id;     /* CORRECT */
			int64_t period_id;    /* ADVANCE */
			int64_t started_at, ended_at; /* LOG; START (started_at 0: now); STOP; CORRECT (0: keep) */
			int64_t duration_ms; /* LOG with started_at 0: ending at ended_at (0: the engine's now) */
			int billable;	      /* LOG, CORRECT: 0 or 1; -1: keep (LOG: billable) */
			bool has_note;	      /* CORRECT: the note is replaced */
			char note[TIME_NOTE_MAX + 1];
			char reason[TIME_NOTE_MAX + 1]; /* CORRECT: required */
			enum period_kind kind;		/* PERIOD_CREATE */
			int64_t starts_at, ends_at;	/* PERIOD_CREATE: computed in the engagement's zone */
			char label[16];
			enum period_state to; /* PERIOD_ADVANCE */
		} time;
		struct {
			int64_t client_id;
			char recommendation[ASSESS_REC_MAX];
			/* JSON texts inline (the command owns them across the HTTP suspension) */
			char answers[ASSESS_TEXT_MAX], result[ASSESS_TEXT_MAX];
		} assessment;
		struct {
			int64_t engagement_id;
			struct rate_card card;
		} rates;
		struct {
			int64_t invoice_id, client_id;
			struct invoice_draft *draft; /* DRAFT: the caller's (invoice_draft_size) */
			/* CREDIT: a partial note (the caller's, malloc'd); NULL: whole, or the rest */
			struct credit_req *credit;
		} invoice;
		struct client_billing cbilling;
		struct {
			int64_t engagement_id;
			/* core/rindex_json.h's canonical text, inline (owned across a suspension) */
			char conf[RINDEX_TEXT_MAX];
		} routing;
	} u;

	/*
	 * OUT, valid after engine_call returns:
	 *  rc: 0 or an ERR_* code.
	 *  result: see struct cmd_result. Creates other than items give only
	 *  the id: the caller reads the record from the store (the batch is
	 *  committed when the command is answered, so a reader sees it).
	 */
	int rc;
	struct cmd_result result;

	/* engine-internal: the caller sleeps on its own semaphore, so a batch
	 * wakes exactly the callers it answered. */
	struct cmd *next;
	sem_t done;
	void (*on_done)(struct cmd *c, void *arg);
	void *on_done_arg;
};

/* Frees what the result owns (replay_text, problems). Safe on a command never run. */
void cmd_release(struct cmd *c);

/* The engine's clock: milliseconds since the Unix epoch, UTC. */
typedef int64_t (*engine_clock_fn)(void *arg);

struct engine_opts {
	int batch_max;        /* most commands in one transaction (default 512); 1 disables group commit */
	int64_t tick_ms;      /* how often leases are checked at most (default 200) */
	/*
	 * Where the engine reads time (batch time, lease deadlines, the wait
	 * for the next deadline). NULL: the wall clock (util/clock.h). Tests
	 * pass a clock they move; the engine re-reads it at least every tick_ms.
	 */
	engine_clock_fn clock;
	void *clock_arg;
	/*
	 * Signs a tree head of the audit Merkle tree after every batch that
	 * added audit events (sec/audit_head.h), before its callers are
	 * answered. NULL: no signed heads (unit tests). The caller's; it must
	 * outlive the engine.
	 */
	struct audit_signer *signer;
	/*
	 * Run the background purge of retention (purge.c) in the batches: the
	 * server's engine. Off: only CMD_ITEM_PURGE purges (a CLI's short-lived
	 * engine, where a dry run must not delete on the side).
	 */
	bool purge_job;
};

struct engine;
struct audit_signer;

/*
 * The operations dashboard (engine/dash.c, docs/api.md "Dashboard"): a
 * snapshot of the live state's figures per engagement and of the workers,
 * built on the engine thread from memory (never a SQL scan), immutable once
 * published and shared by reference, so any number of readers (GET
 * /v1/dashboard, its event stream, /metrics) cost one pass over the open
 * items per build, not one per reader.
 */
#define DASH_WORKERS_MAX 500 /* workers listed in a snapshot (the most loaded first); more: truncated */

struct dash_engagement {
	int64_t id, client_id;
	char name[MODEL_NAME_MAX];
	enum service_kind kind;
	bool active;
	int64_t sla_ms;
	struct dash_open open; /* core/dash.h: depth by state, oldest, due soon, breached */
	uint64_t done_total, done_hour, done_today, done_late_today;
	uint64_t assigned_total;	/* leases handed out (get-next, review of a keyed item ...) */
	uint64_t leases_expired_total;	/* leases that ran out */
	uint64_t offers_expired_total;	/* offers that ran out (engine__dash_offer_expired) */
	uint64_t workers_busy; /* distinct workers holding a lease on its items */
};

struct dash_worker {
	int64_t id;
	char name[MODEL_NAME_MAX];
	enum worker_status status;
	int load, capacity;
};

struct dash_snapshot {
	uint64_t version; /* grows with every snapshot published */
	int64_t at;	  /* the engine's clock when it was built */
	size_t n_eng;	  /* by id */
	struct dash_engagement *eng;
	/* Active workers: holding a lease (busy), else by status (available, away, offline). */
	uint64_t workers_available, workers_busy, workers_away, workers_offline;
	size_t n_workers; /* the most loaded first, then by id; at most DASH_WORKERS_MAX */
	bool workers_truncated;
	struct dash_worker *workers;
	int refs; /* engine-internal (guarded by the engine's dashboard lock) */
	int64_t built_wall; /* engine-internal: wall clock of the build */
	uint64_t req;	    /* engine-internal: the fresh requests it answers */
};

/*
 * The latest snapshot, referenced (give it back with engine_dash_put). fresh:
 * one that reflects every command answered before this call (the engine is
 * woken to build it when the live state changed since the last, waiting at
 * most 5 s; an older one is answered after that). NULL when none could be
 * built (out of memory) or the engine stops.
 */
const struct dash_snapshot *engine_dash_get(struct engine *e, bool fresh);
void engine_dash_put(struct engine *e, const struct dash_snapshot *s);
/*
 * Readers that follow changes (the event streams) register here: while any
 * does, the engine publishes a new snapshot at most once a second after a
 * change, and every 10 s without one (breaches and ages move with time).
 */
void engine_dash_watch(struct engine *e, int delta);

/*
 * Recovers live state from the store and starts the engine thread.
 * OUT: *out, stopped and freed with engine_stop(). The store must outlive it.
 */
int engine_start(struct store *s, const struct engine_opts *o, struct engine **out,
		 struct buf *err);

/*
 * Runs a command. Blocks until it is durably applied or refused; the result
 * is in c->rc and c->result. Returns c->rc. ERR_SHUTDOWN once
 * engine_stop() has begun.
 */
int engine_call(struct engine *e, struct cmd *c);

/*
 * Runs a command without blocking: on_done(c, arg) is called on the engine
 * thread once the command is durably applied or refused (results in c as
 * for engine_call). on_done must be quick and must not call the engine.
 * The command and what it points to must live until then. Returns 0, or
 * ERR_SHUTDOWN without calling on_done.
 */
int engine_submit(struct engine *e, struct cmd *c, void (*on_done)(struct cmd *c, void *arg),
		  void *arg);

/*
 * Wakes the engine thread so it reads its clock again now (tests that move
 * an injected clock; the wall clock needs no wake-up).
 */
void engine_wake(struct engine *e);

/* Stops taking commands, finishes the batch in flight, joins the thread, frees. */
void engine_stop(struct engine *e);

/*
 * Waits until the audit head of every batch committed so far is in the head
 * file (the publisher pauses between writes): for readers of the file while
 * the engine runs. Nothing without a signer.
 */
void engine_audit_flush(struct engine *e);

/* Counters for /metrics and the health check. */
struct engine_stats {
	uint64_t commands;
	uint64_t batches;
	uint64_t commit_failures;
	uint64_t queued_items;
	uint64_t leased_items;
	uint64_t leases_expired;
	uint64_t apply_us;  /* time spent applying commands (memory + SQL), total */
	uint64_t commit_us; /* time spent in COMMIT (the fsync), total */
};
void engine_get_stats(struct engine *e, struct engine_stats *out);

#endif
