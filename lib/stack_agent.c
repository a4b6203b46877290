/*
 * stack_agent.c: a stack reached through a sockconf agent (lib/agent/,
 * protocol in lib/agent/PROTOCOL.md, version 1): every op is a request
 * over the byte stream SOCKCONF_AGENT names (agent_link.h), and the agent
 * makes the call on its own stack: a board's, a userspace stack's, another
 * host's.
 *
 * Threads: a case may call recv() in one thread while another shuts the
 * socket down (blocked.c).  Requests are written whole under one lock; one
 * reader thread reads every reply and hands it to the thread waiting for
 * its ID, so a parked recv's reply may come after a later shutdown's.
 *
 * Faults of the link are never the stack's: the stream's end, a reply that
 * does not parse, a request not answered within its bound fail the family
 * with that reason ("the agent vanished: ...", "the agent sent garbage:
 * ...", "the agent did not answer `recv` within N ms"), and every later
 * request of the case fails the same way at once; the runner recognises
 * these messages (runner/agent_target.c).  A thread other than the case's
 * main one cannot leave the family (a longjmp across threads): it waits
 * for good, as blocked.c expects of a recv() that never returns.
 *
 * Bounds: SOCKCONF_AGENT_TIMEOUT_MS (default 5000) for a request that does
 * not wait on the network; a call that may (accept, connect, send, recv,
 * close, poll) has 8/10 of the case's timeout (SOCKCONF_TIMEOUT_MS), and
 * ends by 85/100 of it from the stack's start, so the bound passes before
 * the case's watchdog (9/10 from the case's start) and names the call.
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"
#include "agent_link.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROTOCOL_VERSION 1
#define MAX_LINE 4200   /* PROTOCOL.md: a line is at most 4200 bytes */
#define MAX_DATA 2048   /* bytes of data in one request or reply */
#define MAX_WAITING 16  /* requests outstanding at once: one per thread */
#define MAX_HANDLES 1024
#define MAX_STALE 64    /* lines of an earlier session's that may precede hello's answer */
#ifdef MSG_DONTWAIT
#define SC_MSG_DONTWAIT MSG_DONTWAIT
#else
#define SC_MSG_DONTWAIT 0 /* Winsock has none */
#endif

struct waiting {
	long id;
	int done;
	char line[MAX_LINE + 1];
};

static struct {
	int started;
	volatile int dead;       /* the link is gone: every request fails with `why` */
	char why[480];
	long next_id;
	long main_thread;        /* the case's main thread: the only one that may leave a family */
	int short_ms, long_ms;
	double case_deadline;    /* when a waiting call's bound ends at the latest */
	char stack_name[48], stack_version[48], version_text[100];
	unsigned families;
	struct sockaddr_storage addr[2];
	socklen_t addr_len[2];
	int have_addr[2];
	char pending[MAX_LINE * 2]; /* bytes read with hello's reply, for the reader */
	size_t npending;
	struct waiting *table[MAX_WAITING];
	unsigned char nonblocking[MAX_HANDLES];
} ag;

/* SOCKCONF_AGENT_TRACE=FILE: every line each way, appended (for a port's author). */
static FILE *trace;

static void trace_line(const char *dir, const char *line, size_t len)
{
	if (!trace)
		return;
	fprintf(trace, "%.3f %s %.*s\n", sc_plat_now_ms(), dir, (int)len, line);
	fflush(trace);
}

/* ---- errno names: the agent's words, this platform's values ----------------- */

#define E(name) {#name, name}
static const struct {
	const char *name;
	int value;
} errnos[] = {
	E(EPERM), E(ENOENT), E(EINTR), E(EIO), E(EBADF), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(EBUSY), E(EEXIST), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOSPC), E(EPIPE),
	E(ERANGE), E(ENOSYS), E(EINPROGRESS), E(EALREADY), E(ENOTSOCK), E(EDESTADDRREQ),
	E(EMSGSIZE), E(EPROTOTYPE), E(ENOPROTOOPT), E(EPROTONOSUPPORT), E(EOPNOTSUPP),
	E(EAFNOSUPPORT), E(EADDRINUSE), E(EADDRNOTAVAIL), E(ENETDOWN), E(ENETUNREACH),
	E(ENETRESET), E(ECONNABORTED), E(ECONNRESET), E(ENOBUFS), E(EISCONN), E(ENOTCONN),
	E(ETIMEDOUT), E(ECONNREFUSED), E(EHOSTUNREACH), E(EPROTO),
#ifdef EWOULDBLOCK
	E(EWOULDBLOCK),
#endif
#ifdef ESHUTDOWN
	E(ESHUTDOWN),
#endif
#ifdef ENOTSUP
	E(ENOTSUP),
#endif
#ifdef EHOSTDOWN
	E(EHOSTDOWN),
#endif
#ifdef ECANCELED
	E(ECANCELED), /* PROTOCOL.md: a parked call whose socket was closed, never made */
#endif
};

/* An errno name's value here: 0 for "-", -1 for a name this platform lacks. */
static int errno_named(const char *name)
{
	if (strcmp(name, "-") == 0)
		return 0;
	for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
		if (strcmp(name, errnos[i].name) == 0)
			return errnos[i].value;
	return -1;
}

/* ---- the link's end ----------------------------------------------------------- */

