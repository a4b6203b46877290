/*
 * port_winsock.c: the agent on Winsock 2.  The stream is stdin/stdout (raw
 * Win32 handles: no text-mode translation); agent.c itself does --tcp.
 *
 * Errors are WSAGetLastError()'s, named without their WSA prefix
 * (WSAECONNRESET is ECONNRESET; WSAEWOULDBLOCK is EAGAIN, as the protocol
 * spells EWOULDBLOCK).  state and unacked come from SIO_TCP_INFO (Windows
 * 10 1703 on; where the ioctl is refused, ENOSYS): its BytesInFlight counts
 * bytes sent and not acknowledged, not those still queued unsent as Linux's
 * SIOCOUTQ does.
 */
#define WIN32_LEAN_AND_MEAN
/* Windows 10 1703's headers (TCP_INFO_v0); the calls are looked for at run time or
 * fail with an error the hooks turn into ENOSYS, so older Windows runs it too */
#define _WIN32_WINNT 0x0A00
#define NTDDI_VERSION 0x0A000003 /* NTDDI_WIN10_RS2 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>
#include <windows.h>

#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <string.h>

#include "agent_port.h"

/* IPPROTO_TCP options of Windows 10 1709 on (Microsoft Learn, "IPPROTO_TCP socket
 * options"), which this mingw-w64's headers may not name */
#ifndef TCP_KEEPIDLE
#define TCP_KEEPIDLE 3 /* TCP_KEEPALIVE: seconds idle before the first probe */
#endif
#ifndef TCP_KEEPCNT
#define TCP_KEEPCNT 16
#endif
#ifndef TCP_KEEPINTVL
#define TCP_KEEPINTVL 17
#endif

static int win_nonblock(SOCKET s, int on)
{
	u_long arg = on != 0;

	return ioctlsocket(s, (long)FIONBIO, &arg);
}

#define BSD_CLOSE(s) closesocket(s)
#define BSD_POLL(f, n, t) WSAPoll(f, n, t)
#define BSD_NONBLOCK(s, on) win_nonblock(s, on)
#define BSD_ERRNO() WSAGetLastError()
#define BSD_SET_ERRNO(e) WSASetLastError(e)
#define BSD_E(name) WSAE##name
#define BSD_SHUT_RD SD_RECEIVE
#define BSD_SHUT_WR SD_SEND
#define BSD_SHUT_RDWR SD_BOTH
#include "agent_bsd.h"

static const struct {
	int err;
	const char *name;
} wsa_names[] = {
	{WSAEWOULDBLOCK, "EAGAIN"}, {WSAEINTR, "EINTR"}, {WSAEBADF, "EBADF"}, {WSAEACCES, "EACCES"},
	{WSAEFAULT, "EFAULT"}, {WSAEINVAL, "EINVAL"}, {WSAEMFILE, "EMFILE"},
	{WSAEINPROGRESS, "EINPROGRESS"}, {WSAEALREADY, "EALREADY"}, {WSAENOTSOCK, "ENOTSOCK"},
	{WSAEDESTADDRREQ, "EDESTADDRREQ"}, {WSAEMSGSIZE, "EMSGSIZE"}, {WSAEPROTOTYPE, "EPROTOTYPE"},
	{WSAENOPROTOOPT, "ENOPROTOOPT"}, {WSAEPROTONOSUPPORT, "EPROTONOSUPPORT"},
	{WSAESOCKTNOSUPPORT, "ESOCKTNOSUPPORT"}, {WSAEOPNOTSUPP, "EOPNOTSUPP"},
	{WSAEPFNOSUPPORT, "EPFNOSUPPORT"}, {WSAEAFNOSUPPORT, "EAFNOSUPPORT"},
	{WSAEADDRINUSE, "EADDRINUSE"}, {WSAEADDRNOTAVAIL, "EADDRNOTAVAIL"}, {WSAENETDOWN, "ENETDOWN"},
	{WSAENETUNREACH, "ENETUNREACH"}, {WSAENETRESET, "ENETRESET"}, {WSAECONNABORTED, "ECONNABORTED"},
	{WSAECONNRESET, "ECONNRESET"}, {WSAENOBUFS, "ENOBUFS"}, {WSAEISCONN, "EISCONN"},
	{WSAENOTCONN, "ENOTCONN"}, {WSAESHUTDOWN, "ESHUTDOWN"}, {WSAETOOMANYREFS, "ETOOMANYREFS"},
	{WSAETIMEDOUT, "ETIMEDOUT"}, {WSAECONNREFUSED, "ECONNREFUSED"}, {WSAELOOP, "ELOOP"},
	{WSAENAMETOOLONG, "ENAMETOOLONG"}, {WSAEHOSTDOWN, "EHOSTDOWN"}, {WSAEHOSTUNREACH, "EHOSTUNREACH"},
	{WSAENOTEMPTY, "ENOTEMPTY"}, {WSAEPROCLIM, "EPROCLIM"}, {WSAEUSERS, "EUSERS"},
	{WSAEDQUOT, "EDQUOT"}, {WSAESTALE, "ESTALE"}, {WSAEREMOTE, "EREMOTE"},
	{WSAEDISCON, "EDISCON"}, {WSAENOMORE, "ENOMORE"}, {WSAECANCELLED, "ECANCELLED"},
	{WSASYSNOTREADY, "WSASYSNOTREADY"}, {WSAVERNOTSUPPORTED, "WSAVERNOTSUPPORTED"},
	{WSANOTINITIALISED, "WSANOTINITIALISED"}, {WSA_NOT_ENOUGH_MEMORY, "ENOMEM"},
	{WSA_INVALID_PARAMETER, "EINVAL"}, {WSA_OPERATION_ABORTED, "ECANCELLED"},
};

