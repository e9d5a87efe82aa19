/* test_sessions.c - the pure parts of sign-in: session texts, CSRF tokens, Argon2id, slow rate windows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "http/http_int.h"
#include "sec/auth.h"
#include "sec/password.h"
#include "util/err.h"

/* A cookie value of the right shape, and its CSRF token by Python's hashlib:
 * blake2b(b"alihdaya csrf v1", key=cookie, digest_size=16).hexdigest() */
#define COOKIE "AAAAAAAAAAAAAAAAAAAAb-_zzzzzzzzzzzzzzzzzzzz"
#define COOKIE_CSRF "bee685f7842d8e211237cdcb3130690f"

/* Made by python3-argon2 (argon2-cffi), not by libsodium: other parameters, and ours. */
#define PY_OLD "$argon2id$v=19$m=65536,t=3,p=1$FF79Suxchx3KNQtZQlK7+Q$14wMn41Tk8EtTa8A7BAy1w"
#define PY_NOW "$argon2id$v=19$m=19456,t=2,p=1$9DvbQkQKJTwaeTicP176ZQ$FEkmyT060ZvOev41cpJwXA"

static void test_session_text(void **state)
{
	char a[AUTH_SESSION_TEXT], b[AUTH_SESSION_TEXT];
	unsigned char ha[32], hb[32], again[32];

	(void)state;
	auth_session_new(a, ha);
	auth_session_new(b, hb);
	assert_int_equal(strlen(a), 43);
	assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
			 43);
	assert_string_not_equal(a, b);
	assert_memory_not_equal(ha, hb, 32);
	/* The hash kept is the hash of the text the browser presents. */
	auth_token_hash(a, again);
	assert_memory_equal(ha, again, 32);
}

static void test_csrf(void **state)
{
	char t[AUTH_CSRF_TEXT], other[AUTH_CSRF_TEXT], b[AUTH_SESSION_TEXT];
	unsigned char h[32];

	(void)state;
	assert_int_equal(strlen(COOKIE), 43);
	auth_session_csrf(COOKIE, t);
	assert_string_equal(t, COOKIE_CSRF);
	assert_true(auth_csrf_ok(COOKIE, COOKIE_CSRF));
	assert_false(auth_csrf_ok(COOKIE, "bee685f7842d8e211237cdcb3130690e"));
	assert_false(auth_csrf_ok(COOKIE, "bee685f7842d8e211237cdcb3130690"));
	assert_false(auth_csrf_ok(COOKIE, "bee685f7842d8e211237cdcb3130690f0"));
	assert_false(auth_csrf_ok(COOKIE, ""));
	assert_false(auth_csrf_ok(COOKIE, NULL));
	/* Another session's token is not this one's. */
	auth_session_new(b, h);
	auth_session_csrf(b, other);
	assert_string_not_equal(t, other);
	assert_false(auth_csrf_ok(COOKIE, other));
}

static void test_password(void **state)
{
	char h[PASSWORD_HASH_MAX], h2[PASSWORD_HASH_MAX];

	(void)state;
	assert_int_equal(password_hash("correct horse battery", h), 0);
	assert_int_equal(strncmp(h, "$argon2id$v=19$m=19456,t=2,p=1$", 31), 0);
	assert_int_equal(password_hash("correct horse battery", h2), 0);
	assert_string_not_equal(h, h2); /* a salt of its own */
	assert_true(password_verify(h, "correct horse battery"));
	assert_false(password_verify(h, "correct horse batterY"));
	assert_false(password_verify(h, ""));
	assert_false(password_needs_rehash(h));
	/* A hash made elsewhere: verified, and renewed only when its parameters are not ours. */
	assert_true(password_verify(PY_OLD, "correct horse battery"));
	assert_true(password_verify(PY_NOW, "correct horse battery"));
	assert_true(password_needs_rehash(PY_OLD));
	assert_false(password_needs_rehash(PY_NOW));
	/* No hash at all (an unknown login): false, after a hash of the dummy. */
	assert_false(password_verify(NULL, "correct horse battery"));
	assert_false(password_verify("", "correct horse battery"));
	assert_false(password_verify("not a hash", "correct horse battery"));
	assert_int_equal(password_hash("short", h), ERR_INVALID);
	assert_string_equal(h, "");
}

/* 1 request a minute, a burst of 3: a slow limit has no fractions to lose. */
static void test_window(void **state)
{
	unsigned char key[HTTP_ADDR_KEY] = {1};
	struct http_iprate *rl;
	int64_t t = 1000000;

	(void)state;
	assert_int_equal(http__iprate_new_window(1, 60000, 3, &rl), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(http__iprate_check(rl, key, t), 0);
		http__iprate_charge(rl, key, t);
	}
	assert_int_equal(http__iprate_check(rl, key, t), 60);
	/* Many small steps add up: 59.9 s in 100 ms steps is not yet one. */
	for (int i = 1; i < 600; i++)
		assert_int_not_equal(http__iprate_check(rl, key, t + i * 100), 0);
	assert_int_equal(http__iprate_check(rl, key, t + 60000), 0);
	http__iprate_charge(rl, key, t + 60000);
	assert_int_not_equal(http__iprate_check(rl, key, t + 60001), 0);
	http__iprate_free(rl);
	assert_int_equal(http__iprate_new_window(0, 60000, 3, &rl), ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session_text),
		cmocka_unit_test(test_csrf),
		cmocka_unit_test(test_password),
		cmocka_unit_test(test_window),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
