/* test_policy.c - the access policy as a matrix: role x action x record, written out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sec/policy.h"
#include "util/buf.h"
#include "util/err.h"

/*
 * The actors: a client user of client 1; worker 7, cleared for client 1
 * only; staff and an auditor. The records, seen from those actors:
 *   A  own:              client 1, worker record 7, leased to worker 7, KPO
 *   B  other client's:   client 2, worker record 8, leased to worker 8, KPO
 *   C  unleased:         client 1, worker record 7, no lease, KPO
 *   D  leased to other:  client 1, worker record 8, leased to worker 8, KPO
 *   E  own BPO work:     client 1, worker record 7, leased to worker 7, BPO
 * Records owned by a user (tokens): A, C and E are the actor's own (user
 * 100: every actor is user 100 here), B and D user 200's.
 * Each cell is five letters, one per record: a = allow, h = hide (404),
 * f = forbid (403). This is the policy as docs/api.md states it, typed in
 * independently of src/sec/policy.c.
 */
static const int64_t clear_w7[] = { 1 };

static const struct policy_scope records[5] = {
	{ .client_id = 1, .worker_id = 7, .lease_worker_id = 7, .kpo = true, .user_id = 100 },
	{ .client_id = 2, .worker_id = 8, .lease_worker_id = 8, .kpo = true, .user_id = 200 },
	{ .client_id = 1, .worker_id = 7, .lease_worker_id = 0, .kpo = true, .user_id = 100 },
	{ .client_id = 1, .worker_id = 8, .lease_worker_id = 8, .kpo = true, .user_id = 200 },
	{ .client_id = 1, .worker_id = 7, .lease_worker_id = 7, .kpo = false, .user_id = 100 },
};

#define ALL "aaaaa"
#define NONE "fffff"
#define OWNC "ahaaa" /* the client's own records; also a worker's cleared clients */
#define LEASE "ahhha"
#define SELF "ahaha"
#define KPOC "ahaaf"
#define OWNU "ahaha" /* the actor's own user's records (its tokens) */

struct row {
	enum policy_action act;
	/* admin, manager, worker, client, auditor */
	const char *want[ROLE__COUNT];
};

