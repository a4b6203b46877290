/*
 * agent_stream_win.c: the runner's end of the stream to an agent on
 * Windows hosts: none yet.  A Windows runner would pass handles where a
 * POSIX one passes descriptors; the cases' own client (lib/agent_link_win.c)
 * reaches an agent over TCP.
 */
#include "agent_stream.h"

#include <stdio.h>

static int none(struct agent_stream *s, char *err, size_t errsize)
{
	s->rfd = s->wfd = -1;
	s->have_proc = 0;
	s->nbuf = 0;
	snprintf(err, errsize, "--target agent: this Windows runner cannot reach an agent yet "
		 "(run the runner on a POSIX host)");
	return -1;
}

int agent_stream_exec(struct agent_stream *s, const char *command, const char *out_path,
		      const char *err_path, char *err, size_t errsize)
{
	(void)command, (void)out_path, (void)err_path;
	return none(s, err, errsize);
}

int agent_stream_serial(struct agent_stream *s, const char *device, unsigned baud, char *err,
			size_t errsize)
{
	(void)device, (void)baud;
	return none(s, err, errsize);
}

int agent_stream_tcp(struct agent_stream *s, const char *hostport, int bound_ms, char *err,
		     size_t errsize)
{
	(void)hostport, (void)bound_ms;
	return none(s, err, errsize);
}

int agent_stream_write(struct agent_stream *s, const char *text)
{
	(void)s, (void)text;
	return -1;
}

int agent_stream_read_line(struct agent_stream *s, char *line, size_t size, int timeout_ms)
{
	(void)s, (void)line, (void)size, (void)timeout_ms;
	return -1;
}

int agent_stream_exited(struct agent_stream *s, struct proc_exit *ex)
{
	(void)s, (void)ex;
	return 0;
}

void agent_stream_close(struct agent_stream *s)
{
	s->rfd = s->wfd = -1;
}

void agent_stream_pause_ms(int ms)
{
	(void)ms;
}

int agent_pool_make_lock(struct agent_pool *p, unsigned k)
{
	(void)p, (void)k;
	return -1;
}

int agent_pool_try_lock(const struct agent_pool *p, unsigned k)
{
	(void)p, (void)k;
	return -1;
}

void agent_pool_unlock(int fd)
{
	(void)fd;
}

int agent_pool_pass_down(void *ctx, char *err, size_t errsize)
{
	(void)ctx, (void)err, (void)errsize;
	return 0;
}
