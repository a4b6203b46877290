/*
 * lwip_mutants.c: broken lwIP stacks, to prove that the cases can fail on
 * lwIP too.
 *
 * Loaded with LD_PRELOAD into a case built with lwIP (liblwip.so), this
 * library wraps the lwip_* socket calls lib's lwIP stack makes and, when
 * SOCKCONF_MUTANT names one of the mutants below, breaks exactly one
 * behaviour, as mutants.c does to libc's calls for the kernel.  Without
 * SOCKCONF_MUTANT it changes nothing.  lwIP's socket numbers are its own,
 * so nothing here can touch the runner's files.
 */
#define _GNU_SOURCE
#include "mutant.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "lwip/sockets.h" /* the prototypes of the calls wrapped here */

/* The catalogue (SOCKCONF_MUTANT=list prints it); one or more per group of cases. */
static const struct mutant mutants[] = {
	{"lwip_eof_as_error", "lwip_recv() returns -1 ENOTCONN instead of 0 at the first end of stream"},
	{"lwip_reset_as_eof", "lwip_recv() returns 0 instead of -1 ECONNRESET after a reset"},
	{"lwip_shutwr_no_fin", "lwip_shutdown(SHUT_WR) sends no FIN (SHUT_RDWR acts as SHUT_RD)"},
	{"lwip_shutrd_noop", "lwip_shutdown(SHUT_RD) does nothing"},
	{"lwip_shutdown_errors_hidden", "lwip_shutdown() never fails: its errors are swallowed"},
	{"lwip_send_ignores_shutwr", "lwip_send()/lwip_write() after SHUT_WR succeed silently"},
	{"lwip_close_unread_fin", "lwip_close() with unread data reads it away first: FIN instead of RST"},
	{"lwip_close_always_rst", "every lwip_close() is abortive, as if SO_LINGER {1,0} with data queued"},
	{"lwip_linger_no_wait", "SO_LINGER {1,N} is ignored: lwip_close() never lingers"},
	{"lwip_linger_reads_off", "getsockopt(SO_LINGER) always reports {0,0}"},
	{"lwip_so_error_hidden", "getsockopt(SO_ERROR) always reports 0"},
	{"lwip_poll_no_events", "lwip_poll() never reports readable, an error or a hangup"},
};

REAL(lwip_shutdown, int, int, int)
REAL(lwip_close, int, int)
REAL(lwip_recv, ssize_t, int, void *, size_t, int)
REAL(lwip_send, ssize_t, int, const void *, size_t, int)
REAL(lwip_write, ssize_t, int, const void *, size_t)
REAL(lwip_setsockopt, int, int, int, int, const void *, socklen_t)
REAL(lwip_getsockopt, int, int, int, int, void *, socklen_t *)
REAL(lwip_poll, int, struct pollfd *, nfds_t, int)

#define MAX_SOCK 1024 /* lwIP's socket numbers are small: MEMP_NUM_NETCONN and up */
static unsigned char shut_wr[MAX_SOCK], at_eof[MAX_SOCK];

static int in_range(int s)
{
	return s >= 0 && s < MAX_SOCK;
}

static void drain(int s)
{
	char buf[1024];

	while (get_lwip_recv()(s, buf, sizeof buf, MSG_DONTWAIT) > 0)
		;
}

int lwip_shutdown(int s, int how)
{
	if (is("lwip_shutdown_errors_hidden")) {
		get_lwip_shutdown()(s, how);
		return 0;
	}
	if (in_range(s) && (how == SHUT_WR || how == SHUT_RDWR))
		shut_wr[s] = 1;
	if (is("lwip_shutwr_no_fin") && (how == SHUT_WR || how == SHUT_RDWR))
		return how == SHUT_RDWR ? get_lwip_shutdown()(s, SHUT_RD) : 0;
	if (is("lwip_shutrd_noop") && (how == SHUT_RD || how == SHUT_RDWR))
		return how == SHUT_RDWR ? get_lwip_shutdown()(s, SHUT_WR) : 0;
	return get_lwip_shutdown()(s, how);
}

int lwip_close(int s)
{
	if (in_range(s))
		shut_wr[s] = at_eof[s] = 0;
	if (is("lwip_close_unread_fin"))
		drain(s);
	if (is("lwip_close_always_rst")) {
		struct linger abortive = {1, 0};
		get_lwip_setsockopt()(s, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
	}
	return get_lwip_close()(s);
}

ssize_t lwip_recv(int s, void *mem, size_t len, int flags)
{
	ssize_t n = get_lwip_recv()(s, mem, len, flags);

	if (n == 0 && len > 0 && is("lwip_eof_as_error") && in_range(s) && !at_eof[s]) {
		at_eof[s] = 1;
		errno = ENOTCONN;
		return -1;
	}
	if (n == -1 && errno == ECONNRESET && is("lwip_reset_as_eof"))
		return 0;
	return n;
}

static ssize_t sent_anyway(int s, size_t size)
{
	if (is("lwip_send_ignores_shutwr") && in_range(s) && shut_wr[s])
		return (ssize_t)size;
	return -2;
}

ssize_t lwip_send(int s, const void *data, size_t size, int flags)
{
	ssize_t faked = sent_anyway(s, size);

	return faked != -2 ? faked : get_lwip_send()(s, data, size, flags);
}

ssize_t lwip_write(int s, const void *data, size_t size)
{
	ssize_t faked = sent_anyway(s, size);

	return faked != -2 ? faked : get_lwip_write()(s, data, size);
}

int lwip_setsockopt(int s, int level, int name, const void *val, socklen_t len)
{
	if (is("lwip_linger_no_wait") && level == SOL_SOCKET && name == SO_LINGER && len >= sizeof(struct linger)) {
		const struct linger *l = val;
		if (l->l_onoff && l->l_linger > 0) {
			struct linger off = {0, 0};
			return get_lwip_setsockopt()(s, level, name, &off, sizeof off);
		}
	}
	return get_lwip_setsockopt()(s, level, name, val, len);
}

int lwip_getsockopt(int s, int level, int name, void *val, socklen_t *len)
{
	int ret = get_lwip_getsockopt()(s, level, name, val, len);

	if (ret == 0 && level == SOL_SOCKET && name == SO_ERROR && is("lwip_so_error_hidden"))
		*(int *)val = 0;
	if (ret == 0 && level == SOL_SOCKET && name == SO_LINGER && is("lwip_linger_reads_off"))
		memset(val, 0, sizeof(struct linger));
	return ret;
}

int lwip_poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	int n = get_lwip_poll()(fds, nfds, timeout);

	if (n > 0 && is("lwip_poll_no_events")) {
		n = 0;
		for (nfds_t i = 0; i < nfds; i++) {
			fds[i].revents &= (short)~(POLLIN | POLLERR | POLLHUP);
			n += fds[i].revents != 0;
		}
	}
	return n;
}

/*
 * At load: SOCKCONF_MUTANT=list prints the catalogue ("name<TAB>what it
 * breaks" a line) and exits; an unknown name is an error, not a silent
 * real stack.
 */
__attribute__((constructor)) static void check_mutant_name(void)
{
	const char *name = getenv("SOCKCONF_MUTANT");
	size_t n = sizeof mutants / sizeof mutants[0];

	if (!name || !*name)
		return;
	if (strcmp(name, "list") == 0) {
		for (size_t i = 0; i < n; i++)
			printf("%s\t%s\n", mutants[i].name, mutants[i].breaks);
		exit(0);
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, mutants[i].name) == 0)
			return;
	fprintf(stderr, "lwip_mutants: unknown SOCKCONF_MUTANT %s\n", name);
	exit(2);
}
