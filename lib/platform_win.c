/*
 * platform_win.c: the platform layer on Windows (Winsock 2, mingw-w64 or
 * MSVC).  The twin of platform_posix.c; see platform.h for the contract.
 *
 * Where Windows has no equivalent the answer says so instead of faking
 * one: there is no SIGPIPE (sc_plat_count_signal returns -1 and the case
 * SKIPs), and signals in general are the C runtime's six.
 */
#include "platform.h"
#include "platform_win.h"

#include <windows.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- Winsock errors as errno --------------------------------------------- */

int sc_win_errno(int wsa)
{
	switch (wsa) {
	case 0: return 0;
	case WSAEINTR: return EINTR;
	case WSAEBADF: return EBADF;
	case WSAEACCES: return EACCES;
	case WSAEFAULT: return EFAULT;
	case WSAEINVAL: return EINVAL;
	case WSAEMFILE: return EMFILE;
	case WSAEWOULDBLOCK: return EWOULDBLOCK; /* mingw/MSVC: 140, not EAGAIN (11) */
	case WSAEINPROGRESS: return EINPROGRESS;
	case WSAEALREADY: return EALREADY;
	case WSAENOTSOCK: return ENOTSOCK;
	case WSAEDESTADDRREQ: return EDESTADDRREQ;
	case WSAEMSGSIZE: return EMSGSIZE;
	case WSAEPROTOTYPE: return EPROTOTYPE;
	case WSAENOPROTOOPT: return ENOPROTOOPT;
	case WSAEPROTONOSUPPORT: return EPROTONOSUPPORT;
	case WSAESOCKTNOSUPPORT:
#ifdef ESOCKTNOSUPPORT
		return ESOCKTNOSUPPORT;
#else
		return EPROTONOSUPPORT;
#endif
	case WSAEOPNOTSUPP: return EOPNOTSUPP;
	case WSAEPFNOSUPPORT: /* protocol family: POSIX has only the address family */
	case WSAEAFNOSUPPORT: return EAFNOSUPPORT;
	case WSAEADDRINUSE: return EADDRINUSE;
	case WSAEADDRNOTAVAIL: return EADDRNOTAVAIL;
	case WSAENETDOWN: return ENETDOWN;
	case WSAENETUNREACH: return ENETUNREACH;
	case WSAENETRESET: return ENETRESET;
	case WSAECONNABORTED: return ECONNABORTED;
	case WSAECONNRESET: return ECONNRESET;
	case WSAENOBUFS: return ENOBUFS;
	case WSAEISCONN: return EISCONN;
	case WSAENOTCONN: return ENOTCONN;
	case WSAESHUTDOWN:
#ifdef ESHUTDOWN
		return ESHUTDOWN;
#else
		return EPIPE; /* see platform_win.h */
#endif
	case WSAETIMEDOUT: return ETIMEDOUT;
	case WSAECONNREFUSED: return ECONNREFUSED;
	case WSAELOOP: return ELOOP;
	case WSAENAMETOOLONG: return ENAMETOOLONG;
	case WSAEHOSTDOWN:
#ifdef EHOSTDOWN
		return EHOSTDOWN;
#else
		return EHOSTUNREACH;
#endif
	case WSAEHOSTUNREACH: return EHOSTUNREACH;
	case WSAENOTEMPTY: return ENOTEMPTY;
	case WSA_INVALID_HANDLE: return EBADF;
	case WSA_NOT_ENOUGH_MEMORY: return ENOMEM;
	case WSA_INVALID_PARAMETER: return EINVAL;
	case WSA_OPERATION_ABORTED: return EINTR;
	default: return wsa; /* WSANOTINITIALISED, WSAEPROCLIM, ...: shown as the number */
	}
}

int sc_win_startup(void)
{
	static int started;
	WSADATA data;
	int err;

	if (started)
		return 0;
	err = WSAStartup(MAKEWORD(2, 2), &data);
	if (err == 0)
		started = 1;
	return err;
}

/* ---- process set-up -------------------------------------------------------- */

void sc_plat_init(void)
{
	int err = sc_win_startup();

	/*
	 * A crash ends the case with its NTSTATUS (the runner reports it)
	 * instead of a Windows Error Reporting dialog that waits for a click
	 * until the runner's timeout.
	 */
	SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
	/* TAP lines end in "\n", as on POSIX, not "\r\n" */
	_setmode(_fileno(stdout), _O_BINARY);
	_setmode(_fileno(stderr), _O_BINARY);
	if (err != 0)
		fprintf(stderr, "sockconf: WSAStartup failed: Winsock error %d\n", err);
}