const char *port_errname(int err)
{
	for (size_t i = 0; i < sizeof wsa_names / sizeof wsa_names[0]; i++)
		if (wsa_names[i].err == err)
			return wsa_names[i].name;
	return NULL;
}

static struct {
	HANDLE in, out;
	char version[16], os[48], extra[48];
	const char *machine;
} ws;

void port_log(const char *line) { fprintf(stderr, "%s\n", line); }

unsigned long port_now_ms(void) { return (unsigned long)GetTickCount64(); }

/* RtlGetVersion: the version Windows is, not the one a manifest lets GetVersionEx say */
static void find_os(void)
{
	typedef LONG(WINAPI * get_version_fn)(OSVERSIONINFOW *);
	typedef const char *(CDECL * wine_version_fn)(void);
	HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
	OSVERSIONINFOW v;
	get_version_fn get_version = NULL;
	wine_version_fn wine_version = NULL;
	SYSTEM_INFO si;

	strcpy(ws.os, "windows");
	if (ntdll) {
		/* casts through FARPROC: the documented way to call what GetProcAddress finds */
		get_version = (get_version_fn)(void (*)(void))GetProcAddress(ntdll, "RtlGetVersion");
		wine_version = (wine_version_fn)(void (*)(void))GetProcAddress(ntdll, "wine_get_version");
	}
	memset(&v, 0, sizeof v);
	v.dwOSVersionInfoSize = sizeof v;
	if (get_version && get_version(&v) == 0)
		snprintf(ws.os, sizeof ws.os, "windows-%lu.%lu.%lu", v.dwMajorVersion, v.dwMinorVersion,
			 v.dwBuildNumber);
	if (wine_version) /* Wine's Winsock is the Linux kernel's sockets underneath (BRIEF.md 8) */
		snprintf(ws.extra, sizeof ws.extra, "wine=%s", wine_version());
	GetNativeSystemInfo(&si);
	ws.machine = si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_AMD64 ? "x86_64"
		: si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_ARM64 ? "aarch64"
		: si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_INTEL ? "i686" : "unknown";
}

int port_init(int argc, char **argv)
{
	WSADATA wsa;
	int err;

	if (argc > 1) {
		fprintf(stderr, "sockconf-agent: %s: unknown option\nusage: sockconf-agent [--tcp PORT | --tcp6 PORT]\n",
			argv[1]);
		return -1;
	}
	err = WSAStartup(MAKEWORD(2, 2), &wsa);
	if (err != 0) {
		fprintf(stderr, "sockconf-agent: WSAStartup: error %d\n", err);
		return -1;
	}
	snprintf(ws.version, sizeof ws.version, "%u.%u", LOBYTE(wsa.wVersion), HIBYTE(wsa.wVersion));
	_setmode(_fileno(stdin), _O_BINARY);
	_setmode(_fileno(stdout), _O_BINARY);
	ws.in = GetStdHandle(STD_INPUT_HANDLE);
	ws.out = GetStdHandle(STD_OUTPUT_HANDLE);
	find_os();
	return 0;
}

void port_identity(struct agent_identity *id)
{
	id->stack = "winsock";
	id->version = ws.version;
	id->os = ws.os;
	id->machine = ws.machine;
	id->extra = ws.extra[0] ? ws.extra : NULL;
}

/*
 * stdin has no wait with a timeout that holds for every kind of handle
 * (PeekNamedPipe fails on Wine's stdin, a Linux pipe), so a thread of the
 * port reads it, a chunk at a time, and hands each chunk over: `ready`
 * (manual reset) is set while a chunk or the end waits, `consumed` (auto
 * reset) lets the thread read the next.  The agent itself keeps one thread.
 */
