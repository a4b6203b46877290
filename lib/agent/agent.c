/*
 * agent.c: sockconf's remote agent.  It makes socket calls on the stack
 * under test when a client asks, over one byte stream (lib/agent/PROTOCOL.md).
 *
 * One thread, no allocation: fixed buffers and tables (agent.h's settings).
 * Everything the stack or the system does goes through the port's hooks
 * (agent_port.h, lib/agent/PORTING.md), so this file needs only <string.h>.
 *
 * A call that would wait for the network on a blocking socket is not made
 * until the stack says it can complete (a poll with timeout 0): until then
 * the request is PARKED and other requests are served; the main loop
 * retries the parked ones between reads of the stream.  close() is always
 * made for real: a lingering close that waits is what the linger cases time.
 */
#include "agent_port.h"

#include <string.h>

#define LINE_MAX_BYTES 4200  /* a request line, "\n" excluded (PROTOCOL.md, Framing) */
#define DATA_MAX 2048        /* bytes of data in one send or recv */
#define REPLY_MAX (DATA_MAX * 2 + 256)
#define PROTOCOL_VERSION 1
#define RETRY_MS 1           /* the longest read of the stream while requests are parked */

/* ---- the session's sockets ---- */

struct handle {
	agent_sock s;
	unsigned char used;        /* given out in this session */
	unsigned char closed;      /* the client closed it: s is stale */
	unsigned char nonblocking; /* as the client set it: what decides parking */
};
static struct handle handles[AGENT_MAX_HANDLES + 1]; /* [H], H from 1 */

/* ---- parked requests ---- */

enum op {
	OP_HELLO, OP_SOCKET, OP_BIND, OP_LISTEN, OP_ACCEPT, OP_CONNECT, OP_GETSOCKNAME,
	OP_GETPEERNAME, OP_CLOSE, OP_SHUTDOWN, OP_SEND, OP_RECV, OP_SETSOCKOPT, OP_GETSOCKOPT,
	OP_NONBLOCK, OP_POLL, OP_STATE, OP_UNACKED, OP_BYE
};

struct parked {
	long id;                   /* 0: the slot is free */
	enum op op;
	int h;                     /* accept, connect, send, recv */
	int flags;
	size_t len;                /* send: bytes in data; recv: MAX */
	unsigned char data[DATA_MAX];
	int npoll;                 /* poll: its handles and events */
	int poll_h[AGENT_POLL_MAX], poll_events[AGENT_POLL_MAX];
	int has_deadline;
	unsigned long deadline_ms;
};
static struct parked parked[AGENT_MAX_PARKED];
static int nparked;

/* ---- the stream ---- */

static struct {
	int tcp_family;            /* 0: the port's console; else --tcp's family */
	unsigned tcp_port;
	agent_sock listener, conn;
	char in[LINE_MAX_BYTES + 2];
	size_t in_len;
	int discarding;            /* a line longer than LINE_MAX_BYTES is being skipped */
	long discarded_id;
	int broken;                /* a write failed: the session is over */
	char out[REPLY_MAX];
	size_t out_len;
	int in_session;            /* hello has been answered */
	int session_over;          /* bye */
} io;

/* ---- text out ---- */

static void out_str(const char *s)
{
	size_t n = strlen(s);

	if (n > sizeof io.out - io.out_len - 1)
		n = sizeof io.out - io.out_len - 1;
	memcpy(io.out + io.out_len, s, n);
	io.out_len += n;
}

static void out_char(char c)
{
	if (io.out_len < sizeof io.out - 1)
		io.out[io.out_len++] = c;
}

