/* policy.h - the one access policy: who may do what to which record, and which fields they see. */
#ifndef ALIHDAYA_POLICY_H
#define ALIHDAYA_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "sec/auth.h"
#include "util/buf.h"

/*
 * Every entry point (HTTP route, CLI command, web screen, engine command)
 * names one action and asks policy_check() before it touches a record. No
 * other code decides access: handlers and the engine only gather the
 * record's scope (its client, its lease holder, ...) and the actor's facts
 * (a worker's clearances, from the freshest source the caller has).
 *
 * The rules are one table, action x role (policy.c); docs/api.md's access
 * table is generated from it (policy_table_markdown) and a test checks that
 * the two agree.
 */

enum policy_action {
	POL_PUBLIC, /* no authentication at all (health, metrics, the web app's files) */
	POL_CLIENT_CREATE,
	POL_CLIENT_READ, /* get and list */
	POL_CLIENT_UPDATE,
	POL_CLIENT_DEACTIVATE, /* deactivate and activate again */
	POL_SERVICE_CREATE,
	POL_SERVICE_READ,
	POL_SERVICE_UPDATE,
	POL_ENGAGEMENT_CREATE,
	POL_ENGAGEMENT_READ, /* get */
	POL_ENGAGEMENT_LIST,
	POL_ENGAGEMENT_STAFFING,
	POL_ENGAGEMENT_QUEUE, /* the queue summary: depth, due, who holds what, worker loads */
	POL_ENGAGEMENT_UPDATE,
	POL_ENGAGEMENT_DEACTIVATE, /* pause (deactivate) and activate again */
	POL_USER_CREATE,
	POL_USER_READ,
	POL_TOKEN_CREATE,
	POL_USER_UPDATE,
	POL_USER_DEACTIVATE, /* deactivate and activate again */
	POL_WORKER_CREATE,
	POL_WORKER_READ, /* get */
	POL_WORKER_LIST,
	POL_WORKER_STATUS,
	POL_WORKER_UPDATE,
	POL_WORKER_DEACTIVATE, /* suspend (deactivate) and activate again */
	POL_ITEM_CREATE,
	POL_ITEM_READ,    /* an item's fields and history, and lists */
	POL_ITEM_PAYLOAD, /* the payload and result fields of an item read */
	POL_ITEM_SUBMIT,
	POL_ITEM_RENEW, /* extend the lease one holds */
	POL_ITEM_REVIEW, /* accept, rework, start a review */
	POL_ITEM_CANCEL,
	POL_ITEM_FAIL,
	POL_WORK_NEXT,
	POL_AUDIT_READ, /* list and verify */
	POL_STAFF_ERLANG,
	POL_STAFF_PLAN, /* per-skill staffing plan */
	POL_TOKEN_READ,   /* list API tokens (never their text or hash) */
	POL_TOKEN_REVOKE, /* revoke an API token */
	POL_KEYS_READ,	   /* the keyring's versions, no key material */
	POL_KEYS_ROTATE,   /* a new master key version, new data key versions */
	POL_CLIENT_REMOVE, /* crypto-shredding: the client's data key destroyed */
	POL_AUDIT_HEAD,	 /* the latest signed tree head of the audit Merkle tree */
	POL_AUDIT_PROOF, /* its inclusion and consistency proofs */
	/*
	 * The sensitive fields of a payload (an engagement's "sensitive") in
	 * clear in every payload read; who may not sees them masked
	 * (policy_field_mask). A worker: the fields its clearance unmasks.
	 */
	POL_ITEM_CLEARTEXT,
	POL_ITEM_UNMASK, /* the payload read with every field in clear, always audited */
	POL_ITEM_PURGE,  /* delete finished items past their engagement's retention */
	POL_SESSION,       /* read and end (sign out of) one's own browser session */
	POL_PASSWORD_SET,  /* set a user's password */
	POL_PASSWORD_LINK, /* make a one-time set-password link for a user */
	POL_SESSION_REVOKE, /* end every browser session of a user */
	POL_ENGAGEMENT_KEYING,	    /* set an engagement's keying (double keying, overlap) */
	POL_ENGAGEMENT_KEYING_READ, /* read those settings */
	POL_ENGAGEMENT_CONSENSUS,   /* the per-item keying decisions and consensus labels */
	POL_ITEM_ANSWERS, /* an item's answers and differing fields: staff, and its adjudicator */
	POL_ENGAGEMENT_FIELDS_READ, /* an engagement's declared payload and result fields */
	POL_ENGAGEMENT_FIELDS_SET,  /* declare them (replaced whole) */
	POL_QUALITY_REPORT, /* an engagement's quality report: gold, agreement, reviews, defects */
	/* KPO deliverables (core/kpo.h): the milestones of an item, and who takes which step of
	 * its review chain (the routes are item.review's; the engine asks these with the item). */
	POL_MILESTONE_READ,
	POL_MILESTONE_CREATE,
	POL_MILESTONE_UPDATE,   /* its deliverable and its submitted mark */
	POL_ITEM_SENIOR_REVIEW, /* approve or return submitted KPO work (not one's own) */
	POL_ITEM_CLIENT_APPROVE, /* accept or return KPO work the senior reviewer approved */
	POL_REVIEW_SETUP,    /* set an engagement's defect codes and sampling settings */
	POL_DEFECTS_READ,    /* an engagement's defect codes (reviewers need them) */
	POL_SAMPLING_READ,   /* an engagement's sampling settings */
	POL_REVIEW_NEXT,     /* take the next item waiting for review (a review lease) */
	POL_REVIEW_DECIDE,   /* accept or reject the item whose review lease one holds */
	POL_REVIEW_LIST,     /* the review work waiting, and an engagement's lots */
	POL_GOLD_READ,	    /* an engagement's gold items (payloads, known results) and settings */
	POL_GOLD_MANAGE,    /* load, switch off, settings, re-qualify a worker by hand */
	POL_WORKER_QUALITY, /* a worker's accuracy on gold per engagement */
	POL_WEBHOOK_READ,   /* webhook endpoints and their delivery log (never a secret) */
	POL_WEBHOOK_MANAGE, /* register, rotate the secret, switch off, redeliver */
	POL_IMPORT_CREATE,  /* a bulk import of items into an engagement (CSV, JSON Lines) */
	POL_IMPORT_READ,    /* an import's progress and its rejected rows */
	POL_ITEM_EXPORT,    /* an engagement's items with payloads and results as CSV, JSONL, XLSX */
	POL_ITEM_RELEASE,   /* hand back the item whose lease one holds, with a reason */
	POL_ENGAGEMENT_OFFERS, /* an engagement's offers (push) and wrap-up settings: read and set */
	POL_OFFER_READ,     /* the offers of a worker (a worker: its own) */
	POL_OFFER_ANSWER,   /* accept or decline an offer made to oneself */
	/* Time and periods (docs/api.md "Time and periods"): workers their own entries,
	 * clients their own client's approved time; corrections, periods and cost are staff's. */
	POL_TIME_READ,	    /* time entries (a worker: its own; a client: approved periods only) */
	POL_TIME_LOG,	    /* a manual entry or timer (a worker: for a client it is cleared for) */
	POL_TIME_CORRECT,   /* correct an entry, with a reason (the original stays) */
	POL_PERIOD_READ,    /* an engagement's billing periods */
	POL_PERIOD_MANAGE,  /* open, approve and lock a period */
	POL_TIME_COST,	    /* the cost side: hours times each worker's cost per hour */
	POL_ASSESS_CREATE,  /* a process-fit assessment (BPO, KPO or in-house) stored */
	POL_ASSESS_READ,    /* stored assessments (a client: its own) */
	POL_DASHBOARD_READ, /* the operations dashboard's figures and their event stream */
	/* Billing (docs/api.md "Rates", "Invoices", "Savings"): prices and invoices are staff's
	 * to set; a client reads its own; auditors read. */
	POL_RATES_READ,	    /* an engagement's rate card */
	POL_RATES_MANAGE,   /* set it (replaced whole) */
	POL_INVOICE_READ,   /* invoices and credit notes, their lines, refs, CSV and PDF */
	POL_INVOICE_MANAGE, /* draft from a locked period, issue, mark paid, credit */
	POL_SAVINGS_READ,   /* what a client paid against the same hours in-house */
	POL_BILLING_READ,   /* a client's billing settings (language, in-house cost) */
	POL_BILLING_MANAGE, /* set them */
	/* Routing (issue 13, docs/routing.md): an engagement's widening rings and item weight */
	POL_ENGAGEMENT_ROUTING, /* read and set: staff */
	/* Prometheus text with the per-engagement series and the workers by state (GET
	 * /v1/metrics): which engagements exist and their volumes are not for clients. */
	POL_METRICS_READ,
	POL__COUNT
};

