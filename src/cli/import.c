/* import.c - `alihdaya item import`: a CSV or JSON Lines file streamed in, with progress. */
#include <curl/curl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/imports.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "util/err.h"

struct progress {
	uint64_t total, done;
	int last; /* the last tenth (plain) or percent (tty) shown */
	bool tty;
};

/* A bar on a terminal, a line every tenth otherwise; on stderr (stdout is the counts). */
static void progress_show(struct progress *p, int64_t rows)
{
	int pct = p->total ? (int)(p->done * 100 / p->total) : 100;

	if (p->tty) {
		if (pct == p->last)
			return;
		p->last = pct;
		fprintf(stderr, "\r[%-40.*s] %3d%% %lld rows", pct * 40 / 100,
			"########################################", pct, (long long)rows);
		if (pct == 100)
			fputc('\n', stderr);
		return;
	}
	if (pct / 10 == p->last)
		return;
	p->last = pct / 10;
	if (rows >= 0)
		fprintf(stderr, "import: %llu of %llu bytes (%d%%), %lld rows\n",
			(unsigned long long)p->done, (unsigned long long)p->total, pct,
			(long long)rows);
	else
		fprintf(stderr, "import: %llu of %llu bytes sent (%d%%)\n",
			(unsigned long long)p->done, (unsigned long long)p->total, pct);
}

static int print_counts(const char *state, int64_t id, int64_t read, int64_t created, int64_t dup,
			int64_t rejected, const char *error)
{
	printf("import %lld: %s, rows %lld, created %lld, duplicate %lld, rejected %lld\n",
	       (long long)id, state, (long long)read, (long long)created, (long long)dup,
	       (long long)rejected);
	if (error && *error)
		printf("  %s\n", error);
	if (rejected)
		printf("  rejected rows: GET /v1/imports/%lld/errors\n", (long long)id);
	return strcmp(state, "done") ? 1 : 0;
}

/* No server: the use case on our own engine, the file read in pieces. */
static int run_local(struct cli_ctx *ctx, const struct app_import_in *in, FILE *f,
		     struct progress *p)
{
	static char chunk[64 * 1024];
	struct app_import *im;
	struct import_rec rec;
	struct buf err = BUF_INIT;
	size_t n;
	int rc = app_import_begin(&ctx->app, cli_actor(ctx), in, &im, &err);

	if (rc) {
		rc = cli_fail("item import", rc == ERR_INVALID ? 2 : 1, "%s", buf_str(&err));
		buf_release(&err);
		return rc;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		app_import_feed(im, chunk, n);
		p->done += n;
		progress_show(p, app_import_rec(im)->rows_read);
	}
	if (ferror(f)) {
		app_import_abort(im);
		return cli_fail("item import", 1, "cannot read the file");
	}
	rc = app_import_finish(im, &rec, &err);
	if (rc) {
		rc = cli_fail("item import", 1, "%s", buf_str(&err));
		buf_release(&err);
		return rc;
	}
	buf_release(&err);
	return print_counts(import_state_name(rec.state), rec.id, rec.rows_read, rec.created,
			    rec.duplicate, rec.rejected, rec.error);
}

struct upload {
	FILE *f;
	struct progress *p;
	struct buf answer;
};

static size_t on_read(char *dst, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t got = fread(dst, size, n, u->f);

	u->p->done += got * size;
	progress_show(u->p, -1);
	return ferror(u->f) ? CURL_READFUNC_ABORT : got;
}

static size_t on_answer(char *src, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;

	return buf_append(&u->answer, src, size * n) ? 0 : size * n;
}

/*
 * GET /v1/imports/:id on the socket. OUT: *job (the caller's), NULL when
 * the server did not answer 200 with JSON.
 */
static void job_get(const char *sock, struct curl_slist *hdr, json_int_t id, json_t **job)
{
	char url[128];
	struct upload u = {0};
	long status = 0;
	CURL *cu = curl_easy_init();

	*job = NULL;
	if (!cu)
		return;
	buf_init(&u.answer, 1 << 20);
	snprintf(url, sizeof(url), "http://localhost/v1/imports/%lld", (long long)id);
	curl_easy_setopt(cu, CURLOPT_UNIX_SOCKET_PATH, sock);
	curl_easy_setopt(cu, CURLOPT_URL, url);
	curl_easy_setopt(cu, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, on_answer);
	curl_easy_setopt(cu, CURLOPT_WRITEDATA, &u);
	curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(cu, CURLOPT_NOPROXY, "*");
	if (curl_easy_perform(cu) == CURLE_OK &&
	    curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status == 200)
		*job = json_loadb(u.answer.data ? u.answer.data : "", u.answer.len, 0, NULL);
	curl_easy_cleanup(cu);
	buf_release(&u.answer);
}