static void out_long(long v)
{
	char digits[24];
	int n = 0;
	unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;

	if (v < 0)
		out_char('-');
	do
		digits[n++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	while (n > 0)
		out_char(digits[--n]);
}

static void out_sp(const char *s)
{
	out_char(' ');
	out_str(s);
}

/* Text without spaces (identity values): a space or control byte becomes '_'. */
static void out_word(const char *s)
{
	for (; *s; s++)
		out_char(*s <= ' ' || *s == 127 ? '_' : *s);
}

static long stream_write(const char *buf, size_t len);

static void out_flush(void)
{
	out_char('\n');
	if (!io.broken && stream_write(io.out, io.out_len) == -1)
		io.broken = 1;
	io.out_len = 0;
}

/* "ID = RET ERR" begun; the caller adds fields and calls out_flush(). */
static void reply_begin(long id, long ret, const char *err)
{
	io.out_len = 0;
	out_long(id);
	out_str(" = ");
	out_long(ret);
	out_sp(err);
}

static void reply_ok(long id, long ret)
{
	reply_begin(id, ret, "-");
	out_flush();
}

static const char *errname(int err)
{
	static char unnamed[16];
	const char *name = port_errname(err);
	char digits[12];
	int n = 0, i = 0;
	unsigned u = err < 0 ? 0u - (unsigned)err : (unsigned)err;

	if (name)
		return name;
	memcpy(unnamed, "E?", 2);
	do
		digits[n++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	for (i = 2; n > 0; i++)
		unnamed[i] = digits[--n];
	unnamed[i] = '\0';
	return unnamed;
}

/* The call failed: "ID = -1 NAME", with the stack's error read at once. */
static void reply_failed(long id)
{
	reply_begin(id, -1, errname(port_error()));
	out_flush();
}

static void reply_error_name(long id, const char *name)
{
	reply_begin(id, -1, name);
	out_flush();
}

static void protocol_error(long id, const char *name, const char *what)
{
	io.out_len = 0;
	out_long(id);
	out_str(" ! ");
	out_str(name);
	out_sp(what);
	out_flush();
}

/* ---- text in ---- */

#define MAX_TOKENS 40 /* poll: TIMEOUT and 16 pairs, with room to see too many */

/* Split at single spaces; -1 when the line has an empty token or too many. */
static int split(char *line, char **tok)
{
	int n = 0;

	if (!*line)
		return 0;
	for (;;) {
		if (n == MAX_TOKENS)
			return -1;
		tok[n++] = line;
		line = strchr(line, ' ');
		if (!line)
			break;
		*line++ = '\0';
	}
	for (int i = 0; i < n; i++)
		if (!*tok[i])
			return -1;
	return n;
}

/* A decimal number in [lo, hi]: 0, or -1. */
static int parse_long(const char *s, long lo, long hi, long *v)
{
	int neg = *s == '-';
	unsigned long long u = 0;

	if (neg)
		s++;
	if (!*s || strlen(s) > 10)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		u = u * 10 + (unsigned)(*s - '0');
	}
	if (u > 2147483647ull + neg)
		return -1;
	*v = neg ? -(long)u : (long)u;
	return *v < lo || *v > hi ? -1 : 0;
}

/* A hex digit's value plus one, 0 for any other byte: a send's data is decoded
 * by lookup, not by comparisons, whose branches data that looks random (the
 * cases' patterns) defeats: 4096 digits a line, a line a round trip */
static const unsigned char hex_plus1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
	['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static int hexval(char c)
{
	return hex_plus1[(unsigned char)c] - 1;
}

/* "-" or hex digits in pairs, at most DATA_MAX bytes: the byte count, or -1. */
static long parse_hex(const char *s, unsigned char *out)
{
	size_t n = strlen(s);
	unsigned bad = 0;

	if (strcmp(s, "-") == 0)
		return 0;
	if (n % 2 || n / 2 > DATA_MAX)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned hi = hex_plus1[(unsigned char)s[2 * i]], lo = hex_plus1[(unsigned char)s[2 * i + 1]];
		bad |= (hi == 0) | (lo == 0);
		out[i] = (unsigned char)((hi - 1) << 4 | (lo - 1));
	}
	return bad ? -1 : (long)(n / 2);
}

static void out_hex(const unsigned char *p, size_t n)
{
	static const char digit[] = "0123456789abcdef";

	out_char(' ');
	if (n == 0)
		out_char('-');
	for (size_t i = 0; i < n; i++) {
		out_char(digit[p[i] >> 4]);
		out_char(digit[p[i] & 15]);
	}
}

/* Names joined by '|', or "0": the bits, or -1 for a name not in `names`. */
static int parse_names(const char *s, const char *const *names, int count)
{
	int bits = 0;

	if (strcmp(s, "0") == 0)
		return 0;
	while (*s) {
		const char *end = strchr(s, '|');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		int i;

		for (i = 0; i < count; i++)
			if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
				break;
		if (i == count)
			return -1;
		bits |= 1 << i;
		s += len;
		if (*s == '|' && !*++s)
			return -1;
	}
	return bits;
}

static void out_names(int bits, const char *const *names, int count)
{
	int first = 1;

	out_char(' ');
	for (int i = 0; i < count; i++)
		if (bits & 1 << i) {
			if (!first)
				out_char('|');
			out_str(names[i]);
			first = 0;
		}
	if (first)
		out_char('0');
}

static const char *const msg_names[] = {"peek", "dontwait", "nosignal", "oob"};
static const char *const poll_names[] = {"in", "out", "pri", "err", "hup", "nval", "rdhup"};
#define NAMES(a) a, (int)(sizeof a / sizeof a[0])

/* ---- addresses: numeric text, without the C library (RFC 4291 2.2, RFC 5952) ---- */

static int parse_ip4(const char *s, unsigned char *ip)
{
	for (int i = 0; i < 4; i++) {
		unsigned v = 0;
		int digits = 0;

		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(*s++ - '0');
			digits++;
		}
		if (!digits || v > 255 || (digits > 1 && s[-digits] == '0'))
			return -1;
		ip[i] = (unsigned char)v;
		if (i < 3 && *s++ != '.')
			return -1;
	}
	return *s ? -1 : 0;
}

static int parse_ip6(const char *s, unsigned char *ip)
{
	unsigned short word[8];
	int n = 0, gap = -1;

	if (s[0] == ':' && s[1] == ':') {
		gap = 0;
		s += 2;
	}
	while (*s && n < 8) {
		unsigned v = 0;
		int digits = 0;
		const char *start = s;

		while (hexval(*s) >= 0 && digits < 5) {
			v = v * 16 + (unsigned)hexval(*s++);
			digits++;
		}
		if (*s == '.' && n <= 6) { /* a dotted quad ends it: ::ffff:10.0.0.1 */
			unsigned char q[4];
			if (parse_ip4(start, q) == -1)
				return -1;
			word[n++] = (unsigned short)(q[0] << 8 | q[1]);
			word[n++] = (unsigned short)(q[2] << 8 | q[3]);
			s = start + strlen(start);
			break;
		}
		if (!digits || digits > 4)
			return -1;
		word[n++] = (unsigned short)v;
		if (!*s)
			break;
		if (*s++ != ':')
			return -1;
		if (*s == ':') {
			if (gap >= 0)
				return -1;
			gap = n;
			s++;
		} else if (!*s) {
			return -1;
		}
	}
	if (*s || (gap < 0 && n != 8) || (gap >= 0 && n > 7))
		return -1;
	memset(ip, 0, 16);
	for (int i = 0, j = 0; i < n; i++, j++) {
		if (i == gap)
			j += 8 - n;
		ip[2 * j] = (unsigned char)(word[i] >> 8);
		ip[2 * j + 1] = (unsigned char)word[i];
	}
	return 0;
}

static int parse_addr(const char *text, const char *port, int family, struct agent_addr *a)
{
	long p;

	memset(a, 0, sizeof *a);
	a->family = family;
	if (parse_long(port, 0, 65535, &p) == -1)
		return -1;
	a->port = (unsigned)p;
	return family == AGENT_INET ? parse_ip4(text, a->ip) : parse_ip6(text, a->ip);
}

