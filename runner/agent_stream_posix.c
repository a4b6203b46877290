/* agent_stream_posix.c: the runner's end of the stream to an agent on POSIX hosts (agent_stream.h). */
#include "agent_stream.h"
#include "hostport.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/socket.h>

static void reset(struct agent_stream *s)
{
	s->rfd = s->wfd = -1;
	s->have_proc = 0;
	s->nbuf = 0;
}

/* In the agent's process, before sh: the pipes as its stdin and stdout. */
struct exec_pipes {
	int in, out;
};

static int put_pipes(void *ctx, char *err, size_t errsize)
{
	const struct exec_pipes *p = ctx;

	if (dup2(p->in, STDIN_FILENO) == -1 || dup2(p->out, STDOUT_FILENO) == -1) {
		snprintf(err, errsize, "--target agent:exec: cannot give the agent its stdin and stdout: %s",
			 strerror(errno));
		return -1;
	}
	return 0;
}

int agent_stream_exec(struct agent_stream *s, const char *command, const char *out_path,
		      const char *err_path, char *err, size_t errsize)
{
	int to_agent[2], from_agent[2], started;
	struct exec_pipes p;
	char *argv[] = {"/bin/sh", "-c", (char *)command, NULL};

	reset(s);
	if (pipe2(to_agent, O_CLOEXEC) == -1) {
		snprintf(err, errsize, "pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe2(from_agent, O_CLOEXEC) == -1) {
		snprintf(err, errsize, "pipe: %s", strerror(errno));
		close(to_agent[0]), close(to_agent[1]);
		return -1;
	}
	p.in = to_agent[0];
	p.out = from_agent[1];
	/* the run's, not a case's: no case's end kills it, the guardian still does */
	proc_set_run_wide(1);
	proc_set_setup(put_pipes, &p);
	started = proc_start(&s->proc, argv, NULL, out_path, err_path, err, errsize);
	proc_set_setup(NULL, NULL);
	proc_set_run_wide(0);
	close(to_agent[0]);
	close(from_agent[1]);
	if (started != 0) {
		close(to_agent[1]), close(from_agent[0]);
		return -1;
	}
	s->have_proc = 1;
	s->wfd = to_agent[1];
	s->rfd = from_agent[0];
	return 0;
}

static speed_t speed_of(unsigned baud)
{
	static const struct {
		unsigned baud;
		speed_t speed;
	} speeds[] = {{9600, B9600}, {19200, B19200}, {38400, B38400}, {57600, B57600},
		      {115200, B115200}, {230400, B230400},
#ifdef B460800
		      {460800, B460800},
#endif
#ifdef B921600
		      {921600, B921600},
#endif
#ifdef B1000000
		      {1000000, B1000000},
#endif
#ifdef B3000000
		      {3000000, B3000000},
#endif
	};
	for (size_t i = 0; i < sizeof speeds / sizeof speeds[0]; i++)
		if (speeds[i].baud == baud)
			return speeds[i].speed;
	return 0;
}

int agent_stream_serial(struct agent_stream *s, const char *device, unsigned baud, char *err,
			size_t errsize)
{
	struct termios t;
	int fd;

	reset(s);
	fd = open(device, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		snprintf(err, errsize, "--target agent:serial: cannot open %s: %s", device, strerror(errno));
		return -1;
	}
	if (tcgetattr(fd, &t) == -1) {
		snprintf(err, errsize, "--target agent:serial: %s is no terminal device: %s", device,
			 strerror(errno));
		close(fd);
		return -1;
	}
	/* raw bytes: no echo, no line discipline, no flow control; reads return what came */
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (baud) {
		speed_t sp = speed_of(baud);
		if (!sp) {
			snprintf(err, errsize, "--target agent:serial: %u baud: not a speed this host's "
				 "termios names", baud);
			close(fd);
			return -1;
		}
		cfsetispeed(&t, sp);
		cfsetospeed(&t, sp);
	}
	if (tcsetattr(fd, TCSANOW, &t) == -1) {
		snprintf(err, errsize, "--target agent:serial: cannot configure %s: %s", device, strerror(errno));
		close(fd);
		return -1;
	}
	tcflush(fd, TCIOFLUSH); /* what a board printed before: not the agent's answer */
	s->rfd = s->wfd = fd;
	return 0;
}

int agent_stream_tcp(struct agent_stream *s, const char *hostport, int bound_ms, char *err,
		     size_t errsize)
{
	char reason[200];
	int fd;

	reset(s);
	fd = sc_tcp_connect(hostport, bound_ms, reason, sizeof reason);
	if (fd == -2)
		snprintf(err, errsize, "--target agent:tcp:%s: not HOST:PORT", hostport);
	else if (fd == -1)
		snprintf(err, errsize, "cannot connect to the agent at %s: %s", hostport, reason);
	if (fd < 0)
		return -1;
	s->rfd = s->wfd = fd;
	return 0;
}

int agent_stream_write(struct agent_stream *s, const char *text)
{
	size_t n = strlen(text);

	while (n) {
		ssize_t put = write(s->wfd, text, n); /* SIGPIPE is ignored in the runner: EPIPE */
		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0)
			return -1;
		text += put, n -= (size_t)put;
	}
	return 0;
}

