/* test_item.c - the item state machine against an explicit matrix, and history validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/item.h"
#include "util/err.h"

/* X: refused. Every other cell is the state the action leads to. */
#define X (-1)
#define Q ITEM_QUEUED
#define A ITEM_ASSIGNED
#define S ITEM_SUBMITTED
#define R ITEM_IN_REVIEW
#define D ITEM_DONE
#define C ITEM_CANCELLED
#define F ITEM_FAILED

/* clang-format off */
static const int expected[ITEM_STATE__COUNT][ACT__COUNT] = {
	/*             create assign expire submit review accept rework cancel fail renew key release */
	/* queued    */ { Q,  A,     X,     X,     X,     X,     X,     C,     F,   X,    X,  X },
	/* assigned  */ { Q,  X,     Q,     S,     X,     X,     X,     C,     F,   A,    Q,  Q },
	/* submitted */ { Q,  X,     X,     X,     R,     D,     Q,     C,     F,   X,    X,  X },
	/* in_review */ { Q,  X,     X,     X,     X,     D,     Q,     C,     F,   X,    X,  X },
	/* done      */ { Q,  X,     X,     X,     X,     X,     X,     X,     X,   X,    X,  X },
	/* cancelled */ { Q,  X,     X,     X,     X,     X,     X,     X,     X,   X,    X,  X },
	/* failed    */ { Q,  X,     X,     X,     X,     X,     X,     X,     X,   X,    X,  X },
};
/* clang-format on */

static void test_matrix(void **state)
{
	(void)state;
	for (int s = 0; s < ITEM_STATE__COUNT; s++) {
		for (int a = 0; a < ACT__COUNT; a++) {
			enum item_state to = ITEM_STATE__COUNT;
			int rc = item_transition((enum item_state)s, (enum item_action)a, &to);

			if (expected[s][a] == X) {
				if (rc != ERR_CONFLICT)
					fail_msg("%s --%s--> should be refused, rc=%d to=%s",
						 item_state_name(s), item_action_name(a), rc,
						 item_state_name(to));
			} else {
				if (rc != 0 || (int)to != expected[s][a])
					fail_msg("%s --%s--> expected %s, rc=%d to=%s",
						 item_state_name(s), item_action_name(a),
						 item_state_name(expected[s][a]), rc,
						 item_state_name(to));
			}
		}
	}
}

static void test_out_of_range_refused(void **state)
{
	enum item_state to;

	(void)state;
	assert_int_equal(item_transition(ITEM_STATE__COUNT, ACT_ASSIGN, &to), ERR_CONFLICT);
	assert_int_equal(item_transition(ITEM_QUEUED, ACT__COUNT, &to), ERR_CONFLICT);
}

static void test_open(void **state)
{
	(void)state;
	assert_true(item_state_open(ITEM_QUEUED));
	assert_true(item_state_open(ITEM_ASSIGNED));
	assert_true(item_state_open(ITEM_SUBMITTED));
	assert_true(item_state_open(ITEM_IN_REVIEW));
	assert_false(item_state_open(ITEM_DONE));
	assert_false(item_state_open(ITEM_CANCELLED));
	assert_false(item_state_open(ITEM_FAILED));
}

static void test_names(void **state)
{
	static const char *const states[] = {"queued", "assigned",  "submitted", "in_review",
					     "done",   "cancelled", "failed"};
	static const char *const actions[] = {"create", "assign", "expire", "submit", "review",
					      "accept", "rework", "cancel", "fail",   "renew", "key",
					      "release"};
	enum item_state s;
	enum item_action a;

	(void)state;
	for (int i = 0; i < ITEM_STATE__COUNT; i++) {
		assert_string_equal(item_state_name((enum item_state)i), states[i]);
		assert_int_equal(item_state_parse(states[i], &s), 0);
		assert_int_equal(s, i);
	}
	for (int i = 0; i < ACT__COUNT; i++) {
		assert_string_equal(item_action_name((enum item_action)i), actions[i]);
		assert_int_equal(item_action_parse(actions[i], &a), 0);
		assert_int_equal(a, i);
	}
	assert_int_equal(item_state_parse("Queued", &s), ERR_INVALID);
	assert_int_equal(item_state_parse("", &s), ERR_INVALID);
	assert_int_equal(item_state_parse(NULL, &s), ERR_INVALID);
	assert_int_equal(item_action_parse("create ", &a), ERR_INVALID);
	assert_int_equal(item_action_parse(NULL, &a), ERR_INVALID);
	assert_string_equal(item_state_name(ITEM_STATE__COUNT), "unknown");
	assert_string_equal(item_action_name(ACT__COUNT), "unknown");
}

/* ---------------------------------------------------------------- histories */

struct step {
	const char *action;
	enum item_state from, to;
};

#define HIST_MAX 32