static struct {
	HANDLE ready, consumed;
	char chunk[4096];
	DWORD len, off;
	volatile LONG ended;
} rd;

static DWORD WINAPI stdin_reader(LPVOID unused)
{
	(void)unused;
	for (;;) {
		DWORD got = 0;

		if (!ReadFile(ws.in, rd.chunk, sizeof rd.chunk, &got, NULL) || got == 0) {
			rd.len = rd.off = 0;
			rd.ended = 1;
			SetEvent(rd.ready);
			return 0;
		}
		rd.len = got;
		rd.off = 0;
		SetEvent(rd.ready);
		WaitForSingleObject(rd.consumed, INFINITE);
	}
}

int port_console_open(void)
{
	if (rd.ready)
		return rd.ended ? -1 : 0;
	rd.ready = CreateEventW(NULL, TRUE, FALSE, NULL);
	rd.consumed = CreateEventW(NULL, FALSE, FALSE, NULL);
	if (!rd.ready || !rd.consumed || !CreateThread(NULL, 0, stdin_reader, NULL, 0, NULL)) {
		port_log("sockconf-agent: cannot start the thread that reads stdin");
		return -1;
	}
	return 0;
}

long port_console_read(char *buf, size_t max, int timeout_ms)
{
	DWORD n;

	if (WaitForSingleObject(rd.ready, timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms) != WAIT_OBJECT_0)
		return 0;
	if (rd.off == rd.len)
		return -1; /* only the end is set ready with nothing in it */
	n = rd.len - rd.off < max ? rd.len - rd.off : (DWORD)max;
	memcpy(buf, rd.chunk + rd.off, n);
	rd.off += n;
	if (rd.off == rd.len) {
		ResetEvent(rd.ready);
		SetEvent(rd.consumed);
	}
	return (long)n;
}

int port_console_write(const char *buf, size_t len)
{
	while (len > 0) {
		DWORD put = 0;
		if (!WriteFile(ws.out, buf, (DWORD)len, &put, NULL) || put == 0)
			return -1;
		buf += put;
		len -= put;
	}
	return 0;
}

/* SIO_TCP_INFO version 0 (Microsoft Learn, SIO_TCP_INFO): 0, or -1 with the error set */
static int tcp_info(agent_sock s, TCP_INFO_v0 *info)
{
	DWORD version = 0, got = 0;

	return WSAIoctl((SOCKET)s, SIO_TCP_INFO, &version, sizeof version, info, sizeof *info, &got, NULL,
			NULL) == 0 ? 0 : -1;
}

static int tcp_info_missing(void)
{
	int err = WSAGetLastError();
	return err == WSAEOPNOTSUPP || err == WSAEINVAL;
}

int port_tcp_state(agent_sock s)
{
	static const int from_windows[] = { /* mstcpip.h's TCPSTATE, in its order */
		[TCPSTATE_CLOSED] = AGENT_TCP_CLOSED, [TCPSTATE_LISTEN] = AGENT_TCP_LISTEN,
		[TCPSTATE_SYN_SENT] = AGENT_TCP_SYN_SENT, [TCPSTATE_SYN_RCVD] = AGENT_TCP_SYN_RECEIVED,
		[TCPSTATE_ESTABLISHED] = AGENT_TCP_ESTABLISHED, [TCPSTATE_FIN_WAIT_1] = AGENT_TCP_FIN_WAIT_1,
		[TCPSTATE_FIN_WAIT_2] = AGENT_TCP_FIN_WAIT_2, [TCPSTATE_CLOSE_WAIT] = AGENT_TCP_CLOSE_WAIT,
		[TCPSTATE_CLOSING] = AGENT_TCP_CLOSING, [TCPSTATE_LAST_ACK] = AGENT_TCP_LAST_ACK,
		[TCPSTATE_TIME_WAIT] = AGENT_TCP_TIME_WAIT,
	};
	TCP_INFO_v0 info;

	if (tcp_info(s, &info) == -1)
		return tcp_info_missing() ? AGENT_NOT_SUPPORTED : -1;
	return (unsigned)info.State < sizeof from_windows / sizeof from_windows[0] ? from_windows[info.State]
		: AGENT_NOT_SUPPORTED;
}

long port_unacked(agent_sock s)
{
	TCP_INFO_v0 info;

	if (tcp_info(s, &info) == -1)
		return tcp_info_missing() ? AGENT_NOT_SUPPORTED : -1;
	return (long)info.BytesInFlight;
}