double sc_plat_now_ms(void)
{
	static LARGE_INTEGER freq;
	LARGE_INTEGER now;

	if (freq.QuadPart == 0)
		QueryPerformanceFrequency(&freq); /* never fails on XP and later */
	QueryPerformanceCounter(&now);
	return (double)now.QuadPart * 1e3 / (double)freq.QuadPart;
}

/* ---- signals: the C runtime's SIGINT, SIGILL, SIGFPE, SIGSEGV, SIGTERM, SIGBREAK, SIGABRT ---- */

#define MAX_COUNTED 64
static volatile unsigned *signal_counters[MAX_COUNTED];

static void count_signal(int signo)
{
	/* The Microsoft C runtime resets the handler to SIG_DFL before calling it. */
	signal(signo, count_signal);
	if (signo > 0 && signo < MAX_COUNTED && signal_counters[signo])
		(*signal_counters[signo])++;
}

int sc_plat_count_signal(int signo, volatile unsigned *counter)
{
	if (signo == SIGPIPE || signo <= 0 || signo >= MAX_COUNTED)
		return -1; /* Windows has no SIGPIPE: a send on a broken connection only fails */
	signal_counters[signo] = counter;
	if (signal(signo, count_signal) == SIG_ERR) {
		signal_counters[signo] = NULL;
		return -1;
	}
	return 0;
}

/* ---- the watchdog: a timer-queue timer calls fire() on a pool thread ------- */

static HANDLE watchdog_timer;
static void (*watchdog_fire)(void);

static VOID CALLBACK on_watchdog(PVOID param, BOOLEAN timer_fired)
{
	(void)param, (void)timer_fired;
	if (watchdog_fire)
		watchdog_fire(); /* writes with WriteFile and ends the process */
}

void sc_plat_watchdog(unsigned ms, void (*fire)(void))
{
	if (watchdog_timer) {
		/* NULL: do not wait for a callback that is running (it ends the process anyway) */
		DeleteTimerQueueTimer(NULL, watchdog_timer, NULL);
		watchdog_timer = NULL;
	}
	watchdog_fire = fire;
	if (ms && fire &&
	    !CreateTimerQueueTimer(&watchdog_timer, NULL, on_watchdog, NULL, ms, 0,
				   WT_EXECUTEONLYONCE | WT_EXECUTELONGFUNCTION))
		watchdog_timer = NULL; /* no watchdog: the runner's timeout still ends the case */
}

/* ---- output and exit ------------------------------------------------------- */

void sc_plat_write_stdout(const char *buf, size_t len)
{
	/* The raw handle, not the CRT's FILE: safe from the watchdog thread while main holds stdout's lock. */
	HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);

	if (out == NULL || out == INVALID_HANDLE_VALUE)
		return;
	while (len) {
		DWORD chunk = len > 0x10000000u ? 0x10000000u : (DWORD)len, done = 0;

		if (!WriteFile(out, buf, chunk, &done, NULL) || done == 0)
			return;
		buf += done, len -= done;
	}
}

void sc_plat_exit_now(int status)
{
	/*
	 * Like _exit(2): no atexit handlers, no stdio flush, no DLL detach
	 * notifications (which could wait on a lock the interrupted main
	 * thread holds).  Open sockets are closed by the system.
	 */
	TerminateProcess(GetCurrentProcess(), (UINT)status);
	ExitProcess((UINT)status); /* not reached */
}

/*
 * The last socket error.  Every call through stack_win.c stores its mapped
 * error in errno and leaves WSAGetLastError() as Winsock set it (so
 * Windows-style case code can read either), and clears the Winsock error
 * when the call succeeds.  So a non-zero Winsock error is the most recent
 * failure: a stack call, or a Winsock function a Windows-only case called
 * directly.  Zero means the last failure was lib's own (EMFILE from the
 * descriptor table, EINVAL from poll), which only errno holds.
 */
int sc_plat_socket_errno(void)
{
	int wsa = WSAGetLastError();

	return wsa ? sc_win_errno(wsa) : errno;
}
