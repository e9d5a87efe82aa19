/*
 * http_hello.c - the HTTP ceiling beside the server: libmicrohttpd alone, on
 * the same flags as src/http/server.c (internal epoll thread pool of 2,
 * turbo), answering every request with the same 16-byte JSON body as
 * GET /v1/health. bench/http_peak.sh runs wrk against it and against the real
 * server in the same run: the gap is what the server's own request path
 * (routing, auth layer, logging, JSON) costs on a request that does nothing.
 * usage: http_hello PORT (loopback; 0: any free port, printed as "port N")
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char body[] = "{\"status\":\"ok\"}\n";

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *data,
				  size_t *size, void **state)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	(void)cls, (void)url, (void)method, (void)version, (void)data, (void)size;
	/*
	 * The first call only sees the headers: answering then, before MHD has
	 * seen the request end, makes it close the connection after the answer.
	 */
	if (!*state) {
		*state = (void *)body;
		return MHD_YES;
	}
	r = MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "application/json");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { 0 };
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	sigset_t set;
	int sig;
	long port = argc == 2 ? strtol(argv[1], NULL, 10) : -1;

	if (port < 0 || port > 65535) {
		fprintf(stderr, "usage: http_hello PORT\n");
		return 2;
	}
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO,
			     (uint16_t)port, NULL, NULL, on_request, NULL, MHD_OPTION_THREAD_POOL_SIZE,
			     2u, MHD_OPTION_CONNECTION_LIMIT, 4096u, MHD_OPTION_SOCK_ADDR,
			     (struct sockaddr *)&sin, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "http_hello: cannot start libmicrohttpd on port %ld\n", port);
		return 1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	printf("port %u\n", info ? (unsigned)info->port : 0u);
	fflush(stdout);
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	return 0;
}
