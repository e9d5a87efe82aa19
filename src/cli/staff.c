/* staff.c - the `staff` subcommand: Erlang staffing, engagement and skill plans from the CLI. */
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/common.h"
#include "core/erlang.h"
#include "store/staffing.h"
#include "util/clock.h"
#include "util/err.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

static const char staff_usage[] =
    "usage: alihdaya staff <command> [options]\n"
    "\n"
    "commands:\n"
    "  erlang   agents needed for one interval's load (Erlang C or Erlang A)\n"
    "  plan     staffing plan for an engagement or a skill from recorded arrivals\n"
    "\n"
    "Run `alihdaya staff <command> --help` for its options. See docs/staffing.md.\n";

static const char erlang_usage[] =
    "usage: alihdaya staff erlang --contacts N --interval DUR --aht DUR --target PCT/DUR\n"
    "                             [--shrinkage PCT] [--max-occupancy PCT]\n"
    "                             [--model c|a] [--patience DUR] [--max-abandon PCT] [--json]\n"
    "\n"
    "  --contacts N         contacts offered in the interval (may be fractional)\n"
    "  --interval DUR       interval length: 15m, 30m, 1h, 900s, ...\n"
    "  --aht DUR            average handle time: 180s, 3m, ...\n"
    "  --target PCT/DUR     service level: 80/20s = 80% answered within 20 seconds\n"
    "  --shrinkage PCT      paid time off the phones (default 0%); gives the scheduled count\n"
    "  --max-occupancy PCT  occupancy cap (default 100%, no cap)\n"
    "  --model c|a          c: Erlang C (default); a: Erlang A, callers abandon\n"
    "  --patience DUR       mean patience before abandoning (required with --model a)\n"
    "  --max-abandon PCT    Erlang A: also keep abandonment at or below this\n"
    "  --json               print JSON instead of a table\n"
    "\n"
    "Percentages are given as 30% or 30. The service level is answered within the\n"
    "time over all offered contacts; abandoned contacts count as misses.\n"
    "\n"
    "example: alihdaya staff erlang --contacts 100 --interval 30m --aht 180s --target 80/20s\n";

static int usage_error(const char *what, const char *arg)
{
	if (arg)
		fprintf(stderr, "staff: %s: '%s'\n", what, arg);
	else
		fprintf(stderr, "staff: %s\n", what);
	return EXIT_USAGE;
}

/* ------------------------------------------------------------------------ */
/* Argument parsing                                                          */
/* ------------------------------------------------------------------------ */

static int parse_number(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return ERR_INVALID;
	v = strtod(s, &end);
	if (*end || !isfinite(v))
		return ERR_INVALID;
	*out = v;
	return 0;
}

/* "30%" or "30" -> 0.30; the number must lie in [0, 100]. */
static int parse_percent(const char *s, double *out)
{
	char tmp[64];
	size_t n = s ? strlen(s) : 0;
	double v;

	if (n == 0 || n >= sizeof(tmp))
		return ERR_INVALID;
	memcpy(tmp, s, n + 1);
	if (tmp[n - 1] == '%')
		tmp[n - 1] = '\0';
	if (parse_number(tmp, &v) < 0 || v < 0 || v > 100)
		return ERR_INVALID;
	*out = v / 100.0;
	return 0;
}

static int parse_seconds(const char *s, double *out)
{
	int64_t ms;

	if (clock_parse_duration(s, &ms) < 0)
		return ERR_INVALID;
	*out = (double)ms / 1000.0;
	return 0;
}

/* "80/20s", "80%/20s" or "80/20" (seconds). */
static int parse_target(const char *s, double *sl, double *t)
{
	char tmp[64];
	char *slash;
	size_t n = strlen(s);

	if (n >= sizeof(tmp))
		return ERR_INVALID;
	memcpy(tmp, s, n + 1);
	slash = strchr(tmp, '/');
	if (!slash)
		return ERR_INVALID;
	*slash = '\0';
	if (parse_percent(tmp, sl) < 0 || parse_seconds(slash + 1, t) < 0)
		return ERR_INVALID;
	return 0;
}

