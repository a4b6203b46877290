/*
 * sockconf.h: everything a case needs, and nothing it should write itself.
 *
 * A case is one program asserting one documented behaviour.  It declares
 * itself with SOCKCONF_CASE (id, claim, citations, families, body); lib
 * provides main(), runs the body once per address family, and prints TAP.
 *
 * Inside the body a case uses the ordinary socket names (recv, send,
 * shutdown, close, setsockopt, ...).  They are routed through lib's
 * dispatch layer (stack.h), which hands each call to the stack that owns
 * the descriptor: the kernel today, Winsock or lwIP later.
 */
#ifndef SOCKCONF_H
#define SOCKCONF_H

#include "platform.h" /* system socket headers, ssize_t, SHUT_*, MSG_NOSIGNAL */

#include <stddef.h>
#include <stdint.h>

/* ---- the case ---------------------------------------------------------- */

enum sc_family {
	SC_INET = 1 << 0,  /* TCP over 127.0.0.1 */
	SC_INET6 = 1 << 1, /* TCP over ::1 */
	SC_UNIX = 1 << 2,  /* AF_UNIX SOCK_STREAM */
};
#define SC_TCP (SC_INET | SC_INET6)
#define SC_ALL_FAMILIES (SC_INET | SC_INET6 | SC_UNIX)
#define SC_MAX_CITES 8

struct sc_cite {
	const char *what; /* "RFC 1122 §4.2.2.13" */
	const char *url;  /* the public original */
};

struct sc_case {
	const char *id;    /* "rst.close_with_unread_data" */
	const char *claim; /* one sentence: what the documents say happens */
	unsigned families; /* SC_INET | ... : where the claim applies */
	const char *unix_note; /* why AF_UNIX is left out, when it is */
	struct sc_cite cites[SC_MAX_CITES];
	void (*run)(enum sc_family family);
};

/* The one case of this program; lib's main() runs it. */
extern const struct sc_case sc_this_case;
#define SOCKCONF_CASE(...) const struct sc_case sc_this_case = {__VA_ARGS__}

const char *sc_family_name(enum sc_family family); /* "inet", "inet6", "unix" */

/* ---- connections ------------------------------------------------------- */

/*
 * A connected stream pair: `local` is the end under test, `peer` the other
 * end whose actions the case performs.  For TCP both ends are accepted over
 * loopback; the listener is already closed.
 */
struct sc_conn {
	int local;
	int peer;
};

struct sc_conn open_connection(enum sc_family family);

/* ---- bounded waits ----------------------------------------------------- */
/*
 * Each wait returns once its condition holds.  When the bound passes
 * (SOCKCONF_WAIT_MS, default 2000 ms) the check fails with what was awaited.
 */
void wait_readable(int fd);
void wait_peer_acked(int fd); /* all we sent on fd acknowledged, or the connection is gone */
void wait_error_pending(int fd); /* poll reports POLLERR or POLLHUP; SO_ERROR is left unread */
int sc_wait_bound_ms(void);

/* ---- checks -------------------------------------------------------------- */
/*
 * A failed check prints what it saw (expression, expected, got, errno name
 * and number, syscall) and ends the current family; the case goes on with
 * the next family.  Values are compared as long long.
 */
#define check(expr) sc_check_true_(__FILE__, __LINE__, #expr, (expr) ? 1 : 0)
#define check_int(a, op, b) \
	sc_check_int_(__FILE__, __LINE__, #a " " #op " " #b, (long long)(a), #op, (long long)(b))
/* The call succeeds (does not return -1); yields its result. */
#define check_call(expr) sc_check_call_(__FILE__, __LINE__, #expr, (long long)(expr))
/* The call fails with -1 and this errno. */
#define check_fails(expr, err) sc_check_fails_(__FILE__, __LINE__, #expr, (long long)(expr), err, #err)
/* The signal has been caught this many times since the case began. */
#define check_signals(signo, op, n) \
	sc_check_int_(__FILE__, __LINE__, "signals caught: " #signo " " #op " " #n, \
		      (long long)sc_signal_count(signo), #op, (long long)(n))

void sc_check_true_(const char *file, int line, const char *expr, int ok);
long long sc_check_int_(const char *file, int line, const char *expr, long long a,
			const char *op, long long b);
long long sc_check_call_(const char *file, int line, const char *expr, long long ret);
void sc_check_fails_(const char *file, int line, const char *expr, long long ret, int err,
		     const char *errname);

/* The case cannot say anything here: SKIP this family with the reason. */
void skip(const char *reason);
/* Record a value the case observed, shown in the diagnostics. */
void note(const char *key, const char *fmt, ...) SC_PRINTF(2, 3);

/* ---- signals ------------------------------------------------------------- */

/* Count deliveries of signo from now on (SIGPIPE: the default would kill us). */
void catch_signal(int signo);
unsigned sc_signal_count(int signo);

/* ---- payloads ------------------------------------------------------------ */
/*
 * Payloads carry a pattern that depends on the byte's offset in the stream,
 * so a receiver can tell loss, duplication and reordering from delivery.
 */
void pattern_fill(unsigned char *buf, size_t len, size_t stream_offset);
/* Offset of the first byte that differs from the pattern, or (size_t)-1. */
size_t pattern_mismatch(const unsigned char *buf, size_t len, size_t stream_offset);

/*
 * Sends `len` pattern bytes from `from` and, whenever from's buffers are
 * full, reads (and checks) what has arrived at `to`, so that neither end
 * blocks.  Returns with everything handed to from's stack; `*received`
 * counts the bytes already read at `to`.
 */
void send_pattern_draining(int from, int to, size_t len, size_t *received);
/* Reads pattern bytes at fd until end of stream; returns the total, *received included. */
size_t recv_pattern_until_eof(int fd, size_t *received);

/* ---- the dispatch layer: ordinary names reach the owning stack ----------- */
#include "stack.h"


/*
 * Case code says recv(), lib means sc_recv(): the ordinary names are mapped
 * onto the dispatch wrappers, which are functions.  lib's own sources and
 * the stacks define SC_LIB_INTERNAL and call the sc_ names explicitly.
 */
#ifndef SC_LIB_INTERNAL
#undef close
#undef recv
#undef send
#undef write
#undef shutdown
#define socket sc_socket
#define socketpair sc_socketpair
#define bind sc_bind
#define listen sc_listen
#define accept sc_accept
#define connect sc_connect
#define getsockname sc_getsockname
#define close sc_close
#define shutdown sc_shutdown
#define send sc_send
#define recv sc_recv
#define write sc_write
#define setsockopt sc_setsockopt
#define getsockopt sc_getsockopt
#define dup sc_dup
#define poll sc_poll
#endif

#endif