/* The server answers 202 once the file is in: its runner creates the rows, followed here. */
static json_t *job_wait(const char *sock, struct curl_slist *hdr, json_t *ans,
			struct progress *p)
{
	json_int_t id = json_integer_value(json_object_get(ans, "id"));
	json_t *job;
	const char *st;

	for (;;) {
		st = json_string_value(json_object_get(ans, "state"));
		if (!st || (strcmp(st, "running") && strcmp(st, "receiving")))
			return ans;
		usleep(100 * 1000);
		job_get(sock, hdr, id, &job);
		if (!job)
			return ans; /* the last answer it gave */
		json_decref(ans);
		ans = job;
		/* Bytes of the file were all sent: the bar now counts rows read of the sent. */
		p->last = -1;
		progress_show(p, (int64_t)json_integer_value(json_object_get(ans, "rows_read")));
	}
}

/* A server holds the data directory: the file streamed to it on its socket. */
static int run_remote(struct cli_ctx *ctx, const struct app_import_in *in, const char *query,
		      FILE *f, struct progress *p)
{
	char url[9000], sock[4200], authz[AUTH_TOKEN_TEXT + 32], cerr[CURL_ERROR_SIZE] = "";
	struct upload u = {.f = f, .p = p};
	struct curl_slist *hdr = NULL;
	json_t *ans = NULL, *e;
	long status = 0;
	CURLcode cc;
	CURL *cu;
	int rc;

	buf_init(&u.answer, 1 << 20);
	snprintf(sock, sizeof(sock), "%s/%s", ctx->cfg.data_dir, CLI_SOCK_FILE);
	snprintf(url, sizeof(url), "http://localhost/v1/engagements/%lld/imports%s%s",
		 (long long)in->engagement_id, *query ? "?" : "", query);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) || !(cu = curl_easy_init()))
		return cli_fail("item import", 1, "cannot start libcurl");
	hdr = curl_slist_append(NULL, in->jsonl ? "Content-Type: application/x-ndjson"
						: "Content-Type: text/csv");
	hdr = curl_slist_append(hdr, "Expect:");
	if (ctx->token) {
		snprintf(authz, sizeof(authz), "Authorization: Bearer %s", ctx->token);
		hdr = curl_slist_append(hdr, authz);
	}
	curl_easy_setopt(cu, CURLOPT_UNIX_SOCKET_PATH, sock);
	curl_easy_setopt(cu, CURLOPT_URL, url);
	curl_easy_setopt(cu, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(cu, CURLOPT_POST, 1L);
	curl_easy_setopt(cu, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)p->total);
	curl_easy_setopt(cu, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(cu, CURLOPT_READDATA, &u);
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, on_answer);
	curl_easy_setopt(cu, CURLOPT_WRITEDATA, &u);
	curl_easy_setopt(cu, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(cu, CURLOPT_NOPROXY, "*");
	cc = curl_easy_perform(cu);
	curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(cu);
	if (cc != CURLE_OK) {
		rc = cli_fail("item import", 1, "the server on %s: %s", sock,
			      cerr[0] ? cerr : curl_easy_strerror(cc));
		goto out;
	}
	ans = json_loadb(u.answer.data ? u.answer.data : "", u.answer.len, 0, NULL);
	if (status != 202) {
		e = json_object_get(json_object_get(ans, "error"), "message");
		rc = cli_fail("item import", status == 400 ? 2 : 1, "%s",
			      json_is_string(e) ? json_string_value(e) : "the server refused");
		goto out;
	}
	ans = job_wait(sock, hdr, ans, p);
	e = json_object_get(ans, "state");
	rc = print_counts(json_is_string(e) ? json_string_value(e) : "?",
			  json_integer_value(json_object_get(ans, "id")),
			  json_integer_value(json_object_get(ans, "rows_read")),
			  json_integer_value(json_object_get(ans, "created")),
			  json_integer_value(json_object_get(ans, "duplicate")),
			  json_integer_value(json_object_get(ans, "rejected")),
			  json_string_value(json_object_get(ans, "error")));
out:
	curl_slist_free_all(hdr);
	curl_global_cleanup();
	json_decref(ans);
	buf_release(&u.answer);
	return rc;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	return n >= k && !strcmp(s + n - k, tail);
}