struct erlang_args {
	struct erlang_load load;
	struct erlang_target target;
	const char *contacts, *interval, *aht, *target_s, *patience;
	bool json;
};

/* Splits "--name=value" or takes the next argument; NULL when missing. */
static const char *opt_value(int argc, char **argv, int *i, const char *arg, size_t namelen)
{
	if (arg[namelen] == '=')
		return arg + namelen + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static bool opt_is(const char *arg, const char *name, size_t *len)
{
	*len = strlen(name);
	return !strncmp(arg, name, *len) && (arg[*len] == '\0' || arg[*len] == '=');
}

static int parse_erlang_args(int argc, char **argv, struct erlang_args *a)
{
	*a = (struct erlang_args){.load.model = ERLANG_C, .target.max_occupancy = 1.0};

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		size_t len;

		if (!strcmp(arg, "--json")) {
			a->json = true;
			continue;
		}
#define OPT(name)                                                                                  \
	if (opt_is(arg, name, &len)) {                                                             \
		if (!(v = opt_value(argc, argv, &i, arg, len)))                                    \
			return usage_error("missing value for", name);
#define END_OPT                                                                                    \
	continue;                                                                                  \
	}
		OPT("--contacts")
		if (parse_number(v, &a->load.contacts) < 0 || a->load.contacts < 0)
			return usage_error("--contacts wants a number >= 0", v);
		a->contacts = v;
		END_OPT
		OPT("--interval")
		if (parse_seconds(v, &a->load.interval_s) < 0 || a->load.interval_s <= 0)
			return usage_error("--interval wants a duration like 30m", v);
		a->interval = v;
		END_OPT
		OPT("--aht")
		if (parse_seconds(v, &a->load.aht_s) < 0 || a->load.aht_s <= 0)
			return usage_error("--aht wants a duration like 180s", v);
		a->aht = v;
		END_OPT
		OPT("--target")
		if (parse_target(v, &a->target.service_level, &a->target.sl_time_s) < 0 ||
		    a->target.service_level <= 0 || a->target.service_level >= 1)
			return usage_error("--target wants PCT/DUR like 80/20s, 0 < PCT < 100", v);
		a->target_s = v;
		END_OPT
		OPT("--shrinkage")
		if (parse_percent(v, &a->target.shrinkage) < 0 || a->target.shrinkage >= 1)
			return usage_error("--shrinkage wants a percentage below 100", v);
		END_OPT
		OPT("--max-occupancy")
		if (parse_percent(v, &a->target.max_occupancy) < 0 || a->target.max_occupancy <= 0)
			return usage_error("--max-occupancy wants a percentage above 0", v);
		END_OPT
		OPT("--max-abandon")
		if (parse_percent(v, &a->target.max_abandon) < 0 || a->target.max_abandon <= 0 ||
		    a->target.max_abandon >= 1)
			return usage_error("--max-abandon wants a percentage between 0 and 100", v);
		END_OPT
		OPT("--patience")
		if (parse_seconds(v, &a->load.patience_s) < 0 || a->load.patience_s <= 0)
			return usage_error("--patience wants a duration like 120s", v);
		a->patience = v;
		END_OPT
		OPT("--model")
		if (!strcmp(v, "c") || !strcmp(v, "C"))
			a->load.model = ERLANG_C;
		else if (!strcmp(v, "a") || !strcmp(v, "A"))
			a->load.model = ERLANG_A;
		else
			return usage_error("--model wants c or a", v);
		END_OPT
#undef OPT
#undef END_OPT
		return usage_error("unknown option", arg);
	}
	if (!a->contacts || !a->interval || !a->aht || !a->target_s)
		return usage_error(
		    "erlang needs --contacts, --interval, --aht and --target (see --help)", NULL);
	if (a->load.model == ERLANG_A && !a->patience)
		return usage_error("--model a needs --patience", NULL);
	if (a->load.model == ERLANG_C && a->patience)
		return usage_error("--patience applies to --model a only", NULL);
	if (a->load.model == ERLANG_C && a->target.max_abandon > 0)
		return usage_error("--max-abandon applies to --model a only", NULL);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Output                                                                    */
/* ------------------------------------------------------------------------ */

static void print_row(const struct erlang_metrics *m, bool model_a, bool chosen)
{
	char asa[32];

	if (isfinite(m->asa_s))
		snprintf(asa, sizeof(asa), "%.1f s", m->asa_s);
	else
		snprintf(asa, sizeof(asa), "unbounded");
	printf("%s %7ld  %7.2f%%  %12.2f%%  %10s  %8.1f%%", chosen ? ">" : " ", m->agents,
	       100 * m->p_wait, 100 * m->service_level, asa, 100 * m->occupancy);
	if (model_a)
		printf("  %8.2f%%", 100 * m->p_abandon);
	printf("\n");
}

/* The rows shown around the answer, so a manager sees what one more or less does. */
#define ROWS_BELOW 3
#define ROWS_ABOVE 2

static int collect_rows(const struct erlang_args *a, const struct erlang_plan *p,
			struct erlang_metrics *rows, int *nrows)
{
	long first = p->agents - ROWS_BELOW < 1 ? 1 : p->agents - ROWS_BELOW;
	int n = 0;

	for (long k = first; k <= p->agents + ROWS_ABOVE; k++) {
		int rc = erlang_metrics(&a->load, k, a->target.sl_time_s, &rows[n]);

		if (rc < 0)
			return rc;
		n++;
	}
	*nrows = n;
	return 0;
}

static int print_json(const struct erlang_args *a, const struct erlang_plan *p,
		      const struct erlang_metrics *rows, int nrows)
{
	json_t *o = staffing_erlang_json(&a->load, &a->target, p, rows, nrows);
	char *s = o ? json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) : NULL;

	json_decref(o);
	if (!s) {
		fprintf(stderr, "staff: out of memory\n");
		return EXIT_RUNTIME;
	}
	puts(s);
	free(s);
	return 0;
}

