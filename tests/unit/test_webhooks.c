/* test_webhooks.c - the delivery signature against values Python's hmac computed, the signature
 * header in and after a rotation's overlap, the bounds of the backoff schedule and the
 * attempt's outcome (delivered, pending, failed after 3 days). */
/* cmocka needs these before it. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/webhooks.h"

#define S1 "whsec_00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

/*
 * Computed outside our code:
 *   python3 -c 'import hmac,hashlib; print(hmac.new(KEY, MSG, hashlib.sha256).hexdigest())'
 */
static void test_signature_python(void **state)
{
	const char *body = "{\"id\":\"evt_1\"}";
	char out[65];

	(void)state;
	webhook_signature(S1, 1767225600, body, strlen(body), out);
	assert_string_equal(out,
			    "30071d9b5e3e84439c84e32bca1c480a9f4650acdd1e8323e46c39136f21dcac");
	webhook_signature("whsec_test", 0, "", 0, out);
	assert_string_equal(out,
			    "a2fa7a43c6a1cf2e784eaf3327d65c65b3d2b790320ebed9aa5661bc42a8cccd");
}

static void test_signature_header(void **state)
{
	struct webhook_rec w;
	const char *body = "{\"id\":\"evt_1\"}";
	char h[300];

	(void)state;
	memset(&w, 0, sizeof(w));
	snprintf(w.secret, sizeof(w.secret), "%s", S1);
	webhook_signature_header(&w, 1767225600123, body, strlen(body), h, sizeof(h));
	assert_string_equal(h, "t=1767225600,v1="
			       "30071d9b5e3e84439c84e32bca1c480a9f4650acdd1e8323e46c39136f21dcac");
	/* in the overlap: the old secret signs beside the new one */
	snprintf(w.old_secret, sizeof(w.old_secret), "whsec_test");
	w.old_until = 1767225600124;
	webhook_signature_header(&w, 1767225600123, body, strlen(body), h, sizeof(h));
	assert_int_equal(strlen(h), strlen("t=1767225600") + 2 * (4 + 64));
	assert_non_null(strstr(h, ",v1=30071d9b"));
	/* after it: the new one alone */
	w.old_until = 1767225600123;
	webhook_signature_header(&w, 1767225600123, body, strlen(body), h, sizeof(h));
	assert_null(strchr(h + strlen("t=1767225600,v1="), ','));
}

static void test_backoff_bounds(void **state)
{
	(void)state;
	/* full jitter: [0, min(1 h, 10 s * 2^(n-1))) */
	assert_int_equal(webhook_backoff_ms(1, 0.0), 0);
	assert_int_equal(webhook_backoff_ms(1, 0.5), 5000);
	assert_int_equal(webhook_backoff_ms(2, 0.5), 10000);
	assert_int_equal(webhook_backoff_ms(3, 0.999999), 39999);
	assert_int_equal(webhook_backoff_ms(9, 0.5), 1280000);
	assert_int_equal(webhook_backoff_ms(10, 0.5), 1800000); /* capped at 1 h */
	assert_int_equal(webhook_backoff_ms(1000000, 0.999999), 3599996);
	for (int64_t n = 1; n < 80; n++) {
		int64_t hi = webhook_backoff_ms(n, 0.99999999);

		assert_true(hi >= 0 && hi < WEBHOOK_BACKOFF_CAP_MS);
		assert_true(webhook_backoff_ms(n, 0.0) == 0);
	}
}

static void test_attempt_outcome(void **state)
{
	struct webhook_delivery d;
	struct cmd *c = calloc(1, sizeof(*c));
	const int64_t t0 = 1767225600000;

	(void)state;
	assert_non_null(c);
	memset(&d, 0, sizeof(d));
	d.id = 7;
	d.webhook_id = 3;
	d.created_at = t0;
	d.attempts = 2;
	app_webhook_attempt(&d, t0 + 1000, 204, "", c);
	assert_int_equal(c->type, CMD_WEBHOOK_ATTEMPT);
	assert_int_equal(c->u.webhook.delivery.state, WHD_DELIVERED);
	assert_int_equal(c->u.webhook.delivery.attempts, 3);
	app_webhook_attempt(&d, t0 + 1000, 500, "HTTP 500", c);
	assert_int_equal(c->u.webhook.delivery.state, WHD_PENDING);
	assert_true(c->u.webhook.delivery.next_at >= t0 + 1000 &&
		    c->u.webhook.delivery.next_at < t0 + 1000 + 40000);
	assert_string_equal(c->u.webhook.delivery.last_error, "HTTP 500");
	/* a next try past 3 days after the event: failed */
	d.attempts = 500;
	app_webhook_attempt(&d, t0 + WEBHOOK_GIVE_UP_MS + 1, 0, "timed out", c);
	assert_int_equal(c->u.webhook.delivery.state, WHD_FAILED);
	free(c);
}

static void test_event_names(void **state)
{
	(void)state;
	assert_int_equal(webhook_event_bit("item.done"), WH_ITEM_DONE);
	assert_int_equal(webhook_event_bit("invoice.issued"), WH_INVOICE_ISSUED);
	assert_int_equal(webhook_event_bit("item.exploded"), 0);
	assert_int_equal(webhook_event_bit(NULL), 0);
	assert_string_equal(webhook_event_name(WH_ITEM_REJECTED), "item.rejected");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_signature_python), cmocka_unit_test(test_signature_header),
	    cmocka_unit_test(test_backoff_bounds),   cmocka_unit_test(test_attempt_outcome),
	    cmocka_unit_test(test_event_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