int cli_item_import(int argc, char **argv)
{
	static const struct option opts[] = {{"engagement", required_argument, 0, 'e'},
					     {"all-or-nothing", no_argument, 0, 'a'},
					     {"delimiter", required_argument, 0, 'D'},
					     {"map", required_argument, 0, 'M'},
					     {"jsonl", no_argument, 0, 'J'},
					     {"help", no_argument, 0, 'h'},
					     {"data", required_argument, 0, 'd'},
					     {0, 0, 0, 0}};
	struct app_import_in in = {0};
	struct progress p = {.last = -1};
	char query[8400] = "";
	struct cli_noun w;
	struct stat st;
	const char *path;
	FILE *f = NULL;
	int opt, rc = cli_noun_begin(&w, argc, argv, "item");

	if (rc)
		return rc;
	while ((opt = cli_noun_getopt(&w, argc, argv, opts)) != -1) {
		if (opt == 'e' && cli_parse_id(optarg, &in.engagement_id))
			return cli_fail("item import", 2, "--engagement: a positive id");
		if (opt == 'a')
			in.all_or_nothing = true;
		if (opt == 'D') {
			if (strcmp(optarg, ",") && strcmp(optarg, ";"))
				return cli_fail("item import", 2, "--delimiter: , or ;");
			in.delimiter = optarg;
		}
		if (opt == 'M')
			in.mapping = optarg;
		if (opt == 'J')
			in.jsonl = true;
		if (opt == 'h' || opt == '?')
			goto help;
	}
	/* cli_noun_getopt reads the options after the verb: the file is the one word left. */
	if (!in.engagement_id || optind != argc - 2)
		goto help;
	path = argv[optind + 1];
	if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson"))
		in.jsonl = true;
	if (!(f = fopen(path, "rb")) || fstat(fileno(f), &st)) {
		if (f)
			fclose(f);
		return cli_fail("item import", 1, "cannot open %s", path);
	}
	p.total = (uint64_t)st.st_size;
	p.tty = isatty(STDERR_FILENO);
	if ((rc = cli_noun_open(&w, CLI_WRITE)) || (rc = cli_as_token(&w.ctx, "item import")))
		goto out;
	if (w.ctx.served) {
		char *m = in.mapping ? curl_easy_escape(NULL, in.mapping, 0) : NULL;
		struct buf q = BUF_INIT;

		if (in.all_or_nothing)
			buf_puts(&q, "&all_or_nothing=true");
		if (in.delimiter)
			buf_puts(&q, in.delimiter[0] == ';' ? "&delimiter=%3B" : "&delimiter=%2C");
		if (m)
			buf_printf(&q, "&map=%s", m);
		curl_free(m);
		snprintf(query, sizeof(query), "%s", q.len ? buf_str(&q) + 1 : "");
		buf_release(&q);
		rc = run_remote(&w.ctx, &in, query, f, &p);
	} else {
		rc = run_local(&w.ctx, &in, f, &p);
	}
out:
	fclose(f);
	cli_close(&w.ctx);
	return rc;
help:
	printf("usage: alihdaya item import --engagement ID FILE [--all-or-nothing]\n"
	       "           [--delimiter ,|;] [--map COL:FIELD,...] [--jsonl]\n\n"
	       "Imports FILE (CSV with a header line, or JSON Lines: --jsonl or a .jsonl/.ndjson\n"
	       "name) into the engagement as items, streamed (docs/api.md \"Imports\"): to the\n"
	       "running server, or with no server through this command's own engine. Progress\n"
	       "goes to stderr (a bar on a terminal), the counts to stdout; exit code 1 when the\n"
	       "import failed.\n");
	if (f)
		fclose(f);
	cli_close(&w.ctx);
	return opt == 'h' ? 0 : 2;
}
