/*
 * agent.h: what agent.c asks of a port, and the values they exchange.
 *
 * A port is a directory with agent_port.h, which defines `agent_sock` (the
 * stack's socket handle), AGENT_NO_SOCK (a value no socket has) and any of
 * the settings below, then includes this file; and usually one .c that
 * implements the port_* functions declared here.  lib/agent/PORTING.md says
 * what each one must do; port_posix/ and port_lwip/ are worked examples.
 *
 * Every value crossing this line is the agent's own (AGENT_*), never the
 * stack's constants: the port translates, so agent.c needs no header of
 * the stack's and compiles anywhere C11 does.
 */
#ifndef SOCKCONF_AGENT_H
#define SOCKCONF_AGENT_H

#include <stddef.h>

/* ---- settings a port may define before including this file ---- */
#ifndef AGENT_MAX_HANDLES
#define AGENT_MAX_HANDLES 64 /* sockets of one session */
#endif
#ifndef AGENT_MAX_PARKED
#define AGENT_MAX_PARKED 16 /* blocking calls waiting at once */
#endif
#ifndef AGENT_POLL_MAX
#define AGENT_POLL_MAX 16 /* handles in one poll request */
#endif
/* 1 where accept()'s socket takes the listener's O_NONBLOCK (BSD, Winsock), 0 where
 * it is always blocking (Linux: accept(2), NOTES; lwIP) */
#ifndef PORT_ACCEPT_INHERITS_NONBLOCK
#define PORT_ACCEPT_INHERITS_NONBLOCK 0
#endif

/* ---- values ---- */
enum { AGENT_INET = 1, AGENT_INET6 = 2 }; /* families; bits in agent_identity.families */
enum { AGENT_STREAM = 1, AGENT_DGRAM = 2 };
enum { AGENT_SHUT_RD, AGENT_SHUT_WR, AGENT_SHUT_RDWR };
enum { AGENT_MSG_PEEK = 1, AGENT_MSG_DONTWAIT = 2, AGENT_MSG_NOSIGNAL = 4, AGENT_MSG_OOB = 8 };
enum {
	AGENT_POLLIN = 1, AGENT_POLLOUT = 2, AGENT_POLLPRI = 4, AGENT_POLLERR = 8,
	AGENT_POLLHUP = 16, AGENT_POLLNVAL = 32, AGENT_POLLRDHUP = 64
};
enum agent_opt {
	AGENT_SO_LINGER,     /* 2 values: on/off, seconds */
	AGENT_SO_ERROR,      /* get only: the stack's error number (port_errname names it) */
	AGENT_SO_RCVBUF, AGENT_SO_SNDBUF, AGENT_SO_KEEPALIVE, AGENT_SO_REUSEADDR,
	AGENT_TCP_NODELAY, AGENT_TCP_KEEPIDLE, AGENT_TCP_KEEPINTVL, AGENT_TCP_KEEPCNT,
	AGENT_SO_TYPE,       /* get only: AGENT_STREAM or AGENT_DGRAM */
	AGENT_SO_DONTLINGER  /* Winsock's */
};
enum agent_tcp_state {
	AGENT_TCP_CLOSED, AGENT_TCP_LISTEN, AGENT_TCP_SYN_SENT, AGENT_TCP_SYN_RECEIVED,
	AGENT_TCP_ESTABLISHED, AGENT_TCP_FIN_WAIT_1, AGENT_TCP_FIN_WAIT_2, AGENT_TCP_CLOSE_WAIT,
	AGENT_TCP_CLOSING, AGENT_TCP_LAST_ACK, AGENT_TCP_TIME_WAIT
};
/* what port_tcp_state() and port_unacked() answer when the stack cannot tell (ENOSYS) */
#define AGENT_NOT_SUPPORTED (-2)

struct agent_addr {
	int family;            /* AGENT_INET or AGENT_INET6 */
	unsigned char ip[16];  /* network order: 4 bytes for inet, 16 for inet6 */
	unsigned port;         /* host order */
};

struct agent_pollfd {
	agent_sock s;
	int events, revents;   /* AGENT_POLL* bits */
};

/* Who the agent is: text without spaces, NULL where unknown (the field is left out). */
struct agent_identity {
	const char *stack, *version, *os, *machine, *addr4, *addr6;
	const char *extra;     /* more KEY=VALUE fields, space-separated, or NULL */
};

/* ---- start-up, time, diagnostics ---- */
/* Start the stack.  argv holds the options agent.c did not take (argv[0] the program);
 * 0, or -1 after port_log() has said why (the agent exits 2). */
int port_init(int argc, char **argv);
void port_identity(struct agent_identity *id);
void port_log(const char *line);           /* for humans: stderr, a debug UART */
unsigned long port_now_ms(void);           /* a monotonic clock, in ms */

/* ---- the console stream: stdin/stdout, a serial line (the stream unless --tcp) ---- */
int port_console_open(void);               /* 0, or -1: no stream (again): the agent exits */
long port_console_read(char *buf, size_t max, int timeout_ms); /* bytes; 0: none within
					       timeout_ms (-1: wait for ever); -1: the stream ended */
int port_console_write(const char *buf, size_t len); /* all of it: 0, or -1 */

/* ---- the stack's socket calls: -1 (AGENT_NO_SOCK) on failure, port_error() tells why ---- */
agent_sock port_socket(int family, int type);
int port_bind(agent_sock s, const struct agent_addr *a);
int port_listen(agent_sock s, int backlog);
agent_sock port_accept(agent_sock s, struct agent_addr *peer);
int port_connect(agent_sock s, const struct agent_addr *a);
int port_getsockname(agent_sock s, struct agent_addr *a);
int port_getpeername(agent_sock s, struct agent_addr *a);
int port_close(agent_sock s);
int port_shutdown(agent_sock s, int how);
long port_send(agent_sock s, const void *buf, size_t len, int flags);
long port_recv(agent_sock s, void *buf, size_t len, int flags);
int port_setsockopt(agent_sock s, enum agent_opt opt, const int *val, int nval);
int port_getsockopt(agent_sock s, enum agent_opt opt, int *val, int *nval); /* *nval: 1 or 2 */
int port_nonblock(agent_sock s, int on);
int port_poll(struct agent_pollfd *fds, int n, int timeout_ms);
int port_error(void);                      /* the last call's error, the stack's number */
const char *port_errname(int err);         /* "ECONNRESET"; NULL: agent.c says E?NNN */
/* optional: an enum agent_tcp_state, the byte count, -1 (port_error()), or AGENT_NOT_SUPPORTED */
int port_tcp_state(agent_sock s);
long port_unacked(agent_sock s);

/* The agent itself (agent.c), for a port whose system has no main(): call it from a task. */
int agent_main(int argc, char **argv);

#endif
