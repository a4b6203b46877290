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
#include "outcome.h" /* sc_format_errno */

#include <windows.h>
#include <winternl.h>
#include <fcntl.h>
#include <io.h>
#include <process.h>
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
	case WSAESHUTDOWN: return ESHUTDOWN; /* not EPIPE: see platform_win.h */
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

const char *sc_plat_no_capture(void)
{
	/* no libpcap to install: the Windows build captures nothing (a Linux host's run watches the wire) */
	return "the Windows build has no packet capture: the wire cannot be watched";
}

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
	if (err != 0) {
		char name[64];
		sc_format_errno(name, sizeof name, err); /* "WSASYSNOTREADY (10091)" */
		fprintf(stderr, "sockconf: WSAStartup failed: %s\n", name);
	}
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

int sc_plat_pause_ms(int ms)
{
	Sleep((DWORD)(ms > 0 ? ms : 0));
	return 0;
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

/* ---- threads ---------------------------------------------------------------- */

struct thread_start {
	void (*fn)(void *);
	void *arg;
};

static unsigned __stdcall thread_main(void *p)
{
	struct thread_start ts = *(struct thread_start *)p;

	free(p);
	ts.fn(ts.arg);
	return 0;
}

int sc_plat_thread_start(void (*fn)(void *), void *arg)
{
	struct thread_start *ts = malloc(sizeof *ts);
	uintptr_t h;

	if (!ts)
		return -1;
	ts->fn = fn, ts->arg = arg;
	/* _beginthreadex, not CreateThread: the thread uses the C runtime (errno) */
	h = _beginthreadex(NULL, 0, thread_main, ts, 0, NULL);
	if (h == 0) {
		free(ts);
		return -1;
	}
	CloseHandle((HANDLE)h); /* detached */
	return 0;
}

long sc_plat_thread_id(void)
{
	return (long)GetCurrentThreadId();
}

/*
 * Whether a thread of this process is in a wait (a blocking recv() waits
 * on the socket's completion event): the scheduler state from
 * NtQuerySystemInformation(SystemProcessInformation), whose records
 * (winternl.h) are followed by one SYSTEM_THREAD_INFORMATION a thread.
 * The answer is trusted only if the calling thread, which is running,
 * shows as running: Wine 8.0 reports every thread as "initialized".
 */
#define SC_SYSTEM_PROCESS_INFORMATION 5
#define SC_STATUS_INFO_LENGTH_MISMATCH ((LONG)0xC0000004L)
#define SC_THREAD_STATE_RUNNING 2
#define SC_THREAD_STATE_WAIT 5

typedef LONG(WINAPI *query_system_information_fn)(int, void *, ULONG, ULONG *);

int sc_plat_thread_sleeping(long id)
{
	static query_system_information_fn query;
	static char *buf;
	static ULONG size;
	const SYSTEM_THREAD_INFORMATION *self = NULL, *target = NULL;
	ULONG need = 0;
	LONG status;
	char *p;

	if (id < 0)
		return -1;
	if (!query) {
		HMODULE ntdll = GetModuleHandleA("ntdll.dll");

		if (!ntdll)
			return -1;
		query = (query_system_information_fn)(void (*)(void))GetProcAddress(
			ntdll, "NtQuerySystemInformation");
		if (!query)
			return -1;
	}
	for (;;) {
		if (!buf) {
			size = size ? size : 1u << 18;
			buf = malloc(size);
			if (!buf)
				return -1;
		}
		status = query(SC_SYSTEM_PROCESS_INFORMATION, buf, size, &need);
		if (status != SC_STATUS_INFO_LENGTH_MISMATCH || size >= (1u << 26))
			break;
		free(buf), buf = NULL; /* the process list grew: a larger snapshot */
		size = need > size ? need + (1u << 16) : size * 2;
	}
	if (status < 0)
		return -1;
	for (p = buf;;) {
		const SYSTEM_PROCESS_INFORMATION *proc = (const SYSTEM_PROCESS_INFORMATION *)p;

		if ((DWORD)(ULONG_PTR)proc->UniqueProcessId == GetCurrentProcessId()) {
			const SYSTEM_THREAD_INFORMATION *t =
				(const SYSTEM_THREAD_INFORMATION *)(p + sizeof *proc);

			for (ULONG i = 0; i < proc->NumberOfThreads; i++) {
				DWORD tid = (DWORD)(ULONG_PTR)t[i].ClientId.UniqueThread;

				if (tid == GetCurrentThreadId())
					self = &t[i];
				if (tid == (DWORD)id)
					target = &t[i];
			}
			break;
		}
		if (!proc->NextEntryOffset)
			break;
		p += proc->NextEntryOffset;
	}
	if (!self || !target || self->ThreadState != SC_THREAD_STATE_RUNNING)
		return -1;
	return target->ThreadState == SC_THREAD_STATE_WAIT;
}

/* ---- events: a manual-reset event object ------------------------------------ */

struct sc_plat_event {
	HANDLE h;
};

struct sc_plat_event *sc_plat_event_new(void)
{
	struct sc_plat_event *e = malloc(sizeof *e);

	if (!e)
		return NULL;
	e->h = CreateEventA(NULL, TRUE, FALSE, NULL);
	if (!e->h) {
		free(e);
		return NULL;
	}
	return e;
}

void sc_plat_event_set(struct sc_plat_event *e)
{
	SetEvent(e->h);
}

int sc_plat_event_wait(struct sc_plat_event *e, int timeout_ms)
{
	return WaitForSingleObject(e->h, timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms) ==
	       WAIT_OBJECT_0;
}

/* ---- the holder: a process that owns copies of our sockets ------------------ */

/*
 * Windows has no fork(), but a child process created with handle
 * inheritance gets a copy of every inheritable handle, and sockets are
 * inheritable (socket() and accept() without WSA_FLAG_NO_HANDLE_INHERIT):
 * the child's handle refers to the same socket, as a forked child's
 * descriptor does.  The child is this program, created suspended: it never
 * runs, holds the handles until it is terminated, and, started by a case
 * in the runner's job, cannot outlive the job.
 */
#define MAX_HOLDERS 16
static struct {
	DWORD pid;
	HANDLE process;
} holders[MAX_HOLDERS];

long sc_plat_spawn_holder(void)
{
	WCHAR exe[MAX_PATH + 1], cmd[MAX_PATH + 16];
	STARTUPINFOW si;
	PROCESS_INFORMATION pi;
	DWORD n = GetModuleFileNameW(NULL, exe, MAX_PATH);
	int slot = -1;

	for (int i = 0; i < MAX_HOLDERS && slot < 0; i++)
		if (!holders[i].process)
			slot = i;
	if (n == 0 || n >= MAX_PATH || slot < 0) {
		errno = slot < 0 ? EAGAIN : ENOENT;
		return -1;
	}
	exe[n] = L'\0';
	_snwprintf(cmd, sizeof cmd / sizeof cmd[0], L"\"%ls\" --holder", exe);
	cmd[sizeof cmd / sizeof cmd[0] - 1] = L'\0';
	memset(&si, 0, sizeof si);
	si.cb = sizeof si;
	fflush(stdout);
	if (!CreateProcessW(exe, cmd, NULL, NULL, TRUE, CREATE_SUSPENDED | DETACHED_PROCESS, NULL,
			    NULL, &si, &pi)) {
		errno = EAGAIN;
		return -1;
	}
	CloseHandle(pi.hThread);
	holders[slot].pid = pi.dwProcessId;
	holders[slot].process = pi.hProcess;
	return (long)pi.dwProcessId;
}

int sc_plat_kill_holder(long holder, int timeout_ms)
{
	for (int i = 0; i < MAX_HOLDERS; i++) {
		DWORD r;

		if (!holders[i].process || holders[i].pid != (DWORD)holder)
			continue;
		TerminateProcess(holders[i].process, 137); /* 128 + SIGKILL */
		r = WaitForSingleObject(holders[i].process,
					timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms);
		if (r != WAIT_OBJECT_0)
			return -1; /* still listed: a later call can wait again */
		CloseHandle(holders[i].process);
		holders[i].process = NULL;
		return 0;
	}
	errno = ESRCH;
	return -1;
}
