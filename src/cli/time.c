/* time.c - `time log|start|stop|list` (time entries, app/time.h) and `assess` (core/assess.h). */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/time.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "core/assess.h"
#include "util/err.h"
#include "wire/assess.h"
#include "wire/time.h"
#include "wire/wire.h"

static const char time_usage[] =
    "usage: alihdaya time log --engagement ID (--duration 90m [--start T | --end T] |\n"
    "                         --start T --end T) [--note TEXT] [--milestone ID]\n"
    "                         [--worker ID] [--not-billable]\n"
    "       alihdaya time start --engagement ID [--note TEXT] [--milestone ID] [--worker ID]\n"
    "       alihdaya time stop [--worker ID]\n"
    "       alihdaya time list --engagement ID [--from T] [--to T] [--period ID]\n"
    "                          [--worker ID] [--all] [--after N] [--limit N] [--json]\n"
    "       (every verb also takes --data DIR)\n\n"
    "Time entries (docs/api.md \"Time and periods\"). Work entries are written by the engine\n"
    "when a lease ends; these verbs log time by hand: a duration (ending now unless --start\n"
    "or --end says when) or a timer started and stopped. With ALIHDAYA_TOKEN set to a\n"
    "worker's token the time is that worker's; the local admin names --worker. Times are\n"
    "RFC 3339; a duration has a unit (90s, 45m, 2h).\n";

static int refused(const char *cmd, int rc, struct buf *err)
{
	int code = cli_fail(cmd, rc == ERR_INVALID ? 2 : 1, "%s",
			    err->len ? buf_str(err) : err_message(rc));

	buf_release(err);
	return code;
}

/* Prints the entry the command answered (its id), read back from the store. */
static int print_entry(struct cli_noun *w, const struct cmd *cm, const char *what)
{
	struct time_entry t;
	json_t *j;

	if (store_time_entry_get(w->ctx.store, cm->result.id, &t)) {
		printf("time entry %lld %s\n", (long long)cm->result.id, what);
		return 0;
	}
	if (w->json) {
		if ((j = wire_time_entry(&t)))
			cli_print_json(j);
		json_decref(j);
	} else {
		printf("time entry %lld %s: worker %lld, engagement %lld, %lld ms%s\n",
		       (long long)t.id, what, (long long)t.worker_id, (long long)t.engagement_id,
		       (long long)t.duration_ms, t.ended_at ? "" : " (running)");
	}
	return 0;
}