static void print_table(const struct erlang_args *a, const struct erlang_plan *p,
			const struct erlang_metrics *rows, int nrows)
{
	bool model_a = a->load.model == ERLANG_A;

	printf("%s: %s contacts per %s, AHT %s", model_a ? "Erlang A" : "Erlang C", a->contacts,
	       a->interval, a->aht);
	if (model_a)
		printf(", mean patience %s", a->patience);
	printf(" -> %.2f Erlangs\n", p->at.traffic);
	printf("target: %g%% answered within %gs", 100 * a->target.service_level,
	       a->target.sl_time_s);
	if (a->target.max_occupancy < 1)
		printf(", occupancy <= %g%%", 100 * a->target.max_occupancy);
	if (a->target.max_abandon > 0)
		printf(", abandonment <= %g%%", 100 * a->target.max_abandon);
	printf(", shrinkage %g%%\n\n", 100 * a->target.shrinkage);
	if (p->agents == 0) {
		printf("no traffic: 0 agents, 0 scheduled\n");
		return;
	}
	printf("   agents   P(wait)  service level         ASA  occupancy%s\n",
	       model_a ? "   abandon" : "");
	for (int i = 0; i < nrows; i++)
		print_row(&rows[i], model_a, rows[i].agents == p->agents);
	printf("\nrequired: %ld agents on the phones, %ld scheduled (set by %s)\n", p->agents,
	       p->scheduled, erlang_limit_name(p->limit));
}

/* ------------------------------------------------------------------------ */
/* Commands                                                                  */
/* ------------------------------------------------------------------------ */