/* clang-format off */
static const struct row matrix[] = {
	{ POL_CLIENT_CREATE,       { ALL, NONE, NONE,  NONE, NONE } },
	{ POL_CLIENT_READ,         { ALL, ALL,  NONE,  OWNC, ALL } },
	{ POL_CLIENT_UPDATE,       { ALL, NONE, NONE,  NONE, NONE } },
	{ POL_CLIENT_DEACTIVATE,   { ALL, ALL,  NONE,  NONE, NONE } },
	{ POL_SERVICE_CREATE,      { ALL, NONE, NONE,  NONE, NONE } },
	{ POL_SERVICE_READ,        { ALL, ALL,  ALL,   ALL,  ALL } },
	{ POL_SERVICE_UPDATE,      { ALL, NONE, NONE,  NONE, NONE } },
	{ POL_ENGAGEMENT_CREATE,   { ALL, ALL,  NONE,  NONE, NONE } },
	{ POL_ENGAGEMENT_READ,     { ALL, ALL,  OWNC,  OWNC, ALL } },
	{ POL_ENGAGEMENT_LIST,     { ALL, ALL,  NONE,  OWNC, ALL } },
	{ POL_ENGAGEMENT_STAFFING, { ALL, ALL,  NONE,  NONE, NONE } },
	{ POL_ENGAGEMENT_QUEUE,    { ALL, ALL,  NONE,  NONE, ALL } },
	{ POL_ENGAGEMENT_UPDATE,   { ALL, ALL,  NONE,  NONE, NONE } },
	{ POL_ENGAGEMENT_DEACTIVATE, { ALL, ALL, NONE, NONE, NONE } },
	{ POL_USER_CREATE,         { ALL, NONE, NONE,  NONE, NONE } },
	{ POL_USER_READ,           { ALL, NONE, NONE,  NONE, NONE } },
	{ POL_TOKEN_CREATE,        { ALL, NONE, NONE,  NONE, NONE } },
	{ POL_USER_UPDATE,         { ALL, NONE, NONE,  NONE, NONE } },
	{ POL_USER_DEACTIVATE,     { ALL, NONE, NONE,  NONE, NONE } },
	{ POL_WORKER_CREATE,       { ALL, ALL,  NONE,  NONE, NONE } },
	{ POL_WORKER_READ,         { ALL, ALL,  SELF,  NONE, NONE } },
	{ POL_WORKER_LIST,         { ALL, ALL,  NONE,  NONE, NONE } },
	{ POL_WORKER_STATUS,       { ALL, ALL,  SELF,  NONE, NONE } },
	{ POL_WORKER_UPDATE,       { ALL, ALL,  NONE,  NONE, NONE } },
	{ POL_WORKER_DEACTIVATE,   { ALL, ALL,  NONE,  NONE, NONE } },
	{ POL_ITEM_CREATE,         { ALL, ALL,  NONE,  OWNC, NONE } },
	{ POL_ITEM_READ,           { ALL, ALL,  LEASE, OWNC, ALL } },
	{ POL_ITEM_PAYLOAD,        { ALL, ALL,  LEASE, OWNC, NONE } },
	{ POL_ITEM_SUBMIT,         { NONE, NONE, OWNC, NONE, NONE } },
	{ POL_ITEM_RENEW,          { NONE, NONE, OWNC, NONE, NONE } },
	{ POL_ITEM_REVIEW,         { ALL, ALL,  NONE,  KPOC, NONE } },
	{ POL_ITEM_CANCEL,         { ALL, ALL,  NONE,  OWNC, NONE } },
	{ POL_ITEM_FAIL,           { ALL, ALL,  NONE,  NONE, NONE } },
	{ POL_WORK_NEXT,           { ALL, ALL,  SELF,  NONE, NONE } },
	{ POL_AUDIT_READ,          { ALL, NONE, NONE,  NONE, ALL } },
	{ POL_STAFF_ERLANG,        { ALL, ALL,  ALL,   NONE, ALL } },
	{ POL_STAFF_PLAN,          { ALL, ALL,  NONE,  NONE, NONE } },
	{ POL_TOKEN_READ,          { ALL, OWNU, OWNU,  OWNU, OWNU } },
	{ POL_TOKEN_REVOKE,        { ALL, OWNU, OWNU,  OWNU, OWNU } },
	{ POL_KEYS_READ,           { ALL, NONE, NONE,  NONE, NONE } },
	{ POL_KEYS_ROTATE,         { ALL, NONE, NONE,  NONE, NONE } },
	{ POL_CLIENT_REMOVE,       { ALL, NONE, NONE,  NONE, NONE } },
	{ POL_AUDIT_HEAD,          { ALL, NONE, NONE,  NONE, ALL } },
	{ POL_AUDIT_PROOF,         { ALL, NONE, NONE,  NONE, ALL } },
	{ POL_ITEM_CLEARTEXT,      { NONE, NONE, OWNC, OWNC, NONE } },
	{ POL_ITEM_UNMASK,         { ALL, ALL,  NONE,  OWNC, NONE } },
	{ POL_ITEM_PURGE,          { ALL, NONE, NONE,  NONE, NONE } },
	{ POL_SESSION,             { ALL, ALL,  ALL,   ALL,  ALL } },
	{ POL_PASSWORD_SET,        { ALL, NONE, NONE,  NONE, NONE } },
	{ POL_PASSWORD_LINK,       { ALL, NONE, NONE,  NONE, NONE } },
	{ POL_SESSION_REVOKE,      { ALL, NONE, NONE,  NONE, NONE } },
	{ POL_ENGAGEMENT_FIELDS_READ, { ALL, ALL, OWNC, OWNC, ALL } },
	{ POL_ENGAGEMENT_FIELDS_SET, { ALL, ALL, NONE,  NONE, NONE } },
	{ POL_ENGAGEMENT_KEYING,   { ALL, ALL,  NONE,  NONE, NONE } },
	{ POL_ENGAGEMENT_KEYING_READ, { ALL, ALL, NONE, NONE, ALL } },
	{ POL_ENGAGEMENT_CONSENSUS, { ALL, ALL, NONE,  NONE, NONE } },
	{ POL_ITEM_ANSWERS,        { ALL, ALL,  LEASE, NONE, NONE } },
	{ POL_QUALITY_REPORT,      { ALL, ALL,  NONE,  OWNC, ALL } },
	{ POL_MILESTONE_READ,      { ALL, ALL,  LEASE, OWNC, NONE } },
	{ POL_MILESTONE_CREATE,    { ALL, ALL,  NONE,  KPOC, NONE } },
	{ POL_MILESTONE_UPDATE,    { ALL, ALL,  LEASE, NONE, NONE } },
	{ POL_ITEM_SENIOR_REVIEW,  { ALL, ALL,  NONE,  NONE, NONE } },
	{ POL_ITEM_CLIENT_APPROVE, { NONE, NONE, NONE, KPOC, NONE } },
	{ POL_REVIEW_SETUP,        { ALL, ALL,  NONE,  NONE, NONE } },
	{ POL_DEFECTS_READ,        { ALL, ALL,  OWNC,  OWNC, ALL } },
	{ POL_SAMPLING_READ,       { ALL, ALL,  NONE,  OWNC, ALL } },
	{ POL_REVIEW_NEXT,         { ALL, ALL,  SELF,  NONE, NONE } },
	{ POL_REVIEW_DECIDE,       { NONE, NONE, OWNC, NONE, NONE } },
	{ POL_REVIEW_LIST,         { ALL, ALL,  NONE,  NONE, ALL } },
	{ POL_GOLD_READ,           { ALL, ALL,  NONE,  NONE, NONE } },
	{ POL_GOLD_MANAGE,         { ALL, ALL,  NONE,  NONE, NONE } },
	{ POL_WORKER_QUALITY,      { ALL, ALL,  SELF,  NONE, ALL } },
	{ POL_WEBHOOK_READ,        { ALL, ALL,  NONE,  OWNC, ALL } },
	{ POL_WEBHOOK_MANAGE,      { ALL, ALL,  NONE,  OWNC, NONE } },
	{ POL_IMPORT_CREATE,       { ALL, ALL,  NONE,  OWNC, NONE } },
	{ POL_IMPORT_READ,         { ALL, ALL,  NONE,  OWNC, NONE } },
	{ POL_ITEM_EXPORT,         { ALL, ALL,  NONE,  OWNC, NONE } },
	{ POL_ITEM_RELEASE,        { NONE, NONE, OWNC, NONE, NONE } },
	{ POL_ENGAGEMENT_OFFERS,   { ALL, ALL,  NONE,  NONE, NONE } },
	{ POL_OFFER_READ,          { ALL, ALL,  SELF,  NONE, NONE } },
	{ POL_OFFER_ANSWER,        { NONE, NONE, SELF, NONE, NONE } },
	{ POL_TIME_READ,           { ALL, ALL,  SELF,  OWNC, ALL } },
	{ POL_TIME_LOG,            { ALL, ALL,  OWNC,  NONE, NONE } },
	{ POL_TIME_CORRECT,        { ALL, ALL,  NONE,  NONE, NONE } },
	{ POL_PERIOD_READ,         { ALL, ALL,  NONE,  OWNC, ALL } },
	{ POL_PERIOD_MANAGE,       { ALL, ALL,  NONE,  NONE, NONE } },
	{ POL_TIME_COST,           { ALL, ALL,  NONE,  NONE, NONE } },
	{ POL_ASSESS_CREATE,       { ALL, ALL,  NONE,  OWNC, NONE } },
	{ POL_ASSESS_READ,         { ALL, ALL,  NONE,  OWNC, NONE } },
	{ POL_DASHBOARD_READ,      { ALL, ALL,  NONE,  OWNC, ALL  } },
	{ POL_RATES_READ,          { ALL, ALL,  NONE,  OWNC, ALL  } },
	{ POL_RATES_MANAGE,        { ALL, ALL,  NONE,  NONE, NONE } },
	{ POL_INVOICE_READ,        { ALL, ALL,  NONE,  OWNC, ALL  } },
	{ POL_INVOICE_MANAGE,      { ALL, ALL,  NONE,  NONE, NONE } },
	{ POL_SAVINGS_READ,        { ALL, ALL,  NONE,  OWNC, ALL  } },
	{ POL_BILLING_READ,        { ALL, ALL,  NONE,  OWNC, ALL  } },
	{ POL_BILLING_MANAGE,      { ALL, ALL,  NONE,  OWNC, NONE } },
	{ POL_ENGAGEMENT_ROUTING,  { ALL, ALL,  NONE,  NONE, NONE } },
	{ POL_METRICS_READ,        { ALL, ALL,  NONE,  NONE, ALL  } },
};
/* clang-format on */

