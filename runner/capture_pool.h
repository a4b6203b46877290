/*
 * capture_pool.h (runner, POSIX): packet sockets on the loopback that the
 * runner lends its cases to capture with (capture_pool_posix.c), so that
 * no case opens and closes a capture of its own: each open and each close
 * of one costs the kernel an RCU grace period (~15 ms), a socket lent and
 * given back costs none.  Used by platform_posix.c's proc_start and
 * proc_kill_group; where there are no such sockets (not Linux, no
 * CAP_NET_RAW, a kernel that cannot count a socket's drops), none is lent.
 */
#ifndef RUNNER_CAPTURE_POOL_H
#define RUNNER_CAPTURE_POOL_H

/* The descriptor number a lent socket has in the case, named by SOCKCONF_WIRE_FD. */
#define CAPTURE_POOL_CASE_FD 3

/* A socket for a case about to start (made on first need), or -1: none to lend. */
int capture_pool_take(void);
/* The case `pid` started with `fd`; one that did not start gives it back at once (pid 0). */
void capture_pool_lent(int fd, long pid);
/*
 * The case `pid` is over (and its process group gone): its socket, if it
 * had one, waits for the next case, taking nothing in meanwhile.  With
 * `reuse` 0 (something of the case may still hold it) it is closed instead.
 */
void capture_pool_returned(long pid, int reuse);

#endif
