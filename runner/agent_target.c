/* agent_target.c: the agent targets (see agent_target.h). */
#include "agent_target.h"
#include "agent_stream.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROTOCOL_VERSION 1
#define ST (at.pool.st[at.cur])
#define RUNNER_IDS 2000000000L /* the runner's request ids: far from a case's */
#define HELLO_BOUND_MS 10000   /* an agent (a board, a process starting) that has not answered by then is gone */

enum kind { AGENT_EXEC, AGENT_TCP, AGENT_SERIAL };

static struct {
	int active;
	enum kind kind;
	char where[1024];   /* the command, HOST:PORT or the device */
	unsigned baud;
	struct agent_pool pool; /* exec: -j copies of the command; tcp, serial: one */
	unsigned cur;           /* the agent the functions below speak to */
	char scratch[1100];
	char out_path[1200], err_path[1200];
	int case_bound_ms;
	long next_id;
	char settings[8][1200];
	char *env[10];
	int agent_setting;  /* which of settings is SOCKCONF_AGENT */
	int lost;
	char lost_why[700];
	char restarted[800]; /* an agent was reached again before the case that met its end was done */
} at;

int target_is_agent(const char *name)
{
	return strncmp(name, "agent:", 6) == 0;
}

/* DEVICE[,BAUD]: the baud, 0 when none is given, -1 when it is no number. */
static long baud_of(const char *spec, size_t *device_len)
{
	const char *comma = strrchr(spec, ',');
	char *end;
	long baud;

	*device_len = strlen(spec);
	if (!comma)
		return 0;
	baud = strtol(comma + 1, &end, 10);
	if (end == comma + 1 || *end || baud <= 0)
		return -1;
	*device_len = (size_t)(comma - spec);
	return baud;
}

int agent_target_check(const char *name, char *err, size_t errsize)
{
	const char *rest = name + 6;
	size_t n;

	if (strncmp(rest, "exec:", 5) == 0 && rest[5])
		return 0;
	if (strncmp(rest, "tcp:", 4) == 0 && strrchr(rest + 4, ':') && strrchr(rest + 4, ':') > rest + 4 &&
	    strrchr(rest + 4, ':')[1])
		return 0;
	if (strncmp(rest, "serial:", 7) == 0 && rest[7] && baud_of(rest + 7, &n) >= 0 && n > 0)
		return 0;
	snprintf(err, errsize, "--target %s: not agent:exec:COMMAND, agent:tcp:HOST:PORT or "
		 "agent:serial:DEVICE[,BAUD]", name);
	return -1;
}

/* ---- the protocol, the runner's part ---------------------------------------------- */

/*
 * Wait for the reply to request id, dropping what comes before it (what a
 * case left: the answers to its parked requests).  1 with it in line; 0
 * no reply within the bound; -1 the stream ended or failed; -2 garbage.
 */
static int reply_to(long id, char *line, size_t size, int bound_ms, char *why, size_t whysize)
{
	double deadline = plat_now_ms() + bound_ms;
	char prefix[32];
	int n = snprintf(prefix, sizeof prefix, "%ld ", id);

	for (;;) {
		double left = deadline - plat_now_ms();
		int got = left > 0 ? agent_stream_read_line(&ST, line, size, (int)left + 1) : 0;

		if (got == 0) {
			snprintf(why, whysize, "the agent did not answer within %d ms", bound_ms);
			return 0;
		}
		if (got == -1) {
			snprintf(why, whysize, "the agent vanished: %s", errno ? strerror(errno) : "its stream ended");
			return -1;
		}
		if (got == -2) {
			snprintf(why, whysize, "the agent sent garbage: a line over %zu bytes", sizeof ST.buf);
			return -2;
		}
		if (strncmp(line, prefix, (size_t)n) == 0)
			return 1;
		if (line[strspn(line, "0123456789")] != ' ') { /* no reply of the protocol's at all */
			snprintf(why, whysize, "the agent sent garbage: '%.120s'", line);
			for (char *p = why; *p; p++)
				if ((unsigned char)*p < 0x20 || *p == 0x7f)
					*p = '?';
			return -2;
		}
	}
}

struct hello {
	char stack[48], version[64], os[64], machine[64];
};

