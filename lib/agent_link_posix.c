/*
 * agent_link_posix.c: the stream to the agent on POSIX systems (see
 * agent_link.h): descriptors the runner passed down, or a TCP connection;
 * and the client's locks, pthread's.
 */
#include "agent_link.h"
#include "hostport.h"
#include "platform.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int read_fd = -1, write_fd = -1, is_socket;

static int parse_fds(const char *text, char *why, size_t whysize)
{
	char *end;
	long r = strtol(text, &end, 10), w;

	if (end == text || *end != ',')
		goto bad;
	text = end + 1;
	w = strtol(text, &end, 10);
	if (end == text || *end || r < 0 || w < 0 || r > 65535 || w > 65535)
		goto bad;
	if (fcntl((int)r, F_GETFD) == -1 || fcntl((int)w, F_GETFD) == -1) {
		snprintf(why, whysize, "the agent vanished: SOCKCONF_AGENT=fd:%ld,%ld: no such descriptor "
			 "here (%s)", r, w, strerror(errno));
		return -1;
	}
	read_fd = (int)r;
	write_fd = (int)w;
	/* the case's own children (a program it execs) get no share of the stream */
	fcntl(read_fd, F_SETFD, FD_CLOEXEC);
	fcntl(write_fd, F_SETFD, FD_CLOEXEC);
	return 0;
bad:
	snprintf(why, whysize, "SOCKCONF_AGENT=fd:%s: not fd:R,W (two descriptor numbers)", text);
	return -1;
}

static int open_tcp(const char *text, int bound_ms, char *why, size_t whysize)
{
	char reason[200];
	int fd = sc_tcp_connect(text, bound_ms, reason, sizeof reason);

	if (fd == -2)
		snprintf(why, whysize, "SOCKCONF_AGENT=tcp:%s: not tcp:HOST:PORT", text);
	else if (fd == -1)
		snprintf(why, whysize, "the agent vanished: cannot connect to %s: %s", text, reason);
	if (fd < 0)
		return -1;
	read_fd = write_fd = fd;
	is_socket = 1;
	return 0;
}

int sc_agent_link_open(const char *spec, int bound_ms, char *why, size_t whysize)
{
	if (!spec || !*spec) {
		snprintf(why, whysize, "SOCKCONF_AGENT is not set: fd:R,W or tcp:HOST:PORT (the runner's "
			 "--target agent:... sets it)");
		return -1;
	}
	if (strncmp(spec, "fd:", 3) == 0)
		return parse_fds(spec + 3, why, whysize);
	if (strncmp(spec, "tcp:", 4) == 0)
		return open_tcp(spec + 4, bound_ms, why, whysize);
	snprintf(why, whysize, "SOCKCONF_AGENT=%s: not fd:R,W or tcp:HOST:PORT", spec);
	return -1;
}

long sc_agent_link_read(char *buf, size_t n)
{
	for (;;) {
		ssize_t got = read(read_fd, buf, n);
		if (got >= 0 || errno != EINTR)
			return (long)got;
	}
}

int sc_agent_link_readable(int timeout_ms)
{
	struct pollfd p = {.fd = read_fd, .events = POLLIN, .revents = 0};
	int n = poll(&p, 1, timeout_ms);

	return n < 0 ? -1 : n > 0;
}

/*
 * A pipe whose reader is gone raises SIGPIPE on write(): blocked in this
 * thread while it writes, and taken if it came, so the case's own signal
 * counts (signals.c) see none of ours.
 */
int sc_agent_link_write(const char *buf, size_t n)
{
	sigset_t pipe_only, old, pending;
	int err = 0, was_pending;

	if (is_socket) {
		while (n) {
			ssize_t put = send(write_fd, buf, n, MSG_NOSIGNAL);
			if (put < 0 && errno == EINTR)
				continue;
			if (put < 0)
				return -1;
			buf += put, n -= (size_t)put;
		}
		return 0;
	}
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	while (n) {
		ssize_t put = write(write_fd, buf, n);
		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0) {
			err = errno;
			break;
		}
		buf += put, n -= (size_t)put;
	}
	if (err == EPIPE && !was_pending) {
		struct timespec now = {0, 0};
		sigtimedwait(&pipe_only, NULL, &now);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = err;
	return err ? -1 : 0;
}

void sc_agent_link_reader_started(void)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
}

/* ---- locks ---------------------------------------------------------------- */

static pthread_mutex_t locks[2] = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};
static pthread_cond_t woken;
static pthread_once_t woken_once = PTHREAD_ONCE_INIT;

/* The bound is kept on the monotonic clock, so that a change of the
 * wall clock neither ends a wait early nor stretches it; macOS has no
 * pthread_condattr_setclock, and waits relative instead. */
static void woken_init(void)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
#if !defined(__APPLE__)
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
#endif
	pthread_cond_init(&woken, &attr);
	pthread_condattr_destroy(&attr);
}

void sc_agent_lock(enum sc_agent_lock which) { pthread_mutex_lock(&locks[which]); }
void sc_agent_unlock(enum sc_agent_lock which) { pthread_mutex_unlock(&locks[which]); }

void sc_agent_wake_all(void)
{
	pthread_once(&woken_once, woken_init);
	pthread_cond_broadcast(&woken);
}

void sc_agent_wait(int timeout_ms)
{
	struct timespec until = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L};

	pthread_once(&woken_once, woken_init);
#if defined(__APPLE__)
	pthread_cond_timedwait_relative_np(&woken, &locks[SC_AGENT_TABLE], &until);
#else
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	until.tv_sec += now.tv_sec;
	until.tv_nsec += now.tv_nsec;
	if (until.tv_nsec >= 1000000000L)
		until.tv_sec++, until.tv_nsec -= 1000000000L;
	pthread_cond_timedwait(&woken, &locks[SC_AGENT_TABLE], &until);
#endif
}
