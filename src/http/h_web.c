/* h_web.c - the static browser interface: files under opts.web_dir, read whole, size-capped. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/http_int.h"
#include "util/err.h"
#include "util/names.h"

#define WEB_FILE_MAX ((off_t)4 << 20)
#define WEB_PATH_MAX 512

static const char *content_type(const char *name)
{
	static const struct name_pair types[] = {
	    {".html", "text/html; charset=utf-8"},
	    {".css", "text/css; charset=utf-8"},
	    {".js", "text/javascript; charset=utf-8"},
	    {".json", "application/json"},
	    {".svg", "image/svg+xml"},
	    {".png", "image/png"},
	    {".ico", "image/x-icon"},
	    {".txt", "text/plain; charset=utf-8"},
	};
	const char *type = names_find(types, NAMES_COUNT(types), strrchr(name, '.'));

	return type ? type : "application/octet-stream";
}

/* Answers the file rel (relative to web_dir, already checked) or 404. */
static int send_file(struct req *r, const char *rel)
{
	char path[WEB_PATH_MAX + 64];
	struct stat st;
	ssize_t got;
	size_t n;
	char *data;
	int fd, len;

	len = snprintf(path, sizeof(path), "%s/%s", r->srv->web_dir, rel);
	if (len < 0 || (size_t)len >= sizeof(path))
		return http__fail(r, ERR_NOTFOUND, "no such file");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return http__fail(r, ERR_NOTFOUND, "no such file");
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > WEB_FILE_MAX) {
		close(fd);
		return http__fail(r, ERR_NOTFOUND, "no such file");
	}
	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		close(fd);
		return http__fail(r, ERR_NOMEM, NULL);
	}
	for (n = 0; n < (size_t)st.st_size; n += (size_t)got) {
		got = read(fd, data + n, (size_t)st.st_size - n);
		if (got < 0 && errno == EINTR) {
			got = 0;
			continue;
		}
		if (got <= 0)
			break;
	}
	close(fd);
	http__reply(r, 200, NULL);
	r->raw = data;
	r->raw_len = n;
	r->ctype = content_type(rel);
	return 0;
}

/* GET / */
int h_web_index(struct req *r)
{
	if (!r->srv->web_dir)
		return http__fail(r, ERR_NOTFOUND,
				  "no web interface is configured; the API is under /v1");
	return send_file(r, "index.html");
}

/* GET /web/<file> */
int h_web_file(struct req *r)
{
	const char *rel = r->path + strlen("/web/");
	size_t n = strlen(rel);

	if (!r->srv->web_dir)
		return http__fail(r, ERR_NOTFOUND, "no web interface is configured");
	/* Plain relative names only: no "..", no hidden files, no odd bytes. */
	if (n == 0 || n > WEB_PATH_MAX || rel[0] == '/' || rel[0] == '.' || strstr(rel, "..") ||
	    strstr(rel, "/.") ||
	    rel[strspn(rel, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-/")])
		return http__fail(r, ERR_NOTFOUND, "no such file");
	return send_file(r, rel);
}