/* One word's value in hello's fields ("stack=kernel"): "" when absent. */
static void field(const char *fields, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);
	const char *p = fields;

	out[0] = '\0';
	while ((p = strstr(p, key)) != NULL) {
		if ((p == fields || p[-1] == ' ') && p[klen] == '=') {
			size_t n = strcspn(p + klen + 1, " ");
			snprintf(out, size, "%.*s", (int)n, p + klen + 1);
			return;
		}
		p += klen;
	}
}

/*
 * Say hello (and, with bye, end the session at once: what the runner
 * needs is the answer).  0 with *h filled; -1 the link failed (why);
 * -2 the agent speaks another version (why names both).
 */
static int say_hello(struct hello *h, int bye, int bound_ms, char *why, size_t whysize)
{
	char request[96], line[4300], err[40];
	long id = at.next_id;
	long long version;
	char *end;
	int got;

	at.next_id += 2;
	snprintf(request, sizeof request, bye ? "%ld hello %d\n%ld bye\n" : "%ld hello %d\n", id,
		 PROTOCOL_VERSION, id + 1);
	if (agent_stream_write(&ST, request) == -1) {
		int write_err = errno;
		/* what it printed before it went says more than the broken pipe */
		if (reply_to(id, line, sizeof line, 100, why, whysize) != -2)
			snprintf(why, whysize, "the agent vanished: writing hello: %s", strerror(write_err));
		return -1;
	}
	got = reply_to(id, line, sizeof line, bound_ms, why, whysize);
	if (got != 1)
		return -1;
	version = strtoll(line + strcspn(line, " ") + 3, &end, 10);
	if (strncmp(line + strcspn(line, " "), " = ", 3) != 0 || sscanf(end, " %39s", err) != 1) {
		snprintf(why, whysize, "the agent sent garbage in answer to hello: '%.120s'", line);
		return -1;
	}
	if (version != PROTOCOL_VERSION) {
		char versions[64];
		field(end, "versions", versions, sizeof versions);
		snprintf(why, whysize, "the agent speaks protocol version %s, this runner version %d",
			 versions[0] ? versions : "(it names none)", PROTOCOL_VERSION);
		return -2;
	}
	memset(h, 0, sizeof *h);
	field(end, "stack", h->stack, sizeof h->stack);
	field(end, "version", h->version, sizeof h->version);
	field(end, "os", h->os, sizeof h->os);
	field(end, "machine", h->machine, sizeof h->machine);
	if (bye && reply_to(id + 1, line, sizeof line, bound_ms, why, whysize) != 1)
		return -1;
	return 0;
}

/* ---- reaching the agent --------------------------------------------------------- */

/* tcp: where each case connects (exec and serial: agent_pool_pass_down says which stream) */
static void set_agent_setting(void)
{
	if (at.kind == AGENT_TCP)
		snprintf(at.settings[at.agent_setting], sizeof at.settings[0], "SOCKCONF_AGENT=tcp:%s", at.where);
}

/* Open the stream (exec: start the agent): 0, or -1 with why. */
static int open_stream(int bound_ms, char *why, size_t whysize)
{
	switch (at.kind) {
	case AGENT_EXEC:
		snprintf(at.out_path, sizeof at.out_path, "%s/agent%u.out", at.scratch, at.cur);
		snprintf(at.err_path, sizeof at.err_path, "%s/agent%u.err", at.scratch, at.cur);
		return agent_stream_exec(&ST, at.where, at.out_path, at.err_path, why, whysize);
	case AGENT_SERIAL:
		return agent_stream_serial(&ST, at.where, at.baud, why, whysize);
	case AGENT_TCP:
		return agent_stream_tcp(&ST, at.where, bound_ms, why, whysize);
	}
	return -1;
}

/* What the exec agent said on its stderr last, for a message: "" when nothing. */
static void agent_last_words(char *out, size_t size)
{
	FILE *f;

	snprintf(at.err_path, sizeof at.err_path, "%s/agent%u.err", at.scratch, at.cur);
	f = at.kind == AGENT_EXEC ? fopen(at.err_path, "rb") : NULL;
	char text[4096];
	size_t n = 0;

	out[0] = '\0';
	if (!f)
		return;
	if (fseek(f, -(long)sizeof text + 1, SEEK_END) != 0)
		fseek(f, 0, SEEK_SET);
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		n--;
	text[n] = '\0';
	{
		const char *last = strrchr(text, '\n');
		snprintf(out, size, "%s", last ? last + 1 : text);
	}
}

