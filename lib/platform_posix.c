/* platform_posix.c: the platform layer on POSIX systems. */
#define _POSIX_C_SOURCE 200809L
#include "platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

void sc_plat_init(void)
{
}

double sc_plat_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

#define MAX_COUNTED 64
static volatile unsigned *signal_counters[MAX_COUNTED];

static void count_signal(int signo)
{
	if (signo > 0 && signo < MAX_COUNTED && signal_counters[signo])
		(*signal_counters[signo])++;
}

int sc_plat_count_signal(int signo, volatile unsigned *counter)
{
	struct sigaction sa;

	if (signo <= 0 || signo >= MAX_COUNTED)
		return -1;
	signal_counters[signo] = counter;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = count_signal;
	sigemptyset(&sa.sa_mask);
	return sigaction(signo, &sa, NULL);
}

static void (*watchdog_fire)(void);

static void on_alarm(int signo)
{
	(void)signo;
	if (watchdog_fire)
		watchdog_fire();
}

void sc_plat_watchdog(unsigned ms, void (*fire)(void))
{
	struct itimerval it;
	struct sigaction sa;

	memset(&it, 0, sizeof it);
	if (ms) {
		watchdog_fire = fire;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_alarm;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGALRM, &sa, NULL);
		it.it_value.tv_sec = ms / 1000;
		it.it_value.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	}
	setitimer(ITIMER_REAL, &it, NULL);
}

void sc_plat_write_stdout(const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, buf, len);
		if (n <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			return;
		}
		buf += n, len -= (size_t)n;
	}
}

void sc_plat_exit_now(int status)
{
	_exit(status);
}

int sc_plat_socket_errno(void)
{
	return errno;
}
