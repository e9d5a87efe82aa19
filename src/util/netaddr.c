/* netaddr.c - IANA's special-purpose address blocks, for the webhook sender's SSRF guard. */
#include "util/netaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct v4_block {
	uint32_t net;
	int len;
};

/* The IPv4 blocks that are not public unicast (IANA IPv4 Special-Purpose Address Registry). */
static const struct v4_block v4_blocks[] = {
	{ 0x00000000u, 8 },  /* 0.0.0.0/8 "this network" */
	{ 0x0a000000u, 8 },  /* 10.0.0.0/8 private */
	{ 0x64400000u, 10 }, /* 100.64.0.0/10 shared address space */
	{ 0x7f000000u, 8 },  /* 127.0.0.0/8 loopback */
	{ 0xa9fe0000u, 16 }, /* 169.254.0.0/16 link-local (cloud metadata lives here) */
	{ 0xac100000u, 12 }, /* 172.16.0.0/12 private */
	{ 0xc0000000u, 24 }, /* 192.0.0.0/24 IETF protocol assignments */
	{ 0xc0000200u, 24 }, /* 192.0.2.0/24 documentation */
	{ 0xc0586300u, 24 }, /* 192.88.99.0/24 6to4 relay anycast (deprecated) */
	{ 0xc0a80000u, 16 }, /* 192.168.0.0/16 private */
	{ 0xc6120000u, 15 }, /* 198.18.0.0/15 benchmarking */
	{ 0xc6336400u, 24 }, /* 198.51.100.0/24 documentation */
	{ 0xcb007100u, 24 }, /* 203.0.113.0/24 documentation */
	{ 0xe0000000u, 4 },  /* 224.0.0.0/4 multicast */
	{ 0xf0000000u, 4 },  /* 240.0.0.0/4 reserved, and 255.255.255.255 broadcast */
};

static bool v4_public(uint32_t a)
{
	for (size_t i = 0; i < sizeof(v4_blocks) / sizeof(v4_blocks[0]); i++) {
		uint32_t mask = v4_blocks[i].len ? ~0u << (32 - v4_blocks[i].len) : 0;

		if ((a & mask) == v4_blocks[i].net)
			return false;
	}
	return true;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool v6_public(const uint8_t *b)
{
	static const uint8_t zero[12];
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const uint8_t nat64[12] = { 0x00, 0x64, 0xff, 0x9b };

	/* IPv4 inside: mapped ::ffff:a.b.c.d, compatible ::a.b.c.d (:: and ::1 fall here
	 * as 0.0.0.0 and 0.0.0.1), NAT64 64:ff9b::a.b.c.d, 6to4 2002:AABB:CCDD::. */
	if (!memcmp(b, mapped, 12) || !memcmp(b, zero, 12) || !memcmp(b, nat64, 12))
		return v4_public(be32(b + 12));
	if (b[0] == 0x20 && b[1] == 0x02)
		return v4_public(be32(b + 2));
	if ((b[0] & 0xfe) == 0xfc) /* fc00::/7 unique local */
		return false;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) /* fe80::/10 link-local */
		return false;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) /* fec0::/10 site-local (deprecated) */
		return false;
	if (b[0] == 0xff) /* ff00::/8 multicast */
		return false;
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) /* 2001:db8::/32 docs */
		return false;
	if (b[0] == 0x01 && !b[1] && !b[2] && !b[3] && !b[4] && !b[5] && !b[6] && !b[7])
		return false; /* 100::/64 discard-only */
	if (b[0] == 0x20 && b[1] == 0x01 && (b[2] & 0xfe) == 0)
		return false; /* 2001::/23 IETF protocol assignments (Teredo and the like) */
	return true;
}

bool netaddr_is_public(const struct sockaddr *sa)
{
	if (!sa)
		return false;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		return v4_public(ntohl(in->sin_addr.s_addr));
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		return v6_public(in6->sin6_addr.s6_addr);
	}
	return false;
}

void netaddr_str(const struct sockaddr *sa, char *out, size_t n)
{
	const void *a = NULL;

	if (!n)
		return;
	if (sa && sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa && sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (!a || !inet_ntop(sa->sa_family, a, out, (socklen_t)n))
		snprintf(out, n, "?");
}
