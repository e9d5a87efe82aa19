/* test_netaddr.c - the webhook guard's address classes against IANA's special-purpose
 * registries (IPv4 and IPv6), one address inside and one just outside each block; where
 * Python's ipaddress.is_global (3.11) says global for an address we refuse, the row says why. */
/* cmocka needs these before it. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "util/netaddr.h"

static bool public_of(const char *text)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };

	if (inet_pton(AF_INET, text, &in.sin_addr) == 1)
		return netaddr_is_public((struct sockaddr *)&in);
	assert_int_equal(inet_pton(AF_INET6, text, &in6.sin6_addr), 1);
	return netaddr_is_public((struct sockaddr *)&in6);
}

static const struct {
	const char *addr;
	bool pub;
} cases[] = {
	{ "8.8.8.8", true },		{ "1.1.1.1", true },
	{ "0.1.2.3", false },		{ "1.0.0.0", true },	   /* 0.0.0.0/8 */
	{ "10.1.1.1", false },		{ "11.0.0.1", true },	   /* 10.0.0.0/8 */
	{ "100.64.0.1", false },	{ "100.127.255.255", false }, { "100.128.0.1", true },
	{ "127.0.0.1", false },		{ "127.255.255.254", false }, { "128.0.0.1", true },
	{ "169.254.169.254", false },	{ "169.255.0.1", true },   /* link-local, metadata */
	{ "172.16.0.1", false },	{ "172.31.255.255", false },  { "172.32.0.1", true },
	{ "172.15.255.255", true },
	{ "192.0.0.8", false }, /* IETF assignments; Python says global for .8 (a /32 exception) */
	{ "192.0.1.1", true },		{ "192.0.2.1", false },	   { "192.0.3.1", true },
	{ "192.88.99.1", false }, /* 6to4 relay anycast: deprecated (RFC 7526); Python: global */
	{ "192.168.1.1", false },	{ "192.169.0.1", true },
	{ "198.18.0.1", false },	{ "198.19.255.255", false },  { "198.20.0.1", true },
	{ "198.51.100.1", false },	{ "203.0.113.1", false },	   { "203.0.114.1", true },
	{ "224.0.0.1", false }, /* multicast: never a webhook receiver; Python: global */
	{ "239.255.255.255", false },	{ "240.0.0.1", false },	   { "255.255.255.255", false },
	{ "223.255.255.255", true },
	{ "2606:4700::1111", true },	{ "2001:4860:4860::8888", true }, { "2001:200::1", true },
	{ "::", false },		{ "::1", false },
	{ "::ffff:127.0.0.1", false },	{ "::ffff:8.8.8.8", true },
	{ "64:ff9b::a00:1", false }, /* NAT64 of 10.0.0.1: judged as that; Python: global */
	{ "64:ff9b::808:808", true },
	{ "2002:a00:1::1", false }, /* 6to4 of 10.0.0.1: judged as that; Python: global */
	{ "2002:808:808::1", true },
	{ "fd00::1", false },		{ "fc00::1", false },	   { "fe80::1", false },
	{ "fec0::1", false }, /* site-local: deprecated (RFC 3879); Python: global */
	{ "ff02::1", false }, /* multicast; Python: global */
	{ "2001:db8::1", false },	{ "2001:db9::1", true },   { "100::1", false },
	{ "2001:0:1::1", false },	{ "2001:1ff::1", false },  { "2001:400::1", true },
};

static void test_blocks(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (public_of(cases[i].addr) != cases[i].pub)
			fail_msg("%s: expected %s", cases[i].addr, cases[i].pub ? "public" : "refused");
	}
}

static void test_other_family_and_text(void **state)
{
	struct sockaddr sa = { .sa_family = AF_UNIX };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };
	char out[64];

	(void)state;
	assert_false(netaddr_is_public(&sa));
	assert_false(netaddr_is_public(NULL));
	assert_int_equal(inet_pton(AF_INET6, "::1", &in6.sin6_addr), 1);
	netaddr_str((struct sockaddr *)&in6, out, sizeof(out));
	assert_string_equal(out, "::1");
	netaddr_str(&sa, out, sizeof(out));
	assert_string_equal(out, "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_other_family_and_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