/* With the table locked: the link is gone, for the reason given (the first one stays). */
static void mark_dead_locked(const char *fmt, ...) SC_PRINTF(1, 2);
static void mark_dead_locked(const char *fmt, ...)
{
	va_list ap;

	if (!ag.dead) {
		va_start(ap, fmt);
		vsnprintf(ag.why, sizeof ag.why, fmt, ap);
		va_end(ap);
		for (char *p = ag.why; *p; p++) /* one line, whatever the agent sent */
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		ag.dead = 1;
	}
	sc_agent_wake_all();
}

/*
 * A request met the link's end.  The main thread leaves the family with
 * the reason, unless the family has failed with it already (the family's
 * end closes its sockets: those calls just fail).  Another thread waits
 * for good.
 */
static int link_failed(void)
{
	if (sc_plat_thread_id() != ag.main_thread) {
		for (;;) {
			sc_agent_lock(SC_AGENT_TABLE);
			sc_agent_wait(60000);
			sc_agent_unlock(SC_AGENT_TABLE);
		}
	}
	if (sc_outcome.status == SC_FAIL && strcmp(sc_outcome.message, ag.why) == 0) {
		errno = ENOTCONN;
		return -1;
	}
	sc_fail(NULL, "%s", ag.why);
}

/* ---- replies ------------------------------------------------------------------ */

/* A line of the agent's, to the request waiting for its ID. */
static void deliver(const char *line)
{
	char *end;
	long id = strtol(line, &end, 10);

	sc_agent_lock(SC_AGENT_TABLE);
	trace_line("<", line, strlen(line));
	if (end == line || id < 0 || *end != ' ' || (end[1] != '=' && end[1] != '!') ||
	    (end[2] != ' ' && end[2] != '\0')) {
		mark_dead_locked("the agent sent garbage: '%.120s'", line);
	} else if (id == 0) {
		mark_dead_locked("the agent could not read a request: '%.200s'", line);
	} else if (id >= ag.next_id) {
		mark_dead_locked("the agent sent garbage: a reply to request %ld, which was never made: '%.120s'",
				 id, line);
	} else {
		for (int i = 0; i < MAX_WAITING; i++)
			if (ag.table[i] && ag.table[i]->id == id) {
				snprintf(ag.table[i]->line, sizeof ag.table[i]->line, "%s", line);
				ag.table[i]->done = 1;
				sc_agent_wake_all();
				break;
			}
		/* else the late answer to a request whose bound passed: the link is dead already */
	}
	sc_agent_unlock(SC_AGENT_TABLE);
}

static void reader(void *unused)
{
	static char line[MAX_LINE + 2], buf[8192];
	size_t nline = 0;
	long got;

	(void)unused;
	sc_agent_link_reader_started();
	memcpy(buf, ag.pending, ag.npending);
	got = (long)ag.npending;
	for (;;) {
		for (long i = 0; i < got; i++) {
			if (buf[i] == '\n') {
				if (nline && line[nline - 1] == '\r') /* a serial console's line end */
					nline--;
				line[nline] = '\0';
				deliver(line);
				nline = 0;
			} else if (nline == MAX_LINE) {
				line[nline] = '\0';
				sc_agent_lock(SC_AGENT_TABLE);
				mark_dead_locked("the agent sent garbage: a line over %d bytes: '%.80s...'", MAX_LINE, line);
				sc_agent_unlock(SC_AGENT_TABLE);
				return;
			} else {
				line[nline++] = buf[i];
			}
		}
		if (ag.dead)
			return;
		got = sc_agent_link_read(buf, sizeof buf);
		if (got <= 0) {
			int err = errno;
			sc_agent_lock(SC_AGENT_TABLE);
			if (got == 0)
				mark_dead_locked("the agent vanished: its stream ended%s",
						 nline ? " in the middle of a line" : "");
			else
				mark_dead_locked("the agent vanished: reading its stream: %s", strerror(err));
			sc_agent_unlock(SC_AGENT_TABLE);
			return;
		}
	}
}

/* ---- requests ----------------------------------------------------------------- */

struct reply {
	long long ret;
	int err;       /* errno value here; 0 on success */
	char *fields;  /* what follows ERR ("" when nothing) */
	char line[MAX_LINE + 1];
};

/*
 * Send "ID OP ARGS" and wait for its reply, at most timeout_ms.  0 with
 * *r filled in (the call's result, maybe -1 with r->err), or what
 * link_failed() returns (-1) when the link is gone.
 */
