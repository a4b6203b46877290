/*
 * lwip_wire.c: the wire of lwIP's in-process loopback, as lwIP carries it.
 *
 * In loop mode (SOCKCONF_LWIP_NETIF=loop) nothing leaves the process, so
 * no capture can see it.  But each datagram lwIP sends to its own address
 * goes to netif_loop_output(), and netif_poll() takes it in with
 * ip_input() (netif.c:1273 at STABLE-2_1_3_RELEASE): every packet of
 * both ends passes there once, on arrival, as a capture on a link would
 * show it.  liblwip.so makes that call through its PLT (objdump -d
 * liblwip.so: "call ... <ip_input@plt>" in netif_poll), so the ip_input
 * below, exported from the case program (the Makefile links lwIP builds
 * with --export-dynamic-symbol=ip_input), takes it: it shows the packet
 * to the observer wire_pcap.c registered, then hands it to lwIP's own.
 *
 * On a tap (tap:NAME) frames come in through ethernet_input(), which calls
 * ip4_input() and ip6_input() directly: there the wire is the tap device,
 * which the platform captures (stack_lwip.c's wire_device).
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "lwip_wire.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/ip.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"

/* Headers are what the wire layer reads: a chained packet's first bytes are copied. */
#define CHAIN_COPY 2048

typedef err_t ip_input_fn(struct pbuf *p, struct netif *inp);

static ip_input_fn *lwip_ip_input; /* liblwip.so's own */
static pthread_once_t resolved = PTHREAD_ONCE_INIT;

/* Set with the tcpip core locked, read in ip_input(), which runs with it locked. */
static void (*observer)(const unsigned char *ip, size_t len, void *ctx);
static void *observer_ctx;

static void resolve(void)
{
	void *sym = dlsym(RTLD_NEXT, "ip_input");

	if (!sym) {
		fprintf(stderr, "sockconf: lwIP's ip_input() not found after the program's (%s)\n", dlerror());
		abort();
	}
	memcpy(&lwip_ip_input, &sym, sizeof sym); /* POSIX: a dlsym() result may be a function's address */
}

err_t ip_input(struct pbuf *p, struct netif *inp)
{
	pthread_once(&resolved, resolve);
	if (observer && p) {
		if (p->len == p->tot_len) {
			observer(p->payload, p->len, observer_ctx);
		} else {
			unsigned char copy[CHAIN_COPY];
			size_t n = 0;
			for (const struct pbuf *q = p; q && n < sizeof copy; q = q->next) {
				size_t take = q->len < sizeof copy - n ? q->len : sizeof copy - n;
				memcpy(copy + n, q->payload, take);
				n += take;
			}
			observer(copy, n, observer_ctx);
		}
	}
	return lwip_ip_input(p, inp);
}

/* SOCKCONF_LWIP_NETIF=tap:NAME (stack_lwip.c's wire_device names the tap) */
static int on_a_tap(void)
{
	const char *mode = getenv("SOCKCONF_LWIP_NETIF");

	return mode && strncmp(mode, "tap:", 4) == 0;
}

int sc_lwip_observe(void (*seen)(const unsigned char *ip, size_t len, void *ctx), void *ctx)
{
	void *found;
	ip_input_fn *called;

	if (on_a_tap()) {
		errno = ENODEV; /* a tap's frames never reach ip_input(): see above */
		return -1;
	}
	/* The program's ip_input is the one liblwip.so calls only if the program exports it. */
	found = dlsym(RTLD_DEFAULT, "ip_input");
	memcpy(&called, &found, sizeof found);
	if (!found || called != ip_input) {
		errno = ENOSYS; /* built without --export-dynamic-symbol=ip_input */
		return -1;
	}
	LOCK_TCPIP_CORE();
	observer_ctx = ctx;
	observer = seen;
	UNLOCK_TCPIP_CORE();
	return 0;
}