static void out_ip4(const unsigned char *ip)
{
	for (int i = 0; i < 4; i++) {
		if (i)
			out_char('.');
		out_long(ip[i]);
	}
}

/* " ADDR PORT", the address as glibc's inet_ntop() writes it (RFC 5952 section 4; section 5's
 * dotted form for mapped addresses, and for the deprecated compatible ones, as glibc) */
static void out_addr(const struct agent_addr *a)
{
	static const char digit[] = "0123456789abcdef";
	unsigned w[8];
	int best = -1, best_len = 1;

	out_char(' ');
	if (a->family != AGENT_INET6) {
		out_ip4(a->ip);
		goto port;
	}
	for (int i = 0; i < 8; i++)
		w[i] = (unsigned)a->ip[2 * i] << 8 | a->ip[2 * i + 1];
	for (int i = 0; i < 8;) { /* the longest run of two zero words or more, the first of equals */
		int j = i;
		while (j < 8 && !w[j])
			j++;
		if (j - i > best_len) {
			best = i;
			best_len = j - i;
		}
		i = j > i ? j : i + 1;
	}
	/* ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible) in dotted form, as inet_ntop writes them */
	if (best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff))) {
		out_str(best_len == 5 ? "::ffff:" : "::");
		out_ip4(a->ip + 12);
		goto port;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			out_str("::");
			i += best_len - 1;
			continue;
		}
		if (i && i != best + best_len)
			out_char(':');
		int started = 0;
		for (int shift = 12; shift >= 0; shift -= 4) {
			unsigned d = w[i] >> shift & 15;
			if (d || started || !shift) {
				out_char(digit[d]);
				started = 1;
			}
		}
	}
port:
	out_char(' ');
	out_long((long)a->port);
}

/* ---- handles ---- */

/* H's record, if the agent gave it out; NULL otherwise. */
static struct handle *handle_of(const char *text, long id)
{
	long h;

	if (parse_long(text, 0, 2147483647, &h) == -1) {
		protocol_error(id, "EPROTO", "a handle is a decimal number");
		return NULL;
	}
	if (h < 1 || h > AGENT_MAX_HANDLES || !handles[h].used) {
		reply_error_name(id, "EBADF");
		return NULL;
	}
	return &handles[h];
}

/*
 * A closed handle's stale socket goes to the stack, as a native client's
 * closed descriptor would; unless a live handle holds that socket now.
 */
static int stale_socket_reused(const struct handle *hd)
{
	if (!hd->closed)
		return 0;
	if (io.tcp_family && (hd->s == io.listener || hd->s == io.conn))
		return 1;
	for (int i = 1; i <= AGENT_MAX_HANDLES; i++)
		if (handles[i].used && !handles[i].closed && handles[i].s == hd->s)
			return 1;
	return 0;
}

/* The request's handle ready for a call: NULL once the reply is made. */
static struct handle *callable(const char *text, long id)
{
	struct handle *hd = handle_of(text, id);

	if (hd && stale_socket_reused(hd)) {
		reply_error_name(id, "EBADF");
		return NULL;
	}
	return hd;
}

static int handle_index(const struct handle *hd) { return (int)(hd - handles); }

/* The lowest free H (a closed one is free), or -1. */
static int free_handle(void)
{
	for (int i = 1; i <= AGENT_MAX_HANDLES; i++)
		if (!handles[i].used || handles[i].closed)
			return i;
	return -1;
}

static int new_handle(int h, agent_sock s, int nonblocking)
{
	handles[h].s = s;
	handles[h].used = 1;
	handles[h].closed = 0;
	handles[h].nonblocking = (unsigned char)nonblocking;
	return h;
}

/* ---- readiness ---- */

/* The bits of `events` (and err, hup, nval) the stack shows on s now; 0 if none or poll fails. */
static int ready_now(agent_sock s, int events)
{
	struct agent_pollfd p = {s, events, 0};

	if (port_poll(&p, 1, 0) < 1)
		return 0;
	return p.revents & (events | AGENT_POLLERR | AGENT_POLLHUP | AGENT_POLLNVAL);
}

static struct parked *park(long id, enum op op, int h)
{
	for (int i = 0; i < AGENT_MAX_PARKED; i++)
		if (!parked[i].id) {
			parked[i].id = id;
			parked[i].op = op;
			parked[i].h = h;
			parked[i].has_deadline = 0;
			nparked++;
			return &parked[i];
		}
	protocol_error(id, "ENOBUFS", "too many requests parked (AGENT_MAX_PARKED)");
	return NULL;
}

static void unpark(struct parked *p)
{
	p->id = 0;
	nparked--;
}

/* ---- the calls, made: each sends its reply ---- */

static void finish_accept(long id, struct handle *hd)
{
	struct agent_addr peer;
	int h = free_handle();
	agent_sock s;

	if (h == -1) {
		protocol_error(id, "EMFILE", "no free handle (AGENT_MAX_HANDLES)");
		return;
	}
	s = port_accept(hd->s, &peer);
	if (s == AGENT_NO_SOCK) {
		reply_failed(id);
		return;
	}
	new_handle(h, s, PORT_ACCEPT_INHERITS_NONBLOCK ? hd->nonblocking : 0);
	reply_begin(id, h, "-");
	out_addr(&peer);
	out_flush();
}

static void finish_send(long id, struct handle *hd, const unsigned char *data, size_t len, int flags)
{
	long n = port_send(hd->s, data, len, flags);

	if (n < 0)
		reply_failed(id);
	else
		reply_ok(id, n);
}

static void finish_recv(long id, struct handle *hd, size_t max, int flags)
{
	static unsigned char buf[DATA_MAX];
	long n = port_recv(hd->s, buf, max, flags);

	if (n < 0) {
		reply_failed(id);
		return;
	}
	reply_begin(id, n, "-");
	out_hex(buf, (size_t)n);
	out_flush();
}