static int call(struct reply *r, const char *op, int timeout_ms, const char *fmt, ...) SC_PRINTF(4, 5);
static int call(struct reply *r, const char *op, int timeout_ms, const char *fmt, ...)
{
	static _Thread_local struct waiting w;
	static _Thread_local char request[MAX_LINE + 2];
	double deadline;
	int slot = -1, written, n, err_written = 0;
	va_list ap;
	char *p, *end, errname[40];

	sc_agent_lock(SC_AGENT_TABLE);
	for (int i = 0; i < MAX_WAITING && slot < 0 && !ag.dead; i++)
		if (!ag.table[i])
			slot = i;
	if (ag.dead || slot < 0) {
		if (!ag.dead)
			mark_dead_locked("the agent's client: more than %d requests outstanding at once", MAX_WAITING);
		sc_agent_unlock(SC_AGENT_TABLE);
		return link_failed();
	}
	w.id = ag.next_id++;
	w.done = 0;
	ag.table[slot] = &w;
	sc_agent_unlock(SC_AGENT_TABLE);

	n = snprintf(request, sizeof request, "%ld %s", w.id, op);
	va_start(ap, fmt);
	n += vsnprintf(request + n, sizeof request - (size_t)n, fmt, ap);
	va_end(ap);
	request[n++] = '\n';
	sc_agent_lock(SC_AGENT_WRITER);
	trace_line(">", request, (size_t)n - 1);
	written = sc_agent_link_write(request, (size_t)n);
	if (written == -1)
		err_written = errno;
	sc_agent_unlock(SC_AGENT_WRITER);

	sc_agent_lock(SC_AGENT_TABLE);
	if (written == -1)
		mark_dead_locked("the agent vanished: writing `%s` to its stream: %s", op, strerror(err_written));
	/* the bound ends before the case's watchdog fires (9/10 of its time from its start) */
	if (ag.case_deadline - sc_plat_now_ms() < timeout_ms)
		timeout_ms = ag.case_deadline - sc_plat_now_ms() > 100 ? (int)(ag.case_deadline - sc_plat_now_ms()) : 100;
	deadline = sc_plat_now_ms() + timeout_ms;
	while (!w.done && !ag.dead) {
		double left = deadline - sc_plat_now_ms();
		if (left <= 0) {
			mark_dead_locked("the agent did not answer `%s` within %d ms", op, timeout_ms);
			break;
		}
		sc_agent_wait(left < 1000 ? (int)left + 1 : 1000);
	}
	ag.table[slot] = NULL;
	sc_agent_unlock(SC_AGENT_TABLE);
	if (!w.done)
		return link_failed();

	memcpy(r->line, w.line, sizeof r->line);
	p = strchr(r->line, ' ') + 1; /* deliver() saw "ID = " or "ID ! " */
	if (*p == '!') {
		/* the agent refused what this client sent: a fault of the two, not of the stack */
		sc_agent_lock(SC_AGENT_TABLE);
		mark_dead_locked("the agent refused `%s`: '%.200s'", op, r->line);
		sc_agent_unlock(SC_AGENT_TABLE);
		return link_failed();
	}
	r->ret = strtoll(p + 2, &end, 10);
	if (end == p + 2 || *end != ' ' || sscanf(end + 1, "%39s", errname) != 1)
		goto garbage;
	r->err = errno_named(errname);
	if (r->err == -1)
		r->err = EPROTO; /* a name this platform lacks, or E?NNN: no value here to give */
	r->fields = end + 1 + strlen(errname);
	while (*r->fields == ' ')
		r->fields++;
	if ((r->ret == -1) != (r->err != 0))
		goto garbage;
	errno = r->err;
	return 0;
garbage:
	sc_agent_lock(SC_AGENT_TABLE);
	mark_dead_locked("the agent sent garbage: a reply to `%s` that does not parse: '%.200s'", op, r->line);
	sc_agent_unlock(SC_AGENT_TABLE);
	return link_failed();
}

/* The reply's -1 with its errno, or its result. */
static long long result(const struct reply *r)
{
	errno = r->err;
	return r->ret;
}

/* A request that cannot be made: -1 with err, as the call would fail. */
static int refuse(int err)
{
	errno = err;
	return -1;
}

static SC_NORETURN void bad_reply(const struct reply *r, const char *op)
{
	sc_agent_lock(SC_AGENT_TABLE);
	mark_dead_locked("the agent sent garbage: a reply to `%s` without its fields: '%.200s'", op, r->line);
	sc_agent_unlock(SC_AGENT_TABLE);
	link_failed();
	sc_fail(NULL, "%s", ag.why); /* link_failed() returned: the family has failed already */
}

/* ---- addresses ---------------------------------------------------------------- */

static int to_text(const struct sockaddr *sa, socklen_t len, char *out, size_t size)
{
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)sa;
		char a[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &sin->sin_addr, a, sizeof a);
		snprintf(out, size, "%s %u", a, ntohs(sin->sin_port));
		return 0;
	}
	if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(const void *)sa;
		char a[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof a);
		snprintf(out, size, "%s %u", a, ntohs(sin6->sin6_port));
		return 0;
	}
	return -1;
}

/* "ADDR PORT" into a sockaddr: 0, or -1 when it is no address. */
static int from_text(const char *text, struct sockaddr_storage *ss, socklen_t *len)
{
	char a[INET6_ADDRSTRLEN + 1];
	unsigned port;

	memset(ss, 0, sizeof *ss);
	if (sscanf(text, "%46s %u", a, &port) != 2 || port > 65535)
		return -1;
	if (strchr(a, ':')) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)port);
		*len = sizeof *sin6;
		return inet_pton(AF_INET6, a, &sin6->sin6_addr) == 1 ? 0 : -1;
	}
	((struct sockaddr_in *)ss)->sin_family = AF_INET;
	((struct sockaddr_in *)ss)->sin_port = htons((unsigned short)port);
	*len = sizeof(struct sockaddr_in);
	return inet_pton(AF_INET, a, &((struct sockaddr_in *)ss)->sin_addr) == 1 ? 0 : -1;
}

/* An address the agent sent, to the caller's buffer as accept()/getsockname() fill it. */
static void put_address(const struct reply *r, const char *op, struct sockaddr *addr, socklen_t *len)
{
	struct sockaddr_storage ss;
	socklen_t sslen;

	if (from_text(r->fields, &ss, &sslen) == -1)
		bad_reply(r, op);
	if (addr && len) {
		memcpy(addr, &ss, *len < sslen ? *len : sslen);
		*len = sslen;
	}
}

