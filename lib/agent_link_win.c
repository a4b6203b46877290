/*
 * agent_link_win.c: the stream to the agent on Windows (see agent_link.h):
 * a TCP connection through Winsock.  fd:R,W (descriptors a POSIX runner
 * passes down) has no counterpart here yet: a Windows runner would pass
 * handles, which no target does.
 */
#include "agent_link.h"
#include "hostport.h"
#include "platform.h"

#include <stdio.h>
#include <string.h>

static SOCKET link_socket = INVALID_SOCKET;

static int set_why_errno(char *why, size_t whysize, const char *what, int err)
{
	snprintf(why, whysize, "the agent vanished: %s: Winsock error %d", what, err);
	return -1;
}

int sc_agent_link_open(const char *spec, int bound_ms, char *why, size_t whysize)
{
	char host[256];
	const char *text, *port;
	struct addrinfo hints, *res = NULL;
	int rc;
	DWORD one = 1;

	(void)bound_ms; /* Winsock's connect() has its own bound (about 21 s) */
	if (!spec || strncmp(spec, "tcp:", 4) != 0) {
		snprintf(why, whysize, "SOCKCONF_AGENT=%s: this Windows build reaches an agent over "
			 "tcp:HOST:PORT only", spec ? spec : "");
		return -1;
	}
	text = spec + 4;
	if (sc_split_host_port(text, host, sizeof host, &port) == -1) {
		snprintf(why, whysize, "SOCKCONF_AGENT=%s: not tcp:HOST:PORT", spec);
		return -1;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0)
		return set_why_errno(why, whysize, "getaddrinfo", rc);
	for (struct addrinfo *ai = res; ai && link_socket == INVALID_SOCKET; ai = ai->ai_next) {
		SOCKET s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (s != INVALID_SOCKET && connect(s, ai->ai_addr, (int)ai->ai_addrlen) == 0)
			link_socket = s;
		else if (s != INVALID_SOCKET) {
			rc = WSAGetLastError();
			closesocket(s);
		}
	}
	freeaddrinfo(res);
	if (link_socket == INVALID_SOCKET)
		return set_why_errno(why, whysize, "connect", rc);
	setsockopt(link_socket, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof one);
	return 0;
}

long sc_agent_link_read(char *buf, size_t n)
{
	int got = recv(link_socket, buf, (int)(n > 65536 ? 65536 : n), 0);

	if (got == SOCKET_ERROR) {
		errno = sc_plat_socket_errno();
		return -1;
	}
	return got;
}

int sc_agent_link_readable(int timeout_ms)
{
	WSAPOLLFD p;
	int n;

	p.fd = link_socket, p.events = POLLRDNORM, p.revents = 0;
	n = WSAPoll(&p, 1, timeout_ms);
	return n < 0 ? -1 : n > 0;
}

int sc_agent_link_write(const char *buf, size_t n)
{
	while (n) {
		int put = send(link_socket, buf, (int)(n > 65536 ? 65536 : n), 0);
		if (put == SOCKET_ERROR) {
			errno = sc_plat_socket_errno();
			return -1;
		}
		buf += put, n -= (size_t)put;
	}
	return 0;
}

void sc_agent_link_reader_started(void)
{
}

/* ---- locks ---------------------------------------------------------------- */

static SRWLOCK locks[2] = {SRWLOCK_INIT, SRWLOCK_INIT};
static CONDITION_VARIABLE woken = CONDITION_VARIABLE_INIT;

void sc_agent_lock(enum sc_agent_lock which) { AcquireSRWLockExclusive(&locks[which]); }
void sc_agent_unlock(enum sc_agent_lock which) { ReleaseSRWLockExclusive(&locks[which]); }
void sc_agent_wake_all(void) { WakeAllConditionVariable(&woken); }

void sc_agent_wait(int timeout_ms)
{
	SleepConditionVariableSRW(&woken, &locks[SC_AGENT_TABLE], (DWORD)timeout_ms, 0);
}