/* A connect begun non-blocking on a blocking socket: its outcome, from SO_ERROR. */
static void finish_connect(long id, struct handle *hd)
{
	int err[2], n = 1;

	if (port_getsockopt(hd->s, AGENT_SO_ERROR, err, &n) == -1)
		reply_failed(id);
	else if (err[0])
		reply_error_name(id, errname(err[0]));
	else
		reply_ok(id, 0);
}

/* poll's reply, or 0 when nothing is ready and the request should wait. */
static int try_poll(long id, int n, const int *hs, const int *events, int final)
{
	struct agent_pollfd fds[AGENT_POLL_MAX];
	int ready;

	for (int i = 0; i < n; i++) {
		fds[i].s = handles[hs[i]].s;
		fds[i].events = events[i];
		fds[i].revents = 0;
	}
	ready = port_poll(fds, n, 0);
	if (ready < 0) {
		reply_failed(id);
		return 1;
	}
	if (ready == 0 && !final)
		return 0;
	reply_begin(id, ready, "-");
	for (int i = 0; i < n; i++)
		out_names(fds[i].revents, NAMES(poll_names));
	out_flush();
	return 1;
}

/* ---- requests ---- */

static void do_hello(long id, int argc, char **argv);
static void end_session(void);

static int family_of(const char *s)
{
	return strcmp(s, "inet") == 0 ? AGENT_INET : strcmp(s, "inet6") == 0 ? AGENT_INET6 : 0;
}

static void do_socket(long id, char **argv)
{
	int family = family_of(argv[0]);
	int type = strcmp(argv[1], "stream") == 0 ? AGENT_STREAM : strcmp(argv[1], "dgram") == 0 ? AGENT_DGRAM : 0;
	int h = free_handle();
	agent_sock s;

	if (!family || !type) {
		protocol_error(id, "EPROTO", "socket FAMILY TYPE: inet|inet6 stream|dgram");
		return;
	}
	if (h == -1) {
		protocol_error(id, "EMFILE", "no free handle (AGENT_MAX_HANDLES)");
		return;
	}
	s = port_socket(family, type);
	if (s == AGENT_NO_SOCK)
		reply_failed(id);
	else
		reply_ok(id, new_handle(h, s, 0));
}

/* bind and connect's ADDR PORT; its family is its spelling's (an IPv6 address has colons). */
static int addr_for(long id, const char *text, const char *port, struct agent_addr *a)
{
	int family = strchr(text, ':') ? AGENT_INET6 : AGENT_INET;

	if (parse_addr(text, port, family, a) == -1) {
		protocol_error(id, "EPROTO", "ADDR PORT: a numeric IPv4 or IPv6 address and a port");
		return -1;
	}
	return 0;
}

static void do_bind_connect(long id, enum op op, char **argv)
{
	struct handle *hd = callable(argv[0], id);
	struct agent_addr a;

	if (!hd || addr_for(id, argv[1], argv[2], &a) == -1)
		return;
	if (op == OP_BIND) {
		if (port_bind(hd->s, &a) == -1)
			reply_failed(id);
		else
			reply_ok(id, 0);
		return;
	}
	if (hd->nonblocking || hd->closed) {
		if (port_connect(hd->s, &a) == -1)
			reply_failed(id);
		else
			reply_ok(id, 0);
		return;
	}
	/* blocking: begun non-blocking, finished when the socket polls writable (or fails) */
	if (nparked == AGENT_MAX_PARKED) {
		protocol_error(id, "ENOBUFS", "too many requests parked (AGENT_MAX_PARKED)");
		return;
	}
	if (port_nonblock(hd->s, 1) == -1) {
		reply_failed(id);
		return;
	}
	if (port_connect(hd->s, &a) == 0) {
		port_nonblock(hd->s, 0);
		reply_ok(id, 0);
		return;
	}
	{
		int err = port_error();
		const char *name = errname(err);

		port_nonblock(hd->s, 0);
		if (strcmp(name, "EINPROGRESS") != 0 && strcmp(name, "EAGAIN") != 0) {
			reply_error_name(id, name);
			return;
		}
	}
	park(id, OP_CONNECT, handle_index(hd));
}

static void do_listen(long id, char **argv)
{
	struct handle *hd = callable(argv[0], id);
	long backlog;

	if (!hd)
		return;
	if (parse_long(argv[1], -2147483647, 2147483647, &backlog) == -1)
		protocol_error(id, "EPROTO", "listen H BACKLOG");
	else if (port_listen(hd->s, (int)backlog) == -1)
		reply_failed(id);
	else
		reply_ok(id, 0);
}

static void do_accept(long id, char **argv)
{
	struct handle *hd = callable(argv[0], id);

	if (!hd)
		return;
	if (hd->nonblocking || hd->closed || ready_now(hd->s, AGENT_POLLIN))
		finish_accept(id, hd);
	else
		park(id, OP_ACCEPT, handle_index(hd));
}

static void do_name(long id, enum op op, char **argv)
{
	struct handle *hd = callable(argv[0], id);
	struct agent_addr a;

	if (!hd)
		return;
	if ((op == OP_GETSOCKNAME ? port_getsockname : port_getpeername)(hd->s, &a) == -1) {
		reply_failed(id);
		return;
	}
	reply_begin(id, 0, "-");
	out_addr(&a);
	out_flush();
}

/* Requests parked on H can no longer be made: their socket is gone. */
static void cancel_parked_on(int h)
{
	for (int i = 0; i < AGENT_MAX_PARKED; i++) {
		struct parked *p = &parked[i];
		int on_h = p->id && p->h == h && p->op != OP_POLL;

		for (int j = 0; p->id && p->op == OP_POLL && j < p->npoll; j++)
			on_h |= p->poll_h[j] == h;
		if (on_h) {
			long pid = p->id;
			unpark(p);
			reply_error_name(pid, "ECANCELED");
		}
	}
}