/* ---- start and end ------------------------------------------------------------ */

static int env_int(const char *name, int fallback)
{
	const char *s = getenv(name);
	long v = s && *s ? strtol(s, NULL, 10) : 0;

	return v > 0 && v < 3600000 ? (int)v : fallback;
}

/* "stack=lwip version=2.1.3 families=inet,inet6 addr4=... addr6=...": the identity's fields. */
static void read_identity(const char *fields)
{
	char copy[MAX_LINE + 1], *next;

	snprintf(copy, sizeof copy, "%s", fields);
	ag.families = 0;
	for (char *word = copy; *word; word = next) {
		char *eq;
		next = word + strcspn(word, " ");
		if (*next)
			*next++ = '\0';
		eq = strchr(word, '=');
		if (!eq)
			continue;
		*eq++ = '\0';
		if (strcmp(word, "stack") == 0)
			snprintf(ag.stack_name, sizeof ag.stack_name, "%s", eq);
		else if (strcmp(word, "version") == 0)
			snprintf(ag.stack_version, sizeof ag.stack_version, "%s", eq);
		else if (strcmp(word, "families") == 0) {
			ag.families |= strstr(eq, "inet6") ? SC_INET6 : 0;
			for (char *f = eq; (f = strstr(f, "inet")) != NULL; f += 4)
				if (f[4] != '6')
					ag.families |= SC_INET;
		} else if (strcmp(word, "addr4") == 0 || strcmp(word, "addr6") == 0) {
			int six = word[4] == '6';
			char text[INET6_ADDRSTRLEN + 8];
			snprintf(text, sizeof text, "%s 0", eq);
			ag.have_addr[six] = from_text(text, &ag.addr[six], &ag.addr_len[six]) == 0;
		}
	}
}

/* SOCKCONF_AGENT_ADDR4/6: where the agent's listeners are reached, over what it says. */
static void address_overrides(void)
{
	static const char *const vars[2] = {"SOCKCONF_AGENT_ADDR4", "SOCKCONF_AGENT_ADDR6"};

	for (int six = 0; six < 2; six++) {
		const char *v = getenv(vars[six]);
		char text[INET6_ADDRSTRLEN + 8];
		if (!v || !*v)
			continue;
		snprintf(text, sizeof text, "%s 0", v);
		ag.have_addr[six] = from_text(text, &ag.addr[six], &ag.addr_len[six]) == 0;
	}
}

/* hello's reply, read here before the reader thread starts: 0, or -1 (the link marked dead). */
static int read_hello_reply(char *line, size_t size)
{
	double deadline = sc_plat_now_ms() + ag.short_ms;
	char buf[MAX_LINE * 2];
	size_t n = 0;
	int skipped = 0;

	for (;;) {
		char *nl = memchr(buf, '\n', n);
		double left = deadline - sc_plat_now_ms();
		long got;

		if (nl && strncmp(buf, "1 ", 2) != 0 && skipped++ < MAX_STALE) {
			/* a session before ours on this stream (a case's process per family, one
			 * killed mid-call): its parked calls' answers (ECANCELED) come first */
			n -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, n);
			continue;
		}
		if (nl) {
			size_t len = (size_t)(nl - buf);
			if (len && buf[len - 1] == '\r')
				len--;
			snprintf(line, size, "%.*s", (int)len, buf);
			ag.npending = n - (size_t)(nl + 1 - buf);
			memcpy(ag.pending, nl + 1, ag.npending);
			return 0;
		}
		if (n >= MAX_LINE) {
			buf[80] = '\0';
			mark_dead_locked("the agent sent garbage: no line end within %d bytes: '%s...'", MAX_LINE, buf);
			return -1;
		}
		if (left <= 0 || sc_agent_link_readable((int)left + 1) == 0) {
			mark_dead_locked("the agent did not answer `hello` within %d ms", ag.short_ms);
			return -1;
		}
		got = sc_agent_link_read(buf + n, sizeof buf - n);
		if (got <= 0) {
			mark_dead_locked("the agent vanished: %s before it answered `hello`",
					 got == 0 ? "its stream ended" : strerror(errno));
			return -1;
		}
		n += (size_t)got;
	}
}

static void say_bye(void)
{
	char request[32];
	int n;

	if (ag.dead)
		return;
	/* no wait for the answer: the session ends with it, and the runner waits for the agent */
	sc_agent_lock(SC_AGENT_TABLE);
	n = snprintf(request, sizeof request, "%ld bye\n", ag.next_id++);
	sc_agent_unlock(SC_AGENT_TABLE);
	sc_agent_lock(SC_AGENT_WRITER);
	sc_agent_link_write(request, (size_t)n);
	sc_agent_unlock(SC_AGENT_WRITER);
}

/*
 * Open the stream and say hello.  A link that fails here is no reason to
 * refuse the stack: the family's first request fails with what happened
 * (lib's message for a stack that does not start carries an errno only).
 */
