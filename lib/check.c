/*
 * check.c: the checks a case makes.  A failed check records what it saw in
 * sc_outcome and leaves the family through sc_family_exit; the family's
 * sockets are closed by case_main.c.
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct sc_outcome sc_outcome;
jmp_buf sc_family_exit;
const char *volatile sc_current_step = "setting up";

/* Checks made in the current family, passed or failed (sockconf.h says which count). */
static unsigned checks_made;

#define MAX_CLEANUPS 16
static struct {
	void (*fn)(void *);
	void *arg;
} cleanups[MAX_CLEANUPS];
static unsigned ncleanups;

void sc_at_family_end(void (*fn)(void *), void *arg)
{
	if (ncleanups == MAX_CLEANUPS)
		sc_fail(NULL, "more than %d things to clean up in one family", MAX_CLEANUPS);
	cleanups[ncleanups].fn = fn;
	cleanups[ncleanups].arg = arg;
	ncleanups++;
}

void sc_run_family_end(void)
{
	while (ncleanups) {
		ncleanups--;
		cleanups[ncleanups].fn(cleanups[ncleanups].arg);
	}
}

void sc_outcome_reset(void)
{
	memset(&sc_outcome, 0, sizeof sc_outcome);
	sc_current_step = "setting up";
	checks_made = 0;
}

void sc_check_made(void)
{
	checks_made++;
}

unsigned sc_checks_made(void)
{
	return checks_made;
}

/*
 * The body returned without failing or skipping.  Having asserted nothing
 * it has shown nothing, and would pass on any stack: that is a defect of
 * the case, reported as a failure (git's unit-test library fails a test
 * with no checks in the same way).
 */
void sc_family_returned(void)
{
	if (checks_made) {
		sc_outcome.status = SC_PASS;
		return;
	}
	snprintf(sc_outcome.message, sizeof sc_outcome.message, "no checks made");
	sc_outcome.status = SC_FAIL;
}

static SC_NORETURN void leave_family(enum sc_status status)
{
	sc_outcome.status = status;
	longjmp(sc_family_exit, 1);
}

static void set_at(const char *file, int line)
{
	const char *base = strrchr(file, '/');

	snprintf(sc_outcome.at, sizeof sc_outcome.at, "%s:%d", base ? base + 1 : file, line);
}

void sc_fail(const char *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sc_outcome.message, sizeof sc_outcome.message, fmt, ap);
	va_end(ap);
	if (at)
		snprintf(sc_outcome.at, sizeof sc_outcome.at, "%s", at);
	leave_family(SC_FAIL);
}

void skip(const char *reason)
{
	snprintf(sc_outcome.message, sizeof sc_outcome.message, "%s", reason);
	leave_family(SC_SKIP);
}

void note(const char *key, const char *fmt, ...)
{
	va_list ap;
	unsigned i;

	for (i = 0; i < sc_outcome.nnotes; i++)
		if (strcmp(sc_outcome.note_key[i], key) == 0)
			break;
	if (i == SC_MAX_NOTES)
		return;
	if (i == sc_outcome.nnotes)
		sc_outcome.nnotes++;
	snprintf(sc_outcome.note_key[i], sizeof sc_outcome.note_key[i], "%s", key);
	va_start(ap, fmt);
	vsnprintf(sc_outcome.note_val[i], sizeof sc_outcome.note_val[i], fmt, ap);
	va_end(ap);
}

static int is_socket_call(const char *name)
{
	static const char *const calls[] = {
		"socket", "socketpair", "bind", "listen", "accept", "connect", "getsockname", "getpeername",
		"close", "shutdown", "send", "recv", "write", "setsockopt", "getsockopt", "dup", "poll",
		"set_nonblocking",
	};
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
		if (strcmp(name, calls[i]) == 0)
			return 1;
	return 0;
}