static bool valid(const struct step *steps, size_t n)
{
	struct event_rec ev[HIST_MAX];

	assert_true(n <= HIST_MAX);
	memset(ev, 0, sizeof(ev));
	for (size_t i = 0; i < n; i++) {
		ev[i].id = (int64_t)i + 1;
		ev[i].item_id = 7;
		ev[i].at = 1000 + (int64_t)i;
		snprintf(ev[i].action, sizeof(ev[i].action), "%s", steps[i].action);
		ev[i].from_state = steps[i].from;
		ev[i].to_state = steps[i].to;
	}
	return item_history_valid(ev, n);
}

#define VALID(...)                                                                                 \
	do {                                                                                       \
		static const struct step s_[] = {__VA_ARGS__};                                     \
		assert_true(valid(s_, sizeof(s_) / sizeof(s_[0])));                                \
	} while (0)
#define INVALID(...)                                                                               \
	do {                                                                                       \
		static const struct step s_[] = {__VA_ARGS__};                                     \
		assert_false(valid(s_, sizeof(s_) / sizeof(s_[0])));                               \
	} while (0)

static void test_history_valid(void **state)
{
	(void)state;
	/* Created and nothing else yet. */
	VALID({"create", Q, Q});
	/* The straight path. */
	VALID({"create", Q, Q}, {"assign", Q, A}, {"submit", A, S}, {"accept", S, D});
	/* Through review. */
	VALID({"create", Q, Q}, {"assign", Q, A}, {"submit", A, S}, {"review", S, R},
	      {"accept", R, D});
	/* Rework loop, twice, from submitted and from in_review. */
	VALID({"create", Q, Q}, {"assign", Q, A}, {"submit", A, S}, {"rework", S, Q},
	      {"assign", Q, A}, {"submit", A, S}, {"review", S, R}, {"rework", R, Q},
	      {"assign", Q, A}, {"submit", A, S}, {"review", S, R}, {"accept", R, D});
	/* Expiry loop: leases run out twice before the work is submitted. */
	VALID({"create", Q, Q}, {"assign", Q, A}, {"expire", A, Q}, {"assign", Q, A},
	      {"expire", A, Q}, {"assign", Q, A}, {"submit", A, S}, {"accept", S, D});
	/* Ends in an open state, and ends cancelled or failed. */
	VALID({"create", Q, Q}, {"assign", Q, A});
	VALID({"create", Q, Q}, {"cancel", Q, C});
	VALID({"create", Q, Q}, {"assign", Q, A}, {"submit", A, S}, {"review", S, R},
	      {"fail", R, F});
	/* The engine's fail command from each open state (staff, with a reason). */
	VALID({"create", Q, Q}, {"fail", Q, F});
	VALID({"create", Q, Q}, {"assign", Q, A}, {"fail", A, F});
	VALID({"create", Q, Q}, {"assign", Q, A}, {"submit", A, S}, {"fail", S, F});
	/* Cancel of an item in review. */
	VALID({"create", Q, Q}, {"assign", Q, A}, {"submit", A, S}, {"review", S, R},
	      {"cancel", R, C});
}

static void test_history_invalid(void **state)
{
	(void)state;
	assert_false(item_history_valid(NULL, 0));
	/* Wrong start: not create, or create landing elsewhere. */
	INVALID({"assign", Q, A});
	INVALID({"create", Q, A});
	/* Skipped step: submit without assign. */
	INVALID({"create", Q, Q}, {"submit", Q, S});
	/* Skipped step: from does not match the previous to. */
	INVALID({"create", Q, Q}, {"assign", Q, A}, {"accept", S, D});
	/* Allowed action, wrong destination. */
	INVALID({"create", Q, Q}, {"assign", Q, A}, {"submit", A, R});
	/* Any transition out of done, including a rework and a cancel. */
	INVALID({"create", Q, Q}, {"assign", Q, A}, {"submit", A, S}, {"accept", S, D},
		{"rework", D, Q});
	INVALID({"create", Q, Q}, {"assign", Q, A}, {"submit", A, S}, {"accept", S, D},
		{"cancel", D, C});
	/* A second create in the middle. */
	INVALID({"create", Q, Q}, {"assign", Q, A}, {"create", A, Q});
	/* Unknown action name. */
	INVALID({"create", Q, Q}, {"grab", Q, A});
	/* Review only from submitted, and only once. */
	INVALID({"create", Q, Q}, {"review", Q, R});
	INVALID({"create", Q, Q}, {"assign", Q, A}, {"submit", A, S}, {"review", S, R},
		{"review", R, R});
	/* Nothing leaves failed. */
	INVALID({"create", Q, Q}, {"fail", Q, F}, {"rework", F, Q});
	/* Expire from anything but assigned. */
	INVALID({"create", Q, Q}, {"assign", Q, A}, {"submit", A, S}, {"expire", S, Q});
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_matrix),	  cmocka_unit_test(test_out_of_range_refused),
	    cmocka_unit_test(test_open),	  cmocka_unit_test(test_names),
	    cmocka_unit_test(test_history_valid), cmocka_unit_test(test_history_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