/* How one role may use one action. */
enum policy_rule {
	RULE_NO,         /* 403: this role may not do it at all */
	RULE_ANY,        /* any record */
	RULE_OWN_CLIENT, /* records of the actor's own client; others are hidden (404) */
	RULE_OWN_KPO,    /* as RULE_OWN_CLIENT, and only on KPO work (else 403) */
	RULE_CLEARED,    /* a worker: records of clients it is cleared for; others 404 */
	RULE_LEASED,     /* a worker: items it holds the lease of; others 404 */
	RULE_SELF,       /* a worker: its own worker record; others 404 */
	RULE_CLEARED_OR_LEASED, /* a worker: as RULE_CLEARED, or an item whose lease it holds */
	RULE_OWN_USER,   /* records of the actor's own user (its tokens); others 404 */
	RULE_CLEARED_FIELDS, /* a worker: as RULE_CLEARED, and only the fields its clearance names */
	RULE__COUNT
};

enum policy_verdict { POLICY_ALLOW, POLICY_HIDE, POLICY_FORBID };

/*
 * What the record is, as far as access goes. Zero fields are unknown or
 * none. For RULE_CLEARED the caller passes the acting worker's clearances
 * (ascending client ids, as in struct worker_rec) from the freshest source
 * it has: the engine's live record for writes, the store for reads, with
 * their expiries and the time now (a clearance lapsed at now is none).
 */
