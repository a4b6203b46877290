/*
 * recorded.c: what a record of this platform says a family comes to,
 * where that is a wait running out.
 *
 * A wait's bound is for a stack that fails: one that does what is awaited
 * ends the wait at once.  Where a record says the awaited thing never comes
 * on this platform ("none": no error, no segment; "blocked": the recv()
 * stays blocked), the wait is a proof that something does not happen, and
 * that is what a quiet window is for (sockconf.h): the wait takes the quiet
 * window, announced, instead of the bound.  Its outcome is the same value,
 * so the record is checked as before; what does come within the window
 * ends the wait as it would have, and the record is then seen not to hold.
 * A `when: sometimes` record is never passed on: there the thing often
 * comes, and a shorter wait would lean towards the record.
 *
 * The runner passes them as SOCKCONF_RECORDED_GOT=inet:none,inet6:none.
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"
#include "path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum sc_family running = SC_INET;

void sc_recorded_family(int family)
{
	running = (enum sc_family)family;
}

/* The record's word for this family is `got` ("none", "blocked"). */
int sc_recorded_got_is(const char *got)
{
	const char *list = getenv("SOCKCONF_RECORDED_GOT"), *p;
	const char *family = sc_family_name(running);
	size_t flen = strlen(family), glen = strlen(got);

	for (p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		if (strncmp(p, family, flen) == 0 && p[flen] == ':' && strncmp(p + flen + 1, got, glen) == 0 &&
		    (p[flen + 1 + glen] == ',' || p[flen + 1 + glen] == '\0'))
			return 1;
	}
	return 0;
}

int sc_bound_or_recorded_ms(const char *yields, const char *awaited)
{
	char why[300];

	if (!sc_recorded_got_is(yields))
		return sc_wait_bound_ms();
	snprintf(why, sizeof why, "awaiting %s, which a record of this platform says never comes", awaited);
	sc_announce_quiet(why);
	note("wait", "a quiet window of %s, not the bound of %s: a record of this platform says it ends \"%s\"",
	     sc_quiet_text(), sc_wait_text(), yields);
	return sc_quiet_ms();
}

const char *sc_bound_or_recorded_text(const char *yields)
{
	return sc_recorded_got_is(yields) ? sc_quiet_text() : sc_wait_text();
}
