/* signals.c: counting signals a behaviour raises (SIGPIPE) instead of dying of them. */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"

#define MAX_SIGNO 64
static volatile unsigned counts[MAX_SIGNO];

void catch_signal(int signo)
{
	if (signo > 0 && signo < MAX_SIGNO)
		counts[signo] = 0; /* "from now on": each family counts its own */
	if (signo <= 0 || signo >= MAX_SIGNO || sc_plat_count_signal(signo, &counts[signo]) == -1)
		skip("this platform has no such signal to catch");
}

unsigned sc_signal_count(int signo)
{
	return signo > 0 && signo < MAX_SIGNO ? counts[signo] : 0;
}
