/* queue.h - the queue summary of an engagement: depth, due, who holds what, the workers' loads. */
#ifndef ALIHDAYA_APP_QUEUE_H
#define ALIHDAYA_APP_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "core/model.h"
#include "sec/auth.h"
#include "store/store.h"
#include "util/buf.h"

/*
 * One call answers what a manager asks every hour (docs/api.md "Queue
 * summary"). It is read from the store's reader connections, in one
 * snapshot for the items (docs/architecture.md says why not from the
 * engine). JSON: wire_engagement_queue() (src/wire/queue.h).
 */

#define QUEUE_SOON_MS (60 * 60 * 1000) /* "due in the next hour" */
#define QUEUE_WORKERS_MAX 2000	       /* eligible workers listed; more: truncated */

/* An item leased now, and who holds it. */
struct queue_lease {
	int64_t item_id;
	int64_t worker_id;
	char worker_name[MODEL_NAME_MAX]; /* "" if the worker record was not found */
	int64_t epoch;
	int64_t lease_expires;
};

/* A worker who meets every requirement of the engagement (skills, languages, clearance). */
struct queue_worker {
	int64_t id;
	char name[MODEL_NAME_MAX];
	enum worker_status status;
	int capacity;
	int64_t load; /* leases held now, in every engagement */
};

struct engagement_queue {
	struct engagement_rec eng;
	int64_t at;		  /* the moment the counts are for */
	struct store_queue q;	  /* depth by state, oldest waiting, due soon, late */
	struct queue_lease *held; /* oldest lease deadline first */
	size_t n_held;
	struct queue_worker *workers; /* eligible workers, by id */
	size_t n_workers;
	bool workers_truncated; /* more than QUEUE_WORKERS_MAX were eligible */
};

#define ENGAGEMENT_QUEUE_INIT                                                                      \
	{                                                                                          \
		0                                                                                  \
	}

/*
 * engagement.queue: staff and auditors. ERR_NOTFOUND for an engagement that
 * does not exist. OUT: *out (engagement_queue_release(), also on error).
 */
int app_engagement_queue(const struct app *app, const struct actor *actor, int64_t id,
			 struct engagement_queue *out, struct buf *err);
void engagement_queue_release(struct engagement_queue *q);

#endif
