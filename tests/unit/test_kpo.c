/* test_kpo.c - the KPO review chain's rules (core/kpo.c), written out step by step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/kpo.h"
#include "util/err.h"

/* Analyst: worker 7, user 70. Staff: user 1. Client user: 50. Reviewer worker: 8, user 80. */
static int ask(enum item_state from, enum item_action act, enum kpo_party p, int64_t uid,
	       int64_t wid, const char **why)
{
	struct kpo_ask a = { .from = from, .act = act, .party = p, .actor_user_id = uid,
			     .actor_worker_id = wid, .analyst_user_id = 70,
			     .analyst_worker_id = 7 };

	return kpo_chain_check(&a, why);
}

static void test_client_waits_for_senior(void **state)
{
	const char *why;

	(void)state;
	/* Accept straight from submitted: refused, the senior review comes first. */
	assert_int_equal(ask(ITEM_SUBMITTED, ACT_ACCEPT, KPO_CLIENT, 50, 0, &why), ERR_CONFLICT);
	assert_non_null(strstr(why, "senior review comes first"));
	assert_int_equal(ask(ITEM_SUBMITTED, ACT_REVIEW, KPO_CLIENT, 50, 0, &why), ERR_CONFLICT);
	assert_int_equal(ask(ITEM_SUBMITTED, ACT_REWORK, KPO_CLIENT, 50, 0, &why), ERR_CONFLICT);
	/* Once approved by the senior reviewer: the client approves or returns. */
	assert_int_equal(ask(ITEM_IN_REVIEW, ACT_ACCEPT, KPO_CLIENT, 50, 0, &why), 0);
	assert_null(why);
	assert_int_equal(ask(ITEM_IN_REVIEW, ACT_REWORK, KPO_CLIENT, 50, 0, &why), 0);
}

static void test_senior_steps(void **state)
{
	const char *why;

	(void)state;
	assert_int_equal(ask(ITEM_SUBMITTED, ACT_REVIEW, KPO_STAFF, 1, 0, &why), 0);
	assert_int_equal(ask(ITEM_SUBMITTED, ACT_REWORK, KPO_STAFF, 1, 0, &why), 0);
	assert_int_equal(ask(ITEM_SUBMITTED, ACT_REVIEW, KPO_REVIEWER, 80, 8, &why), 0);
	/* Staff do not accept at once, nor give the client's approval. */
	assert_int_equal(ask(ITEM_SUBMITTED, ACT_ACCEPT, KPO_STAFF, 1, 0, &why), ERR_CONFLICT);
	assert_int_equal(ask(ITEM_IN_REVIEW, ACT_ACCEPT, KPO_STAFF, 1, 0, &why), ERR_FORBIDDEN);
	assert_non_null(strstr(why, "client's user approves"));
	/* A senior may still take back its approval. */
	assert_int_equal(ask(ITEM_IN_REVIEW, ACT_REWORK, KPO_STAFF, 1, 0, &why), 0);
	/* Neither worker nor auditor without the review skill is a senior reviewer. */
	assert_int_equal(ask(ITEM_SUBMITTED, ACT_REVIEW, KPO_OTHER, 9, 9, &why), ERR_FORBIDDEN);
	assert_int_equal(ask(ITEM_IN_REVIEW, ACT_REWORK, KPO_OTHER, 9, 9, &why), ERR_FORBIDDEN);
}

static void test_reviewer_is_not_analyst(void **state)
{
	const char *why;

	(void)state;
	/* By worker record, and by user (staff acting as the analyst's user). */
	assert_int_equal(ask(ITEM_SUBMITTED, ACT_REVIEW, KPO_REVIEWER, 80, 7, &why), ERR_FORBIDDEN);
	assert_non_null(strstr(why, "may not be the analyst"));
	assert_int_equal(ask(ITEM_SUBMITTED, ACT_REVIEW, KPO_STAFF, 70, 0, &why), ERR_FORBIDDEN);
	assert_int_equal(ask(ITEM_SUBMITTED, ACT_REWORK, KPO_REVIEWER, 70, 8, &why), ERR_FORBIDDEN);
	assert_int_equal(ask(ITEM_IN_REVIEW, ACT_REWORK, KPO_STAFF, 70, 0, &why), ERR_FORBIDDEN);
	/* Ids unknown (0) never match. */
	{
		struct kpo_ask a = { .from = ITEM_SUBMITTED, .act = ACT_REVIEW, .party = KPO_STAFF };

		assert_int_equal(kpo_chain_check(&a, &why), 0);
	}
}

static void test_outside_the_chain(void **state)
{
	const char *why;

	(void)state;
	/* Not the chain's actions, or states the machine itself refuses: not decided here. */
	assert_int_equal(ask(ITEM_ASSIGNED, ACT_SUBMIT, KPO_OTHER, 70, 7, &why), 0);
	assert_int_equal(ask(ITEM_QUEUED, ACT_CANCEL, KPO_CLIENT, 50, 0, &why), 0);
	assert_int_equal(ask(ITEM_QUEUED, ACT_ACCEPT, KPO_CLIENT, 50, 0, &why), 0);
}

static void test_steps_named(void **state)
{
	(void)state;
	assert_string_equal(kpo_step_name(kpo_step_of(ACT_SUBMIT, ITEM_ASSIGNED, KPO_OTHER)),
			    "submitted");
	assert_string_equal(kpo_step_name(kpo_step_of(ACT_REVIEW, ITEM_SUBMITTED, KPO_STAFF)),
			    "senior_approved");
	assert_string_equal(kpo_step_name(kpo_step_of(ACT_REWORK, ITEM_SUBMITTED, KPO_STAFF)),
			    "senior_returned");
	assert_string_equal(kpo_step_name(kpo_step_of(ACT_ACCEPT, ITEM_IN_REVIEW, KPO_CLIENT)),
			    "client_approved");
	assert_string_equal(kpo_step_name(kpo_step_of(ACT_REWORK, ITEM_IN_REVIEW, KPO_CLIENT)),
			    "client_returned");
	assert_string_equal(kpo_step_name(kpo_step_of(ACT_ASSIGN, ITEM_QUEUED, KPO_OTHER)), "");
	assert_int_equal(kpo_party_of(ROLE_MANAGER, false), KPO_STAFF);
	assert_int_equal(kpo_party_of(ROLE_WORKER, false), KPO_OTHER);
	assert_int_equal(kpo_party_of(ROLE_WORKER, true), KPO_REVIEWER);
	assert_int_equal(kpo_party_of(ROLE_CLIENT, false), KPO_CLIENT);
	assert_int_equal(kpo_party_of(ROLE_AUDITOR, true), KPO_OTHER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_waits_for_senior),
		cmocka_unit_test(test_senior_steps),
		cmocka_unit_test(test_reviewer_is_not_analyst),
		cmocka_unit_test(test_outside_the_chain),
		cmocka_unit_test(test_steps_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