int agent_stream_read_line(struct agent_stream *s, char *line, size_t size, int timeout_ms)
{
	double deadline = plat_now_ms() + timeout_ms;

	for (;;) {
		char *nl = memchr(s->buf, '\n', s->nbuf);
		struct pollfd p = {.fd = s->rfd, .events = POLLIN, .revents = 0};
		double left;
		ssize_t got;

		if (nl) {
			size_t len = (size_t)(nl - s->buf), used = len + 1;
			if (len && s->buf[len - 1] == '\r')
				len--;
			if (len >= size)
				len = size - 1;
			memcpy(line, s->buf, len);
			line[len] = '\0';
			memmove(s->buf, s->buf + used, s->nbuf - used);
			s->nbuf -= used;
			return 1;
		}
		if (s->nbuf == sizeof s->buf) {
			s->nbuf = 0;
			return -2;
		}
		left = deadline - plat_now_ms();
		if (left <= 0)
			return 0;
		if (poll(&p, 1, (int)left + 1) <= 0) {
			if (errno == EINTR && plat_interrupted())
				return 0;
			continue;
		}
		got = read(s->rfd, s->buf + s->nbuf, sizeof s->buf - s->nbuf);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (got == 0)
				errno = 0;
			return -1;
		}
		s->nbuf += (size_t)got;
	}
}

int agent_stream_exited(struct agent_stream *s, struct proc_exit *ex)
{
	if (!s->have_proc)
		return 0;
	if (!s->proc.running)
		return 1;
	return proc_wait_any(&s->proc, 1, 0, ex) == 0;
}

void agent_stream_close(struct agent_stream *s)
{
	struct proc_exit ex;

	if (s->wfd != -1 && s->wfd != s->rfd)
		close(s->wfd);
	if (s->rfd != -1)
		close(s->rfd);
	if (s->have_proc) {
		/* its stdin has ended: an agent leaves on its own; a bound, then the kill */
		if (s->proc.running)
			proc_wait_any(&s->proc, 1, 1000, &ex);
		proc_kill_group(&s->proc);
	}
	reset(s);
}

void agent_stream_pause_ms(int ms)
{
	poll(NULL, 0, ms);
}

int agent_pool_make_lock(struct agent_pool *p, unsigned k)
{
	int fd = open(p->lock_path[k], O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd == -1)
		return -1;
	close(fd);
	return 0;
}

int agent_pool_try_lock(const struct agent_pool *p, unsigned k)
{
	/* a description of its own: flock() belongs to the open file, not the process */
	int fd = open(p->lock_path[k], O_RDWR | O_CLOEXEC);

	if (fd != -1 && flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);
		fd = -1;
	}
	return fd;
}

void agent_pool_unlock(int fd)
{
	if (fd != -1)
		close(fd);
}

#define PICK_BOUND_MS 2000 /* a case's children let go of its lock when they are reaped */

int agent_pool_pass_down(void *ctx, char *err, size_t errsize)
{
	const struct agent_pool *p = ctx;
	double deadline = plat_now_ms() + PICK_BOUND_MS;
	int backoff = 1;

	for (;;) {
		/*
		 * One still there: an agent whose stream has hung up went since the runner
		 * last looked (a case run as a process per family met its end in an earlier
		 * part), and is started again once that case is done.  A live one is waited
		 * for while the bound lasts (a running case lets go of its lock when it
		 * exits); past it, a gone one is taken, and the case says so.
		 */
		int late = plat_now_ms() > deadline;

		for (unsigned k = 0; k < p->n; k++) {
			const struct agent_stream *s = &p->st[k];
			struct pollfd hup = {.fd = s->rfd, .events = POLLIN, .revents = 0};
			char value[48];
			int lock;

			if (!late && s->rfd != -1 && poll(&hup, 1, 0) == 1 && (hup.revents & (POLLHUP | POLLERR)))
				continue;
			lock = agent_pool_try_lock(p, k);
			if (lock == -1)
				continue;
			/* kept open by the case, across its exec: the agent is its until it ends */
			if (fcntl(lock, F_SETFD, 0) == -1 ||
			    (s->rfd != -1 && (fcntl(s->rfd, F_SETFD, 0) == -1 || fcntl(s->wfd, F_SETFD, 0) == -1))) {
				snprintf(err, errsize, "--target agent: cannot pass the agent's stream to the case: %s",
					 strerror(errno));
				return -1;
			}
			/* an agent that is gone: the case's own hello says so */
			snprintf(value, sizeof value, "fd:%d,%d", s->rfd, s->wfd);
			setenv("SOCKCONF_AGENT", value, 1);
			return 0;
		}
		if (late) {
			snprintf(err, errsize, "--target agent: none of the %u agents was free within %d ms",
				 p->n, PICK_BOUND_MS);
			return -1;
		}
		poll(NULL, 0, backoff);
		backoff = backoff < 16 ? backoff * 2 : 16;
	}
}
