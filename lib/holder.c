/* holder.c: a child process holding our descriptors, for behaviours about process death. */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"

#define MAX_HOLDERS 8
static long live_holders[MAX_HOLDERS]; /* 0: free */

/* A family that failed before kill_holder() leaves no holder behind. */
static void reap_holder(void *slot)
{
	long *holder = slot;

	if (*holder > 0)
		sc_plat_kill_holder(*holder, sc_wait_bound_ms());
	*holder = 0;
}

long spawn_holder(void)
{
	long holder;
	unsigned i;

	for (i = 0; i < MAX_HOLDERS && live_holders[i]; i++)
		;
	if (i == MAX_HOLDERS)
		sc_fail(NULL, "more than %d holder processes", MAX_HOLDERS);
	if (sc_stack_at(SC_END_LOCAL)->no_fork)
		skip(sc_stack_at(SC_END_LOCAL)->no_fork);
	holder = sc_plat_spawn_holder();
	if (holder == -1 && errno == ENOSYS)
		skip("needs fork(): this platform has none");
	if (holder == -1) /* EAGAIN: the process limit; the runner stops the run for it */
		sc_fail(NULL, "fork() failed: %s", sc_errno_name(errno));
	live_holders[i] = holder;
	sc_at_family_end(reap_holder, &live_holders[i]);
	return holder;
}

void kill_holder(long holder)
{
	sc_current_step = "the holder process to die";
	for (unsigned i = 0; i < MAX_HOLDERS; i++)
		if (live_holders[i] == holder)
			live_holders[i] = 0;
	if (sc_plat_kill_holder(holder, sc_wait_bound_ms()) == -1)
		sc_fail(NULL, "the holder process %ld outlived SIGKILL by %d ms", holder, sc_wait_bound_ms());
}
