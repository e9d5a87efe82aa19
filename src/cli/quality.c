/* quality.c - `quality report`: an engagement's quality report (app/quality.h) as a table, CSV or
 * JSON. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "app/quality.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "core/quality.h"
#include "util/err.h"
#include "wire/quality.h"

static const char quality_usage[] =
    "usage: alihdaya quality report --engagement ID [--by worker|field|code|day]\n"
    "                               [--from TIME] [--to TIME] [--csv | --json] [--data DIR]\n\n"
    "The engagement's quality from its recorded observations, one row per worker (the\n"
    "default), field, defect code or UTC day: gold answers and accuracy with its 95 %\n"
    "Wilson bounds, field agreement, reviews accepted and rejected with the defect rate,\n"
    "and the rejections per defect code. --from and --to (RFC 3339) bound the window\n"
    "(from inclusive, to exclusive). --csv prints the API's CSV, --json its JSON\n"
    "(GET /v1/quality/report?engagement=ID).\n";

/* A rate as a percentage, or "-" when nothing was counted. */
static void pct(char *out, size_t n, int64_t k, int64_t d)
{
	if (d)
		snprintf(out, n, "%.1f%%", 100.0 * (double)k / (double)d);
	else
		snprintf(out, n, "-");
}

static void print_table(const struct quality_report *q)
{
	static const char *const heads[] = {"worker", "field", "code", "day"};
	const struct qreport *r = &q->r;

	printf("engagement %lld %s: %lld observations, by %s\n", (long long)q->eng.id, q->eng.name,
	       (long long)r->n_obs, qreport_by_name(r->by));
	printf("%-20s %6s %6s %7s %15s %6s %7s %6s %6s %6s %7s  %s\n", heads[r->by], "gold",
	       "right", "acc", "wilson 95%", "agree", "rate", "review", "accept", "reject",
	       "defect", "defects by code");
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct qreport_row *w = &r->rows[i];
		char key[72], acc[16], bounds[24], agree[16], defect[16];

		if (r->by == QREPORT_WORKER)
			snprintf(key, sizeof(key), "%lld", (long long)w->worker_id);
		else if (r->by == QREPORT_DAY)
			qreport_day_text(w->day, key, sizeof(key));
		else
			snprintf(key, sizeof(key), "%s", w->key[0] ? w->key : "(none)");
		pct(acc, sizeof(acc), w->gold_ok, w->gold_n);
		if (w->gold_n)
			snprintf(bounds, sizeof(bounds), "%.1f-%.1f%%",
				 100 * wilson_lower(w->gold_ok, w->gold_n, WIRE_QUALITY_Z),
				 100 * wilson_upper(w->gold_ok, w->gold_n, WIRE_QUALITY_Z));
		else
			snprintf(bounds, sizeof(bounds), "-");
		pct(agree, sizeof(agree), w->agree_ok, w->agree_n);
		pct(defect, sizeof(defect), w->review_n - w->review_ok, w->review_n);
		printf("%-20s %6lld %6lld %7s %15s %6lld %7s %6lld %6lld %6lld %7s ", key,
		       (long long)w->gold_n, (long long)w->gold_ok, acc, bounds,
		       (long long)w->agree_n, agree, (long long)w->review_n,
		       (long long)w->review_ok, (long long)(w->review_n - w->review_ok), defect);
		for (size_t d = 0; d < w->n_defects; d++)
			printf(" %s=%lld", w->defects[d].code, (long long)w->defects[d].n);
		printf("\n");
	}
}

static int print_report(const struct quality_report *q, bool csv, bool json)
{
	struct buf out = BUF_INIT;
	json_t *j;
	int rc = 0;

	if (json) {
		if (!(j = wire_quality_report(q)))
			return cli_fail("quality report", 1, "%s", err_message(ERR_NOMEM));
		cli_print_json(j);
		json_decref(j);
	} else if (csv) {
		rc = wire_quality_csv(q, &out);
		if (rc)
			rc = cli_fail("quality report", 1, "%s", err_message(rc));
		else
			fwrite(out.data, 1, out.len, stdout);
		buf_release(&out);
	} else {
		print_table(q);
	}
	return rc;
}

int cli_quality(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, 0, 'd'},
					     {"json", no_argument, 0, 'j'},
					     {"csv", no_argument, 0, 'c'},
					     {"engagement", required_argument, 0, 'e'},
					     {"by", required_argument, 0, 'b'},
					     {"from", required_argument, 0, 'f'},
					     {"to", required_argument, 0, 't'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	struct quality_report_in in = {0};
	struct quality_report q;
	struct buf err = BUF_INIT;
	const char *eng = NULL;
	struct cli_noun w;
	bool csv = false;
	int opt, rc;

	if (cli_wants_help(argc, argv) || argc < 2) {
		fputs(quality_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "report")) {
		fputs(quality_usage, stderr);
		return 2;
	}
	if ((rc = cli_noun_begin(&w, argc, argv, "quality report")))
		return rc;
	while ((opt = cli_noun_getopt(&w, argc, argv, opts)) != -1) {
		switch (opt) {
		case 'h':
			fputs(quality_usage, stdout);
			return 0;
		case 'c':
			csv = true;
			break;
		case 'e':
			eng = optarg;
			break;
		case 'b':
			in.by = optarg;
			break;
		case 'f':
			in.from = optarg;
			break;
		case 't':
			in.to = optarg;
			break;
		default:
			fputs(quality_usage, stderr);
			return 2;
		}
	}
	if (optind + 1 < argc)
		return cli_fail("quality report", 2, "unexpected argument %s", argv[optind + 1]);
	if (!eng || cli_parse_id(eng, &in.engagement_id))
		return cli_fail("quality report", 2, "--engagement ID is required (see --help)");
	if (csv && w.json)
		return cli_fail("quality report", 2, "--csv or --json, not both");
	if (cli_noun_open(&w, CLI_READ))
		return 1;
	rc = app_quality_report(&w.ctx.app, &AUTH_LOCAL_ADMIN, &in, &q, &err);
	if (rc)
		rc = cli_fail("quality report", rc == ERR_INVALID ? 2 : 1, "%s",
			      err.len ? buf_str(&err) : err_message(rc));
	else
		rc = print_report(&q, csv, w.json);
	buf_release(&err);
	quality_report_release(&q);
	cli_close(&w.ctx);
	return rc;
}
