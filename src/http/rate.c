/* rate.c - request rate limit per user: a token bucket for every user id seen. */
#include <pthread.h>
#include <stdlib.h>

#include "http/http_int.h"
#include "util/err.h"

/*
 * Tokens are counted in thousandths so that refilling is integer math:
 * rate_per_s tokens a second = rate_per_s milli-tokens a millisecond.
 * Users are few (they are records an admin creates), so buckets live in a
 * chained hash table that only grows; a bucket is a few bytes.
 */
#define RATE_SLOTS 1024

struct bucket {
	int64_t user_id;
	int64_t milli;	 /* tokens * 1000 */
	int64_t last_ms; /* last refill */
	struct bucket *next;
};

struct http_rate {
	pthread_mutex_t lock;
	int64_t rate;	   /* tokens per second */
	int64_t cap_milli; /* burst * 1000 */
	struct bucket *slot[RATE_SLOTS];
};

int http__rate_new(int rate_per_s, int burst, struct http_rate **out)
{
	struct http_rate *rl;

	if (rate_per_s <= 0)
		return ERR_INVALID;
	rl = calloc(1, sizeof(*rl));
	if (!rl)
		return ERR_NOMEM;
	if (pthread_mutex_init(&rl->lock, NULL)) {
		free(rl);
		return ERR_NOMEM;
	}
	rl->rate = rate_per_s;
	rl->cap_milli = (int64_t)(burst > 0 ? burst : 2 * rate_per_s) * 1000;
	*out = rl;
	return 0;
}

void http__rate_free(struct http_rate *rl)
{
	if (!rl)
		return;
	for (size_t i = 0; i < RATE_SLOTS; i++) {
		struct bucket *b = rl->slot[i], *next;

		for (; b; b = next) {
			next = b->next;
			free(b);
		}
	}
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

bool http__rate_take(struct http_rate *rl, int64_t user_id, int64_t now_ms)
{
	size_t i = (size_t)((uint64_t)user_id * 2654435761u) % RATE_SLOTS;
	struct bucket *b;
	bool ok;

	pthread_mutex_lock(&rl->lock);
	for (b = rl->slot[i]; b && b->user_id != user_id; b = b->next)
		;
	if (!b) {
		b = malloc(sizeof(*b));
		if (!b) {
			/* Failing open beats refusing everyone when memory is short. */
			pthread_mutex_unlock(&rl->lock);
			return true;
		}
		b->user_id = user_id;
		b->milli = rl->cap_milli;
		b->last_ms = now_ms;
		b->next = rl->slot[i];
		rl->slot[i] = b;
	}
	if (now_ms > b->last_ms) {
		int64_t add = (now_ms - b->last_ms) * rl->rate;

		b->milli = add >= rl->cap_milli - b->milli ? rl->cap_milli : b->milli + add;
		b->last_ms = now_ms;
	}
	ok = b->milli >= 1000;
	if (ok)
		b->milli -= 1000;
	pthread_mutex_unlock(&rl->lock);
	return ok;
}
