/*
 * win_mutants.c: broken Winsock stacks, to prove that the Windows build's
 * cases can fail (make mutants-wine, tests/mutants/win_kills.txt).
 *
 * Windows has no LD_PRELOAD: the mutant cases are the Windows build's
 * objects linked again with this file and -Wl,--wrap for each Winsock call
 * of win_mutants.h, so that lib's calls reach the wrappers below.  When
 * SOCKCONF_MUTANT names one of the mutants of the catalogue, its wrapper
 * breaks exactly that behaviour; otherwise every call is passed through.
 * Both ends of a case's connection are Winsock sockets of the one case
 * process, so a mutant breaks them alike, as a broken stack would.
 *
 * Built for Linux (no _WIN32), the file is a program, win_mutants_list,
 * that prints the catalogue, one "NAME<TAB>WHAT IT BREAKS" a line
 * (table.py reads the names from it without starting Wine), or with
 * --link-flags the linker's --wrap options.
 */
#include "win_mutants.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct win_mutant {
	const char *name;
	const char *breaks;
};

/* The catalogue of broken behaviours (SOCKCONF_MUTANT=list prints it). */
static const struct win_mutant mutants[] = {
	{"ws_send_disconnect_noop", "WSASendDisconnect(NULL) returns 0 and sends nothing: no FIN"},
	{"ws_send_disconnect_eopnotsupp", "WSASendDisconnect with disconnect data fails with WSAEOPNOTSUPP, not WSAENOPROTOOPT"},
	{"ws_recv_disconnect_noop", "WSARecvDisconnect returns 0 and does nothing: recv() still reads"},
	{"ws_recv_shutdown_as_eof", "recv() after SD_RECEIVE returns 0 (end of file, as POSIX) instead of failing with WSAESHUTDOWN"},
	{"ws_dont_linger_ignored", "setsockopt(SO_DONTLINGER) returns 0 and leaves SO_LINGER as it was"},
	{"ws_dont_linger_inverted", "getsockopt(SO_DONTLINGER) reads back inverted (l_onoff, not its negation)"},
	{"ws_nonblocking_close_frees", "closesocket() on a non-blocking lingering socket fails with WSAEWOULDBLOCK, but frees the handle anyway"},
	{"ws_linger_timer_restarts", "a blocking closesocket() whose linger time runs out waits it out once more before returning"},
	{"ws_fd_close_lost", "WSAEnumNetworkEvents never reports FD_CLOSE (the event is set, the bit is lost)"},
	{"ws_fd_close_always_reset", "FD_CLOSE's iErrorCode is always WSAECONNRESET, a graceful close's too"},
	{"ws_wsapoll_no_hup", "WSAPoll never reports POLLHUP"},
	{"ws_wsapoll_hup_is_error", "WSAPoll reports POLLERR with every POLLHUP, a graceful close's too"},
	{"ws_sd_receive_is_sd_both", "shutdown(SD_RECEIVE) shuts down sending too (SD_BOTH): a FIN goes out"},
	{"ws_close_always_abortive", "every closesocket() is abortive (RST), as if SO_LINGER {1, 0}"},
	{"ws_close_keeps_handle", "closesocket() returns 0 but the handle stays usable"},
	{"ws_sd_send_no_fin", "shutdown(SD_SEND) returns 0 and sends no FIN (SD_BOTH acts as SD_RECEIVE)"},
	{"ws_shutdown_errors_hidden", "shutdown() never fails: its errors are swallowed"},
	{"ws_send_ignores_shutdown", "send() after SD_SEND succeeds silently instead of failing with WSAESHUTDOWN"},
	{"ws_eof_as_error", "recv() at end of stream fails with WSAECONNABORTED instead of returning 0"},
	{"ws_linger_reads_off", "getsockopt(SO_LINGER) always reads {0, 0}"},
};
#define N_MUTANTS (sizeof mutants / sizeof mutants[0])

static void print_catalogue(void)
{
	for (size_t i = 0; i < N_MUTANTS; i++)
		printf("%s\t%s\n", mutants[i].name, mutants[i].breaks);
	fflush(stdout);
}

#ifndef _WIN32

#define WRAP_IMPORT_FLAG(ret, name, params, args) "-Wl,--wrap=__imp_" #name,
#define WRAP_FUNCTION_FLAG(ret, name, params, args) "-Wl,--wrap=" #name,

int main(int argc, char **argv)
{
	static const char *const flags[] = {WIN_MUTANT_IMPORTS(WRAP_IMPORT_FLAG) WIN_MUTANT_FUNCTIONS(WRAP_FUNCTION_FLAG)};

	if (argc == 2 && strcmp(argv[1], "--link-flags") == 0) {
		for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
			printf("%s\n", flags[i]);
		return 0;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: win_mutants_list [--link-flags]\n");
		return 2;
	}
	print_catalogue();
	return 0;
}

#else

/* Winsock's own call, to pass one through. */
#define REAL(name) (*__real___imp_##name)

