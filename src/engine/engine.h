/* engine.h - the engine thread: owns live work state, applies commands, group-commits them. */
#ifndef ALIHDAYA_ENGINE_H
#define ALIHDAYA_ENGINE_H

#include <jansson.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/model.h"
#include "sec/auth.h"
#include "store/store.h"
#include "util/buf.h"

/*
 * HTTP handlers and the CLI never touch live state. They fill a struct cmd,
 * call engine_call(), and block until the engine has applied the command in
 * memory AND written its effects in a transaction that is durable (group
 * commit: every command waiting is applied and written in one transaction).
 *
 * Security: the caller has already authenticated the actor and checked its
 * role for the route. The engine checks record scope (client, lease holder)
 * with the auth_* predicates, and writes the audit event for the change in
 * the same transaction.
 */

enum cmd_type {
	CMD_CLIENT_CREATE,     /* u.client */
	CMD_SERVICE_CREATE,    /* u.service */
	CMD_ENGAGEMENT_CREATE, /* u.engagement (kind is filled by the engine) */
	CMD_USER_CREATE,       /* u.user */
	CMD_TOKEN_CREATE,      /* u.token: reply {"token":"ahd_...","user_id":N} */
	CMD_WORKER_CREATE,     /* u.worker: also creates its ROLE_WORKER user named u.worker_login */
	CMD_WORKER_STATUS,     /* u.wstatus */
	CMD_ITEM_CREATE,       /* u.item_create */
	/* get-next for actor->worker_id (or u.op.worker_id for staff) */
	CMD_ITEM_NEXT,         /* reply {"id":N}; 204 when no eligible work */
	CMD_ITEM_SUBMIT,       /* u.op: item_id, epoch, result_json */
	CMD_ITEM_ACCEPT,       /* u.op: item_id */
	CMD_ITEM_REWORK,       /* u.op: item_id, reason */
	CMD_ITEM_CANCEL,       /* u.op: item_id, reason (optional) */
	CMD_AUDIT,             /* u.audit: record a read (e.g. "item.read") durably */
	CMD__COUNT
};

struct cmd {
	enum cmd_type type;
	const struct actor *actor;
	/* Idempotency-Key, NULL if none. req_hash covers method, path and body. */
	const char *idem_key;
	unsigned char req_hash[32];

	union {
		struct client_rec client;
		struct service_rec service;
		struct engagement_rec engagement;
		struct user_rec user;
		struct {
			int64_t user_id;
		} token;
		struct {
			struct worker_rec rec;
			char login[MODEL_CODE_MAX];
		} worker;
		struct {
			int64_t worker_id;
			enum worker_status status;
		} wstatus;
		struct {
			int64_t engagement_id;
			char external_ref[MODEL_REF_MAX];
			int priority;          /* 0 = the engagement's default */
			int64_t due_at;        /* 0 = arrival + the engagement's SLA */
			const char *payload;   /* JSON text, owned by the caller */
		} item_create;
		struct {
			int64_t item_id;
			int64_t worker_id;       /* CMD_ITEM_NEXT by staff on behalf of a worker */
			int64_t epoch;
			const char *result_json; /* CMD_ITEM_SUBMIT, owned by caller */
			const char *reason;      /* CMD_ITEM_REWORK / CANCEL, owned by caller */
		} op;
		struct {
			char action[MODEL_CODE_MAX];
			char record_type[MODEL_CODE_MAX];
			int64_t record_id;
			int64_t client_id;
		} audit;
	} u;

	/*
	 * OUT, valid after engine_call returns:
	 *  rc: 0 or an ERR_* code.
	 *  status: HTTP status to answer (201 created, 200 ok, 204 no work).
	 *  reply: on success, item commands give the item as it is now, without
	 *  payload and result (wire/wire.h); other creates give {"id": N} and
	 *  the caller reads the record from the store (the batch is committed
	 *  when the command is answered, so a reader sees it); CMD_TOKEN_CREATE gives
	 *  {"token","user_id"}; NULL for 204 and CMD_AUDIT. On error: details to
	 *  merge into the error object, e.g. {"state":"done"} or {"message":...}.
	 *  Owned by the caller (json_decref).
	 *  replayed: true if this was answered from the idempotency record.
	 */
	int rc;
	int status;
	json_t *reply;
	bool replayed;

	/* engine-internal: the caller sleeps on its own semaphore, so a batch
	 * wakes exactly the callers it answered. */
	struct cmd *next;
	sem_t done;
	void (*on_done)(struct cmd *c, void *arg);
	void *on_done_arg;
};

struct engine_opts {
	int batch_max;        /* most commands in one transaction (default 512); 1 disables group commit */
	int64_t tick_ms;      /* how often leases are checked at most (default 200) */
};

struct engine;

/*
 * Recovers live state from the store and starts the engine thread.
 * OUT: *out, stopped and freed with engine_stop(). The store must outlive it.
 */
int engine_start(struct store *s, const struct engine_opts *o, struct engine **out,
		 struct buf *err);

/*
 * Runs a command. Blocks until it is durably applied or refused; the result
 * is in c->rc, c->status, c->reply. Returns c->rc. ERR_SHUTDOWN once
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

/* Stops taking commands, finishes the batch in flight, joins the thread, frees. */
void engine_stop(struct engine *e);

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
