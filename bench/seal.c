/* seal.c - the cost of sealing and opening one value (sec/keys.h), beside the work of one change. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "sec/keys.h"

/*
 * usage: seal DIR [N=200000]
 * Seals and opens N values of 64 bytes, 1 KiB and 16 KiB with a keyring in
 * DIR (made there), and prints the time of each per value. A state change
 * over HTTP seals at most one value (create: the payload; submit: the
 * result), so this, against bench/run_http.sh's changes per second, is the
 * share of a change's time that encryption can take, free of the noise of a
 * whole server run.
 */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 64, 1024, 16384 };
	struct keyring *k = NULL;
	struct buf err = BUF_INIT;
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 200000;

	if (argc < 2 || n < 1) {
		fprintf(stderr, "usage: seal DIR [N]\n");
		return 2;
	}
	if (sodium_init() < 0 || keys_open(argv[1], true, &k, &err)) {
		fprintf(stderr, "seal: %s\n", buf_str(&err));
		return 1;
	}
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		char *plain = malloc(sizes[s] + 1);
		double t0, t_seal = 0, t_open = 0;

		memset(plain, 'x', sizes[s]);
		plain[sizes[s]] = '\0';
		for (long i = 0; i < n / (long)(1 + s * 4); i++) {
			struct store_seal_ad ad = { 1, "item", i + 1, "payload" };
			unsigned char *blob;
			size_t len;
			char *back;

			t0 = now_s();
			if (keys_seal(k, &ad, plain, sizes[s], &blob, &len, &err))
				return 1;
			t_seal += now_s() - t0;
			t0 = now_s();
			if (keys_open_value(k, &ad, blob, len, &back, &err))
				return 1;
			t_open += now_s() - t0;
			free(blob);
			free(back);
		}
		printf("value=%zuB seal_us=%.2f open_us=%.2f\n", sizes[s],
		       1e6 * t_seal / (double)(n / (long)(1 + s * 4)),
		       1e6 * t_open / (double)(n / (long)(1 + s * 4)));
		free(plain);
	}
	keys_close(k);
	return 0;
}