/*
 * Reach the agent again within bound_ms: the stream opened anew (exec:
 * the old agent ended, the command started again), hello answered with
 * the version of the run.  0, or -1 with why.
 */
static int reach_again(int bound_ms, char *why, size_t whysize)
{
	double deadline = plat_now_ms() + bound_ms;
	int backoff = 10, tries = 0;
	char first[700] = "", words[300] = "", last[300];

	for (;;) {
		struct hello h;
		double left = deadline - plat_now_ms();
		int step = left > HELLO_BOUND_MS ? HELLO_BOUND_MS : left > 1 ? (int)left : 1;

		tries++;
		if (at.kind != AGENT_SERIAL || ST.rfd == -1) {
			agent_stream_close(&ST);
			if (open_stream(step, why, whysize) == 0 && say_hello(&h, 1, step, why, whysize) == 0)
				break;
		} else if (say_hello(&h, 1, step, why, whysize) == 0) {
			break;
		}
		if (!first[0]) /* the first try's reason: a later one may only have met the bound */
			snprintf(first, sizeof first, "%s", why);
		if (at.kind == AGENT_EXEC) {
			agent_stream_close(&ST); /* its stderr complete */
			agent_last_words(last, sizeof last);
			if (last[0])
				snprintf(words, sizeof words, "%s", last);
		}
		if (plat_interrupted() || plat_now_ms() >= deadline) {
			snprintf(why, whysize, "%s; %d tries%s%s", first, tries, words[0] ? "; its stderr: " : "", words);
			return -1;
		}
		agent_stream_pause_ms(backoff);
		backoff = backoff < 320 ? backoff * 2 : 320;
	}
	if (at.kind == AGENT_TCP) /* each case connects itself */
		agent_stream_close(&ST);
	set_agent_setting();
	return 0;
}

/* ---- the target ------------------------------------------------------------------- */

static void add_setting(size_t *n, const char *name, const char *value)
{
	snprintf(at.settings[*n], sizeof at.settings[0], "%s=%s", name, value);
	at.env[*n] = at.settings[*n];
	at.env[++*n] = NULL;
}

static int strcasecmp_ascii(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a, y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
		if (x != y)
			return x - y;
	}
	return *a - *b;
}

/* The run's identity from the agent's: its stack is the platform, as lwIP's is for lwip-linux. */
static void describe(struct identity *id, const struct hello *h, int label_given)
{
	char os[64], release[64], peer[200];
	const char *dash;

	snprintf(peer, sizeof peer, "kernel %s", id->kernel);
	snprintf(id->host, sizeof id->host, "%s %s %s (the runner; the peer's kernel)", id->os, id->kernel,
		 id->machine);
	/* os=linux-6.18.44 (name and release), or os=Linux */
	snprintf(os, sizeof os, "%s", h->os[0] ? h->os : "unknown");
	release[0] = '\0';
	dash = strchr(os, '-');
	if (dash && dash[1] >= '0' && dash[1] <= '9') {
		snprintf(release, sizeof release, "%s", dash + 1);
		os[dash - os] = '\0';
	}
	snprintf(id->target, sizeof id->target, "agent");
	snprintf(id->machine, sizeof id->machine, "%s", h->machine[0] ? h->machine : "unknown");
	/* the agent's platform's own stack: "kernel", "winsock", or its OS's name (stack=linux os=linux) */
	if (strcmp(h->stack, "kernel") == 0 || strcmp(h->stack, "winsock") == 0 ||
	    (h->os[0] && strcasecmp_ascii(h->stack, os) == 0)) {
		snprintf(id->os, sizeof id->os, "%s", os);
		snprintf(id->kernel, sizeof id->kernel, "%s", release[0] ? release : h->version[0] ? h->version : "unknown");
		snprintf(id->stack, sizeof id->stack, "%s", strcmp(h->stack, "winsock") == 0 ? "winsock" : "kernel");
		snprintf(id->stack_version, sizeof id->stack_version, "%s", h->version[0] ? h->version : id->kernel);
		snprintf(id->peer_stack, sizeof id->peer_stack, "%s", peer);
		if (!label_given)
			make_label(id->label, sizeof id->label, id);
	} else {
		identity_set_stack(id, h->stack[0] ? h->stack : "unknown", h->version, peer, label_given);
		snprintf(id->host, sizeof id->host, "%s%s%s; the runner: %s", h->os[0] ? "the agent on " : "",
			 h->os, h->os[0] ? "" : "the agent's OS unknown", peer);
	}
	snprintf(id->sysctls, sizeof id->sysctls,
		 "# sysctl (none: the agent's stack is not read; the peer is this machine's kernel)\n");
}