static struct actor actor_of(enum role r)
{
	struct actor a;

	memset(&a, 0, sizeof(a));
	a.user_id = 100;
	a.role = r;
	if (r == ROLE_CLIENT)
		a.client_id = 1;
	if (r == ROLE_WORKER)
		a.worker_id = 7;
	return a;
}

static char letter(enum policy_verdict v)
{
	return v == POLICY_ALLOW ? 'a' : v == POLICY_HIDE ? 'h' : 'f';
}

static void test_matrix(void **state)
{
	size_t n = sizeof(matrix) / sizeof(matrix[0]);
	int failures = 0;

	(void)state;
	/* Every action is in the matrix exactly once (POL_PUBLIC aside). */
	assert_int_equal(n, POL__COUNT - 1);
	for (size_t i = 0; i < n; i++) {
		for (int r = 0; r < ROLE__COUNT; r++) {
			struct actor a = actor_of((enum role)r);
			char got[6] = { 0 };

			for (int k = 0; k < 5; k++) {
				struct policy_scope sc = records[k];

				if (r == ROLE_WORKER) {
					sc.clear = clear_w7;
					sc.n_clear = 1;
				}
				got[k] = letter(policy_check(&a, matrix[i].act, &sc));
			}
			if (strcmp(got, matrix[i].want[r])) {
				fprintf(stderr, "%s as %s: got %s, want %s\n",
					policy_action_name(matrix[i].act), role_name((enum role)r),
					got, matrix[i].want[r]);
				failures++;
			}
			/* Without a record: the router's question, "may this role at all?" */
			assert_int_equal(policy_check(&a, matrix[i].act, NULL) == POLICY_FORBID,
					 !strcmp(matrix[i].want[r], NONE));
		}
	}
	assert_int_equal(failures, 0);
}