static int agent_init(void)
{
	char line[MAX_LINE + 1], *end, errname[40];
	long long ret;

	if (ag.started)
		return 0;
	ag.started = 1;
	ag.main_thread = sc_plat_thread_id();
	if (getenv("SOCKCONF_AGENT_TRACE") && *getenv("SOCKCONF_AGENT_TRACE"))
		trace = fopen(getenv("SOCKCONF_AGENT_TRACE"), "a");
	ag.next_id = 1;
	ag.families = SC_INET | SC_INET6;
	ag.long_ms = env_int("SOCKCONF_TIMEOUT_MS", 10000) * 8 / 10;
	ag.short_ms = env_int("SOCKCONF_AGENT_TIMEOUT_MS", 5000);
	if (ag.short_ms > ag.long_ms)
		ag.short_ms = ag.long_ms;
	/* the stack starts with the case's first socket: about when its watchdog was armed */
	ag.case_deadline = sc_plat_now_ms() + env_int("SOCKCONF_TIMEOUT_MS", 10000) * 85 / 100;
	snprintf(ag.version_text, sizeof ag.version_text, "unknown");
	sc_agent_lock(SC_AGENT_TABLE);
	if (sc_agent_link_open(getenv("SOCKCONF_AGENT"), ag.short_ms, ag.why, sizeof ag.why) == -1) {
		ag.dead = 1;
		goto out;
	}
	if (sc_agent_link_write("1 hello 1\n", 10) == -1) {
		mark_dead_locked("the agent vanished: writing `hello`: %s", strerror(errno));
		goto out;
	}
	ag.next_id = 2;
	if (read_hello_reply(line, sizeof line) == -1)
		goto out;
	if (strncmp(line, "1 = ", 4) != 0 || (ret = strtoll(line + 4, &end, 10), end == line + 4) ||
	    sscanf(end, " %39s", errname) != 1) {
		mark_dead_locked("the agent sent garbage: '%.120s' in answer to `hello`", line);
		goto out;
	}
	if (ret != PROTOCOL_VERSION) {
		const char *v = strstr(line, "versions=");
		mark_dead_locked("the agent speaks protocol version %s, this client %d ('%.120s')",
				 v ? v + 9 : "(unnamed)", PROTOCOL_VERSION, line);
		goto out;
	}
	read_identity(strstr(end, errname) + strlen(errname));
	address_overrides();
	snprintf(ag.version_text, sizeof ag.version_text, "%s%s%s", ag.stack_name[0] ? ag.stack_name : "unnamed",
		 ag.stack_version[0] ? "-" : "", ag.stack_version);
	if (sc_plat_thread_start(reader, NULL) == -1) {
		mark_dead_locked("the agent's client could not start its reader thread");
		goto out;
	}
	atexit(say_bye);
out:
	sc_agent_unlock(SC_AGENT_TABLE);
	return 0;
}

/* "kernel-6.18.44": the agent's stack and its version, as hello said them. */
static const char *agent_version(void) { return ag.version_text; }

static int agent_address(int family, struct sockaddr_storage *ss, socklen_t *len)
{
	int six = family == SC_INET6;

	if ((family != SC_INET && family != SC_INET6) || !ag.have_addr[six])
		return -1;
	memcpy(ss, &ag.addr[six], sizeof *ss);
	*len = ag.addr_len[six];
	return 0;
}

/* errno, as every op leaves it: a check reads it after lib set it from another thread's call (blocked.c) */
static int agent_last_error(void) { return errno; }

/* SOCKCONF_AGENT_WIRE: the host's interface towards the agent (a veth, a tap, a LAN's). */
static const char *agent_wire_device(void)
{
	const char *dev = getenv("SOCKCONF_AGENT_WIRE");

	return dev && *dev ? dev : NULL;
}

/* Asked only where no wire is named: the agent's segments cross no device known here. */
static int agent_observe(void (*seen)(const unsigned char *ip, size_t len, void *ctx), void *ctx)
{
	(void)seen, (void)ctx;
	errno = ENODEV;
	return -1;
}

/* ---- the calls ---------------------------------------------------------------- */

static sc_handle agent_socket(int domain, int type, int protocol)
{
	struct reply r;
	int family = domain == AF_INET ? SC_INET : domain == AF_INET6 ? SC_INET6 : 0;

	if (!family || (ag.families & (unsigned)family) == 0 || protocol != 0)
		return refuse(EAFNOSUPPORT);
	if (type != SOCK_STREAM && type != SOCK_DGRAM)
		return refuse(EPROTONOSUPPORT);
	if (call(&r, "socket", ag.short_ms, " %s %s", family == SC_INET ? "inet" : "inet6",
		 type == SOCK_STREAM ? "stream" : "dgram") == -1)
		return -1;
	if (r.ret >= 0 && r.ret < MAX_HANDLES)
		ag.nonblocking[r.ret] = 0;
	return (sc_handle)result(&r);
}

static int agent_socketpair(int d, int t, int p, sc_handle sv[2])
{
	(void)d, (void)t, (void)p, (void)sv;
	return refuse(EOPNOTSUPP); /* the agent makes no pairs (and has no AF_UNIX) */
}

static int addressed(const char *op, sc_handle s, const struct sockaddr *a, socklen_t l, int timeout_ms)
{
	struct reply r;
	char text[INET6_ADDRSTRLEN + 8];

	if (to_text(a, l, text, sizeof text) == -1)
		return refuse(EAFNOSUPPORT);
	if (call(&r, op, timeout_ms, " %ld %s", (long)s, text) == -1)
		return -1;
	return (int)result(&r);
}

static int agent_bind(sc_handle s, const struct sockaddr *a, socklen_t l) { return addressed("bind", s, a, l, ag.short_ms); }
static int agent_connect(sc_handle s, const struct sockaddr *a, socklen_t l) { return addressed("connect", s, a, l, ag.long_ms); }

