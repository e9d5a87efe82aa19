/* rate.c - request rate limits: per user, and per client address for requests without a token. */
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

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

/* ------------------------------------------------- per client address */

/*
 * Requests without a valid token are limited per client address, in a
 * table of fixed size whatever the number of addresses: an address hashes
 * to a run of IPRATE_PROBE slots; a new address takes a free slot of its
 * run or, when the run is full, the one seen least recently. An evicted
 * address starts again with a full bucket, which is the price of bounded
 * memory: an attacker needs IPRATE_SLOTS / IPRATE_PROBE busy addresses on
 * one run to reset another's bucket.
 */
#define IPRATE_SLOTS 4096
#define IPRATE_PROBE 8

struct ip_bucket {
	unsigned char key[HTTP_ADDR_KEY];
	bool used;
	int64_t milli;
	int64_t last_ms;
};

struct http_iprate {
	pthread_mutex_t lock;
	int64_t rate;      /* units a millisecond */
	int64_t unit;      /* what one request costs: the window's milliseconds */
	int64_t cap_milli; /* burst * unit */
	uint64_t evicted;
	struct ip_bucket slot[IPRATE_SLOTS];
};

int http__iprate_new(int rate_per_s, int burst, struct http_iprate **out)
{
	return http__iprate_new_window(rate_per_s, 1000, burst > 0 ? burst : 2 * rate_per_s, out);
}

/*
 * count requests a window of window_ms: one request costs window_ms units
 * and the bucket gains count units a millisecond, so slow rates (5 a
 * minute) need no fractions.
 */
int http__iprate_new_window(int count, int64_t window_ms, int burst, struct http_iprate **out)
{
	struct http_iprate *rl;

	*out = NULL;
	if (count <= 0 || window_ms <= 0 || burst <= 0)
		return ERR_INVALID;
	rl = calloc(1, sizeof(*rl));
	if (!rl)
		return ERR_NOMEM;
	if (pthread_mutex_init(&rl->lock, NULL)) {
		free(rl);
		return ERR_NOMEM;
	}
	rl->rate = count;
	rl->unit = window_ms;
	rl->cap_milli = (int64_t)burst * window_ms;
	*out = rl;
	return 0;
}

void http__iprate_free(struct http_iprate *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

/* FNV-1a: the key is an address, not attacker-chosen beyond its own addresses. */
static size_t key_slot(const unsigned char key[HTTP_ADDR_KEY])
{
	uint64_t h = 1469598103934665603u;

	for (size_t i = 0; i < HTTP_ADDR_KEY; i++)
		h = (h ^ key[i]) * 1099511628211u;
	return (size_t)(h % IPRATE_SLOTS);
}

/* The bucket of key, made (or taken from the least recent of its run) if new. Under the lock. */
static struct ip_bucket *ip_bucket(struct http_iprate *rl, const unsigned char key[HTTP_ADDR_KEY],
				   int64_t now_ms)
{
	size_t first = key_slot(key);
	struct ip_bucket *free_b = NULL, *oldest = NULL;

	for (size_t i = 0; i < IPRATE_PROBE; i++) {
		struct ip_bucket *b = &rl->slot[(first + i) % IPRATE_SLOTS];

		if (b->used && !memcmp(b->key, key, HTTP_ADDR_KEY))
			return b;
		if (!b->used && !free_b)
			free_b = b;
		if (b->used && (!oldest || b->last_ms < oldest->last_ms))
			oldest = b;
	}
	if (!free_b) {
		free_b = oldest;
		rl->evicted++;
	}
	memcpy(free_b->key, key, HTTP_ADDR_KEY);
	free_b->used = true;
	free_b->milli = rl->cap_milli;
	free_b->last_ms = now_ms;
	return free_b;
}

static void ip_refill(const struct http_iprate *rl, struct ip_bucket *b, int64_t now_ms)
{
	if (now_ms > b->last_ms) {
		int64_t add = (now_ms - b->last_ms) * rl->rate;

		b->milli = add >= rl->cap_milli - b->milli ? rl->cap_milli : b->milli + add;
		b->last_ms = now_ms;
	}
}

/* Seconds until one request is allowed again (at least 1). */
static int retry_after_s(const struct http_iprate *rl, const struct ip_bucket *b)
{
	int64_t ms = (rl->unit - b->milli + rl->rate - 1) / rl->rate;

	return ms <= 1000 ? 1 : (int)((ms + 999) / 1000);
}

int http__iprate_check(struct http_iprate *rl, const unsigned char key[HTTP_ADDR_KEY],
		       int64_t now_ms)
{
	struct ip_bucket *b;
	int wait = 0;

	pthread_mutex_lock(&rl->lock);
	b = ip_bucket(rl, key, now_ms);
	ip_refill(rl, b, now_ms);
	if (b->milli < rl->unit)
		wait = retry_after_s(rl, b);
	pthread_mutex_unlock(&rl->lock);
	return wait;
}

void http__iprate_charge(struct http_iprate *rl, const unsigned char key[HTTP_ADDR_KEY],
			 int64_t now_ms)
{
	struct ip_bucket *b;

	pthread_mutex_lock(&rl->lock);
	b = ip_bucket(rl, key, now_ms);
	ip_refill(rl, b, now_ms);
	if (b->milli >= rl->unit)
		b->milli -= rl->unit;
	pthread_mutex_unlock(&rl->lock);
}

uint64_t http__iprate_evicted(struct http_iprate *rl)
{
	uint64_t n;

	pthread_mutex_lock(&rl->lock);
	n = rl->evicted;
	pthread_mutex_unlock(&rl->lock);
	return n;
}

void http__addr_key(const struct sockaddr *sa, unsigned char key[HTTP_ADDR_KEY])
{
	memset(key, 0, HTTP_ADDR_KEY);
	if (!sa)
		return;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		key[0] = 4;
		memcpy(key + 1, &in->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		const unsigned char *a = in6->sin6_addr.s6_addr;
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

		if (!memcmp(a, mapped, 12)) {
			key[0] = 4;
			memcpy(key + 1, a + 12, 4);
		} else {
			/* One holder of an IPv6 /64 has all of its addresses: limit the prefix. */
			key[0] = 6;
			memcpy(key + 1, a, 8);
		}
	}
}