/* staff erlang --contacts N --interval DUR --aht DUR --target PCT/DUR [...] */
static int staff_erlang(int argc, char **argv)
{
	struct erlang_args a;
	struct erlang_plan p;
	struct erlang_metrics rows[ROWS_BELOW + ROWS_ABOVE + 1];
	int nrows = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(erlang_usage, stdout);
			return 0;
		}
	}
	if ((rc = parse_erlang_args(argc, argv, &a)) != 0)
		return rc;
	rc = erlang_required(&a.load, &a.target, &p);
	if (rc == 0 && p.agents > 0)
		rc = collect_rows(&a, &p, rows, &nrows);
	if (rc < 0)
		return usage_error("the load or target is out of range (traffic up to 1e6 Erlangs)",
				   NULL);
	if (a.json)
		return print_json(&a, &p, rows, nrows);
	print_table(&a, &p, rows, nrows);
	return 0;
}

static const char plan_usage[] =
    "usage: alihdaya staff plan (--engagement ID | --skill CODE) [--days N] [--interval DUR]\n"
    "                           [--aht DUR] [--model backlog|erlang_c] [--target PCT/DUR]\n"
    "                           [--shrinkage PCT] [--max-occupancy PCT] [--json] [--data DIR]\n"
    "\n"
    "  --engagement ID      the engagement to plan\n"
    "  --skill CODE         or a skill: every engagement requiring it, planned as above and\n"
    "                       summed per interval, beside the workers holding it (at the highest\n"
    "                       level required) cleared for one of those engagements' clients\n"
    "  --days N             days ahead, 1 to 28 (default 7)\n"
    "  --interval DUR       15m, 30m or 1h (default 15m)\n"
    "  --aht DUR            handle time per item (default 5m)\n"
    "  --model M            backlog (deferred work, due = arrival + SLA) or erlang_c (callers\n"
    "                       wait); default: erlang_c if the SLA is shorter than an interval\n"
    "  --target PCT/DUR     erlang_c: service level, e.g. 80/20s (default 80%, within the SLA)\n"
    "  --shrinkage PCT      paid time off the work (default 0%)\n"
    "  --max-occupancy PCT  erlang_c: occupancy cap (default 100%)\n"
    "  --json               print JSON (the same as GET /v1/engagements/:id/staffing, or\n"
    "                       GET /v1/staff/skill-plan?skill=CODE)\n"
    "  --data DIR           data directory (default from the configuration)\n"
    "\n"
    "The forecast comes from the recorded arrivals (up to six weeks); with too little\n"
    "history it falls back to a seasonal-naive forecast and says so. Reads only: safe\n"
    "beside a running server. See docs/staffing.md.\n"
    "\n"
    "examples: alihdaya staff plan --engagement 1 --days 7 --interval 30m --aht 4m\n"
    "          alihdaya staff plan --skill data_entry --days 7\n";

struct plan_args {
	struct staffing_opts o;
	const char *skill; /* argv's; NULL: an engagement plan */
	bool json;
};