/* A worker without clearances (or without a worker record) sees no client's data. */
static void test_worker_edges(void **state)
{
	struct actor w = actor_of(ROLE_WORKER);
	struct policy_scope sc = records[0];
	int64_t cid, wid;

	(void)state;
	assert_int_equal(policy_check(&w, POL_ENGAGEMENT_READ, &sc), POLICY_HIDE);
	sc.clear = clear_w7;
	sc.n_clear = 1;
	assert_int_equal(policy_check(&w, POL_ENGAGEMENT_READ, &sc), POLICY_ALLOW);
	w.worker_id = 0; /* a worker-role user with no worker record */
	assert_int_equal(policy_check(&w, POL_ENGAGEMENT_READ, &sc), POLICY_HIDE);
	assert_int_equal(policy_check(&w, POL_ITEM_READ, &sc), POLICY_HIDE);
	assert_int_equal(policy_list_filter(&w, POL_ITEM_READ, &cid, &wid), ERR_NOTFOUND);
	/* Many clearances: the lookup is a search over a sorted list. */
	int64_t many[200];
	for (int i = 0; i < 200; i++)
		many[i] = 2 * i + 1;
	sc.clear = many;
	sc.n_clear = 200;
	w.worker_id = 7;
	sc.client_id = 399;
	assert_int_equal(policy_check(&w, POL_ENGAGEMENT_READ, &sc), POLICY_ALLOW);
	sc.client_id = 398;
	assert_int_equal(policy_check(&w, POL_ENGAGEMENT_READ, &sc), POLICY_HIDE);
	sc.client_id = 0;
	assert_int_equal(policy_check(&w, POL_ENGAGEMENT_READ, &sc), POLICY_HIDE);
	/*
	 * A lease held keeps working after staff removed the clearance: submit
	 * and renew allow the lease holder, not another worker; reading the
	 * engagement follows the clearances alone.
	 */
	sc = records[1]; /* client 2, leased to worker 8 */
	sc.clear = clear_w7;
	sc.n_clear = 1;
	assert_int_equal(policy_check(&w, POL_ITEM_SUBMIT, &sc), POLICY_HIDE);
	sc.lease_worker_id = 7;
	assert_int_equal(policy_check(&w, POL_ITEM_SUBMIT, &sc), POLICY_ALLOW);
	assert_int_equal(policy_check(&w, POL_ITEM_RENEW, &sc), POLICY_ALLOW);
	assert_int_equal(policy_check(&w, POL_ENGAGEMENT_READ, &sc), POLICY_HIDE);
}

