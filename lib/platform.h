/*
 * platform.h: the platform layer.  System socket headers, the few names
 * POSIX and Winsock spell differently, and the services lib needs from the
 * OS (clock, signals, watchdog).  Implemented in platform_posix.c and
 * platform_win.c; nothing outside those two files tests for the OS.
 */
#ifndef SOCKCONF_PLATFORM_H
#define SOCKCONF_PLATFORM_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#ifdef _WIN32
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0600 /* WSAPoll and struct pollfd */
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#include <basetsd.h>
#include <signal.h>
#ifndef _SSIZE_T_DEFINED
typedef SSIZE_T ssize_t;
#define _SSIZE_T_DEFINED
#endif
#define SHUT_RD SD_RECEIVE
#define SHUT_WR SD_SEND
#define SHUT_RDWR SD_BOTH
#ifndef ESHUTDOWN
#define ESHUTDOWN WSAESHUTDOWN /* Winsock's own: send after SD_SEND, recv after SD_RECEIVE */
#endif
#ifndef ESOCKTNOSUPPORT
#define ESOCKTNOSUPPORT WSAESOCKTNOSUPPORT /* XSI's, which mingw's errno.h lacks */
#endif
#define SC_HAVE_SIGPIPE 0
#define SC_HAVE_AF_UNIX 0
#else
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>
#define SC_HAVE_SIGPIPE 1
#define SC_HAVE_AF_UNIX 1
#if !defined(MSG_NOSIGNAL) && defined(SO_NOSIGPIPE)
/*
 * macOS: no MSG_NOSIGNAL, but the socket option SO_NOSIGPIPE.  A case's
 * MSG_NOSIGNAL is then a bit of lib's own, which the kernel stack's send
 * strips and honours with SO_NOSIGPIPE for that one call (stack_posix.c).
 */
#define SC_MSG_NOSIGNAL_BY_SOCKOPT 0x40000000
#define MSG_NOSIGNAL SC_MSG_NOSIGNAL_BY_SOCKOPT
#endif
#endif

#ifndef MSG_NOSIGNAL
/* Windows: there is no SIGPIPE to suppress.  (A POSIX system with neither
 * MSG_NOSIGNAL nor SO_NOSIGPIPE lands here too: there a case's MSG_NOSIGNAL
 * send to a broken connection dies of SIGPIPE, a crash the runner reports.) */
#define MSG_NOSIGNAL 0
#endif
#ifdef POLLRDHUP
#define SC_POLLRDHUP POLLRDHUP /* Linux: the peer shut down its sending side */
#else
#define SC_POLLRDHUP 0 /* no such event here: cases that need it skip */
#endif
#ifndef SIGPIPE
#define SIGPIPE 13 /* a name for the signal Windows does not have */
#endif

#if defined(__MINGW32__) && !defined(__clang__)
/* with __USE_MINGW_ANSI_STDIO (set by the Makefile) printf is C99's: %zu works */
#define SC_PRINTF(fmt, args) __attribute__((format(gnu_printf, fmt, args)))
#define SC_NORETURN __attribute__((noreturn))
#elif defined(__GNUC__) || defined(__clang__)
#define SC_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define SC_NORETURN __attribute__((noreturn))
#else
#define SC_PRINTF(fmt, args)
#define SC_NORETURN __declspec(noreturn)
#endif

/* Sockets usable (WSAStartup on Windows); stdout unbuffered enough for TAP. */
void sc_plat_init(void);
/* Monotonic milliseconds. */
double sc_plat_now_ms(void);
/* Why a build without packet capture (lib/wire_none.c) cannot watch the wire,
 * in this platform's terms: what to install here; the Windows build has none. */
const char *sc_plat_no_capture(void);
/* A bounded pause of ms; no stack is asked (a pause is not a poll on sockets). */
int sc_plat_pause_ms(int ms);
/* Count deliveries of signo in *counter from now on; 0, or -1 if the OS has no such signal. */
int sc_plat_count_signal(int signo, volatile unsigned *counter);
/*
 * After `ms`, call `fire` (from a signal handler or a watchdog thread: it
 * may only write(2) and _exit).  0 disarms.
 */
void sc_plat_watchdog(unsigned ms, void (*fire)(void));
/* Write the whole buffer to standard output, async-signal-safely. */
void sc_plat_write_stdout(const char *buf, size_t len);
SC_NORETURN void sc_plat_exit_now(int status);
/* The last socket error of the calling thread (errno, or WSAGetLastError mapped to errno). */
int sc_plat_socket_errno(void);

/* Threads, for calls that must block: start fn(arg) detached.  0, or -1. */
int sc_plat_thread_start(void (*fn)(void *), void *arg);
/* The calling thread's id, and whether that thread is asleep in the kernel:
 * 1 yes, 0 no, -1 the platform cannot tell. */
long sc_plat_thread_id(void);
int sc_plat_thread_sleeping(long id);

/* A one-shot event one thread sets and another waits for, with a bound. */
struct sc_plat_event;
struct sc_plat_event *sc_plat_event_new(void);
void sc_plat_event_set(struct sc_plat_event *e);
int sc_plat_event_wait(struct sc_plat_event *e, int timeout_ms); /* 1 set, 0 timed out */

/* A child process that holds our descriptors until killed: an id, or -1
 * (errno ENOSYS where there is no fork). */
long sc_plat_spawn_holder(void);
/* SIGKILL it and wait for it to be gone: 0, or -1 when it outlives the bound. */
int sc_plat_kill_holder(long holder, int timeout_ms);

#endif
