/* fuzz_audit_head.c - libFuzzer target: the signed tree head file (sec/audit_head.h). */
/*
 * A head that parses formats back to a text that parses to the same head;
 * its signature check never crashes, whatever the bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sec/audit_head.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audit_head h, again;
	struct buf text = BUF_INIT;
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (audit_head_parse(s, &h)) {
		(void)audit_head_signed(&h);
		if (audit_head_text(&h, &text) || !audit_head_parse(buf_str(&text), &again) ||
		    memcmp(&h, &again, sizeof(h)))
			abort();
	}
	buf_release(&text);
	free(s);
	return 0;
}
