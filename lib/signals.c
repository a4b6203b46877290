/* signals.c: counting signals a behaviour raises (SIGPIPE) instead of dying of them. */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"

#include <stdio.h>

#define MAX_SIGNO 64
static volatile unsigned counts[MAX_SIGNO];

void catch_signal(int signo)
{
	if (signo > 0 && signo < MAX_SIGNO)
		counts[signo] = 0; /* "from now on": each family counts its own */
	if (signo <= 0 || signo >= MAX_SIGNO || sc_plat_count_signal(signo, &counts[signo]) == -1)
		skip("this platform has no such signal to catch");
}

/*
 * A stack that is no part of the operating system (lwIP) raises no
 * signal: SIGPIPE is not its to send.  The family skips at the signal's
 * check, so the checks before it (the errno) still count.
 */
unsigned sc_signal_count(int signo)
{
	const struct sc_stack *s = sc_stack_at(SC_END_LOCAL);

	if (signo == SIGPIPE && !s->raises_sigpipe) {
		char why[160];
		snprintf(why, sizeof why, "the %s stack raises no SIGPIPE (a signal is the operating "
			 "system's to send); the checks before this one held", s->name);
		skip(why);
	}
	return signo > 0 && signo < MAX_SIGNO ? counts[signo] : 0;
}
