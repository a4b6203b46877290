/*
 * holder_exit_posix.c: a forked child that holds our descriptors and calls
 * _exit(0) when a byte (or end of file) arrives on a pipe from the parent.
 */
#include "platform.h"
#include "holder_exit.h"

#include <stdio.h>
#include <sys/wait.h>

long sc_plat_spawn_exiting_holder(int *tell)
{
	int pipe_fds[2];
	char byte;
	pid_t pid;

	if (pipe(pipe_fds) == -1)
		return -1;
	fflush(stdout); /* the child must not print our buffered TAP again */
	pid = fork();
	if (pid == 0) {
		close(pipe_fds[1]);
		while (read(pipe_fds[0], &byte, 1) == -1 && errno == EINTR)
			;
		_exit(0); /* the exit under test: every descriptor is closed by it */
	}
	close(pipe_fds[0]);
	if (pid == -1) {
		int err = errno;
		close(pipe_fds[1]);
		errno = err;
		return -1;
	}
	*tell = pipe_fds[1];
	return pid;
}

void sc_plat_tell_holder_exit(int tell)
{
	static const char go = 'x';

	while (write(tell, &go, 1) == -1 && errno == EINTR)
		;
	close(tell);
}

int sc_plat_holder_exited(long holder)
{
	pid_t r = waitpid((pid_t)holder, NULL, WNOHANG);

	return r == (pid_t)holder ? 1 : r == 0 ? 0 : -1;
}
