/*
 * holder_exit_win.c: Windows has no fork(), and lib's Windows holder is a
 * process created suspended, which never runs and so cannot exit on its
 * own: a case that needs a holder's exit skips here.
 */
#include "platform.h"
#include "holder_exit.h"

long sc_plat_spawn_exiting_holder(int *tell)
{
	(void)tell;
	errno = ENOSYS;
	return -1;
}

void sc_plat_tell_holder_exit(int tell)
{
	(void)tell;
}

int sc_plat_holder_exited(long holder)
{
	(void)holder;
	return -1;
}
