/* holder.c: a child process holding our descriptors, for behaviours about process death. */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"

long spawn_holder(void)
{
	long holder = sc_plat_spawn_holder();

	if (holder == -1 && errno == ENOSYS)
		skip("needs fork(): this platform has none");
	if (holder == -1)
		sc_fail(NULL, "fork() failed");
	return holder;
}

void kill_holder(long holder)
{
	sc_current_step = "the holder process to die";
	if (sc_plat_kill_holder(holder, sc_wait_bound_ms()) == -1)
		sc_fail(NULL, "the holder process %ld outlived SIGKILL by %d ms", holder, sc_wait_bound_ms());
}