/* "recv(c.local, buf, sizeof buf, 0) == 0" makes syscall "recv". */
static void set_syscall(const char *expr)
{
	const char *p = expr, *paren = strchr(expr, '(');
	size_t n;

	sc_outcome.syscall[0] = '\0';
	if (!paren)
		return;
	while (p < paren && !isalpha((unsigned char)*p) && *p != '_')
		p++;
	n = (size_t)(paren - p);
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)p[i]) && p[i] != '_')
			return; /* not a plain call, e.g. "(a + b)" */
	if (n && n < sizeof sc_outcome.syscall)
		memcpy(sc_outcome.syscall, p, n), sc_outcome.syscall[n] = '\0';
	if (!is_socket_call(sc_outcome.syscall))
		sc_outcome.syscall[0] = '\0'; /* a lib helper (wire_count ...) is no syscall */
}

static void record(const char *file, int line, const char *expr, int err, long long got)
{
	set_at(file, line);
	snprintf(sc_outcome.check, sizeof sc_outcome.check, "%s", expr);
	set_syscall(expr);
	if (got == -1) { /* "-1 EPIPE": the form recorded divergences compare against */
		const char *name = sc_errno_name(err);
		if (name)
			snprintf(sc_outcome.got, sizeof sc_outcome.got, "-1 %s", name);
		else
			snprintf(sc_outcome.got, sizeof sc_outcome.got, "-1 errno %d", err);
		sc_format_errno(sc_outcome.err, sizeof sc_outcome.err, err);
	} else {
		snprintf(sc_outcome.got, sizeof sc_outcome.got, "%lld", got);
	}
}

void sc_check_true_(const char *file, int line, const char *expr, int ok)
{
	sc_current_step = expr;
	checks_made++;
	if (ok)
		return;
	set_at(file, line);
	snprintf(sc_outcome.check, sizeof sc_outcome.check, "%s", expr);
	snprintf(sc_outcome.expected, sizeof sc_outcome.expected, "true");
	snprintf(sc_outcome.got, sizeof sc_outcome.got, "false");
	leave_family(SC_FAIL);
}

static int compare(long long a, const char *op, long long b)
{
	if (strcmp(op, "==") == 0) return a == b;
	if (strcmp(op, "!=") == 0) return a != b;
	if (strcmp(op, "<") == 0) return a < b;
	if (strcmp(op, "<=") == 0) return a <= b;
	if (strcmp(op, ">") == 0) return a > b;
	if (strcmp(op, ">=") == 0) return a >= b;
	sc_fail(NULL, "check_int: unknown operator %s", op);
}

long long sc_check_int_(const char *file, int line, const char *expr, long long a,
			const char *op, long long b, const char *b_text)
{
	int err = sc_socket_errno(); /* as the call in `a` left it */

	sc_current_step = expr;
	checks_made++;
	if (compare(a, op, b))
		return a;
	record(file, line, expr, err, a);
	if (b_text && sc_is_errno_name(b_text)) {
		/* b is written as an errno name, so a is an errno value too (SO_ERROR): by name */
		const char *name = a == (int)a ? sc_errno_name((int)a) : NULL;

		snprintf(sc_outcome.expected, sizeof sc_outcome.expected, "%s %s", op, b_text);
		if (name) {
			snprintf(sc_outcome.got, sizeof sc_outcome.got, "%s", name);
			sc_format_errno(sc_outcome.err, sizeof sc_outcome.err, (int)a);
		} else {
			snprintf(sc_outcome.got, sizeof sc_outcome.got, "%lld", a);
			sc_outcome.err[0] = '\0';
		}
	} else {
		snprintf(sc_outcome.expected, sizeof sc_outcome.expected, "%s %lld", op, b);
	}
	leave_family(SC_FAIL);
}

long long sc_check_call_(const char *file, int line, const char *expr, long long ret)
{
	int err = sc_socket_errno();

	sc_current_step = expr;
	checks_made++;
	if (ret != -1)
		return ret;
	record(file, line, expr, err, ret);
	snprintf(sc_outcome.expected, sizeof sc_outcome.expected, "success (not -1)");
	leave_family(SC_FAIL);
}

void sc_check_fails_(const char *file, int line, const char *expr, long long ret, int err_expected,
		     const char *errname)
{
	int err = sc_socket_errno();

	sc_current_step = expr;
	checks_made++;
	if (ret == -1 && err == err_expected)
		return;
	record(file, line, expr, err, ret);
	snprintf(sc_outcome.expected, sizeof sc_outcome.expected, "-1 %s", errname);
	leave_family(SC_FAIL);
}
