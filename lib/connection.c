/*
 * connection.c: connected stream pairs.  TCP pairs are made the way an
 * application makes them (listen on loopback, connect, accept), so both
 * ends are ordinary ESTABLISHED sockets; the listener is closed before the
 * case begins.  AF_UNIX pairs come from socketpair().
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"

#include <stdio.h>
#include <string.h>

const char *sc_family_name(enum sc_family family)
{
	switch (family) {
	case SC_INET: return "inet";
	case SC_INET6: return "inet6";
	case SC_UNIX: return "unix";
	}
	return "?";
}

static SC_NORETURN void setup_failed(const char *what, enum sc_family family)
{
	char err[64];

	sc_format_errno(err, sizeof err, sc_plat_socket_errno());
	sc_fail(NULL, "setting up the %s connection: %s failed: %s", sc_family_name(family), what, err);
}

static int domain_of(enum sc_family family)
{
	return family == SC_INET6 ? AF_INET6 : family == SC_UNIX ? AF_UNIX : AF_INET;
}

/* socket() failed: a family the stack does not have is a SKIP, anything else a failure. */
static void family_unavailable_or_fail(const char *what, enum sc_family family)
{
	if (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT) {
		char why[96];
		snprintf(why, sizeof why, "%s stream sockets are not available on this stack",
			 family == SC_INET6 ? "AF_INET6" : family == SC_UNIX ? "AF_UNIX" : "AF_INET");
		skip(why);
	}
	setup_failed(what, family);
}

int open_unconnected(enum sc_family family)
{
	int s = sc_socket(domain_of(family), SOCK_STREAM, 0);

	if (s == -1)
		family_unavailable_or_fail("socket()", family);
	return s;
}

void sc_loopback_address(enum sc_family family, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof *ss);
	if (family == SC_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		*len = sizeof *sin6;
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof *sin;
	}
}

static struct sc_conn open_tcp(enum sc_family family)
{
	struct sockaddr_storage addr;
	socklen_t len;
	int domain = domain_of(family);
	int listener = open_unconnected(family);
	struct sc_conn c;

	sc_loopback_address(family, &addr, &len);
	if (sc_bind(listener, (struct sockaddr *)&addr, len) == -1) {
		if (family == SC_INET6 && errno == EADDRNOTAVAIL)
			skip("::1 is not configured on this machine's loopback");
		setup_failed("bind()", family);
	}
	if (sc_listen(listener, 1) == -1)
		setup_failed("listen()", family);
	if (sc_getsockname(listener, (struct sockaddr *)&addr, &len) == -1)
		setup_failed("getsockname()", family);
	c.local = sc_socket(domain, SOCK_STREAM, 0);
	if (c.local == -1)
		setup_failed("socket()", family);
	/* A blocking connect to a listening loopback socket completes at once. */
	if (sc_connect(c.local, (struct sockaddr *)&addr, len) == -1)
		setup_failed("connect()", family);
	c.peer = sc_accept(listener, NULL, NULL);
	if (c.peer == -1)
		setup_failed("accept()", family);
	sc_close(listener);
	return c;
}

struct sc_conn open_connection(enum sc_family family)
{
	struct sc_conn c;
	int sv[2];

	if (family != SC_UNIX)
		return open_tcp(family);
	if (sc_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		family_unavailable_or_fail("socketpair(AF_UNIX, SOCK_STREAM)", family);
	c.local = sv[0];
	c.peer = sv[1];
	return c;
}