static void do_close(long id, char **argv)
{
	struct handle *hd = callable(argv[0], id);

	if (!hd)
		return;
	if (port_close(hd->s) == -1) {
		const char *name = errname(port_error());
		reply_error_name(id, name);
		/* a failed close has still released the socket (Linux, the BSDs, lwIP),
		 * except Winsock's EWOULDBLOCK of a non-blocking lingering one (closesocket) */
		if (strcmp(name, "EAGAIN") == 0)
			return;
	} else {
		reply_ok(id, 0);
	}
	if (!hd->closed) {
		hd->closed = 1;
		cancel_parked_on(handle_index(hd));
	}
}

static void do_shutdown(long id, char **argv)
{
	struct handle *hd = callable(argv[0], id);
	int how = strcmp(argv[1], "rd") == 0 ? AGENT_SHUT_RD : strcmp(argv[1], "wr") == 0 ? AGENT_SHUT_WR
		: strcmp(argv[1], "rdwr") == 0 ? AGENT_SHUT_RDWR : -1;

	if (!hd)
		return;
	if (how < 0)
		protocol_error(id, "EPROTO", "shutdown H rd|wr|rdwr");
	else if (port_shutdown(hd->s, how) == -1)
		reply_failed(id);
	else
		reply_ok(id, 0);
}

static void do_send(long id, char **argv)
{
	static unsigned char data[DATA_MAX];
	struct handle *hd = callable(argv[0], id);
	int flags;
	long len;
	struct parked *p;

	if (!hd)
		return;
	flags = parse_names(argv[1], NAMES(msg_names));
	len = parse_hex(argv[2], data);
	if (flags < 0 || len < 0) {
		protocol_error(id, "EPROTO", "send H FLAGS HEX: FLAGS names (peek|dontwait|nosignal|oob), "
					     "HEX at most 2048 bytes");
		return;
	}
	if (hd->nonblocking || hd->closed || (flags & AGENT_MSG_DONTWAIT) || ready_now(hd->s, AGENT_POLLOUT)) {
		finish_send(id, hd, data, (size_t)len, flags);
		return;
	}
	p = park(id, OP_SEND, handle_index(hd));
	if (p) {
		memcpy(p->data, data, (size_t)len);
		p->len = (size_t)len;
		p->flags = flags;
	}
}

static void do_recv(long id, char **argv)
{
	struct handle *hd = callable(argv[0], id);
	long max;
	int flags;
	struct parked *p;

	if (!hd)
		return;
	flags = parse_names(argv[2], NAMES(msg_names));
	if (parse_long(argv[1], 0, DATA_MAX, &max) == -1 || flags < 0) {
		protocol_error(id, "EPROTO", "recv H MAX FLAGS: MAX at most 2048, FLAGS names");
		return;
	}
	if (hd->nonblocking || hd->closed || (flags & AGENT_MSG_DONTWAIT) || ready_now(hd->s, AGENT_POLLIN)) {
		finish_recv(id, hd, (size_t)max, flags);
		return;
	}
	p = park(id, OP_RECV, handle_index(hd));
	if (p) {
		p->len = (size_t)max;
		p->flags = flags;
	}
}

static const struct {
	const char *name;
	enum agent_opt opt;
	int nval;  /* values set; 0: get only */
} options[] = {
	{"so_linger", AGENT_SO_LINGER, 2},     {"so_error", AGENT_SO_ERROR, 0},
	{"so_rcvbuf", AGENT_SO_RCVBUF, 1},     {"so_sndbuf", AGENT_SO_SNDBUF, 1},
	{"so_keepalive", AGENT_SO_KEEPALIVE, 1}, {"so_reuseaddr", AGENT_SO_REUSEADDR, 1},
	{"tcp_nodelay", AGENT_TCP_NODELAY, 1}, {"tcp_keepidle", AGENT_TCP_KEEPIDLE, 1},
	{"tcp_keepintvl", AGENT_TCP_KEEPINTVL, 1}, {"tcp_keepcnt", AGENT_TCP_KEEPCNT, 1},
	{"so_type", AGENT_SO_TYPE, 0},         {"so_dontlinger", AGENT_SO_DONTLINGER, 1},
};

static int option_of(const char *name)
{
	for (int i = 0; i < (int)(sizeof options / sizeof options[0]); i++)
		if (strcmp(options[i].name, name) == 0)
			return i;
	return -1;
}

static void do_setsockopt(long id, int argc, char **argv)
{
	struct handle *hd = callable(argv[0], id);
	int o = option_of(argv[1]), val[2];

	if (!hd)
		return;
	if (o < 0 || options[o].nval == 0 || argc - 2 != options[o].nval) {
		protocol_error(id, "EPROTO", "setsockopt H OPT VALUE...: an option agent.h names, its values");
		return;
	}
	for (int i = 0; i < options[o].nval; i++) {
		long v;
		if (parse_long(argv[2 + i], -2147483647, 2147483647, &v) == -1) {
			protocol_error(id, "EPROTO", "setsockopt: VALUE is a decimal number");
			return;
		}
		val[i] = (int)v;
	}
	if (port_setsockopt(hd->s, options[o].opt, val, options[o].nval) == -1)
		reply_failed(id);
	else
		reply_ok(id, 0);
}

static void do_getsockopt(long id, char **argv)
{
	struct handle *hd = callable(argv[0], id);
	int o = option_of(argv[1]), val[2] = {0, 0}, n = 1;

	if (!hd)
		return;
	if (o < 0) {
		protocol_error(id, "EPROTO", "getsockopt H OPT: an option agent.h names");
		return;
	}
	if (port_getsockopt(hd->s, options[o].opt, val, &n) == -1) {
		reply_failed(id);
		return;
	}
	reply_begin(id, 0, "-");
	if (options[o].opt == AGENT_SO_ERROR)
		out_sp(val[0] ? errname(val[0]) : "-");
	else if (options[o].opt == AGENT_SO_TYPE)
		out_sp(val[0] == AGENT_DGRAM ? "dgram" : "stream");
	else
		for (int i = 0; i < n && i < 2; i++) {
			out_char(' ');
			out_long(val[i]);
		}
	out_flush();
}