int agent_target_prepare(struct target_wrap *w, const struct options *o, struct identity *id,
			 int label_given, const char *scratch, char *err, size_t errsize)
{
	const char *spec = o->target + 6;
	struct hello h;
	char why[800];
	size_t n = 0;
	int said;

	memset(w, 0, sizeof *w);
	if (agent_target_check(o->target, err, errsize) == -1)
		return -1;
	memset(&at, 0, sizeof at);
	at.next_id = RUNNER_IDS;
	at.case_bound_ms = (int)o->timeout_ms;
	snprintf(at.scratch, sizeof at.scratch, "%s", scratch);
	if (strncmp(spec, "exec:", 5) == 0) {
		at.kind = AGENT_EXEC;
		snprintf(at.where, sizeof at.where, "%s", spec + 5);
	} else if (strncmp(spec, "tcp:", 4) == 0) {
		at.kind = AGENT_TCP;
		snprintf(at.where, sizeof at.where, "%s", spec + 4);
	} else {
		size_t dlen;
		at.kind = AGENT_SERIAL;
		at.baud = (unsigned)baud_of(spec + 7, &dlen);
		snprintf(at.where, sizeof at.where, "%.*s", (int)dlen, spec + 7);
	}
	/* exec: -j N starts N copies of the command (options.c keeps N within the pool) */
	at.pool.n = at.kind == AGENT_EXEC && o->jobs > 1 ? o->jobs : 1;
	for (unsigned k = 0; k < AGENT_POOL_MAX; k++)
		at.pool.st[k].rfd = at.pool.st[k].wfd = -1;
	at.active = 1;
	atexit(agent_target_finish); /* on every way out of the run, SIGINT's included */

	for (at.cur = 0; at.cur < at.pool.n; at.cur++) {
		snprintf(at.pool.lock_path[at.cur], sizeof at.pool.lock_path[0], "%s/agent%u.lock", scratch, at.cur);
		if (agent_pool_make_lock(&at.pool, at.cur) == -1) {
			snprintf(err, errsize, "--target %s: cannot make %s: %s", o->target,
				 at.pool.lock_path[at.cur], strerror(errno));
			return -1;
		}
		if (open_stream(HELLO_BOUND_MS, why, sizeof why) == -1) {
			snprintf(err, errsize, "--target %s: %s", o->target, why);
			return -1;
		}
		/* the session hello begins ends at once (bye): each case begins its own */
		said = say_hello(&h, 1, HELLO_BOUND_MS, why, sizeof why);
		if (said != 0) {
			char last[300];
			agent_last_words(last, sizeof last);
			snprintf(err, errsize, "--target %s: %s%s%s", o->target, why, last[0] ? "; its stderr: " : "", last);
			return -1;
		}
	}
	at.cur = 0;
	if (at.kind == AGENT_TCP)
		agent_stream_close(&ST);

	add_setting(&n, "SOCKCONF_STACK", "agent");
	add_setting(&n, "SOCKCONF_PEER_STACK", "kernel");
	if (at.kind == AGENT_TCP) {
		at.agent_setting = (int)n;
		add_setting(&n, "SOCKCONF_AGENT", "");
		set_agent_setting();
	}
	add_setting(&n, "SOCKCONF_KERNEL_ADDR4", o->peer_addr4 ? o->peer_addr4 : "127.0.0.1");
	add_setting(&n, "SOCKCONF_KERNEL_ADDR6", o->peer_addr6 ? o->peer_addr6 : "::1");
	if (o->agent_wire)
		add_setting(&n, "SOCKCONF_AGENT_WIRE", o->agent_wire);
	for (size_t i = 0; i <= n; i++)
		w->env[i] = at.env[i];
	if (at.kind != AGENT_TCP) {
		w->setup = agent_pool_pass_down;
		w->setup_ctx = &at.pool;
	}
	describe(id, &h, label_given);
	return 0;
}