struct policy_scope {
	int64_t client_id;       /* the client whose data this is */
	int64_t worker_id;       /* a worker record: which one */
	int64_t lease_worker_id; /* an item: who holds its lease now */
	bool kpo;                /* the work is KPO (engagement, item) */
	const int64_t *clear;    /* the acting worker's clearances */
	size_t n_clear;
	int64_t user_id;         /* a token: the user it stands for */
	const int64_t *clear_until; /* parallel to clear: when each lapses (0 never); NULL: none do */
	int64_t now;                /* ms, compared with clear_until */
	/* RULE_CLEARED_FIELDS: the payload fields the worker's clearance for client_id unmasks. */
	const char (*unmasked)[MODEL_CODE_MAX];
	size_t n_unmasked;
	/* An engagement's ethical wall keeps the acting worker out: as if not cleared. */
	bool walled;
};

/* The scope's clearance fields from worker w at now (w NULL: none); sc's other fields stay. */
void policy_scope_worker(struct policy_scope *sc, const struct worker_rec *w, int64_t now);

/* The rule of one role for one action (RULE_ANY for POL_PUBLIC). */
enum policy_rule policy_rule_of(enum role r, enum policy_action act);

/*
 * May the actor take this action on this record? scope NULL asks about the
 * role alone (may this role take the action on some record at all): the
 * router's early 403. A hidden record must be answered exactly as a record
 * that does not exist.
 */
enum policy_verdict policy_check(const struct actor *a, enum policy_action act,
				 const struct policy_scope *scope);

/* 0 for POLICY_ALLOW, ERR_NOTFOUND for POLICY_HIDE, ERR_FORBIDDEN for POLICY_FORBID. */
int policy_err(enum policy_verdict v);

/* policy_err(policy_check(a, act, scope)). */
int policy_require(const struct actor *a, enum policy_action act, const struct policy_scope *scope);

/*
 * What a list must be narrowed to for this actor, so a list shows exactly
 * the records policy_check() would allow one by one. OUT: client_id (0 = no
 * filter), worker_id (the lease holder or the worker record, 0 = none).
 * ERR_FORBIDDEN when the role may not list at all; ERR_NOTFOUND when a
 * worker actor has no worker record (it can see nothing).
 */
int policy_list_filter(const struct actor *a, enum policy_action act, int64_t *client_id,
		       int64_t *worker_id);

/*
 * As policy_list_filter() for a list of records owned by users (tokens).
 * OUT: user_id, 0 = no filter. ERR_FORBIDDEN when the role may not list.
 */
int policy_user_filter(const struct actor *a, enum policy_action act, int64_t *user_id);

/* True if the item read by this actor carries its payload and result fields. */
bool policy_sees_payload(const struct actor *a, const struct policy_scope *scope);

/*
 * How the actor sees payload field `field`, which its engagement masks with
 * m, in a read by action act (POL_ITEM_PAYLOAD: an ordinary read; POL_ITEM_UNMASK:
 * the unmasked read): MASK_NONE (in clear) or m. POL_ITEM_UNMASK shows every
 * field to whom it allows; otherwise POL_ITEM_CLEARTEXT decides, a worker's
 * rule by the scope's unmasked fields.
 */
enum mask_kind policy_field_mask(const struct actor *a, enum policy_action act,
				 const struct policy_scope *scope, const char *field,
				 enum mask_kind m);

/* "item.read", ... (for logs, audit and docs). */
const char *policy_action_name(enum policy_action act);
/* "any", "own client", ... */
const char *policy_rule_name(enum policy_rule r);

/*
 * The table as Markdown, action x role, appended to out: docs/api.md holds
 * this text between its access-table markers. 0 or ERR_NOMEM.
 */
int policy_table_markdown(struct buf *out);

#endif