static void do_nonblock(long id, char **argv)
{
	struct handle *hd = callable(argv[0], id);
	int on = strcmp(argv[1], "1") == 0 ? 1 : strcmp(argv[1], "0") == 0 ? 0 : -1;

	if (!hd)
		return;
	if (on < 0) {
		protocol_error(id, "EPROTO", "nonblock H 0|1");
		return;
	}
	if (port_nonblock(hd->s, on) == -1) {
		reply_failed(id);
		return;
	}
	hd->nonblocking = (unsigned char)on;
	reply_ok(id, 0);
}

static void do_poll(long id, int argc, char **argv)
{
	int hs[AGENT_POLL_MAX], events[AGENT_POLL_MAX], n = (argc - 1) / 2;
	long timeout;
	struct parked *p;

	if (argc % 2 != 1 || parse_long(argv[0], -1, 2147483647, &timeout) == -1) {
		protocol_error(id, "EPROTO", "poll TIMEOUT_MS H EVENTS [H EVENTS]...");
		return;
	}
	if (n > AGENT_POLL_MAX) {
		protocol_error(id, "EPROTO", "poll: more handles than AGENT_POLL_MAX (16)");
		return;
	}
	for (int i = 0; i < n; i++) {
		long h;
		events[i] = parse_names(argv[2 + 2 * i], NAMES(poll_names));
		if (parse_long(argv[1 + 2 * i], 0, 2147483647, &h) == -1 || events[i] < 0) {
			protocol_error(id, "EPROTO", "poll: H a number, EVENTS names (in|out|pri|err|hup|nval|rdhup)");
			return;
		}
		if (h < 1 || h > AGENT_MAX_HANDLES || !handles[h].used || stale_socket_reused(&handles[h])) {
			reply_error_name(id, "EBADF"); /* no socket of the stack to ask about */
			return;
		}
		hs[i] = (int)h;
	}
	if (try_poll(id, n, hs, events, timeout == 0))
		return;
	p = park(id, OP_POLL, 0);
	if (!p)
		return;
	p->npoll = n;
	memcpy(p->poll_h, hs, sizeof hs[0] * (size_t)n);
	memcpy(p->poll_events, events, sizeof events[0] * (size_t)n);
	if (timeout > 0) {
		p->has_deadline = 1;
		p->deadline_ms = port_now_ms() + (unsigned long)timeout;
	}
}

static const char *const state_names[] = {
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1",
	"FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT",
};

static void do_state(long id, enum op op, char **argv)
{
	struct handle *hd = callable(argv[0], id);
	long v;

	if (!hd)
		return;
	v = op == OP_STATE ? port_tcp_state(hd->s) : port_unacked(hd->s);
	if (v == AGENT_NOT_SUPPORTED)
		reply_error_name(id, "ENOSYS");
	else if (v < 0)
		reply_failed(id);
	else if (op == OP_UNACKED)
		reply_ok(id, v);
	else if (v >= (long)(sizeof state_names / sizeof state_names[0]))
		reply_error_name(id, "ENOSYS");
	else {
		reply_begin(id, 0, "-");
		out_sp(state_names[v]);
		out_flush();
	}
}

static const struct {
	const char *name;
	enum op op;
	int min, max; /* arguments after the op */
} ops[] = {
	{"hello", OP_HELLO, 1, 1},        {"socket", OP_SOCKET, 2, 2},
	{"bind", OP_BIND, 3, 3},          {"listen", OP_LISTEN, 2, 2},
	{"accept", OP_ACCEPT, 1, 1},      {"connect", OP_CONNECT, 3, 3},
	{"getsockname", OP_GETSOCKNAME, 1, 1}, {"getpeername", OP_GETPEERNAME, 1, 1},
	{"close", OP_CLOSE, 1, 1},        {"shutdown", OP_SHUTDOWN, 2, 2},
	{"send", OP_SEND, 3, 3},          {"recv", OP_RECV, 3, 3},
	{"setsockopt", OP_SETSOCKOPT, 3, 4}, {"getsockopt", OP_GETSOCKOPT, 2, 2},
	{"nonblock", OP_NONBLOCK, 2, 2},  {"poll", OP_POLL, 1, 1 + 2 * AGENT_POLL_MAX},
	{"state", OP_STATE, 1, 1},        {"unacked", OP_UNACKED, 1, 1},
	{"bye", OP_BYE, 0, 0},
};

/* The ID a line begins with, or 0 where it begins with none. */
static long leading_id(const char *line)
{
	long id = 0;

	for (int i = 0; i < 9 && line[i] >= '0' && line[i] <= '9'; i++)
		id = id * 10 + (line[i] - '0');
	return id;
}