/* A request on one handle with a plain result. */
static long long on_handle(const char *op, sc_handle s, int timeout_ms, const char *more)
{
	struct reply r;

	if (call(&r, op, timeout_ms, " %ld%s", (long)s, more) == -1)
		return -1;
	return result(&r);
}

static int agent_listen(sc_handle s, int backlog)
{
	char more[24];

	snprintf(more, sizeof more, " %d", backlog);
	return (int)on_handle("listen", s, ag.short_ms, more);
}

static sc_handle agent_accept(sc_handle s, struct sockaddr *addr, socklen_t *len)
{
	struct reply r;

	if (call(&r, "accept", ag.long_ms, " %ld", (long)s) == -1)
		return -1;
	if (r.ret >= 0) {
		put_address(&r, "accept", addr, len);
		if (r.ret < MAX_HANDLES)
			ag.nonblocking[r.ret] = 0;
	}
	return (sc_handle)result(&r);
}

static int named_address(const char *op, sc_handle s, struct sockaddr *addr, socklen_t *len)
{
	struct reply r;

	if (call(&r, op, ag.short_ms, " %ld", (long)s) == -1)
		return -1;
	if (r.ret == 0)
		put_address(&r, op, addr, len);
	return (int)result(&r);
}

static int agent_getsockname(sc_handle s, struct sockaddr *a, socklen_t *l) { return named_address("getsockname", s, a, l); }
static int agent_getpeername(sc_handle s, struct sockaddr *a, socklen_t *l) { return named_address("getpeername", s, a, l); }

/* A close may wait out a linger timeout in the agent: the long bound. */
static int agent_close(sc_handle s) { return (int)on_handle("close", s, ag.long_ms, ""); }

static int agent_shutdown(sc_handle s, int how)
{
	const char *word = how == SHUT_RD ? " rd" : how == SHUT_WR ? " wr" : how == SHUT_RDWR ? " rdwr" : NULL;

	if (!word)
		return refuse(EINVAL);
	return (int)on_handle("shutdown", s, ag.short_ms, word);
}

/* "peek|dontwait": 0, or -1 for a flag the protocol has no name for. */
static int flag_words(int flags, char *out, size_t size)
{
	static const struct {
		int flag;
		const char *name;
	} names[] = {{MSG_PEEK, "peek"}, {SC_MSG_DONTWAIT, "dontwait"}, {MSG_NOSIGNAL, "nosignal"}, {MSG_OOB, "oob"}};
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].flag && (flags & names[i].flag)) {
			n += (size_t)snprintf(out + n, size - n, "%s%s", n ? "|" : "", names[i].name);
			flags &= ~names[i].flag;
		}
	if (flags)
		return -1;
	if (!n)
		snprintf(out, size, "0");
	return 0;
}

static int blocking(sc_handle s, int flags)
{
	return !(flags & SC_MSG_DONTWAIT) && !(s >= 0 && s < MAX_HANDLES && ag.nonblocking[s]);
}

/*
 * The data in lines of at most 2048 bytes.  A blocking send takes it all
 * as the kernel's does (or fails with what it took so far counted); a
 * non-blocking one stops at the first line the agent took only part of.
 */
static ssize_t agent_send(sc_handle s, const void *buf, size_t len, int flags)
{
	static const char hex[] = "0123456789abcdef";
	char words[48], data[2 * MAX_DATA + 1];
	const unsigned char *b = buf;
	size_t total = 0;
	int waits = blocking(s, flags);

	if (flag_words(flags, words, sizeof words) == -1)
		return refuse(EOPNOTSUPP);
	do {
		size_t chunk = len - total < MAX_DATA ? len - total : MAX_DATA;
		struct reply r;

		for (size_t i = 0; i < chunk; i++) {
			data[2 * i] = hex[b[total + i] >> 4];
			data[2 * i + 1] = hex[b[total + i] & 15];
		}
		data[2 * chunk] = '\0';
		if (call(&r, "send", waits ? ag.long_ms : ag.short_ms, " %ld %s %s", (long)s, words,
			 chunk ? data : "-") == -1)
			return -1;
		if (r.ret < 0)
			return total ? (ssize_t)total : (ssize_t)result(&r);
		if ((size_t)r.ret > chunk)
			bad_reply(&r, "send");
		total += (size_t)r.ret;
		if ((size_t)r.ret < chunk && !waits)
			break;
	} while (total < len);
	return (ssize_t)total;
}

static ssize_t agent_write(sc_handle s, const void *buf, size_t len) { return agent_send(s, buf, len, 0); }

/* A lowercase hex digit's value plus one (the agent writes lowercase), 0 for any other
 * byte: looked up, since comparisons' branches mispredict on data that looks random */