/* Whether SOCKCONF_MUTANT names this mutant. */
static int is(const char *name)
{
	static const char *active;

	if (!active)
		active = getenv("SOCKCONF_MUTANT") ? getenv("SOCKCONF_MUTANT") : "";
	return strcmp(active, name) == 0;
}

/*
 * Before main(): SOCKCONF_MUTANT=list prints the catalogue and exits; an
 * unknown name is an error, not a silent real stack.
 */
__attribute__((constructor)) static void check_mutant_name(void)
{
	const char *name = getenv("SOCKCONF_MUTANT");

	if (!name || !*name)
		return;
	if (strcmp(name, "list") == 0) {
		print_catalogue();
		exit(0);
	}
	for (size_t i = 0; i < N_MUTANTS; i++)
		if (strcmp(name, mutants[i].name) == 0)
			return;
	fprintf(stderr, "win_mutants: unknown SOCKCONF_MUTANT '%s'\n", name);
	exit(2);
}

/* ---- what the wrappers remember of each socket ------------------------------ */

#define MAX_SOCKETS 64
static struct sock_state {
	SOCKET s;
	unsigned char used, shut_wr, nonblocking;
} sockets[MAX_SOCKETS];

static struct sock_state *state_of(SOCKET s, int make)
{
	struct sock_state *free_slot = NULL;

	for (size_t i = 0; i < MAX_SOCKETS; i++) {
		if (sockets[i].used && sockets[i].s == s)
			return &sockets[i];
		if (!sockets[i].used && !free_slot)
			free_slot = &sockets[i];
	}
	if (!make || !free_slot)
		return NULL;
	memset(free_slot, 0, sizeof *free_slot);
	free_slot->s = s;
	free_slot->used = 1;
	return free_slot;
}

static void forget(SOCKET s)
{
	struct sock_state *st = state_of(s, 0);

	if (st)
		st->used = 0;
}

static int fails_with(int wsa)
{
	WSASetLastError(wsa);
	return SOCKET_ERROR;
}

static int succeeds(int ret)
{
	WSASetLastError(0);
	return ret;
}

/* s's SO_LINGER, {0, 0} when it cannot be read. */
static struct linger linger_of(SOCKET s)
{
	struct linger l = {0, 0};
	int len = sizeof l;

	if (REAL(getsockopt)(s, SOL_SOCKET, SO_LINGER, (char *)&l, &len) == SOCKET_ERROR)
		memset(&l, 0, sizeof l);
	return l;
}

/* An abortive close: SO_LINGER {1, 0}, then closesocket() (an RST). */
static int close_abortively(SOCKET s)
{
	struct linger abortive = {1, 0};

	REAL(setsockopt)(s, SOL_SOCKET, SO_LINGER, (const char *)&abortive, sizeof abortive);
	return REAL(closesocket)(s);
}

/* ---- the wrappers ------------------------------------------------------------ */

static int WSAAPI mutant_closesocket(SOCKET s)
{
	struct sock_state *st = state_of(s, 0);
	int nonblocking = st && st->nonblocking;

	forget(s);
	if (is("ws_close_keeps_handle"))
		return succeeds(0);
	if (is("ws_close_always_abortive"))
		return close_abortively(s);
	if (is("ws_nonblocking_close_frees") && nonblocking) {
		struct linger l = linger_of(s), off = {0, 0};

		if (l.l_onoff && l.l_linger > 0) {
			/* the close goes on in the background, as for l_onoff 0: the handle is freed */
			REAL(setsockopt)(s, SOL_SOCKET, SO_LINGER, (const char *)&off, sizeof off);
			REAL(closesocket)(s);
			return fails_with(WSAEWOULDBLOCK);
		}
	}
	if (is("ws_linger_timer_restarts") && !nonblocking) {
		struct linger l = linger_of(s);
		ULONGLONG started = GetTickCount64();
		int ret;

		if (!l.l_onoff || l.l_linger == 0)
			return REAL(closesocket)(s);
		ret = REAL(closesocket)(s);
		if (GetTickCount64() - started + 250 >= (ULONGLONG)l.l_linger * 1000) { /* the linger time ran out */
			int err = WSAGetLastError();
			Sleep((DWORD)l.l_linger * 1000);
			WSASetLastError(err);
		}
		return ret;
	}
	return REAL(closesocket)(s);
}

static int WSAAPI mutant_shutdown(SOCKET s, int how)
{
	struct sock_state *st;
	int ret;

	if (is("ws_shutdown_errors_hidden")) {
		REAL(shutdown)(s, how);
		return succeeds(0);
	}
	if (is("ws_sd_send_no_fin") && (how == SD_SEND || how == SD_BOTH)) {
		if (how == SD_SEND)
			return succeeds(0);
		how = SD_RECEIVE;
	}
	if (is("ws_sd_receive_is_sd_both") && how == SD_RECEIVE)
		how = SD_BOTH;
	ret = REAL(shutdown)(s, how);
	if (ret == 0 && (how == SD_SEND || how == SD_BOTH) && (st = state_of(s, 1)) != NULL)
		st->shut_wr = 1;
	return ret;
}

