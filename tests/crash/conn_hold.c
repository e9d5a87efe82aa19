/* conn_hold.c - opens many TCP connections to a server and holds them, for the abuse tests. */

/*
 * usage: conn_hold PORT COUNT SECONDS [partial]
 *
 * Opens COUNT connections to 127.0.0.1:PORT (raising its own open-file limit to the
 * hard limit first), optionally sends half a request on each ("partial": its headers
 * whole, with the token in $CONN_HOLD_TOKEN if set, and the start of its body), prints
 * "open N failed F" and flushes, then watches the connections for SECONDS and prints
 * "closed_by_server C after_ms T" where T is when the last of them was closed (or -1).
 * Exits 0 if at least one connection was opened. No dependencies beyond libc, so the
 * test needs neither python nor a client library.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char half_head[] = "POST /v1/items HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				"Content-Type: application/json\r\nContent-Length: 100\r\n";
static const char half_body[] = "\r\n{\"engagement_id\":";

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	long port, count, seconds;
	if (argc < 4 || parse_long(argv[1], 1, 65535, &port) ||
	    parse_long(argv[2], 1, 1000000, &count) || parse_long(argv[3], 0, 3600, &seconds)) {
		fprintf(stderr, "usage: conn_hold PORT COUNT SECONDS [partial]\n");
		return 2;
	}
	int partial = argc > 4 && strcmp(argv[4], "partial") == 0;
	const char *token = getenv("CONN_HOLD_TOKEN");
	char half_request[512];
	int hn = snprintf(half_request, sizeof(half_request), "%s%s%s%s%s", half_head,
			  token ? "Authorization: Bearer " : "", token ? token : "", token ? "\r\n" : "",
			  half_body);

	if (hn < 0 || (size_t)hn >= sizeof(half_request)) {
		fprintf(stderr, "conn_hold: CONN_HOLD_TOKEN is too long\n");
		return 2;
	}

	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	struct pollfd *pf = calloc((size_t)count, sizeof(*pf));
	if (!pf) {
		perror("calloc");
		return 1;
	}
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	long open_n = 0, failed = 0;
	for (long i = 0; i < count; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			if (fd >= 0)
				close(fd);
			failed++;
			continue;
		}
		if (partial && write(fd, half_request, (size_t)hn) < 0) {
			close(fd);
			failed++;
			continue;
		}
		pf[open_n].fd = fd;
		pf[open_n].events = POLLIN;
		open_n++;
	}
	printf("open %ld failed %ld\n", open_n, failed);
	fflush(stdout);

	long start = now_ms(), last_close = -1, closed = 0;
	while (closed < open_n) {
		long left = start + seconds * 1000L - now_ms();
		if (left <= 0)
			break;
		int n = poll(pf, (nfds_t)open_n, (int)(left > 200 ? 200 : left));
		if (n < 0 && errno != EINTR)
			break;
		for (long i = 0; n > 0 && i < open_n; i++) {
			if (pf[i].fd < 0 || !pf[i].revents)
				continue;
			char buf[4096];
			ssize_t r = read(pf[i].fd, buf, sizeof(buf));
			if (r > 0)
				continue; /* an answer (for example 408): wait for the close */
			close(pf[i].fd);
			pf[i].fd = -1;
			closed++;
			last_close = now_ms() - start;
		}
	}
	printf("closed_by_server %ld after_ms %ld\n", closed, last_close);
	for (long i = 0; i < open_n; i++)
		if (pf[i].fd >= 0)
			close(pf[i].fd);
	free(pf);
	return open_n > 0 ? 0 : 1;
}