static void serve_line(char *line)
{
	char *tok[MAX_TOKENS];
	int n = split(line, tok), o;
	long id;

	if (n == 0)
		return; /* an empty line: a serial console's keepalive, nothing asked */
	if (n < 0) {
		protocol_error(leading_id(line), "EPROTO", "tokens are separated by one space");
		return;
	}
	if (parse_long(tok[0], 1, 2147483647, &id) == -1) {
		protocol_error(0, "EPROTO", "a request begins with its ID, 1..2147483647");
		return;
	}
	if (n < 2) {
		protocol_error(id, "EPROTO", "no operation");
		return;
	}
	for (o = 0; o < (int)(sizeof ops / sizeof ops[0]); o++)
		if (strcmp(ops[o].name, tok[1]) == 0)
			break;
	if (o == (int)(sizeof ops / sizeof ops[0])) {
		protocol_error(id, "EPROTO", "unknown operation");
		return;
	}
	if (n - 2 < ops[o].min || n - 2 > ops[o].max) {
		protocol_error(id, "EPROTO", "wrong number of arguments");
		return;
	}
	if (!io.in_session && ops[o].op != OP_HELLO) {
		protocol_error(id, "EPROTO", "hello first");
		return;
	}
	char **argv = tok + 2;
	switch (ops[o].op) {
	case OP_HELLO: do_hello(id, n - 2, argv); break;
	case OP_SOCKET: do_socket(id, argv); break;
	case OP_BIND: case OP_CONNECT: do_bind_connect(id, ops[o].op, argv); break;
	case OP_LISTEN: do_listen(id, argv); break;
	case OP_ACCEPT: do_accept(id, argv); break;
	case OP_GETSOCKNAME: case OP_GETPEERNAME: do_name(id, ops[o].op, argv); break;
	case OP_CLOSE: do_close(id, argv); break;
	case OP_SHUTDOWN: do_shutdown(id, argv); break;
	case OP_SEND: do_send(id, argv); break;
	case OP_RECV: do_recv(id, argv); break;
	case OP_SETSOCKOPT: do_setsockopt(id, n - 2, argv); break;
	case OP_GETSOCKOPT: do_getsockopt(id, argv); break;
	case OP_NONBLOCK: do_nonblock(id, argv); break;
	case OP_POLL: do_poll(id, n - 2, argv); break;
	case OP_STATE: case OP_UNACKED: do_state(id, ops[o].op, argv); break;
	case OP_BYE:
		end_session();
		reply_ok(id, 0);
		io.session_over = 1;
		break;
	}
}

/* Each parked request whose socket is ready now: made, and answered. */
static void retry_parked(void)
{
	struct agent_pollfd fds[AGENT_MAX_PARKED];
	int which[AGENT_MAX_PARKED], n = 0;
	unsigned long now = port_now_ms();

	for (int i = 0; i < AGENT_MAX_PARKED; i++) {
		struct parked *p = &parked[i];
		if (!p->id)
			continue;
		if (p->op == OP_POLL) {
			int final = p->has_deadline && (long)(now - p->deadline_ms) >= 0;
			long pid = p->id;
			unpark(p);
			if (!try_poll(pid, p->npoll, p->poll_h, p->poll_events, final)) {
				p->id = pid; /* still waiting */
				nparked++;
			}
			continue;
		}
		fds[n].s = handles[p->h].s;
		fds[n].events = p->op == OP_SEND || p->op == OP_CONNECT ? AGENT_POLLOUT : AGENT_POLLIN;
		fds[n].revents = 0;
		which[n++] = i;
	}
	if (n == 0 || port_poll(fds, n, 0) < 1)
		return;
	for (int k = 0; k < n; k++) {
		struct parked *p = &parked[which[k]];
		struct handle *hd = &handles[p->h];
		long pid = p->id;

		if (!pid || !(fds[k].revents & (fds[k].events | AGENT_POLLERR | AGENT_POLLHUP | AGENT_POLLNVAL)))
			continue;
		unpark(p);
		switch (p->op) {
		case OP_ACCEPT: finish_accept(pid, hd); break;
		case OP_CONNECT: finish_connect(pid, hd); break;
		case OP_SEND: finish_send(pid, hd, p->data, p->len, p->flags); break;
		case OP_RECV: finish_recv(pid, hd, p->len, p->flags); break;
		default: break;
		}
	}
}

/* ---- sessions ---- */

/* Every socket of the session closed, every parked request dropped. */
static void end_session(void)
{
	for (int i = 0; i < AGENT_MAX_PARKED; i++)
		if (parked[i].id) {
			long pid = parked[i].id;
			unpark(&parked[i]);
			reply_error_name(pid, "ECANCELED");
		}
	for (int h = 1; h <= AGENT_MAX_HANDLES; h++) {
		if (handles[h].used && !handles[h].closed)
			port_close(handles[h].s);
		handles[h].used = handles[h].closed = 0;
	}
	io.in_session = 0;
}

/* Which families the stack can make sockets of: asked of it, once a session. */
static void out_families(void)
{
	static const struct {
		int family;
		const char *name;
	} fam[] = {{AGENT_INET, "inet"}, {AGENT_INET6, "inet6"}};
	int first = 1;

	out_str(" families=");
	for (int i = 0; i < 2; i++) {
		agent_sock s = port_socket(fam[i].family, AGENT_STREAM);
		if (s == AGENT_NO_SOCK)
			continue;
		port_close(s);
		if (!first)
			out_char(',');
		out_str(fam[i].name);
		first = 0;
	}
}

static void do_hello(long id, int argc, char **argv)
{
	struct agent_identity who;
	long version;

	(void)argc;
	if (parse_long(argv[0], 0, 2147483647, &version) == -1) {
		protocol_error(id, "EPROTO", "hello VERSION");
		return;
	}
	if (io.in_session)
		end_session(); /* a new client on a stream that never ended (a serial line) */
	if (version != PROTOCOL_VERSION) {
		reply_begin(id, -1, "EPROTONOSUPPORT");
		out_str(" versions=1");
		out_flush();
		return;
	}
	memset(&who, 0, sizeof who);
	port_identity(&who);
	reply_begin(id, PROTOCOL_VERSION, "-");
	out_str(" sockconf-agent stack=");
	out_word(who.stack ? who.stack : "unknown");
	out_str(" version=");
	out_word(who.version ? who.version : "unknown");
	out_families();
	if (who.addr4) {
		out_str(" addr4=");
		out_word(who.addr4);
	}
	if (who.addr6) {
		out_str(" addr6=");
		out_word(who.addr6);
	}
	if (who.os) {
		out_str(" os=");
		out_word(who.os);
	}
	if (who.machine) {
		out_str(" machine=");
		out_word(who.machine);
	}
	if (who.extra) {
		out_char(' ');
		out_str(who.extra);
	}
	out_flush();
	io.in_session = 1;
}