static int WSAAPI mutant_send(SOCKET s, const char *buf, int len, int flags)
{
	struct sock_state *st = state_of(s, 0);

	if (is("ws_send_ignores_shutdown") && st && st->shut_wr)
		return succeeds(len);
	return REAL(send)(s, buf, len, flags);
}

static int WSAAPI mutant_recv(SOCKET s, char *buf, int len, int flags)
{
	int ret = REAL(recv)(s, buf, len, flags);

	if (ret == SOCKET_ERROR && WSAGetLastError() == WSAESHUTDOWN && is("ws_recv_shutdown_as_eof"))
		return succeeds(0);
	if (ret == 0 && len > 0 && is("ws_eof_as_error"))
		return fails_with(WSAECONNABORTED);
	return ret;
}

static int WSAAPI mutant_setsockopt(SOCKET s, int level, int name, const char *val, int len)
{
	if (level == SOL_SOCKET && name == SO_DONTLINGER && is("ws_dont_linger_ignored"))
		return succeeds(0);
	return REAL(setsockopt)(s, level, name, val, len);
}

static int WSAAPI mutant_getsockopt(SOCKET s, int level, int name, char *val, int *len)
{
	int ret = REAL(getsockopt)(s, level, name, val, len);

	if (ret == 0 && level == SOL_SOCKET && val && len) {
		if (name == SO_DONTLINGER && is("ws_dont_linger_inverted") && *len >= (int)sizeof(BOOL)) {
			BOOL v;
			memcpy(&v, val, sizeof v);
			v = !v;
			memcpy(val, &v, sizeof v);
		}
		if (name == SO_LINGER && is("ws_linger_reads_off"))
			memset(val, 0, (size_t)*len);
	}
	return ret;
}

static int WSAAPI mutant_ioctlsocket(SOCKET s, long cmd, u_long *arg)
{
	int ret = REAL(ioctlsocket)(s, cmd, arg);
	struct sock_state *st;

	if (ret == 0 && cmd == (long)FIONBIO && arg && (st = state_of(s, 1)) != NULL)
		st->nonblocking = *arg != 0;
	return ret;
}

int WSAAPI __wrap_WSAPoll(LPWSAPOLLFD fds, ULONG n, INT timeout);
int WSAAPI __wrap_WSAPoll(LPWSAPOLLFD fds, ULONG n, INT timeout)
{
	int ret = __real_WSAPoll(fds, n, timeout);

	if (ret > 0 && (is("ws_wsapoll_no_hup") || is("ws_wsapoll_hup_is_error"))) {
		ret = 0;
		for (ULONG i = 0; i < n; i++) {
			if (is("ws_wsapoll_no_hup"))
				fds[i].revents &= (SHORT)~POLLHUP;
			else if (fds[i].revents & POLLHUP)
				fds[i].revents |= POLLERR;
			ret += fds[i].revents != 0;
		}
	}
	return ret;
}

/* WSAEventSelect makes the socket non-blocking (its page: "automatically sets socket s to nonblocking mode"). */
static int WSAAPI mutant_WSAEventSelect(SOCKET s, WSAEVENT event, long events)
{
	int ret = REAL(WSAEventSelect)(s, event, events);
	struct sock_state *st;

	if (ret == 0 && events && (st = state_of(s, 1)) != NULL)
		st->nonblocking = 1;
	return ret;
}

static int WSAAPI mutant_WSAEnumNetworkEvents(SOCKET s, WSAEVENT event, LPWSANETWORKEVENTS out)
{
	int ret = REAL(WSAEnumNetworkEvents)(s, event, out);

	if (ret == 0 && out && (out->lNetworkEvents & FD_CLOSE)) {
		if (is("ws_fd_close_lost"))
			out->lNetworkEvents &= ~(long)FD_CLOSE;
		if (is("ws_fd_close_always_reset"))
			out->iErrorCode[FD_CLOSE_BIT] = WSAECONNRESET;
	}
	return ret;
}

static int WSAAPI mutant_WSASendDisconnect(SOCKET s, LPWSABUF data)
{
	struct sock_state *st;
	int ret;

	if (is("ws_send_disconnect_noop"))
		return succeeds(0);
	if (is("ws_send_disconnect_eopnotsupp") && data && data->len > 0)
		return fails_with(WSAEOPNOTSUPP);
	ret = REAL(WSASendDisconnect)(s, data);
	if (ret == 0 && (st = state_of(s, 1)) != NULL)
		st->shut_wr = 1;
	return ret;
}

static int WSAAPI mutant_WSARecvDisconnect(SOCKET s, LPWSABUF data)
{
	if (is("ws_recv_disconnect_noop"))
		return succeeds(0);
	return REAL(WSARecvDisconnect)(s, data);
}

/* The import pointers lib's calls go through once linked with --wrap=__imp_NAME. */
#define WRAP_IMPORT(ret, name, params, args) ret(WSAAPI *__wrap___imp_##name) params = mutant_##name;
WIN_MUTANT_IMPORTS(WRAP_IMPORT)

#endif /* _WIN32 */
