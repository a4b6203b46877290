/*
 * capture_pool_posix.c: the packet sockets the runner lends its cases
 * (capture_pool.h).  Linux only: an AF_PACKET socket bound to the
 * loopback with ETH_P_ALL, a receive buffer that holds what a case may
 * leave unread, a filter that takes in nothing while it waits for a case.
 *
 * Made with protocol 0, it takes in nothing until bind() names ETH_P_ALL,
 * so the bind has no receiver of the socket's to take down, which would
 * wait for a grace period (~15 ms; measured: 0.01 ms this way).  A lent
 * socket is the case's while it runs: the case sets its own filter (lib/
 * wire_pcap.c), and the descriptor it closes at its exit is not the last
 * one, so the close costs nothing.  The last close, which always waits for
 * a grace period, is the runner's at its exit: all of them at once, each
 * in a thread of its own, so that the grace periods overlap.
 *
 * A case is lent a socket only while nothing else of it can hold one:
 * proc_kill_group gives it back after the case's group is gone, and one
 * whose case left processes running past that is closed, not lent again.
 */
#include "capture_pool.h"

/* AF_PACKET and classic BPF are Linux's, from its kernel headers (a musl-gcc build has none). */
#if defined(__linux__) && defined(__has_include)
#if __has_include(<linux/filter.h>) && __has_include(<linux/if_packet.h>)
#define SC_HAVE_POOL 1
#endif
#endif

#if SC_HAVE_POOL
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * What the kernel may hold for a case before the case reads it: the case's
 * filter keeps the first 128 bytes of each of its packets (lib/
 * wire_pcap.c), which the queue counts at ~700 bytes each (measured: the
 * 192 packets of a 4 MiB transfer, 130 KB).  4 MB holds ~6000 of them,
 * more than the 1 MB ring a case's libpcap capture has.  Where the kernel
 * gives a socket less (net.core.rmem_max, without CAP_NET_ADMIN), none is
 * lent and each case opens its own capture, as without the pool.
 */
#define RCVBUF_ASKED (8 << 20)
#define RCVBUF_NEEDED (4 << 20)
#define POOL_MAX 64 /* more cases at once than this open captures of their own */

static struct {
	int fd;
	long owner; /* FREE, TAKEN (lent, its case not started yet), or the case's pid */
} pool[POOL_MAX];
static int npool;
static int unusable; /* a socket could not be made as needed: none is lent this run */
#define FREE (-1L)
#define TAKEN 0L

/* Takes in nothing: while a socket waits for a case, nothing fills its queue. */
static int take_nothing(int fd)
{
	struct sock_filter ret0 = {BPF_RET | BPF_K, 0, 0, 0};
	struct sock_fprog prog = {1, &ret0};

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);
}

static void *close_one(void *fd)
{
	close((int)(intptr_t)fd);
	return NULL;
}

/* At the runner's exit: each socket's last close waits for a grace period; they wait together. */
static void close_pool(void)
{
	pthread_t t[POOL_MAX];
	int started[POOL_MAX];

	for (int i = 0; i < npool; i++) {
		started[i] = pthread_create(&t[i], NULL, close_one, (void *)(intptr_t)pool[i].fd) == 0;
		if (!started[i])
			close(pool[i].fd);
	}
	for (int i = 0; i < npool; i++)
		if (started[i])
			pthread_join(t[i], NULL);
	npool = 0;
}

/* A new socket for the pool, or -1 (errno) where the kernel will not make one as needed. */
static int make_socket(void)
{
	struct sockaddr_ll sll;
	struct tpacket_stats st;
	socklen_t len;
	int made, fd, size = RCVBUF_ASKED, got = 0;

	made = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (made == -1)
		return -1;
	/* never CAPTURE_POOL_CASE_FD itself: a dup2 onto itself would leave it close-on-exec */
	fd = fcntl(made, F_DUPFD_CLOEXEC, CAPTURE_POOL_CASE_FD + 1);
	close(made); /* not the last descriptor of it where the dup was made: no grace period */
	if (fd == -1)
		return -1;
	memset(&sll, 0, sizeof sll);
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)if_nametoindex("lo");
	len = sizeof got;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) == -1)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size); /* bounded by net.core.rmem_max */
	if (sll.sll_ifindex == 0 || take_nothing(fd) == -1 || bind(fd, (struct sockaddr *)&sll, sizeof sll) == -1 ||
	    getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len) == -1 || got < RCVBUF_NEEDED)
		goto unfit;
	len = sizeof sll;
	if (getsockname(fd, (struct sockaddr *)&sll, &len) == -1 || sll.sll_hatype != ARPHRD_LOOPBACK)
		goto unfit; /* "lo" is not the loopback here */
	len = sizeof st; /* a case counts what its socket drops (gVisor's cannot) */
	if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == -1)
		goto unfit;
	return fd;
unfit:
	close(fd); /* once a run: a grace period */
	return -1;
}

int capture_pool_take(void)
{
	int fd;

	for (int i = 0; i < npool; i++)
		if (pool[i].owner == FREE) {
			pool[i].owner = TAKEN;
			return pool[i].fd;
		}
	if (unusable || npool == POOL_MAX)
		return -1;
	fd = make_socket();
	if (fd == -1) {
		unusable = 1;
		return -1;
	}
	if (npool == 0)
		atexit(close_pool);
	pool[npool].fd = fd;
	pool[npool++].owner = TAKEN;
	return fd;
}

void capture_pool_lent(int fd, long pid)
{
	for (int i = 0; i < npool; i++)
		if (pool[i].fd == fd && pool[i].owner == TAKEN)
			pool[i].owner = pid ? pid : FREE;
}

void capture_pool_returned(long pid, int reuse)
{
	for (int i = 0; i < npool; i++) {
		if (pool[i].owner != pid || pid <= 0)
			continue;
		if (reuse && take_nothing(pool[i].fd) == 0) {
			pool[i].owner = FREE; /* what the case left queued, its next case drains */
			return;
		}
		close(pool[i].fd);
		pool[i] = pool[--npool];
		return;
	}
}

#else /* no AF_PACKET (or no kernel headers): no socket to lend */

int capture_pool_take(void)
{
	return -1;
}

void capture_pool_lent(int fd, long pid)
{
	(void)fd, (void)pid;
}

void capture_pool_returned(long pid, int reuse)
{
	(void)pid, (void)reuse;
}

#endif