/* The link fault a family of the case reported, or NULL. */
static const char *link_fault(const struct case_result *r)
{
	static const char *const faults[] = {
		"the agent vanished", "the agent sent garbage", "the agent did not answer",
		"the agent could not read a request", "the agent refused", "the agent speaks protocol",
		"the agent's client",
	};

	for (unsigned i = 0; r->tap_ok && i < r->tap.npoints; i++) {
		const char *m = point_diag(&r->tap.points[i], "message");
		for (size_t k = 0; m && k < sizeof faults / sizeof faults[0]; k++)
			if (strncmp(m, faults[k], strlen(faults[k])) == 0)
				return m;
	}
	return NULL;
}

static void mark_broken(struct case_result *r, const char *fmt, const char *a, const char *b)
{
	r->start_failed = 1; /* broken, with r->error as the reason (verdict.c) */
	snprintf(r->error, sizeof r->error, fmt, a, b);
}

/*
 * exec, serial: agent k, idle now, is there and serving (whatever session
 * a case left, a watchdog's exit says no bye, ends here), or is reached
 * again.  0; -1 when it could not be (at.lost says why).  tail: what was done.
 */
static int check_idle_agent(char *tail, size_t tailsize)
{
	struct proc_exit ex;
	struct hello h;
	char why[700], again[700];

	if (agent_stream_exited(&ST, &ex))
		snprintf(why, sizeof why, "the agent's process ended (%s %d)", ex.signo ? "signal" : "exit",
			 ex.signo ? ex.signo : ex.code);
	else if (say_hello(&h, 1, at.case_bound_ms, why, sizeof why) == 0)
		return 0;
	if (reach_again(at.case_bound_ms, again, sizeof again) == 0) {
		snprintf(tail, tailsize, "; the agent was %s (%s)",
			 at.kind == AGENT_EXEC ? "started again" : "reached again", why);
		return 0;
	}
	at.lost = 1;
	snprintf(at.lost_why, sizeof at.lost_why, "the agent could not be reached again within %d ms (%s)",
		 at.case_bound_ms, again);
	agent_stream_close(&ST);
	snprintf(tail, tailsize, "; %s", at.lost_why);
	return -1;
}

unsigned agent_target_sessions(void)
{
	return at.pool.n ? at.pool.n : 1;
}

void agent_target_case_ended(struct case_result *r)
{
	const char *fault;
	char fault_text[400], tail[800] = "";

	if (!at.active)
		return;
	if (at.lost) {
		mark_broken(r, "%s%s", "not run: ", at.lost_why);
		return;
	}
	fault = link_fault(r);
	snprintf(fault_text, sizeof fault_text, "%s", fault ? fault : "");
	if (at.kind == AGENT_TCP) {
		char again[700];
		at.cur = 0;
		if (!fault)
			return;
		if (reach_again(at.case_bound_ms, again, sizeof again) == 0) {
			snprintf(tail, sizeof tail, "; the agent was connected to again");
		} else {
			at.lost = 1;
			snprintf(at.lost_why, sizeof at.lost_why, "the agent could not be reached again within %d ms "
				 "(%s)", at.case_bound_ms, again);
			snprintf(tail, sizeof tail, "; %s", at.lost_why);
		}
	} else {
		/* every agent no running case holds: the one this case had among them */
		for (at.cur = 0; at.cur < at.pool.n && !at.lost; at.cur++) {
			int lock = agent_pool_try_lock(&at.pool, at.cur);
			char done[800] = "";
			if (lock == -1)
				continue;
			check_idle_agent(done, sizeof done);
			agent_pool_unlock(lock);
			if (done[0])
				snprintf(tail, sizeof tail, "%s", done);
		}
		at.cur = 0;
	}
	/* a case that had every answer keeps its verdict: the agent went after its last request */
	if (!fault) {
		if (tail[0]) /* a case's process per family: another part may still have met it */
			snprintf(at.restarted, sizeof at.restarted, "%s", tail);
		return;
	}
	mark_broken(r, "%s%s", fault_text, tail[0] ? tail : at.restarted);
	at.restarted[0] = '\0';
}

int agent_target_lost(char *err, size_t errsize)
{
	if (!at.active || !at.lost)
		return 0;
	snprintf(err, errsize, "--target agent: %s", at.lost_why);
	return 1;
}

void agent_target_finish(void)
{
	if (!at.active)
		return;
	for (unsigned k = 0; k < at.pool.n; k++)
		agent_stream_close(&at.pool.st[k]);
	at.active = 0;
}
