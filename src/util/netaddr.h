/* netaddr.h - is an address one a webhook may reach: public unicast, or private and loopback. */
#ifndef ALIHDAYA_NETADDR_H
#define ALIHDAYA_NETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/*
 * Whether sa (AF_INET or AF_INET6) is a public unicast address: not in any
 * of IANA's special-purpose blocks that reach this host, its networks or
 * nothing (RFC 6890 and its successors): unspecified, "this network",
 * loopback, RFC 1918 private, shared (carrier NAT), link-local, IETF
 * protocol assignments, benchmarking, documentation, multicast, reserved,
 * broadcast; IPv6 unique-local, link-local, site-local, multicast,
 * documentation, and any IPv4 address carried inside an IPv6 one
 * (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96, 6to4) judged as that
 * IPv4 address. Why: a webhook URL is typed by a client user, and without
 * this a client could make the server POST to its own admin socket's
 * neighbours, a cloud metadata address (169.254.169.254) or the provider's
 * private network (server-side request forgery).
 * Another family: false.
 */
bool netaddr_is_public(const struct sockaddr *sa);

/* sa as text ("10.0.0.1", "::1") into out[n]; "?" when it cannot be printed. */
void netaddr_str(const struct sockaddr *sa, char *out, size_t n);

#endif
