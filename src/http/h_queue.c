/* h_queue.c - an engagement's queue summary over HTTP (app/queue.h, rendered by wire/queue.h). */
#include "app/queue.h"
#include "http/http_int.h"
#include "wire/queue.h"

/*
 * GET /v1/engagements/:id/queue -> {engagement_id, name, at, depth, oldest_waiting,
 *   due_next_hour, late, held: [...], workers: [...], workers_truncated}
 * Staff and auditors (sec/policy.c: engagement.queue).
 */
int h_engagements_queue(struct req *r)
{
	struct engagement_queue q = ENGAGEMENT_QUEUE_INIT;
	struct buf err = BUF_INIT;
	int rc = app_engagement_queue(&r->srv->app, &r->actor, r->param[0], &q, &err);

	if (rc) {
		engagement_queue_release(&q);
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	rc = http__read(r, 0, wire_engagement_queue(&q));
	engagement_queue_release(&q);
	return rc;
}
