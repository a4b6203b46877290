/*
 * port_posix.c: the agent on the host kernel's sockets.  The stream is
 * stdin/stdout, or `--serial DEV[,BAUD]` (a tty in raw mode); agent.c
 * itself does `--tcp PORT`.  --addr4 A and --addr6 A say where the agent's
 * sockets are reached from the link (the hello's addr4=, addr6=); without
 * them, loopback: the suite's traffic leaves loopback only where it is told
 * which link to use.
 */
/* its own feature macros (tcp_info, cfmakeraw, O_CLOEXEC beside -std=c11): a vendor
 * building it by PORTING.md §3's three lines passes nothing more */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif
#include "agent_port.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__) && defined(__has_include)
#if __has_include(<linux/sockios.h>) /* SIOCOUTQ; musl's headers do not carry it */
#include <linux/sockios.h>
#endif
#endif

static int set_nonblocking(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1)
		return -1;
	return fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

#define BSD_NONBLOCK(s, on) set_nonblocking(s, on)
#include "agent_bsd.h"
#include "agent_errno.h"

static struct {
	int in_fd, out_fd;
	const char *addr4, *addr6;
	struct utsname uts;
	char os[sizeof ((struct utsname *)0)->sysname];
} px = {.in_fd = 0, .out_fd = 1};

void port_log(const char *line) { fprintf(stderr, "%s\n", line); }

static const struct {
	long baud;
	speed_t speed;
} speeds[] = {
	{9600, B9600}, {19200, B19200}, {38400, B38400}, {57600, B57600}, {115200, B115200},
#ifdef B230400
	{230400, B230400},
#endif
#ifdef B460800
	{460800, B460800},
#endif
#ifdef B921600
	{921600, B921600},
#endif
};

/* DEV[,BAUD] opened raw (termios(3), cfmakeraw: no echo, no line editing, 8 bits) */
static int open_serial(char *spec)
{
	char *comma = strchr(spec, ',');
	long baud = 115200;
	struct termios t;
	size_t i;
	int fd;

	if (comma) {
		*comma = '\0';
		baud = strtol(comma + 1, NULL, 10);
	}
	for (i = 0; i < sizeof speeds / sizeof speeds[0] && speeds[i].baud != baud; i++)
		;
	if (i == sizeof speeds / sizeof speeds[0]) {
		fprintf(stderr, "sockconf-agent: --serial %s,%ld: no such speed (9600..921600)\n", spec, baud);
		return -1;
	}
	fd = open(spec, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd == -1 || tcgetattr(fd, &t) == -1) {
		fprintf(stderr, "sockconf-agent: --serial %s: %s\n", spec, strerror(errno));
		return -1;
	}
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (cfsetispeed(&t, speeds[i].speed) == -1 || cfsetospeed(&t, speeds[i].speed) == -1 ||
	    tcsetattr(fd, TCSANOW, &t) == -1) {
		fprintf(stderr, "sockconf-agent: --serial %s: %s\n", spec, strerror(errno));
		return -1;
	}
	px.in_fd = px.out_fd = fd;
	return 0;
}

int port_init(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--serial") == 0 && i + 1 < argc) {
			if (open_serial(argv[++i]) == -1)
				return -1;
		} else if (strcmp(argv[i], "--addr4") == 0 && i + 1 < argc) {
			px.addr4 = argv[++i];
		} else if (strcmp(argv[i], "--addr6") == 0 && i + 1 < argc) {
			px.addr6 = argv[++i];
		} else {
			fprintf(stderr, "sockconf-agent: %s: unknown option\n"
				"usage: sockconf-agent [--tcp PORT | --tcp6 PORT | --serial DEV[,BAUD]] "
				"[--addr4 A] [--addr6 A]\n", argv[i]);
			return -1;
		}
	}
	/* a send on a connection the peer reset must fail with EPIPE, not end the agent */
	signal(SIGPIPE, SIG_IGN);
	if (uname(&px.uts) == -1)
		return -1;
	for (size_t i = 0; px.uts.sysname[i] && i < sizeof px.os - 1; i++)
		px.os[i] = (char)(px.uts.sysname[i] >= 'A' && px.uts.sysname[i] <= 'Z'
				     ? px.uts.sysname[i] - 'A' + 'a' : px.uts.sysname[i]);
	if (!px.addr4)
		px.addr4 = "127.0.0.1";
	if (!px.addr6)
		px.addr6 = "::1";
	return 0;
}

void port_identity(struct agent_identity *id)
{
	id->stack = "kernel"; /* the platform's own stack, as lib/stacks.c names it */
	id->version = px.uts.release;
	id->os = px.os;       /* linux, freebsd, darwin */
	id->machine = px.uts.machine;
	id->addr4 = px.addr4;
	id->addr6 = px.addr6;
}

unsigned long port_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (unsigned long)t.tv_sec * 1000ul + (unsigned long)(t.tv_nsec / 1000000);
}

int port_console_open(void) { return 0; }

long port_console_read(char *buf, size_t max, int timeout_ms)
{
	struct pollfd p = {px.in_fd, POLLIN, 0};
	ssize_t n;
	int r;

	while ((r = poll(&p, 1, timeout_ms)) == -1 && errno == EINTR)
		;
	if (r == -1)
		return -1;
	if (r == 0)
		return 0;
	while ((n = read(px.in_fd, buf, max)) == -1 && errno == EINTR)
		;
	return n > 0 ? (long)n : -1;
}

int port_console_write(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(px.out_fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int port_tcp_state(agent_sock s)
{
#if defined(__linux__) && defined(TCP_INFO)
	/* the kernel's numbering: include/net/tcp_states.h */
	static const int from_linux[] = {
		[1] = AGENT_TCP_ESTABLISHED, [2] = AGENT_TCP_SYN_SENT, [3] = AGENT_TCP_SYN_RECEIVED,
		[4] = AGENT_TCP_FIN_WAIT_1, [5] = AGENT_TCP_FIN_WAIT_2, [6] = AGENT_TCP_TIME_WAIT,
		[7] = AGENT_TCP_CLOSED, [8] = AGENT_TCP_CLOSE_WAIT, [9] = AGENT_TCP_LAST_ACK,
		[10] = AGENT_TCP_LISTEN, [11] = AGENT_TCP_CLOSING,
	};
	struct tcp_info info;
	socklen_t len = sizeof info;

	if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &info, &len) == -1)
		return -1;
	if (info.tcpi_state < 1 || info.tcpi_state >= sizeof from_linux / sizeof from_linux[0])
		return AGENT_NOT_SUPPORTED;
	return from_linux[info.tcpi_state];
#else
	(void)s;
	return AGENT_NOT_SUPPORTED;
#endif
}

/* SIOCOUTQ: bytes queued not yet acknowledged, sent or not, the FIN counted
 * (tcp(7); net/ipv4/tcp.c tcp_ioctl: write_seq - snd_una; 0 during the handshake) */
long port_unacked(agent_sock s)
{
#if defined(__linux__) && defined(SIOCOUTQ)
	int n;

	if (ioctl(s, SIOCOUTQ, &n) == -1)
		return -1;
	return n;
#else
	(void)s;
	return AGENT_NOT_SUPPORTED;
#endif
}
