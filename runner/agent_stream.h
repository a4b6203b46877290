/*
 * agent_stream.h: the runner's end of the stream to an agent (the OS's
 * part of agent_target.c): an agent started as a command and spoken to over
 * its stdin and stdout, a serial device, or a TCP connection.
 * agent_stream_posix.c, agent_stream_win.c.
 */
#ifndef RUNNER_AGENT_STREAM_H
#define RUNNER_AGENT_STREAM_H

#include "platform.h"

#include <stddef.h>

struct agent_stream {
	int rfd, wfd;          /* -1: closed */
	struct proc proc;      /* exec: the agent's process */
	int have_proc;
	char buf[8192];        /* read and not yet taken as a line */
	size_t nbuf;
};

/* exec: start `command` with sh -c, its stdin and stdout ours, its stderr in err_path. */
int agent_stream_exec(struct agent_stream *s, const char *command, const char *out_path,
		      const char *err_path, char *err, size_t errsize);
/* serial: open DEVICE raw at baud (0: as it is). */
int agent_stream_serial(struct agent_stream *s, const char *device, unsigned baud, char *err,
			size_t errsize);
/* tcp: connect to HOST:PORT ([v6]:PORT) within bound_ms. */
int agent_stream_tcp(struct agent_stream *s, const char *hostport, int bound_ms, char *err,
		     size_t errsize);
/* All of text: 0, or -1 with errno. */
int agent_stream_write(struct agent_stream *s, const char *text);
/* One line (its "\r\n" or "\n" taken off): 1; 0 the bound passed; -1 the stream
 * ended (errno 0) or failed (errno); -2 a line longer than size. */
int agent_stream_read_line(struct agent_stream *s, char *line, size_t size, int timeout_ms);
/* exec: whether the agent's process has ended (1; its exit in *ex), else 0. */
int agent_stream_exited(struct agent_stream *s, struct proc_exit *ex);
/* Close the stream, and end the agent's process (bounded) if it is ours. */
void agent_stream_close(struct agent_stream *s);
/* A pause between two tries to reach an agent that is not there yet. */
void agent_stream_pause_ms(int ms);

/*
 * Copies of an agent, one session each: a case takes the first free one.
 * Each has a lock file; a case's process holds its agent's lock from its
 * start to its end (and its children's: the kernel lets go when the last
 * descriptor closes), so the runner knows which are idle.
 */
#define AGENT_POOL_MAX 16
struct agent_pool {
	unsigned n;
	struct agent_stream st[AGENT_POOL_MAX];
	char lock_path[AGENT_POOL_MAX][1200];
};
/* Make agent k's lock file: 0, or -1 with errno. */
int agent_pool_make_lock(struct agent_pool *p, unsigned k);
/* Agent k's lock if it is free (a descriptor to give back to agent_pool_unlock), else -1. */
int agent_pool_try_lock(const struct agent_pool *p, unsigned k);
void agent_pool_unlock(int fd);
/*
 * A proc_setup_fn for each case (ctx: the pool): the first free agent's
 * lock taken and kept across the exec, its stream passed down (not
 * close-on-exec), SOCKCONF_AGENT=fd:R,W set.  Waits a bounded while for a
 * case that has just ended to let go of one.
 */
int agent_pool_pass_down(void *ctx, char *err, size_t errsize);

#endif
