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

#include "shared_states.h" /* the names of states several cases assert (.asserts) */

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

/* An outcome the case asserts of a state other cases assert too (shared_states.h). */
#define SC_MAX_ASSERTS 6
struct sc_assert {
	const char *state;    /* SC_STATE_...: the state's one name */
	const char *outcomes; /* every outcome the case accepts there: "EPIPE|ECONNRESET" */
};

struct sc_case {
	const char *id;    /* "rst.close_with_unread_data" */
	const char *claim; /* one sentence: what the documents say happens */
	unsigned families; /* SC_INET | ... : where the claim applies */
	const char *unix_note; /* why AF_UNIX is left out, when it is */
	struct sc_cite cites[SC_MAX_CITES];
	struct sc_assert asserts[SC_MAX_ASSERTS]; /* --describe: "# asserts: STATE = OUTCOMES" */
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
/*
 * The peer resets the connection: SO_LINGER {1, 0} and close(), with a byte
 * the case's end sent still unread there.  Either alone makes an RST
 * (socket(7) SO_LINGER; RFC 1122 §4.2.2.13, unread data); both, so that a
 * stack that resets on only one of them still resets (lwIP's close() with
 * linger {1, 0} and nothing queued sends a FIN: its own rst.linger0_* records).
 */
void peer_resets(struct sc_conn c);
/* A stream socket of the family, never connected; skip() where the stack has no such family. */
int open_unconnected(enum sc_family family);

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
 *
 * A family must make a check: one whose body returns having made none fails
 * with "no checks made" (a family that asserts nothing would pass on any
 * stack).  A check is an assertion about the stack whose failure fails the
 * family, counted when made, passed or not: every check* below,
 * check_tcp_state, check_listed_tcp_state, check_stays_unreadable and
 * wire_check_quiet.  Waits (wait_*, wire_wait, blocked_call_result,
 * kill_holder), note() and setup are no checks: they fail the family when
 * their bound passes, but they only bring the case to the state whose
 * behaviour it then checks.  A family that calls skip() is a skip.
 */
#define check(expr) sc_check_true_(__FILE__, __LINE__, #expr, (expr) ? 1 : 0)
/* b written as an errno name (check_int(err, ==, ECONNRESET)) shows both sides by name. */
#define check_int(a, op, b) \
	sc_check_int_(__FILE__, __LINE__, #a " " #op " " #b, (long long)(a), #op, (long long)(b), #b)
/* The call succeeds (does not return -1); yields its result. */
#define check_call(expr) sc_check_call_(__FILE__, __LINE__, #expr, (long long)(expr))
/* The call fails with -1 and this errno. */
#define check_fails(expr, err) sc_check_fails_(__FILE__, __LINE__, #expr, (long long)(expr), err, #err)
/* The signal has been caught this many times since the case began. */
#define check_signals(signo, op, n) \
	sc_check_int_(__FILE__, __LINE__, "signals caught: " #signo " " #op " " #n, \
		      (long long)sc_signal_count(signo), #op, (long long)(n), NULL)

void sc_check_true_(const char *file, int line, const char *expr, int ok);
long long sc_check_int_(const char *file, int line, const char *expr, long long a,
			const char *op, long long b, const char *b_text);
long long sc_check_call_(const char *file, int line, const char *expr, long long ret);
void sc_check_fails_(const char *file, int line, const char *expr, long long ret, int err,
		     const char *errname);

/* The case cannot say anything here: SKIP this family with the reason. */
SC_NORETURN void skip(const char *reason);
/* Record a value the case observed, shown in the diagnostics. */
void note(const char *key, const char *fmt, ...) SC_PRINTF(2, 3);
/*
 * An errno value for a note: "EWOULDBLOCK (11)" (its number differs between
 * C libraries), or the number alone when it has no name ("0").  The text
 * lasts for the next three calls.
 */
const char *errno_text(int err);
/*
 * The call's outcome is one of `outcomes` (shared_states.h's form: "EPIPE|ECONNRESET",
 * "0|ECONNRESET"), for a state whose documents allow several.  Notes the one
 * that came ("outcome: -1 EPIPE"); yields its errno, or 0 when the call did not fail.
 */
#define check_one_of(expr, outcomes) \
	sc_check_one_of_(__FILE__, __LINE__, #expr, (long long)(expr), outcomes)
int sc_check_one_of_(const char *file, int line, const char *expr, long long ret,
		     const char *outcomes);

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
/*
 * Reads pattern bytes at fd until recv() returns 0 or -1, and returns that
 * last result with its errno, for check_int / check_fails; *received counts
 * the bytes read (and checked) before it.
 */
long long recv_pattern_until_end(int fd, size_t *received);
/*
 * Sends pattern bytes on fd, without blocking, until its stack takes no
 * more (EAGAIN): the peer's window and fd's send buffer are full.  Returns
 * the bytes sent.  fd is left non-blocking.
 */
size_t send_pattern_until_full(int fd);

/* ---- time and negative windows ------------------------------------------- */

double now_ms(void); /* monotonic */
/*
 * Proving that something does NOT happen needs a window of time.  It is
 * short (SOCKCONF_QUIET_MS, default 20 ms), named, and each use is printed
 * as "# quiet: N ms <what>" so the runner can count it.
 */
int sc_quiet_ms(void);
/* fd stays unreadable (no POLLIN/POLLERR/POLLHUP) for the quiet window. */
void check_stays_unreadable(int fd, const char *why);

/*
 * What epoll (Linux) reports for fd right now, for the interest `events`
 * given as poll bits (POLLIN, SC_POLLRDHUP): the events, as poll bits.
 * skip() where the stack has no epoll.
 */
short epoll_revents(int fd, short events);

/* ---- TCP state ----------------------------------------------------------- */

enum sc_tcp_state {
	SC_TCP_CLOSED, SC_TCP_LISTEN, SC_TCP_SYN_SENT, SC_TCP_SYN_RECEIVED, SC_TCP_ESTABLISHED,
	SC_TCP_FIN_WAIT1, SC_TCP_FIN_WAIT2, SC_TCP_CLOSE_WAIT, SC_TCP_CLOSING, SC_TCP_LAST_ACK,
	SC_TCP_TIME_WAIT,
};
const char *tcp_state_name(enum sc_tcp_state state);

/* The two ends' addresses of a TCP connection, taken while fd is open. */
struct sc_endpoints {
	struct sockaddr_storage self, other;
	socklen_t len;
	const void *stack; /* the stack whose list holds the connection (lib's own) */
};
struct sc_endpoints endpoints_of(int fd);

/* The state of fd's connection (TCP_INFO); skip() where the stack cannot say. */
enum sc_tcp_state tcp_state(int fd);
/*
 * The state the OS lists for the connection with these endpoints, after its
 * descriptor is gone (TIME_WAIT lives only there); SC_TCP_CLOSED when it
 * lists none.  skip() where the OS has no such list.
 */
enum sc_tcp_state listed_tcp_state(const struct sc_endpoints *e);
void wait_tcp_state(int fd, enum sc_tcp_state state);
void wait_listed_tcp_state(const struct sc_endpoints *e, enum sc_tcp_state state);
#define check_tcp_state(fd, state) \
	sc_check_state_(__FILE__, __LINE__, "tcp_state(" #fd ") == " #state, tcp_state(fd), state)
#define check_listed_tcp_state(e, state) \
	sc_check_state_(__FILE__, __LINE__, "listed_tcp_state(" #e ") == " #state, listed_tcp_state(e), state)
void sc_check_state_(const char *file, int line, const char *expr, enum sc_tcp_state got,
		     enum sc_tcp_state expected);

/* ---- the wire: segments seen on loopback --------------------------------- */

enum sc_tcp_flag { SC_FIN = 0x01, SC_SYN = 0x02, SC_RST = 0x04, SC_PSH = 0x08, SC_ACK = 0x10 };

struct sc_segment {
	int from_local;   /* sent by c.local (else by c.peer) */
	unsigned flags;   /* SC_FIN | ... */
	uint32_t seq;     /* relative to the sender's ISN: 0 is the first byte after its SYN */
	uint32_t len;     /* payload bytes */
	uint32_t ack;     /* relative to the other end's ISN, when SC_ACK */
	int retransmitted; /* the same seq, len and flags as an earlier segment of that end */
	int answers_late; /* an RST answering a segment that came after this end's connection was over */
};

struct sc_wire;
/*
 * Watch c's segments on the loopback interface (libpcap, or a packet
 * socket where libpcap cannot capture), from now on; closed with the
 * family.  skip() for AF_UNIX only.  The capture is trusted once it has
 * seen a probe connection's handshake.
 *
 * Wire evidence is additive: where nothing can be captured (no libpcap,
 * no CAP_NET_RAW, a capture that sees nothing) the wire is blind and the
 * family still runs its socket checks.  wire_wait and wire_check_quiet then
 * return at once, and the point's diagnostics say so:
 *   partial: "wire checks skipped: <why>"   unchecked: "<each wire check>"
 * The queries whose value a case asserts (wire_count, wire_bytes,
 * wire_find) skip() the family with the reason, and a family that passes
 * with no check made after its last skipped wire check is a SKIP too: a
 * family whose claim rests on the wire is a SKIP there, never a pass.
 *
 * A capture that dropped packets since the watch began cannot show what
 * was not sent: wire_count, wire_bytes, wire_find and wire_check_quiet then
 * fail the family with "capture dropped N packets", and a wire_wait that
 * times out says so too.  SOCKCONF_WIRE_FAKE_DROPS=N adds N made-up drops
 * (a test hook: the message says they were made up).
 */
struct sc_wire *wire_watch(const struct sc_conn *c);
/*
 * open_connection(), watched from before its handshake: each end's ISN is
 * taken from its SYN, so sequence numbers mean the same under reordering.
 * Use it for a connection whose numbers the case reads; wire_watch() for
 * one made otherwise (its numbers count from the lowest seen).  Over a
 * real link, retransmissions count once, an RST that answers a segment
 * arriving after the connection was over is not counted (RFC 9293
 * §3.10.7.1 requires it), and a wire_wait for an RST that never came, on
 * a connection that shows loss, skips "inconclusive: ..." (TCP never
 * resends an RST): the stack is failed only on what it did.
 */
struct sc_conn open_watched_connection(enum sc_family family, struct sc_wire **w);
/* Wait (bounded) for a segment from that end carrying all of `flags`. */
void wire_wait(struct sc_wire *w, int from_fd, unsigned flags);
/* Segments seen so far from that end carrying all of `flags` (0: any). */
unsigned wire_count(struct sc_wire *w, int from_fd, unsigned flags);
/* Payload bytes seen so far from that end. */
unsigned long wire_bytes(struct sc_wire *w, int from_fd);
/* The first segment from that end carrying all of `flags`, or NULL. */
const struct sc_segment *wire_find(struct sc_wire *w, int from_fd, unsigned flags);
/*
 * A mark in the capture, taken before the call whose silence is claimed:
 * on loopback a segment can leave within the call itself.
 */
unsigned wire_mark(struct sc_wire *w);
/* Nothing from that end since the mark, through the quiet window. */
void wire_check_quiet(struct sc_wire *w, int from_fd, unsigned since_mark, const char *why);

/* ---- calls that block ------------------------------------------------------- */
/*
 * A recv() made in another thread, for behaviours about waking a blocked
 * call.  start_blocked_recv returns once the thread is inside recv() (and,
 * where the platform can tell, asleep in it); blocked_call_result waits
 * (bounded) for the call to return, and leaves its errno in errno.  What
 * should wake it sets the bound: a call of this process (the wait bound),
 * or the peer's segment (_after_peer: the bound and time for resends).
 */
struct sc_blocked;
struct sc_blocked *start_blocked_recv(int fd);
long long blocked_call_result(struct sc_blocked *b);
long long blocked_call_result_after_peer(struct sc_blocked *b);

/* ---- close(), timed: how long SO_LINGER made it wait (timed.c, arrived.c) --- */

struct sc_close_timing {
	int ret, err;      /* what close() returned; its errno when that was -1, else 0 */
	long long ms;      /* how long the call took */
	long long seconds; /* ms rounded to whole seconds: 0 is "at once", N an N-second linger */
	int peer_state;    /* start_timed_close: the peer's TCP state as close() returned, -1 unknown */
};
/*
 * A linger time, in whole seconds, that a delivery across fd's link ends
 * well within: half the wait bound (1 s on loopback, more over a slow link).
 */
int linger_s_beyond_delivery(int fd);
/* close(fd), timed, and noted ("close: returned 0 after 3 ms"). */
struct sc_close_timing timed_close(int fd);
/*
 * close(fd) in another thread, for a close() that waits until the peer
 * takes the data (the case reads at `peer` meanwhile).  Returns once that
 * thread is asleep in close(); fails if close() returns first, i.e. did not
 * wait.  timed_close_result waits for it (bounded: fd's linger time, plus
 * the wait bound) and notes it as timed_close does.
 */
struct sc_closing;
struct sc_closing *start_timed_close(int fd, int peer);
struct sc_close_timing timed_close_result(struct sc_closing *closing);
/* A TCP state seen earlier (peer_state above) is `state`; skip() where the stack cannot tell. */
#define check_state_seen(got, state) \
	sc_check_state_seen_(__FILE__, __LINE__, #got " == " #state, got, state)
void sc_check_state_seen_(const char *file, int line, const char *expr, int got,
			  enum sc_tcp_state expected);
/*
 * The bytes that have arrived at fd and wait to be read, up to at_most,
 * without taking them (recv(MSG_PEEK)): fewer than were sent means the rest
 * is undelivered, so unacknowledged.
 */
size_t bytes_arrived(int fd, size_t at_most);

/* ---- other processes ---------------------------------------------------------- */
/*
 * A child process that holds this process's descriptors and does nothing
 * until killed; skip() where there is no fork().  Returns an opaque id.
 */
long spawn_holder(void);
/* Kill the holder with SIGKILL and wait (bounded) until it is gone. */
void kill_holder(long holder);

/* ---- the dispatch layer: ordinary names reach the owning stack ----------- */
#include "stack.h"


/*
 * Case code says recv(), lib means sc_recv(): the ordinary names are mapped
 * onto the dispatch wrappers, which are functions.  lib's own sources and
 * the stacks define SC_LIB_INTERNAL and call the sc_ names explicitly.
 */
#ifdef SC_LIB_INTERNAL
/* lib's own: where an end's stack listens for the family, port 0 (connection.c) */
void sc_end_address(enum sc_end end, enum sc_family family, struct sockaddr_storage *ss, socklen_t *len);
/* lib's own: a stream socket of the family on an end's stack; SKIP where it has none */
int sc_open_on(enum sc_end end, enum sc_family family);
#else
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
#define getpeername sc_getpeername
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

/* ---- listeners and the handshake (listener.c, raw_peer.c) ------------------ */
/*
 * open_connection() accepts at once; these leave the handshake and the
 * accept queue to the case.  TCP only, on the family's loopback address.
 */
int open_listener(enum sc_family family, int backlog);
/* A socket of the listener's family, bound, so its port is known before it connects. */
int open_client(int listener);
void connect_blocking(int client, int listener);    /* returns with the handshake done */
void connect_nonblocking(int client, int listener); /* returns once the SYN is on its way */
/*
 * A listener whose accept queue is full (one connection, never accepted):
 * it drops a further client's SYN unanswered, so that client stays in SYN_SENT.
 */
int open_full_listener(enum sc_family family);
/*
 * The client's connect to a full listener is held in SYN_SENT: checked.  A
 * stack that does not bound its accept queue (lwIP without
 * TCP_LISTEN_BACKLOG) completes it instead: SKIP, the state cannot be made.
 */
void check_held_in_syn_sent(int client);

/*
 * A TCP peer played with a raw IP socket from the listener's address and
 * port: it reads what the client sends there and sends segments of its
 * own, e.g. the SYN-ACK of a slow listener.  skip() where raw sockets are
 * not permitted (CAP_NET_RAW) or the stack has none.
 */
struct sc_raw_peer;
struct sc_raw_segment {
	unsigned flags;   /* SC_SYN | ... */
	uint32_t seq, ack; /* as on the wire */
};
struct sc_raw_peer *raw_peer_open(int client, int listener);
/* Wait (bounded) for a segment from the client carrying all of `flags`. */
struct sc_raw_segment raw_peer_wait(struct sc_raw_peer *p, unsigned flags);
/* Send the client a segment with no payload; what the client sent before is passed over. */
void raw_peer_send(struct sc_raw_peer *p, unsigned flags, uint32_t seq, uint32_t ack);
/*
 * Wait (bounded) for the client's first segment after the last raw_peer_send(),
 * sending that segment again meanwhile, as a peer's retransmission timer would.
 */
struct sc_raw_segment raw_peer_reply(struct sc_raw_peer *p);

/* ---- a holder that exits on its own (holder_exit.c) ------------------------- */
/*
 * Like spawn_holder(), a child process holding copies of every descriptor,
 * but one that ends by calling _exit(0) when exit_holder() tells it to:
 * for behaviours about a process's exit, which SIGKILL would cut short.
 * skip() where there is no fork().  exit_holder() tells it to exit and
 * waits (bounded) until the process is gone, and returns how long that
 * took in ms; a process still exiting when the bound passes fails the
 * family, got "exiting".
 */
long spawn_exiting_holder(void);
long long exit_holder(long holder);

#endif
