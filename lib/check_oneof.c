/*
 * check_oneof.c: check_one_of(), for a call whose documents allow several
 * outcomes (POSIX send() after an RST: EPIPE, "no longer connected", or
 * ECONNRESET, "forcibly closed by a peer", and XSH 2.3 lets either come).
 * It accepts exactly that set, and notes which outcome came, so that a run
 * shows what the stack chose without calling either choice a divergence.
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Is `word` ("ECONNRESET", "0") one of the '|'-separated alternatives? */
static int listed(const char *outcomes, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = outcomes; *p;) {
		size_t len = strcspn(p, "|");

		if (len == n && strncmp(p, word, n) == 0)
			return 1;
		p += len + (p[len] == '|');
	}
	return 0;
}

/* "0|ECONNRESET" as check_fails() words it: "0 or -1 ECONNRESET". */
static void expected_text(char *out, size_t size, const char *outcomes)
{
	size_t n = 0;

	out[0] = '\0';
	for (const char *p = outcomes; *p && n < size;) {
		size_t len = strcspn(p, "|");
		int is_errno = isalpha((unsigned char)*p) && isupper((unsigned char)*p);

		n += (size_t)snprintf(out + n, size - n, "%s%s%.*s", n ? " or " : "",
				      is_errno ? "-1 " : "", (int)len, p);
		p += len + (p[len] == '|');
	}
}

/* "send(c.local, ...)" makes syscall "send", as check.c names it. */
static void set_syscall(const char *expr)
{
	size_t n = strspn(expr, "abcdefghijklmnopqrstuvwxyz_");

	sc_outcome.syscall[0] = '\0';
	if (n && expr[n] == '(' && n < sizeof sc_outcome.syscall)
		memcpy(sc_outcome.syscall, expr, n), sc_outcome.syscall[n] = '\0';
}

int sc_check_one_of_(const char *file, int line, const char *expr, long long ret,
		     const char *outcomes)
{
	int err = sc_socket_errno(); /* as the call left it */
	const char *name = ret == -1 ? sc_errno_name(err) : NULL;
	char came[64], earlier[sizeof sc_outcome.note_val[0]] = "";
	const char *base = strrchr(file, '/');

	sc_current_step = expr;
	sc_check_made();
	if (ret == -1 && name)
		snprintf(came, sizeof came, "-1 %s", name);
	else if (ret == -1)
		snprintf(came, sizeof came, "-1 errno %d", err);
	else
		snprintf(came, sizeof came, "%lld", ret);

	if (ret == -1 ? name && listed(outcomes, name) : listed(outcomes, came)) {
		/* a second check_one_of in the family adds to the first's note */
		for (unsigned i = 0; i < sc_outcome.nnotes; i++)
			if (strcmp(sc_outcome.note_key[i], "outcome") == 0)
				snprintf(earlier, sizeof earlier, "%s, then ", sc_outcome.note_val[i]);
		note("outcome", "%s%s", earlier, came);
		return ret == -1 ? err : 0;
	}

	snprintf(sc_outcome.at, sizeof sc_outcome.at, "%s:%d", base ? base + 1 : file, line);
	snprintf(sc_outcome.check, sizeof sc_outcome.check, "%s", expr);
	set_syscall(expr);
	expected_text(sc_outcome.expected, sizeof sc_outcome.expected, outcomes);
	snprintf(sc_outcome.got, sizeof sc_outcome.got, "%s", came); /* the form records compare against */
	if (ret == -1)
		sc_format_errno(sc_outcome.err, sizeof sc_outcome.err, err);
	sc_fail(NULL, "%s", ""); /* leaves the family as a failed check does */
}
