/* import_runner.c - the server's import thread: spooled uploads' rows created off the request's
 * thread. */
#include "app/import_runner.h"

#include <pthread.h>
#include <stdlib.h>

#include "util/err.h"
#include "util/log.h"

struct job {
	struct app_import *im;
	struct job *next;
};

struct app_import_runner {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	struct job *head, *tail;
	atomic_bool stop;
};

static void *runner_main(void *arg)
{
	struct app_import_runner *q = arg;
	struct import_rec rec;
	struct buf err = BUF_INIT;
	struct job *j;

	for (;;) {
		pthread_mutex_lock(&q->mu);
		while (!q->head && !atomic_load(&q->stop))
			pthread_cond_wait(&q->wake, &q->mu);
		j = q->head;
		if (j && !(q->head = j->next))
			q->tail = NULL;
		pthread_mutex_unlock(&q->mu);
		if (!j)
			break; /* stopping, nothing queued */
		/* Queued at stop: app_import_run fails it before its first piece. */
		if (app_import_run(j->im, &q->stop, &rec, &err))
			log_error("import %lld: %s", (long long)rec.id, buf_str(&err));
		buf_reset(&err);
		free(j);
	}
	buf_release(&err);
	return NULL;
}

int app_import_runner_start(const struct app *app, struct app_import_runner **out, struct buf *err)
{
	struct app_import_runner *q = calloc(1, sizeof(*q));

	(void)app;
	*out = NULL;
	if (!q)
		return buf_error(err, ERR_NOMEM, "out of memory");
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->wake, NULL);
	atomic_init(&q->stop, false);
	if (pthread_create(&q->thread, NULL, runner_main, q)) {
		pthread_mutex_destroy(&q->mu);
		pthread_cond_destroy(&q->wake);
		free(q);
		return buf_error(err, ERR_NOMEM, "cannot start the import thread");
	}
	*out = q;
	return 0;
}

void app_import_runner_submit(struct app_import_runner *q, struct app_import *im,
			      struct import_rec *rec)
{
	struct job *j = calloc(1, sizeof(*j));

	app_import_queued(im, rec);
	if (!j) { /* no room to queue it: it runs here, as an unspooled import would */
		struct buf err = BUF_INIT;

		if (app_import_run(im, NULL, rec, &err))
			log_error("import %lld: %s", (long long)rec->id, buf_str(&err));
		buf_release(&err);
		return;
	}
	j->im = im;
	pthread_mutex_lock(&q->mu);
	if (q->tail)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
	pthread_cond_signal(&q->wake);
	pthread_mutex_unlock(&q->mu);
}

void app_import_runner_stop(struct app_import_runner *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->mu);
	atomic_store(&q->stop, true);
	pthread_cond_broadcast(&q->wake);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->thread, NULL);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->wake);
	free(q);
}
