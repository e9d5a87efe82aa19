/* fuzz_config.c - libFuzzer target: configuration files (inih + config_set). */
/*
 * config_load_file reads a path, so the input goes into a memfd and is read
 * back through /proc/self/fd. A loaded config keeps its documented bounds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf err = BUF_INIT;
	struct config c;
	char path[64];
	int fd;

	fd = memfd_create("fuzz-config", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	config_defaults(&c);
	if (config_load_file(&c, path, &err) == 0) {
		if (!memchr(c.data_dir, '\0', sizeof(c.data_dir)) ||
		    !memchr(c.bind, '\0', sizeof(c.bind)) ||
		    !memchr(c.web_dir, '\0', sizeof(c.web_dir)) || c.port < 0 || c.port > 65535 ||
		    c.max_body < 1 || c.max_depth < 1 || c.threads < 1 || c.batch_max < 1)
			abort();
	} else if (!err.len) {
		abort(); /* an error always says why */
	}
	buf_release(&err);
	close(fd);
	return 0;
}
