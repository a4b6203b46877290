/*
 * holder_exit.h: the platform halves of a holder process that exits when
 * told (lib internal; the case's view is in sockconf.h, holder_exit.c).
 */
#ifndef SOCKCONF_HOLDER_EXIT_H
#define SOCKCONF_HOLDER_EXIT_H

/*
 * A child process holding copies of all our descriptors that calls
 * _exit(0) once told: its id, with *tell the handle that tells it; or -1
 * (errno ENOSYS where there is no fork).
 */
long sc_plat_spawn_exiting_holder(int *tell);
/* Tell the holder to exit now; the handle is used up. */
void sc_plat_tell_holder_exit(int tell);
/* 1 once the holder has exited (it is reaped), 0 while it lives, -1 on error. */
int sc_plat_holder_exited(long holder);

#endif
