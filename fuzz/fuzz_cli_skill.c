/* fuzz_cli_skill.c - libFuzzer target: the CLI's "code:level" skill argument. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct skill_level sk;
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	memset(&sk, 0x55, sizeof(sk));
	if (cli_parse_skill(s, &sk) == 0) {
		if (sk.level < 1 || sk.level > 5 || !memchr(sk.code, '\0', sizeof(sk.code)) ||
		    !sk.code[0])
			abort();
	}
	free(s);
	return 0;
}
