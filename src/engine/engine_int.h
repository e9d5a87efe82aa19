/* engine_int.h - the engine's live state, shared by engine.c (thread, batches) and apply.c (commands). */
#ifndef ALIHDAYA_ENGINE_INT_H
#define ALIHDAYA_ENGINE_INT_H

#include <pthread.h>

#include "core/lease.h"
#include "core/queue.h"
#include "engine/engine.h"
#include "util/idmap.h"

/* An open item. qe must stay first: queue entries are cast back to items. */
struct live_item {
	struct queue_entry qe; /* id, priority, due_at, heap position */
	int64_t engagement_id;
	int64_t client_id;
	int64_t created_at;
	enum item_state state;
	int64_t worker_id; /* current lease holder, or last worker once submitted */
	int64_t epoch;
	int64_t lease_expires;
	char *external_ref; /* NULL when none; owned */
};

struct live_engagement {
	struct engagement_rec rec;
	struct queue q;
};

struct live_worker {
	struct worker_rec rec;
	int load; /* leases held */
};

struct live_service {
	int64_t id;
	enum service_kind kind;
};

/* Everything the engine thread owns. Only that thread reads or writes it. */
struct engine_state {
	struct idmap clients;     /* id -> (void *)1: existence only */
	struct idmap services;    /* id -> struct live_service */
	struct idmap engagements; /* id -> struct live_engagement */
	struct idmap workers;     /* id -> struct live_worker */
	struct idmap items;       /* id -> struct live_item, open items only */
	struct lease_heap leases;
	/* audit chain tail, re-read at the start of every batch */
	int64_t audit_seq;
	unsigned char audit_hash[32];
	uint64_t leases_expired;
	uint64_t n_queued;
	uint64_t n_assigned;
	/* Set when memory could not follow a durable change (out of memory):
	 * the batch thread rebuilds the live state from the store after commit. */
	int need_reload;
	/*
	 * Set when a command of the open batch failed in the store (I/O, out of
	 * memory) or its savepoint could not be rolled back: the transaction
	 * may hold half a command, or SQLite may have rolled it back already.
	 * The rest of the batch is refused and the whole batch rolled back.
	 */
	int batch_failed;
};

struct engine {
	struct store *store;
	struct engine_opts opts;
	struct engine_state st;

	pthread_t thread;
	pthread_mutex_t mu; /* guards pending, stopping, stats */
	pthread_cond_t wake;     /* engine waits for commands */
	struct cmd *head, *tail;
	size_t npending;
	int stopping;
	struct engine_stats stats;
};

/* apply.c */
int engine_state_load(struct engine_state *st, struct store *s, struct buf *err);
void engine_state_release(struct engine_state *st);
/* Applies one command inside the open batch transaction; sets c->rc etc. */
void engine_apply(struct engine *e, struct cmd *c, int64_t now);
/* Returns expired leases to their queues. 0 or a store error (batch must fail). */
int engine_expire_leases(struct engine *e, int64_t now);
/* The earliest lease deadline, or INT64_MAX. */
int64_t engine_next_deadline(const struct engine *e);

#endif