/* ---- the stream: the port's console, or a TCP connection on the stack itself ---- */

static long stream_read(char *buf, size_t max, int timeout_ms)
{
	struct agent_pollfd p;
	long n;

	if (!io.tcp_family)
		return port_console_read(buf, max, timeout_ms);
	p.s = io.conn;
	p.events = AGENT_POLLIN;
	p.revents = 0;
	n = port_poll(&p, 1, timeout_ms);
	if (n < 0)
		return -1;
	if (n == 0)
		return 0;
	n = port_recv(io.conn, buf, max, 0);
	return n > 0 ? n : -1;
}

static long stream_write(const char *buf, size_t len)
{
	if (!io.tcp_family)
		return port_console_write(buf, len);
	while (len > 0) {
		long n = port_send(io.conn, buf, len, AGENT_MSG_NOSIGNAL);
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The next session's stream: 0, or -1 when there will be none. */
static int stream_open(void)
{
	struct agent_addr peer;
	int one = 1;

	if (!io.tcp_family)
		return port_console_open(); /* bytes read after a bye are the next session's */
	io.in_len = 0;
	io.discarding = 0;
	io.conn = port_accept(io.listener, &peer);
	if (io.conn == AGENT_NO_SOCK) {
		port_log("sockconf-agent: accept() on the --tcp listener failed");
		return -1;
	}
	/* a reply must not wait for the ACK of the one before (Nagle) */
	port_setsockopt(io.conn, AGENT_TCP_NODELAY, &one, 1);
	return 0;
}

static void stream_close(void)
{
	if (io.tcp_family)
		port_close(io.conn);
}

static int tcp_listen(void)
{
	struct agent_addr any;
	int one = 1;

	memset(&any, 0, sizeof any);
	any.family = io.tcp_family;
	any.port = io.tcp_port;
	io.listener = port_socket(io.tcp_family, AGENT_STREAM);
	if (io.listener == AGENT_NO_SOCK) {
		port_log("sockconf-agent: --tcp: socket() failed");
		return -1;
	}
	port_setsockopt(io.listener, AGENT_SO_REUSEADDR, &one, 1);
	if (port_bind(io.listener, &any) == -1 || port_listen(io.listener, 1) == -1) {
		port_log("sockconf-agent: --tcp: bind() or listen() on the port failed");
		return -1;
	}
	return 0;
}

/* A session's lines until bye or the stream's end: 0, or -1 when the stream ended. */
static int serve_session(void)
{
	io.broken = 0;
	io.session_over = 0;
	for (;;) {
		int timeout = -1;
		long n;
		char *nl;

		while (!io.session_over && (nl = memchr(io.in, '\n', io.in_len)) != NULL) {
			size_t len = (size_t)(nl - io.in);
			int has_nul = memchr(io.in, '\0', len) != NULL;
			*nl = '\0';
			if (len && io.in[len - 1] == '\r')
				io.in[len - 1] = '\0';
			if (io.discarding) {
				io.discarding = 0;
				protocol_error(io.discarded_id, "EPROTO", "a line is at most 4200 bytes");
			} else if (has_nul) {
				protocol_error(leading_id(io.in), "EPROTO", "a NUL byte in the line");
			} else {
				serve_line(io.in);
			}
			memmove(io.in, nl + 1, io.in_len - len - 1);
			io.in_len -= len + 1;
		}
		if (io.session_over || io.broken)
			return 0;
		if (io.in_len > LINE_MAX_BYTES) { /* no end of line within the limit */
			if (!io.discarding) {
				io.in[io.in_len - 1] = '\0';
				io.discarded_id = leading_id(io.in);
			}
			io.discarding = 1;
			io.in_len = 0;
		}
		if (nparked) {
			retry_parked();
			timeout = RETRY_MS;
			for (int i = 0; i < AGENT_MAX_PARKED; i++)
				if (parked[i].id && parked[i].has_deadline &&
				    (long)(parked[i].deadline_ms - port_now_ms()) <= 0)
					timeout = 0;
			if (!nparked)
				timeout = -1;
		}
		n = stream_read(io.in + io.in_len, LINE_MAX_BYTES + 1 - io.in_len, timeout);
		if (n < 0)
			return -1;
		io.in_len += (size_t)n;
	}
}

/* "--tcp PORT" or "--tcp6 PORT": taken here; the rest goes to port_init(). */
int agent_main(int argc, char **argv)
{
	char *rest[64];
	int nrest = 0;

	for (int i = 0; i < argc && nrest < 63; i++) {
		long port;
		if ((strcmp(argv[i], "--tcp") == 0 || strcmp(argv[i], "--tcp6") == 0) && i + 1 < argc) {
			if (parse_long(argv[i + 1], 1, 65535, &port) == -1) {
				port_log("sockconf-agent: --tcp PORT: a port number, 1..65535");
				return 2;
			}
			io.tcp_family = argv[i][5] == '6' ? AGENT_INET6 : AGENT_INET;
			io.tcp_port = (unsigned)port;
			i++;
			continue;
		}
		rest[nrest++] = argv[i];
	}
	rest[nrest] = NULL;
	if (port_init(nrest, rest) == -1)
		return 2;
	if (io.tcp_family && tcp_listen() == -1)
		return 2;
	for (;;) {
		int ended;

		if (stream_open() == -1)
			return io.tcp_family ? 1 : 0;
		ended = serve_session();
		end_session();
		stream_close();
		if (ended && !io.tcp_family)
			return 0; /* the console's end: there is no next session on it */
		if (io.broken && !io.tcp_family)
			return 0;
	}
}

#ifndef AGENT_NO_MAIN
int main(int argc, char **argv)
{
	return agent_main(argc, argv);
}
#endif