int cli_time(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"data", required_argument, 0, 'd'},   {"json", no_argument, 0, 'j'},
	    {"after", required_argument, 0, 'A'},  {"limit", required_argument, 0, 'L'},
	    {"engagement", required_argument, 0, 'e'}, {"duration", required_argument, 0, 'D'},
	    {"start", required_argument, 0, 's'},  {"end", required_argument, 0, 'E'},
	    {"note", required_argument, 0, 'n'},   {"milestone", required_argument, 0, 'm'},
	    {"worker", required_argument, 0, 'w'}, {"not-billable", no_argument, 0, 'B'},
	    {"from", required_argument, 0, 'f'},   {"to", required_argument, 0, 't'},
	    {"period", required_argument, 0, 'p'}, {"all", no_argument, 0, 'a'},
	    {"help", no_argument, 0, 'h'},	   {0, 0, 0, 0}};
	struct time_log_in in = {.worker_id = APP_ABSENT, .milestone_id = APP_ABSENT,
				 .duration_ms = APP_ABSENT, .billable = -1};
	struct time_list_in li = {0};
	struct buf err = BUF_INIT;
	struct cli_noun w;
	struct cmd cm;
	const char *verb, *eng = NULL, *worker = NULL, *milestone = NULL;
	int64_t id = 0, ms = 0;
	char name[32];
	int opt, rc;

	if (cli_wants_help(argc, argv) || argc < 2) {
		fputs(time_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	verb = argv[1];
	if (strcmp(verb, "log") && strcmp(verb, "start") && strcmp(verb, "stop") &&
	    strcmp(verb, "list")) {
		fputs(time_usage, stderr);
		return 2;
	}
	snprintf(name, sizeof(name), "time %s", verb);
	if ((rc = cli_noun_begin(&w, argc, argv, name)))
		return rc;
	while ((opt = cli_noun_getopt(&w, argc, argv, opts)) != -1) {
		switch (opt) {
		case 'h': fputs(time_usage, stdout); return 0;
		case 'e': eng = optarg; break;
		case 'D':
			if (clock_parse_duration_unit(optarg, &ms) || ms <= 0)
				return cli_fail(name, 2, "--duration needs a unit: 90s, 45m, 2h");
			in.duration_ms = (double)ms;
			break;
		case 's': in.started_at = optarg; break;
		case 'E': in.ended_at = optarg; break;
		case 'n': in.note = optarg; break;
		case 'm': milestone = optarg; break;
		case 'w': worker = li.worker_id = optarg; break;
		case 'B': in.billable = 0; break;
		case 'f': li.from = optarg; break;
		case 't': li.to = optarg; break;
		case 'p': li.period_id = optarg; break;
		case 'a': li.all = "true"; break;
		default: fputs(time_usage, stderr); return 2;
		}
	}
	if (optind + 1 < argc)
		return cli_fail(name, 2, "unexpected argument %s", argv[optind + 1]);
	if (strcmp(verb, "stop") && (!eng || cli_parse_id(eng, &in.engagement_id)))
		return cli_fail(name, 2, "--engagement ID is required (see --help)");
	if (worker) {
		if (cli_parse_id(worker, &id))
			return cli_fail(name, 2, "--worker must be a worker id");
		in.worker_id = (double)id;
	}
	if (milestone) {
		if (cli_parse_id(milestone, &id))
			return cli_fail(name, 2, "--milestone must be a milestone id");
		in.milestone_id = (double)id;
	}
	if (!strcmp(verb, "list")) {
		static const char *const cols[] = {"id",	  "worker_id",	 "kind", "item_id",
						   "started_at", "duration_ms", "billable", NULL};
		int64_t next = 0;
		json_t *data;

		if (cli_noun_open(&w, CLI_READ) || cli_as_token(&w.ctx, name))
			return 1;
		if (!(data = json_array()))
			return cli_fail(name, 1, "%s", err_message(ERR_NOMEM));
		li.engagement_id = in.engagement_id;
		li.page = w.page;
		rc = app_time_list(&w.ctx.app, cli_actor(&w.ctx), &li, wire_time_entry_add, data,
				   &next, &err);
		if (rc) {
			json_decref(data);
			rc = refused(name, rc, &err);
		} else {
			rc = cli_noun_list(&w, 0, wire_page(data, next), cols);
		}
		cli_close(&w.ctx);
		return rc;
	}
	if (cli_noun_open(&w, CLI_WRITE) || cli_as_token(&w.ctx, name))
		return 1;
	memset(&cm, 0, sizeof(cm));
	if (!strcmp(verb, "log"))
		rc = app_time_log(&w.ctx.app, cli_actor(&w.ctx), &in, &cm, &err);
	else if (!strcmp(verb, "start"))
		rc = app_time_start(&w.ctx.app, cli_actor(&w.ctx), &in, &cm, &err);
	else
		rc = app_time_stop(&w.ctx.app, cli_actor(&w.ctx), worker ? id : 0, &cm, &err);
	if (rc)
		rc = refused(name, rc, &err);
	else if (!(rc = cli_engine(&w.ctx, name, &cm)))
		rc = print_entry(&w, &cm,
				 !strcmp(verb, "log")	  ? "logged"
				 : !strcmp(verb, "start") ? "started"
							  : "stopped");
	cli_close(&w.ctx);
	return rc;
}

/* ------------------------------------------------------------------ */
/* assess                                                              */
/* ------------------------------------------------------------------ */

static const char assess_usage[] =
    "usage: alihdaya assess [--answers FILE.json] [--lang en|id|ms] [--json]\n\n"
    "The process-fit assessment (docs/api.md \"Process-fit assessment\"): questions along\n"
    "the six elements of BPO and KPO work (focus, process, specialisation, driving force,\n"
    "activity, client contact), rules versus judgement, data sensitivity and the volume in\n"
    "hours a month, scored into a recommendation (BPO, KPO or in-house), the answers that\n"
    "decided it and each option's monthly cost. With --answers the answers come from a\n"
    "JSON file (the body's \"answers\" of POST /v1/assessments); without it the questions\n"
    "are asked on the terminal. Nothing is stored: POST /v1/assessments stores one.\n";

/* One line of the terminal (without its newline), or NULL at the end of input. */
static char *ask_line(char *buf, size_t n)
{
	size_t len;

	if (!fgets(buf, (int)n, stdin))
		return NULL;
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	return buf;
}

/* The questions on the terminal; 0, or the exit code. */
static int ask_all(struct assess_answers *a, enum assess_lang lang)
{
	static const char *const cost_q[3][ASSESS_LANG__COUNT] = {
	    {"In-house cost an hour, in minor units (cents; 0 if unknown)",
	     "Biaya internal per jam, dalam satuan terkecil (sen; 0 jika tidak tahu)",
	     "Kos dalaman sejam, dalam unit terkecil (sen; 0 jika tidak tahu)"},
	    {"In-house overhead on top of pay, in percent",
	     "Biaya tambahan internal di atas gaji, dalam persen",
	     "Kos overhed dalaman di atas gaji, dalam peratus"},
	    {"Currency (ISO 4217)", "Mata uang (ISO 4217)", "Mata wang (ISO 4217)"}};
	char line[128];
	long v;

	for (int q = 0; q < AQ__COUNT; q++) {
		const struct assess_question *x = assess_question(q);

		for (;;) {
			printf("\n%s\n", x->text[lang]);
			for (int o = 0; o < x->n_options; o++)
				printf("  %d) %s\n", o + 1, x->option_text[o][lang]);
			printf("> ");
			fflush(stdout);
			if (!ask_line(line, sizeof(line)))
				return cli_fail("assess", 2, "the answers ended early");
			if (!x->n_options && !cli_parse_int(line, 1, ASSESS_HOURS_MAX, &v)) {
				a->hours_per_month = v;
				break;
			}
			if (x->n_options && !cli_parse_int(line, 1, x->n_options, &v)) {
				a->choice[q] = (int)v - 1;
				break;
			}
		}
	}
	for (int i = 0; i < 3; i++) {
		printf("\n%s\n> ", cost_q[i][lang]);
		fflush(stdout);
		if (!ask_line(line, sizeof(line)))
			return cli_fail("assess", 2, "the answers ended early");
		if (i == 2) {
			if (line[0] && cli_copy(a->currency, sizeof(a->currency), line))
				return cli_fail("assess", 2, "a currency is three letters, like USD");
		} else if (cli_parse_int(line, 0, i ? 500 : ASSESS_RATE_MAX, &v)) {
			i--;
			continue;
		} else if (i == 0) {
			a->in_house_rate = v;
		} else {
			a->overhead_pct = v;
		}
	}
	return 0;
}

/* Minor units in the currency's ISO 4217 exponent (most have 2; these 0 or 3). */
static void print_money(int64_t minor, const char *cur)
{
	static const char zero[] = " BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF ";
	static const char three[] = " BHD IQD JOD KWD LYD OMR TND ";
	char key[6];

	snprintf(key, sizeof(key), " %s ", cur);
	if (strstr(zero, key))
		printf("%lld %s", (long long)minor, cur);
	else if (strstr(three, key))
		printf("%lld.%03lld %s", (long long)(minor / 1000), (long long)(minor % 1000), cur);
	else
		printf("%lld.%02lld %s", (long long)(minor / 100), (long long)(minor % 100), cur);
}

static void print_result(const struct assess_result *r, enum assess_lang lang)
{
	static const char *const heads[5][ASSESS_LANG__COUNT] = {
	    {"Recommendation", "Rekomendasi", "Cadangan"},
	    {"Decided by", "Ditentukan oleh", "Ditentukan oleh"},
	    {"Monthly cost", "Biaya per bulan", "Kos sebulan"},
	    {"Saving against in-house", "Penghematan dibanding internal",
	     "Penjimatan berbanding dalaman"},
	    {"in-house", "internal", "dalaman"}};
	const char *name = r->rec == ASSESS_BPO ? "BPO" : r->rec == ASSESS_KPO ? "KPO"
										: heads[4][lang];

	printf("%s: %s\n%s\n", heads[0][lang], name, assess_rule_text(r->rule, lang));
	printf("KPO %d/14, in-house %d\n", r->kpo_points, r->in_house_points);
	printf("%s:", heads[1][lang]);
	for (int i = 0; i < r->n_deciding; i++)
		printf(" %s", r->deciding[i]);
	printf("\n\n%s (%lld h):\n", heads[2][lang], (long long)r->hours_per_month);
	printf("  %-10s ", "BPO");
	print_money(r->cost_bpo, r->currency);
	printf("\n  %-10s ", "KPO");
	print_money(r->cost_kpo, r->currency);
	printf("\n  %-10s ", heads[4][lang]);
	if (r->in_house_rate)
		print_money(r->cost_in_house, r->currency);
	else
		printf("-");
	printf("\n");
	if (r->saving) {
		printf("%s: ", heads[3][lang]);
		print_money(r->saving, r->currency);
		printf("\n");
	}
}

int cli_assess(int argc, char **argv)
{
	static const struct option opts[] = {{"answers", required_argument, 0, 'a'},
					     {"lang", required_argument, 0, 'l'},
					     {"json", no_argument, 0, 'j'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	struct assess_answers a;
	struct assess_result r;
	enum assess_lang lang = ASSESS_EN;
	struct buf err = BUF_INIT;
	const char *file = NULL, *why = NULL;
	bool json = false;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'a': file = optarg; break;
		case 'l':
			if (assess_lang_parse(optarg, &lang))
				return cli_fail("assess", 2, "--lang must be en, id or ms");
			break;
		case 'j': json = true; break;
		case 'h': fputs(assess_usage, stdout); return 0;
		default: fputs(assess_usage, stderr); return 2;
		}
	}
	if (optind < argc)
		return cli_fail("assess", 2, "unexpected argument %s", argv[optind]);
	assess_answers_init(&a);
	if (file) {
		json_error_t je;
		json_t *j = json_load_file(file, 0, &je);
		json_t *inner;

		if (!j)
			return cli_fail("assess", 2, "%s: %s (line %d)", file, je.text, je.line);
		/* The API's body ({"answers": {...}}) or the answers alone. */
		inner = json_object_get(j, "answers");
		rc = wire_assess_answers(inner ? inner : j, &a, &err);
		json_decref(j);
		if (rc)
			return refused("assess", rc, &err);
	} else if (!isatty(STDIN_FILENO)) {
		return cli_fail("assess", 2, "give --answers FILE.json, or run it on a terminal");
	} else if ((rc = ask_all(&a, lang))) {
		return rc;
	}
	if (assess_score(&a, &r, &why))
		return cli_fail("assess", 2, "%s", why);
	if (json) {
		json_t *j = json_pack("{s:o, s:o}", "answers", wire_assess_answers_json(&a),
				      "result", wire_assess_result(&r, lang));

		if (!j)
			return cli_fail("assess", 1, "%s", err_message(ERR_NOMEM));
		cli_print_json(j);
		json_decref(j);
	} else {
		print_result(&r, lang);
	}
	return 0;
}
