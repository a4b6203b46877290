/*
 * holder_exit.c: a holder process that ends by calling _exit() itself, for
 * behaviours about a process's exit (what its last close does, and whether
 * the exit waits for it), where kill_holder()'s SIGKILL would cut a wait
 * short and so prove nothing.
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"
#include "holder_exit.h"

#include <stdio.h>

#define MAX_EXITING_HOLDERS 4
static struct exiting_holder {
	long pid;  /* 0: free */
	int tell;  /* -1 once told */
} holders[MAX_EXITING_HOLDERS];

/* A family that ended before the holder exited leaves no process behind. */
static void reap_exiting_holder(void *slot)
{
	struct exiting_holder *h = slot;

	if (h->tell != -1)
		sc_plat_tell_holder_exit(h->tell);
	if (h->pid > 0 && sc_plat_holder_exited(h->pid) != 1)
		sc_plat_kill_holder(h->pid, sc_wait_bound_ms());
	h->pid = 0;
	h->tell = -1;
}

long spawn_exiting_holder(void)
{
	struct exiting_holder *h = NULL;
	int tell = -1;
	long pid;

	for (unsigned i = 0; i < MAX_EXITING_HOLDERS && !h; i++)
		if (!holders[i].pid)
			h = &holders[i];
	if (!h)
		sc_fail(NULL, "more than %d exiting holder processes", MAX_EXITING_HOLDERS);
	if (sc_stack_at(SC_END_LOCAL)->no_fork)
		skip(sc_stack_at(SC_END_LOCAL)->no_fork);
	pid = sc_plat_spawn_exiting_holder(&tell);
	if (pid == -1 && errno == ENOSYS)
		skip("needs a child process that exits on its own (fork()): this platform has none");
	if (pid == -1)
		sc_fail(NULL, "could not start the holder process: fork() failed: %s", sc_errno_name(errno));
	h->pid = pid;
	h->tell = tell;
	sc_at_family_end(reap_exiting_holder, h);
	return pid;
}

long long exit_holder(long holder)
{
	struct exiting_holder *h = NULL;
	double started, deadline;
	int backoff_ms = 0, gone;
	const char *awaited = "the holder process's _exit() to complete";

	for (unsigned i = 0; i < MAX_EXITING_HOLDERS && !h; i++)
		if (holders[i].pid == holder && holders[i].tell != -1)
			h = &holders[i];
	if (!h)
		sc_fail(NULL, "exit_holder(%ld): no such holder, or it was told already", holder);
	sc_current_step = awaited;
	started = now_ms();
	deadline = started + sc_bound_or_recorded_ms("exiting", awaited);
	sc_plat_tell_holder_exit(h->tell);
	h->tell = -1;
	/* the exit raises no event we can poll for: re-read on a short back-off */
	while ((gone = sc_plat_holder_exited(holder)) == 0 && now_ms() < deadline)
		sc_backoff_pause(&backoff_ms);
	if (gone == -1)
		sc_fail(NULL, "waiting for the holder process %ld failed", holder);
	if (!gone) {
		/* the process is still exiting: a value a record can name */
		snprintf(sc_outcome.got, sizeof sc_outcome.got, "exiting");
		sc_fail(NULL, "the holder process %ld was still there %s after it was told to call _exit()", holder,
			sc_bound_or_recorded_text("exiting"));
	}
	h->pid = 0; /* reaped: nothing left for the family's end */
	return (long long)(now_ms() - started);
}