static void test_list_filter(void **state)
{
	struct actor c = actor_of(ROLE_CLIENT), w = actor_of(ROLE_WORKER), m = actor_of(ROLE_MANAGER);
	int64_t cid, wid;

	(void)state;
	assert_int_equal(policy_list_filter(&c, POL_ITEM_READ, &cid, &wid), 0);
	assert_int_equal(cid, 1);
	assert_int_equal(wid, 0);
	assert_int_equal(policy_list_filter(&w, POL_ITEM_READ, &cid, &wid), 0);
	assert_int_equal(cid, 0);
	assert_int_equal(wid, 7);
	assert_int_equal(policy_list_filter(&m, POL_ITEM_READ, &cid, &wid), 0);
	assert_int_equal(cid + wid, 0);
	assert_int_equal(policy_list_filter(&w, POL_CLIENT_READ, &cid, &wid), ERR_FORBIDDEN);
	assert_int_equal(policy_list_filter(&c, POL_ENGAGEMENT_LIST, &cid, &wid), 0);
	assert_int_equal(cid, 1);
	/* Tokens: an admin lists all, anyone else its own user's; a user-less actor none. */
	assert_int_equal(policy_user_filter(&m, POL_TOKEN_READ, &cid), 0);
	assert_int_equal(cid, 100);
	assert_int_equal(policy_user_filter(&AUTH_LOCAL_ADMIN, POL_TOKEN_READ, &cid), 0);
	assert_int_equal(cid, 0);
	w.user_id = 0;
	assert_int_equal(policy_user_filter(&w, POL_TOKEN_REVOKE, &cid), ERR_NOTFOUND);
}

/* docs/api.md carries the table as generated; a change to either alone fails here. */
static void test_docs_table(void **state)
{
	const char *begin = "<!-- access-table:begin -->\n", *end = "<!-- access-table:end -->";
	struct buf want = BUF_INIT;
	char *doc = NULL, *b, *e;
	long n;
	FILE *f;

	(void)state;
	f = fopen(ALIHDAYA_SOURCE_DIR "/docs/api.md", "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	doc = calloc(1, (size_t)n + 1);
	assert_non_null(doc);
	assert_int_equal(fread(doc, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	assert_int_equal(policy_table_markdown(&want), 0);
	b = strstr(doc, begin);
	assert_non_null(b);
	b += strlen(begin);
	e = strstr(b, end);
	assert_non_null(e);
	*e = '\0';
	if (strcmp(b, buf_str(&want)))
		fprintf(stderr, "docs/api.md's access table differs; it should read:\n%s",
			buf_str(&want));
	assert_string_equal(b, buf_str(&want));
	free(doc);
	buf_release(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_worker_edges),
		cmocka_unit_test(test_list_filter),
		cmocka_unit_test(test_docs_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