static int parse_plan_args(int argc, char **argv, struct plan_args *a, struct cli_ctx *ctx)
{
	struct buf err = BUF_INIT;
	bool have_id = false;
	double d;
	long l;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		size_t len;

		if (!strcmp(arg, "--json")) {
			a->json = true;
			continue;
		}
#define OPT(name)                                                                                  \
	if (opt_is(arg, name, &len)) {                                                             \
		if (!(v = opt_value(argc, argv, &i, arg, len)))                                    \
			return usage_error("missing value for", name);
#define END_OPT                                                                                    \
	continue;                                                                                  \
	}
		OPT("--engagement")
		if (cli_parse_id(v, &a->o.engagement_id))
			return usage_error("--engagement wants a positive id", v);
		have_id = true;
		END_OPT
		OPT("--skill")
		if (!staffing_skill_code_ok(v))
			return usage_error("--skill wants 1 to 63 of letters, digits and _ . : -",
					   v);
		a->skill = v;
		END_OPT
		OPT("--days")
		if (cli_parse_int(v, 1, STAFFING_MAX_DAYS, &l))
			return usage_error("--days wants 1 to 28", v);
		a->o.days = (int)l;
		END_OPT
		OPT("--interval")
		if (parse_seconds(v, &d) < 0 || (d != 900 && d != 1800 && d != 3600))
			return usage_error("--interval wants 15m, 30m or 1h", v);
		a->o.interval_s = (int64_t)d;
		END_OPT
		OPT("--aht")
		if (parse_seconds(v, &a->o.aht_s) < 0 || a->o.aht_s <= 0 ||
		    a->o.aht_s > STAFFING_MAX_AHT_S)
			return usage_error("--aht wants a duration like 5m, up to 24h", v);
		END_OPT
		OPT("--model")
		if (plan_model_parse(v, &a->o.model))
			return usage_error("--model wants backlog or erlang_c", v);
		a->o.model_set = true;
		END_OPT
		OPT("--target")
		if (parse_target(v, &a->o.service_level, &a->o.within_s) < 0 ||
		    a->o.service_level <= 0 || a->o.service_level >= 1)
			return usage_error("--target wants PCT/DUR like 80/20s, 0 < PCT < 100", v);
		END_OPT
		OPT("--shrinkage")
		if (parse_percent(v, &a->o.shrinkage) < 0 || a->o.shrinkage >= 1)
			return usage_error("--shrinkage wants a percentage below 100", v);
		END_OPT
		OPT("--max-occupancy")
		if (parse_percent(v, &a->o.max_occupancy) < 0 || a->o.max_occupancy <= 0)
			return usage_error("--max-occupancy wants a percentage above 0", v);
		END_OPT
		OPT("--data")
		if (config_set(&ctx->cfg, "data", v, &err)) {
			fprintf(stderr, "staff: --data: %s\n", buf_str(&err));
			buf_release(&err);
			return EXIT_USAGE;
		}
		END_OPT
#undef OPT
#undef END_OPT
		return usage_error("unknown option", arg);
	}
	if (have_id && a->skill)
		return usage_error("give --engagement or --skill, not both", NULL);
	if (!have_id && !a->skill)
		return usage_error("plan needs --engagement ID or --skill CODE (see --help)", NULL);
	return 0;
}

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "-";
}

