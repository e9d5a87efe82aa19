/* test_iprate.c - the per-address limit (http/rate.c): buckets, a fixed table, eviction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "http/http_int.h"
#include "util/err.h"

static void key4(const char *ip, unsigned char key[HTTP_ADDR_KEY])
{
	struct sockaddr_in in = {.sin_family = AF_INET};

	assert_int_equal(inet_pton(AF_INET, ip, &in.sin_addr), 1);
	http__addr_key((struct sockaddr *)&in, key);
}

static void key6(const char *ip, unsigned char key[HTTP_ADDR_KEY])
{
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};

	assert_int_equal(inet_pton(AF_INET6, ip, &in6.sin6_addr), 1);
	http__addr_key((struct sockaddr *)&in6, key);
}

/* Takes one request if allowed: what the server does for a bad token. */
static bool take(struct http_iprate *rl, const unsigned char key[HTTP_ADDR_KEY], int64_t now)
{
	if (http__iprate_check(rl, key, now))
		return false;
	http__iprate_charge(rl, key, now);
	return true;
}

/* A bucket of burst requests, refilled at the rate; one address does not touch another. */
static void test_bucket(void **state)
{
	struct http_iprate *rl;
	unsigned char a[HTTP_ADDR_KEY], b[HTTP_ADDR_KEY];
	int64_t t = 1000000;
	int n = 0;

	(void)state;
	assert_int_equal(http__iprate_new(0, 0, &rl), ERR_INVALID);
	assert_int_equal(http__iprate_new(2, 10, &rl), 0);
	key4("192.0.2.1", a);
	key4("192.0.2.2", b);
	while (take(rl, a, t))
		n++;
	assert_int_equal(n, 10);
	assert_int_equal(http__iprate_check(rl, a, t), 1); /* Retry-After: 1 s */
	assert_true(take(rl, b, t));
	assert_false(take(rl, a, t + 499)); /* 2 a second: one more after 500 ms */
	assert_true(take(rl, a, t + 500));
	assert_false(take(rl, a, t + 500));
	/* A long quiet refills to the burst, not beyond. */
	n = 0;
	while (take(rl, a, t + 3600000))
		n++;
	assert_int_equal(n, 10);
	http__iprate_free(rl);
}

/* The keys: IPv4 and IPv4-mapped IPv6 alike, an IPv6 /64 as one address. */
static void test_keys(void **state)
{
	unsigned char a[HTTP_ADDR_KEY], b[HTTP_ADDR_KEY], zero[HTTP_ADDR_KEY] = {0};

	(void)state;
	key4("203.0.113.7", a);
	key6("::ffff:203.0.113.7", b);
	assert_memory_equal(a, b, HTTP_ADDR_KEY);
	key6("2001:db8:1:2:aaaa::1", a);
	key6("2001:db8:1:2:bbbb::2", b);
	assert_memory_equal(a, b, HTTP_ADDR_KEY);
	key6("2001:db8:1:3::1", b);
	assert_memory_not_equal(a, b, HTTP_ADDR_KEY);
	http__addr_key(NULL, a);
	assert_memory_equal(a, zero, HTTP_ADDR_KEY);
}

/*
 * 100,000 addresses in a table of fixed size: memory does not grow (the
 * table is one allocation), the least recently seen are evicted, and a busy
 * address seen just before each newcomer keeps its bucket (were it evicted,
 * it would come back with a full one, and get through far more often).
 */
static void test_eviction(void **state)
{
	struct http_iprate *rl;
	unsigned char busy[HTTP_ADDR_KEY], k[HTTP_ADDR_KEY];
	int64_t t = 5000000;
	int passed = 0;

	(void)state;
	assert_int_equal(http__iprate_new(1, 3, &rl), 0);
	key4("198.51.100.1", busy);
	for (uint32_t i = 0; i < 100000; i++) {
		struct sockaddr_in in = {.sin_family = AF_INET,
					 .sin_addr.s_addr = htonl(0x0a000000u + i)};

		passed += take(rl, busy, t + 2 * (int64_t)i);
		http__addr_key((struct sockaddr *)&in, k);
		http__iprate_charge(rl, k, t + 2 * (int64_t)i + 1);
	}
	/* 200 s at 1 a second, and the first bucket of 3. */
	assert_true(passed <= 3 + 200);
	assert_true(passed >= 200);
	assert_true(http__iprate_evicted(rl) >= 100000 - 4096);
	http__iprate_free(rl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bucket),
	    cmocka_unit_test(test_keys),
	    cmocka_unit_test(test_eviction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