static const unsigned char hex_plus1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
	['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

static ssize_t agent_recv(sc_handle s, void *buf, size_t len, int flags)
{
	char words[48];
	struct reply r;
	size_t max = len < MAX_DATA ? len : MAX_DATA;
	unsigned char *b = buf;

	if (flag_words(flags, words, sizeof words) == -1)
		return refuse(EOPNOTSUPP);
	if (call(&r, "recv", blocking(s, flags) ? ag.long_ms : ag.short_ms, " %ld %zu %s", (long)s, max, words) == -1)
		return -1;
	if (r.ret > 0) {
		const char *h = r.fields;
		if ((size_t)r.ret > max || strlen(h) < 2 * (size_t)r.ret)
			bad_reply(&r, "recv");
		unsigned bad = 0;
		for (long long i = 0; i < r.ret; i++) {
			unsigned hi = hex_plus1[(unsigned char)h[2 * i]], lo = hex_plus1[(unsigned char)h[2 * i + 1]];
			bad |= (hi == 0) | (lo == 0);
			b[i] = (unsigned char)((hi - 1) << 4 | (lo - 1));
		}
		if (bad)
			bad_reply(&r, "recv");
	}
	return (ssize_t)result(&r);
}

/* The options the protocol names, by level and name. */
static const char *option_name(int level, int name)
{
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_LINGER: return "so_linger";
		case SO_ERROR: return "so_error";
		case SO_RCVBUF: return "so_rcvbuf";
		case SO_SNDBUF: return "so_sndbuf";
		case SO_KEEPALIVE: return "so_keepalive";
		case SO_REUSEADDR: return "so_reuseaddr";
		case SO_TYPE: return "so_type";
#ifdef SO_DONTLINGER
		case SO_DONTLINGER: return "so_dontlinger";
#endif
		}
	}
	if (level == IPPROTO_TCP) {
		switch (name) {
		case TCP_NODELAY: return "tcp_nodelay";
#ifdef TCP_KEEPIDLE
		case TCP_KEEPIDLE: return "tcp_keepidle";
#endif
#ifdef TCP_KEEPINTVL
		case TCP_KEEPINTVL: return "tcp_keepintvl";
#endif
#ifdef TCP_KEEPCNT
		case TCP_KEEPCNT: return "tcp_keepcnt";
#endif
		}
	}
	return NULL;
}

static int agent_setsockopt(sc_handle s, int level, int name, const void *v, socklen_t l)
{
	const char *opt = option_name(level, name);
	char more[80];

	if (!opt)
		return refuse(ENOPROTOOPT);
	if (level == SOL_SOCKET && name == SO_LINGER) {
		const struct linger *lg = v;
		if (l < (socklen_t)sizeof *lg)
			return refuse(EINVAL);
		snprintf(more, sizeof more, " %s %d %d", opt, lg->l_onoff ? 1 : 0, (int)lg->l_linger);
	} else {
		int value;
		if (l < (socklen_t)sizeof value)
			return refuse(EINVAL);
		memcpy(&value, v, sizeof value);
		snprintf(more, sizeof more, " %s %d", opt, value);
	}
	return (int)on_handle("setsockopt", s, ag.short_ms, more);
}

static int agent_getsockopt(sc_handle s, int level, int name, void *v, socklen_t *l)
{
	const char *opt = option_name(level, name);
	struct reply r;
	int value = 0;

	if (!opt)
		return refuse(ENOPROTOOPT);
	if (call(&r, "getsockopt", ag.short_ms, " %ld %s", (long)s, opt) == -1)
		return -1;
	if (r.ret == -1)
		return (int)result(&r);
	if (level == SOL_SOCKET && name == SO_LINGER) {
		struct linger lg;
		int onoff, secs;
		if (sscanf(r.fields, "%d %d", &onoff, &secs) != 2)
			bad_reply(&r, "getsockopt so_linger");
		memset(&lg, 0, sizeof lg);
		lg.l_onoff = (unsigned short)onoff;
		lg.l_linger = (unsigned short)secs;
		memcpy(v, &lg, *l < (socklen_t)sizeof lg ? (size_t)*l : sizeof lg);
		*l = *l < (socklen_t)sizeof lg ? *l : (socklen_t)sizeof lg;
		return (int)result(&r);
	}
	if (level == SOL_SOCKET && name == SO_ERROR) {
		char word[40];
		if (sscanf(r.fields, "%39s", word) != 1)
			bad_reply(&r, "getsockopt so_error");
		value = errno_named(word);
		if (value == -1)
			value = EPROTO;
	} else if (level == SOL_SOCKET && name == SO_TYPE) {
		value = strncmp(r.fields, "stream", 6) == 0 ? SOCK_STREAM : strncmp(r.fields, "dgram", 5) == 0 ? SOCK_DGRAM : -1;
		if (value == -1)
			bad_reply(&r, "getsockopt so_type");
	} else if (sscanf(r.fields, "%d", &value) != 1) {
		bad_reply(&r, "getsockopt");
	}
	memcpy(v, &value, *l < (socklen_t)sizeof value ? (size_t)*l : sizeof value);
	*l = *l < (socklen_t)sizeof value ? *l : (socklen_t)sizeof value;
	return (int)result(&r);
}

static int agent_set_nonblocking(sc_handle s, int on)
{
	long long ret = on_handle("nonblock", s, ag.short_ms, on ? " 1" : " 0");

	if (ret == 0 && s >= 0 && s < MAX_HANDLES)
		ag.nonblocking[s] = (unsigned char)(on != 0);
	return (int)ret;
}

static const struct {
	short bit;
	const char *name;
} events[] = {{POLLIN, "in"}, {POLLOUT, "out"}, {POLLPRI, "pri"}, {POLLERR, "err"},
	      {POLLHUP, "hup"}, {POLLNVAL, "nval"}, {SC_POLLRDHUP, "rdhup"}};

static void event_words(short bits, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof events / sizeof events[0]; i++)
		if (events[i].bit && (bits & events[i].bit))
			n += (size_t)snprintf(out + n, size - n, "%s%s", n ? "|" : "", events[i].name);
	if (!n)
		snprintf(out, size, "0");
}

