/* conn.c - open connections: the connection limit, and a deadline for receiving a whole request. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "http/http_int.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/log.h"

/*
 * libmicrohttpd's connection timeout restarts on every byte received, so a
 * client sending one byte a second holds its connection forever. Every
 * connection is tracked here from MHD's NOTIFY_CONNECTION: a request must
 * arrive whole (headers and body) within timeout of the connection's start
 * or of the end of the request before it; a watchdog thread shuts down the
 * socket of one that does not, and MHD then closes it as it closes a
 * connection whose peer went away. A request whose body is in (handled,
 * waiting on the engine, its answer being sent) has no deadline.
 *
 * MHD stops accepting when it reaches its own connection limit, and new
 * connections then wait in the kernel's backlog. So MHD is given more room
 * than opts.max_connections, and a connection past our limit is answered a
 * 503 at once and shut down.
 *
 * The fd is only touched under the lock, and MHD's CLOSED notification,
 * which removes the entry under the lock, comes before MHD closes the fd:
 * the watchdog never shuts down a descriptor that was reused.
 */

struct conn_track {
	struct conn_track *prev, *next;
	int fd;
	int64_t since_ms; /* start of the request being received */
	bool receiving;	  /* false: the request is in, or the socket was shut down */
};

struct http_conns {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool thread_started;
	bool stop;
	int max;		/* connections served at once */
	int64_t timeout_ms;	/* 0: no deadline */
	int open;		/* tracked now */
	struct conn_track head; /* a ring; head.next is the oldest */
	atomic_uint_fast64_t refused, cut;
};

#define REFUSE_BODY                                                                                \
	"{\"error\":{\"code\":\"busy\",\"message\":\"too many open connections; retry in a "       \
	"moment\"}}"
#define REFUSE_BODY_LEN "82"
_Static_assert(sizeof(REFUSE_BODY) - 1 == 82, "REFUSE_BODY_LEN is the body's length");

static const char refuse_text[] = "HTTP/1.1 503 Service Unavailable\r\n"
				  "Content-Type: application/json\r\n"
				  "Retry-After: 1\r\n"
				  "Connection: close\r\n"
				  "Content-Length: " REFUSE_BODY_LEN "\r\n\r\n" REFUSE_BODY;

static void *watchdog(void *arg)
{
	struct http_conns *cs = arg;
	struct timespec ts;

	pthread_mutex_lock(&cs->lock);
	while (!cs->stop) {
		int64_t now = clock_now_ms();

		for (struct conn_track *t = cs->head.next; t != &cs->head; t = t->next) {
			if (!t->receiving || t->since_ms < 0 || now - t->since_ms < cs->timeout_ms)
				continue;
			t->receiving = false;
			t->since_ms = -1; /* for good: a later request end does not rearm it */
			shutdown(t->fd, SHUT_RDWR);
			atomic_fetch_add(&cs->cut, 1);
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 200 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&cs->wake, &cs->lock, &ts);
	}
	pthread_mutex_unlock(&cs->lock);
	return NULL;
}

int http__conns_new(int max, int timeout_s, struct http_conns **out)
{
	struct http_conns *cs = calloc(1, sizeof(*cs));

	*out = NULL;
	if (!cs)
		return ERR_NOMEM;
	pthread_mutex_init(&cs->lock, NULL);
	pthread_cond_init(&cs->wake, NULL);
	cs->max = max;
	cs->timeout_ms = (int64_t)timeout_s * 1000;
	cs->head.next = cs->head.prev = &cs->head;
	if (cs->timeout_ms > 0) {
		if (pthread_create(&cs->thread, NULL, watchdog, cs)) {
			http__conns_free(cs);
			return ERR_NOMEM;
		}
		cs->thread_started = true;
	}
	*out = cs;
	return 0;
}

void http__conns_free(struct http_conns *cs)
{
	if (!cs)
		return;
	if (cs->thread_started) {
		pthread_mutex_lock(&cs->lock);
		cs->stop = true;
		pthread_cond_signal(&cs->wake);
		pthread_mutex_unlock(&cs->lock);
		pthread_join(cs->thread, NULL);
	}
	/* MHD was stopped first: every entry had its CLOSED notification. */
	pthread_cond_destroy(&cs->wake);
	pthread_mutex_destroy(&cs->lock);
	free(cs);
}

void http__conn_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		       enum MHD_ConnectionNotificationCode code)
{
	struct http_conns *cs = cls;
	struct conn_track *t = *socket_context;
	const union MHD_ConnectionInfo *ci;

	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		if (!t)
			return;
		pthread_mutex_lock(&cs->lock);
		t->prev->next = t->next;
		t->next->prev = t->prev;
		cs->open--;
		pthread_mutex_unlock(&cs->lock);
		free(t);
		*socket_context = NULL;
		return;
	}
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (!ci)
		return;
	pthread_mutex_lock(&cs->lock);
	if (cs->open >= cs->max) {
		pthread_mutex_unlock(&cs->lock);
		/* Nothing was read yet: our answer is the first bytes on the socket. */
		(void)!send(ci->connect_fd, refuse_text, sizeof(refuse_text) - 1,
			    MSG_DONTWAIT | MSG_NOSIGNAL);
		shutdown(ci->connect_fd, SHUT_RDWR);
		atomic_fetch_add(&cs->refused, 1);
		return;
	}
	t = malloc(sizeof(*t));
	if (!t) {
		pthread_mutex_unlock(&cs->lock);
		shutdown(ci->connect_fd, SHUT_RDWR);
		return;
	}
	t->fd = ci->connect_fd;
	t->since_ms = clock_now_ms();
	t->receiving = true;
	t->prev = cs->head.prev;
	t->next = &cs->head;
	cs->head.prev->next = t;
	cs->head.prev = t;
	cs->open++;
	pthread_mutex_unlock(&cs->lock);
	*socket_context = t;
}

/* The connection's tracking entry, NULL when it has none (refused, or not tracked). */
static struct conn_track *track_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

void http__conn_received(struct http_conns *cs, struct MHD_Connection *conn)
{
	struct conn_track *t = track_of(conn);

	if (!cs || !t)
		return;
	pthread_mutex_lock(&cs->lock);
	t->receiving = false;
	pthread_mutex_unlock(&cs->lock);
}

void http__conn_next(struct http_conns *cs, struct MHD_Connection *conn)
{
	struct conn_track *t = track_of(conn);

	if (!cs || !t)
		return;
	pthread_mutex_lock(&cs->lock);
	/* Shut down already: it stays so. */
	if (!(t->since_ms < 0)) {
		t->since_ms = clock_now_ms();
		t->receiving = true;
	}
	pthread_mutex_unlock(&cs->lock);
}

void http__conns_counts(struct http_conns *cs, uint64_t *refused, uint64_t *cut)
{
	*refused = cs ? atomic_load(&cs->refused) : 0;
	*cut = cs ? atomic_load(&cs->cut) : 0;
}