static long long jint(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* "2026-05-04T09:15:00.000Z" -> "2026-05-04 09:15" */
static void short_time(const char *iso, char *out, size_t n)
{
	snprintf(out, n, "%.10s %.5s", iso, strlen(iso) > 11 ? iso + 11 : "");
}

/* Minor units as major.minor (two decimals: the common case of ISO 4217). */
static void money(long long minor, char *out, size_t n)
{
	snprintf(out, n, "%s%lld.%02lld", minor < 0 ? "-" : "", llabs(minor) / 100,
		 llabs(minor) % 100);
}

static void print_rows_and_cost(json_t *p);

/* Runs of intervals with the same advice and required count share one row. */
static void print_plan_table(json_t *p)
{
	json_t *fc = json_object_get(p, "forecast"), *wk = json_object_get(p, "workers"),
	       *wape = json_object_get(fc, "wape");
	char a[32], b[32];

	printf("staffing plan: engagement %lld \"%s\" (%s), model %s\n", jint(p, "engagement_id"),
	       jstr(p, "engagement"), jstr(p, "kind"), jstr(p, "model"));
	short_time(jstr(p, "start"), a, sizeof(a));
	short_time(jstr(p, "end"), b, sizeof(b));
	printf("horizon: %s to %s UTC, %lld-minute intervals; AHT %gs%s; SLA %gs; shrinkage "
	       "%g%%\n",
	       a, b, jint(p, "interval_s") / 60, json_real_value(json_object_get(p, "aht_s")),
	       json_is_true(json_object_get(p, "aht_default")) ? " (default)" : "",
	       json_real_value(json_object_get(p, "sla_s")),
	       100 * json_real_value(json_object_get(p, "shrinkage")));
	printf("forecast: %s", jstr(fc, "method"));
	if (json_is_real(wape))
		printf(", WAPE %.1f%% on %lld held-out intervals", 100 * json_real_value(wape),
		       jint(fc, "holdout_intervals"));
	else
		printf(", WAPE n/a (nothing to score)");
	printf("; history %lld intervals, %lld items\n", jint(fc, "history_intervals"),
	       jint(fc, "history_items"));
	printf("          %s\n", jstr(fc, "note"));
	printf("workers: %lld qualified and cleared, %lld available now\n\n", jint(wk, "qualified"),
	       jint(wk, "available"));
	print_rows_and_cost(p);
}

/* The rows, summary and cost lines every plan's table ends with. */
static void print_rows_and_cost(json_t *p)
{
	json_t *cost = json_object_get(p, "cost"), *sum = json_object_get(p, "summary"),
	       *iv = json_object_get(p, "intervals");
	size_t n = json_array_size(iv);
	char a[32], b[32], c1[32], c2[32];

	printf("  %-16s  %-16s  %9s  %8s  %9s  %s\n", "from", "to", "volume", "required",
	       "available", "advice");
	for (size_t i = 0; i < n;) {
		json_t *r = json_array_get(iv, i);
		long long req = jint(r, "required"), chg = jint(r, "change");
		const char *adv = jstr(r, "advice");
		double vol = 0;
		size_t j = i;

		while (j < n && jint(json_array_get(iv, j), "required") == req) {
			vol += json_real_value(json_object_get(json_array_get(iv, j), "volume"));
			j++;
		}
		short_time(jstr(r, "start"), a, sizeof(a));
		short_time(j < n ? jstr(json_array_get(iv, j), "start") : jstr(p, "end"), b,
			   sizeof(b));
		if (strcmp(adv, "ok"))
			snprintf(c1, sizeof(c1), "%s %lld", adv, chg);
		else
			snprintf(c1, sizeof(c1), "ok");
		/* The end's date only when it is not the start's. */
		printf("  %-16s  %-16s  %9.1f  %8lld  %9lld  %s\n", a,
		       strncmp(a, b, 10) ? b : b + 11, vol, req, jint(r, "available"), c1);
		i = j;
	}
	printf("\npeak %lld required; intervals: %lld add, %lld release, %lld ok; forecast "
	       "volume %.1f items\n",
	       jint(sum, "peak_required"), jint(sum, "intervals_add"),
	       jint(sum, "intervals_release"), jint(sum, "intervals_ok"),
	       json_real_value(json_object_get(sum, "volume")));
	if (!strcmp(jstr(cost, "state"), "ok")) {
		money(jint(cost, "plan_minor"), c1, sizeof(c1));
		money(jint(cost, "available_minor"), c2, sizeof(c2));
		money(jint(cost, "avg_cost_per_hour_minor"), a, sizeof(a));
		printf("cost: %s %s for %.1f worker-hours at %s/h on average (the workers "
		       "available now: %s %s)\n",
		       c1, jstr(cost, "currency"),
		       json_real_value(json_object_get(cost, "worker_hours")), a, c2,
		       jstr(cost, "currency"));
	} else {
		printf("cost: not priced (%s); %.1f worker-hours\n", jstr(cost, "state"),
		       json_real_value(json_object_get(cost, "worker_hours")));
	}
}

/* A skill plan: its engagements one line each, then the summed rows as an engagement plan's. */
static void print_skill_table(json_t *p)
{
	json_t *wk = json_object_get(p, "workers"), *es = json_object_get(p, "engagements"), *e;
	size_t k;
	char a[32], b[32];

	printf("staffing plan: skill %s", jstr(p, "skill"));
	if (json_is_integer(json_object_get(p, "level")))
		printf(" at level %lld", jint(p, "level"));
	printf(", %zu engagement%s\n", json_array_size(es), json_array_size(es) == 1 ? "" : "s");
	short_time(jstr(p, "start"), a, sizeof(a));
	short_time(jstr(p, "end"), b, sizeof(b));
	printf("horizon: %s to %s UTC, %lld-minute intervals; AHT %gs%s; shrinkage %g%%\n", a, b,
	       jint(p, "interval_s") / 60, json_real_value(json_object_get(p, "aht_s")),
	       json_is_true(json_object_get(p, "aht_default")) ? " (default)" : "",
	       100 * json_real_value(json_object_get(p, "shrinkage")));
	if (json_is_string(json_object_get(p, "note")))
		printf("note: %s\n", jstr(p, "note"));
	json_array_foreach(es, k, e)
	{
		json_t *fc = json_object_get(e, "forecast"), *wape = json_object_get(fc, "wape");

		printf("  engagement %lld \"%s\": level %lld, model %s, forecast %s",
		       jint(e, "engagement_id"), jstr(e, "engagement"), jint(e, "level"),
		       jstr(e, "model"), jstr(fc, "method"));
		if (json_is_real(wape))
			printf(" (WAPE %.1f%%)", 100 * json_real_value(wape));
		printf(", peak %lld, %.1f worker-hours\n", jint(e, "peak_required"),
		       json_real_value(json_object_get(e, "worker_hours")));
	}
	printf("workers: %lld hold the skill and are cleared, %lld available now\n\n",
	       jint(wk, "qualified"), jint(wk, "available"));
	print_rows_and_cost(p);
}

/* staff plan (--engagement ID | --skill CODE) [--days N] [--interval DUR] [--aht DUR] [--json] */
static int staff_plan(int argc, char **argv)
{
	struct plan_args a = {.o = STAFFING_OPTS_INIT};
	struct cli_ctx ctx = CLI_CTX_INIT;
	struct buf err = BUF_INIT;
	json_t *out = NULL;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(plan_usage, stdout);
			return 0;
		}
	}
	if (cli_config(&ctx, &err)) {
		rc = cli_fail("staff plan", EXIT_USAGE, "%s", buf_str(&err));
		goto out;
	}
	if ((rc = parse_plan_args(argc, argv, &a, &ctx)) != 0)
		goto out;
	if (a.skill ? staffing_skill_check(a.skill, &a.o, &err) : staffing_check(&a.o, &err)) {
		rc = cli_fail("staff plan", EXIT_USAGE, "%s", buf_str(&err));
		goto out;
	}
	if (cli_open(&ctx, CLI_READ, false, &err)) {
		rc = cli_fail("staff plan", EXIT_RUNTIME, "%s", buf_str(&err));
		goto out;
	}
	if (a.skill)
		rc = staffing_skill_plan(ctx.store, a.skill, &a.o, clock_now_ms(), &out, &err);
	else
		rc = staffing_plan(ctx.store, &a.o, clock_now_ms(), &out, &err);
	if (rc) {
		rc = cli_fail("staff plan", rc == ERR_INVALID ? EXIT_USAGE : EXIT_RUNTIME, "%s",
			      buf_str(&err));
		goto out;
	}
	if (a.json)
		cli_print_json(out);
	else if (a.skill)
		print_skill_table(out);
	else
		print_plan_table(out);
out:
	json_decref(out);
	cli_close(&ctx);
	buf_release(&err);
	return rc;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} staff_commands[] = {
    {"erlang", staff_erlang},
    {"plan", staff_plan},
};

int cli_staff(int argc, char **argv)
{
	if (argc < 2) {
		fputs(staff_usage, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(staff_usage, stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(staff_commands) / sizeof(staff_commands[0]); i++) {
		if (!strcmp(argv[1], staff_commands[i].name))
			return staff_commands[i].fn(argc - 1, argv + 1);
	}
	return usage_error("unknown command (try `alihdaya staff --help`)", argv[1]);
}