/* "in|hup" as bits: 0, or -1 for a word that is no event. */
static int event_bits(const char *words, size_t len, short *bits)
{
	*bits = 0;
	if (len == 1 && words[0] == '0')
		return 0;
	while (len) {
		size_t w = 0, i;
		while (w < len && words[w] != '|')
			w++;
		for (i = 0; i < sizeof events / sizeof events[0]; i++)
			if (strlen(events[i].name) == w && strncmp(events[i].name, words, w) == 0)
				break;
		if (i == sizeof events / sizeof events[0])
			return -1;
		*bits = (short)(*bits | events[i].bit);
		words += w, len -= w;
		if (len)
			words++, len--;
	}
	return 0;
}

static int agent_poll(struct pollfd *fds, unsigned n, int timeout_ms)
{
	char args[MAX_LINE];
	size_t used;
	struct reply r;
	const char *p;
	int bound = timeout_ms < 0 ? ag.long_ms : timeout_ms + ag.short_ms;

	used = (size_t)snprintf(args, sizeof args, " %d", timeout_ms < 0 ? -1 : timeout_ms);
	for (unsigned i = 0; i < n && used < sizeof args - 64; i++) {
		char words[64];
		event_words(fds[i].events, words, sizeof words);
		used += (size_t)snprintf(args + used, sizeof args - used, " %ld %s", (long)fds[i].fd, words);
	}
	if (call(&r, "poll", bound, "%s", args) == -1)
		return -1;
	if (r.ret < 0)
		return (int)result(&r);
	p = r.fields;
	for (unsigned i = 0; i < n; i++) {
		size_t len = strcspn(p, " ");
		if (!len || event_bits(p, len, &fds[i].revents) == -1)
			bad_reply(&r, "poll");
		p += len;
		while (*p == ' ')
			p++;
	}
	return (int)result(&r);
}

static const char *const state_names[] = {
	[SC_TCP_CLOSED] = "CLOSED", [SC_TCP_LISTEN] = "LISTEN", [SC_TCP_SYN_SENT] = "SYN_SENT",
	[SC_TCP_SYN_RECEIVED] = "SYN_RECEIVED", [SC_TCP_ESTABLISHED] = "ESTABLISHED",
	[SC_TCP_FIN_WAIT1] = "FIN_WAIT_1", [SC_TCP_FIN_WAIT2] = "FIN_WAIT_2",
	[SC_TCP_CLOSE_WAIT] = "CLOSE_WAIT", [SC_TCP_CLOSING] = "CLOSING", [SC_TCP_LAST_ACK] = "LAST_ACK",
	[SC_TCP_TIME_WAIT] = "TIME_WAIT",
};

/* The optional hook: -1 where the agent has none (ENOSYS) or the state has no name here. */
static int agent_tcp_state(sc_handle s)
{
	struct reply r;
	char word[32];

	if (call(&r, "state", ag.short_ms, " %ld", (long)s) == -1 || r.ret == -1)
		return -1;
	if (sscanf(r.fields, "%31s", word) != 1)
		bad_reply(&r, "state");
	if (strcmp(word, "SYN_RCVD") == 0) /* lwIP's and BSD's spelling */
		return SC_TCP_SYN_RECEIVED;
	for (size_t i = 0; i < sizeof state_names / sizeof state_names[0]; i++)
		if (state_names[i] && strcmp(word, state_names[i]) == 0)
			return (int)i;
	return -1;
}

static long agent_unacked_bytes(sc_handle s, int family)
{
	(void)family;
	return (long)on_handle("unacked", s, ag.short_ms, "");
}

const struct sc_stack sc_agent_stack = {
	.name = "agent",
	.identity_fds = 0, /* the agent's handles are its own small numbers: lib maps them */
	.init = agent_init,
	.version = agent_version,
	/* what hello says narrows it: agent_socket() refuses a family the agent lacks */
	.families = SC_INET | SC_INET6,
	.no_fork = "the agent serves one session: a forked child cannot share its sockets",
	.raises_sigpipe = 0, /* a signal on the agent's side never reaches the case */
	.one_thread_per_socket = NULL, /* the agent parks a blocked recv and goes on serving */
	.blocked_calls_retried = "the agent serves a blocked call by polling, and makes it once it can "
				 "complete: what wakes a call asleep in the stack is not seen through it",
	.address = agent_address,
	.last_error = agent_last_error,
	.wire_device = agent_wire_device,
	.observe = agent_observe,
	.socket = agent_socket,
	.socketpair = agent_socketpair,
	.bind = agent_bind,
	.listen = agent_listen,
	.accept = agent_accept,
	.connect = agent_connect,
	.getsockname = agent_getsockname,
	.close = agent_close,
	.shutdown = agent_shutdown,
	.send = agent_send,
	.recv = agent_recv,
	.write = agent_write,
	.setsockopt = agent_setsockopt,
	.getsockopt = agent_getsockopt,
	.dup = NULL, /* no dup in the protocol: cases that dup skip */
	.set_nonblocking = agent_set_nonblocking,
	.poll = agent_poll,
	.unacked_bytes = agent_unacked_bytes,
	.undelivered_bytes = NULL,
	.getpeername = agent_getpeername,
	.tcp_state = agent_tcp_state,
	.listed_tcp_state = NULL, /* the agent lists no connections: cases that read the list skip */
	.epoll_revents = NULL,
};
