/*
 * stack_lwip.c: lwIP 2.1's sockets (Debian's liblwip-dev), in this process.
 *
 * The stack runs in the process: tcpip_init() starts its thread, and one
 * netif of ours carries its traffic (SOCKCONF_LWIP_NETIF):
 *   loop       (default) a netif with no device: lwIP hands a datagram for
 *              one of the netif's own addresses to its loopback path
 *              (netif_loop_output) before the netif's output is called
 *              (ip4.c:984-992, ip6.c:1245-1251), so both ends of a
 *              connection are lwIP's and nothing leaves the process.
 *   tap:NAME   Debian's tapif on the existing tap device NAME, the other end
 *              of which is the kernel in the case's network namespace.
 * Its addresses: SOCKCONF_LWIP_ADDR4 (default 10.0.0.1/24) and
 * SOCKCONF_LWIP_ADDR6 (default fd00::1/64).
 *
 * Line numbers are of lwIP's git tree at STABLE-2_1_3_RELEASE (src/api/,
 * src/core/); Debian's 2.1.3+dfsg1 patches sockets.c (its sockets are a
 * heap list, LWIP_SOCKET_OPEN_COUNT), so lines there differ.
 *
 * Socket numbers start at 1 (LWIP_SOCKET_OFFSET) and overlap the kernel's
 * descriptors, so lib maps them (identity_fds 0).  Debian builds lwIP with
 * LWIP_SOCKET_EXTERNAL_HEADERS: lwip/sockets.h is posix/sockets.h, which
 * includes the C library's <sys/socket.h>, <poll.h> and <errno.h> and
 * defines none of SOL_SOCKET, SO_LINGER, struct linger, MSG_*, SHUT_*,
 * POLL*, FIONBIO of its own.  lwIP is compiled against glibc's values, so
 * the case's constants, struct linger and struct pollfd pass through
 * unchanged; a build of lwIP with constants of its own stops at the #error
 * below.
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "lwip_wire.h" /* sc_lwip_observe: the loop netif's wire */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <linux/if_tun.h> /* Debian's tapif is Linux's: so is this check before it */

#include "lwip/api.h"
#include "lwip/init.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/sockets.h"
#include "lwip/tcpip.h"
#include "lwip/priv/sockets_priv.h"
#include "lwip/priv/tcp_priv.h"
#include "netif/tapif.h"

#if !LWIP_SOCKET_EXTERNAL_HEADERS
#error "this lwIP defines its own socket constants: the case's would need translating"
#endif

/*
 * Debian's tapif reads each frame into a buffer that a frame of more than
 * 592 bytes overruns (an ICMP echo in a 606-byte frame aborts the process:
 * "malloc(): corrupted top size").  This MTU keeps the MSS lwIP advertises,
 * and so the kernel's segments, within 590-byte frames whatever the tap's
 * own MTU, which for IPv6 must be 1280 at least (Linux takes no IPv6
 * address on a smaller link).
 */
#define TAP_NETIF_MTU 576

static struct {
	struct netif netif;
	ip4_addr_t addr4, mask4;
	ip6_addr_t addr6;
	const char *tap_name; /* NULL: the loop netif */
	int setup_failed;     /* netif_add() refused, in the tcpip thread */
	struct sc_plat_event *setup_done; /* set once tcpip_init() has been called */
	int init_errno;       /* how that start ended: 0, ETIMEDOUT, ENODEV */
} lw;

/* "10.0.0.1/24": the address, and the prefix length (or `default_prefix`). */
static int parse_address(const char *var, const char *fallback, int family, void *addr,
			 int *prefix, int default_prefix)
{
	const char *text = getenv(var);
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash, *end;

	if (!text || !*text)
		text = fallback;
	if (strlen(text) >= sizeof buf)
		goto bad;
	strcpy(buf, text);
	*prefix = default_prefix;
	slash = strchr(buf, '/');
	if (slash) {
		long n;
		*slash = '\0';
		n = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || n < 0 || n > (family == AF_INET ? 32 : 128))
			goto bad;
		*prefix = (int)n;
	}
	if (inet_pton(family, buf, addr) == 1)
		return 0;
bad:
	fprintf(stderr, "%s=%s: not an %s address (like %s)\n", var, text,
		family == AF_INET ? "IPv4" : "IPv6", fallback);
	errno = EINVAL;
	return -1;
}

/* Where lwIP's own output would go to a device: this netif has none. */
static err_t drop_output4(struct netif *n, struct pbuf *p, const ip4_addr_t *to)
{
	(void)n, (void)p, (void)to;
	return ERR_OK;
}

static err_t drop_output6(struct netif *n, struct pbuf *p, const ip6_addr_t *to)
{
	(void)n, (void)p, (void)to;
	return ERR_OK;
}

static err_t loop_netif_init(struct netif *n)
{
	n->name[0] = 's', n->name[1] = 'c';
	n->output = drop_output4;
	n->output_ip6 = drop_output6;
	n->mtu = 1500;
	n->flags = NETIF_FLAG_LINK_UP;
	return ERR_OK;
}

/* In the tcpip thread, with the core locked (tcpip_thread() calls it so). */
static void add_netif(void *unused)
{
	static const ip4_addr_t no_gateway;
	s8_t slot;

	(void)unused;
	if (!netif_add(&lw.netif, &lw.addr4, &lw.mask4, &no_gateway, NULL,
		       lw.tap_name ? tapif_init : loop_netif_init, tcpip_input)) {
		lw.setup_failed = 1;
		sc_plat_event_set(lw.setup_done);
		return;
	}
	if (lw.tap_name) {
		lw.netif.mtu = TAP_NETIF_MTU;
		lw.netif.mtu6 = TAP_NETIF_MTU;
	}
	/* PREFERRED at once, skipping duplicate address detection's wait: the
	 * loop netif has no link, and the tap's namespace is the runner's own */
	if (netif_add_ip6_address(&lw.netif, &lw.addr6, &slot) != ERR_OK)
		lw.setup_failed = 1;
	else
		netif_ip6_addr_set_state(&lw.netif, slot, IP6_ADDR_PREFERRED);
	netif_set_default(&lw.netif);
	netif_set_link_up(&lw.netif);
	netif_set_up(&lw.netif);
	sc_plat_event_set(lw.setup_done);
}

/*
 * Attach to the tap as tapif_init() will (Debian's tapif: /dev/net/tun,
 * IFF_TAP | IFF_NO_PI), and let go: 0, or -1 with the errno it would meet.
 */
static int try_tap(const char *name)
{
	struct ifreq ifr;
	int fd, ret, err;

	if (strlen(name) >= sizeof ifr.ifr_name) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd == -1)
		return -1;
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, strlen(name));
	ret = ioctl(fd, TUNSETIFF, &ifr);
	err = errno;
	close(fd);
	errno = err;
	return ret;
}

static int lwip_stack_init(void)
{
	const char *mode = getenv("SOCKCONF_LWIP_NETIF");
	struct in6_addr in6;
	int prefix4, prefix6;

	/* asked again after a failed start: a second tcpip_init() would start a second stack */
	if (lw.setup_done) {
		errno = lw.init_errno;
		return lw.init_errno ? -1 : 0;
	}
	if (!mode || !*mode || strcmp(mode, "loop") == 0) {
		lw.tap_name = NULL;
	} else if (strncmp(mode, "tap:", 4) == 0 && mode[4]) {
		lw.tap_name = mode + 4;
		/* tapif_init() exit(1)s when it cannot attach ("ioctl TUNSETIFF: Invalid
		 * argument"): fail here first, saying why */
		if (if_nametoindex(lw.tap_name) == 0 || try_tap(lw.tap_name) == -1) {
			int err = errno;
			fprintf(stderr, "SOCKCONF_LWIP_NETIF=%s: no tap device %s to attach to here (%s)\n",
				mode, lw.tap_name, strerror(err));
			errno = err == EINVAL || err == ENXIO ? ENODEV : err;
			return -1;
		}
		if (setenv("PRECONFIGURED_TAPIF", lw.tap_name, 1) == -1)
			return -1;
	} else {
		fprintf(stderr, "SOCKCONF_LWIP_NETIF=%s: not loop or tap:NAME\n", mode);
		errno = EINVAL;
		return -1;
	}
	/* an ip4_addr_t is the address's 4 bytes in network order, as inet_pton() writes them */
	if (parse_address("SOCKCONF_LWIP_ADDR4", "10.0.0.1/24", AF_INET, &lw.addr4, &prefix4, 24) == -1 ||
	    parse_address("SOCKCONF_LWIP_ADDR6", "fd00::1/64", AF_INET6, &in6, &prefix6, 64) == -1)
		return -1;
	if (prefix6 != 64) {
		/* lwIP 2.1 keeps no prefix length: an address's subnet is its first 64 bits */
		fprintf(stderr, "SOCKCONF_LWIP_ADDR6: lwIP %s takes /64 prefixes only\n", LWIP_VERSION_STRING);
		errno = EINVAL;
		return -1;
	}
	ip4_addr_set_u32(&lw.mask4, prefix4 ? htonl(0xffffffffu << (32 - prefix4)) : 0);
	memcpy(lw.addr6.addr, &in6, sizeof lw.addr6.addr); /* both are the address's 16 bytes in order */
	ip6_addr_clear_zone(&lw.addr6);

	lw.setup_done = sc_plat_event_new();
	if (!lw.setup_done)
		return -1;
	tcpip_init(add_netif, NULL);
	lw.init_errno = !sc_plat_event_wait(lw.setup_done, sc_wait_bound_ms()) ? ETIMEDOUT
			: lw.setup_failed ? ENODEV : 0;
	errno = lw.init_errno;
	return lw.init_errno ? -1 : 0;
}

static const char *lwip_stack_version(void) { return LWIP_VERSION_STRING; }

/* `family` is lib's enum sc_family (connection.c's sc_end_address). */
static int lwip_stack_address(int family, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof *ss);
	if (family == SC_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = ip4_addr_get_u32(&lw.addr4);
		*len = sizeof *sin;
		return 0;
	}
	if (family == SC_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, lw.addr6.addr, sizeof sin6->sin6_addr);
		*len = sizeof *sin6;
		return 0;
	}
	return -1;
}

/* The tap the segments cross; the loop netif's cross no device (NULL). */
static const char *lwip_stack_wire_device(void) { return lw.tap_name; }

/*
 * lwIP sets the C library's errno: sockets_priv.h's set_errno() is
 * `errno = (err)`, with errno from <errno.h> (cc.h: LWIP_ERRNO_STDINCLUDE),
 * and sockets.c's sock_set_errno() calls it (sockets.c:281-284).  It
 * never clears it: set_errno(0) does nothing.
 */
static int lwip_stack_last_error(void) { return errno; }

/*
 * lwip_socket() takes no notice of the domain (sockets.c:1689, "@todo:
 * check this"): an AF_UNIX stream socket would be a TCP one.
 */
static sc_handle lwip_stack_socket(int domain, int type, int protocol)
{
	if (domain != AF_INET && domain != AF_INET6) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	return lwip_socket(domain, type, protocol);
}

static int no_such_call(void)
{
	errno = EOPNOTSUPP;
	return -1;
}

/* No AF_UNIX (a family lwIP lacks: lib skips it), and no socketpair() of TCP sockets either. */
static int lwip_stack_socketpair(int d, int t, int p, sc_handle sv[2])
{
	(void)t, (void)p, (void)sv;
	if (d != AF_INET && d != AF_INET6) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	return no_such_call();
}

static int lwip_stack_bind(sc_handle s, const struct sockaddr *a, socklen_t l) { return lwip_bind((int)s, a, l); }
static int lwip_stack_listen(sc_handle s, int b) { return lwip_listen((int)s, b); }
static sc_handle lwip_stack_accept(sc_handle s, struct sockaddr *a, socklen_t *l) { return lwip_accept((int)s, a, l); }
static int lwip_stack_connect(sc_handle s, const struct sockaddr *a, socklen_t l) { return lwip_connect((int)s, a, l); }
static int lwip_stack_getsockname(sc_handle s, struct sockaddr *a, socklen_t *l) { return lwip_getsockname((int)s, a, l); }
static int lwip_stack_getpeername(sc_handle s, struct sockaddr *a, socklen_t *l) { return lwip_getpeername((int)s, a, l); }
static int lwip_stack_close(sc_handle s) { return lwip_close((int)s); }
static int lwip_stack_shutdown(sc_handle s, int how) { return lwip_shutdown((int)s, how); }
static ssize_t lwip_stack_write(sc_handle s, const void *b, size_t n) { return lwip_write((int)s, b, n); }

/*
 * No signal: lwip_send() (sockets.c:1381-1417) turns a failed
 * netconn_write_partly() into -1 and sock_set_errno(), and looks at no flag
 * but MSG_MORE and MSG_DONTWAIT (1407-1409); sockets.c has no raise(),
 * kill() or SIGPIPE anywhere.  MSG_NOSIGNAL has nothing to suppress.
 */
static ssize_t lwip_stack_send(sc_handle s, const void *b, size_t n, int f) { return lwip_send((int)s, b, n, f); }
static ssize_t lwip_stack_recv(sc_handle s, void *b, size_t n, int f) { return lwip_recv((int)s, b, n, f); }

static int lwip_stack_setsockopt(sc_handle s, int level, int name, const void *v, socklen_t l)
{
	return lwip_setsockopt((int)s, level, name, v, l);
}

static int lwip_stack_getsockopt(sc_handle s, int level, int name, void *v, socklen_t *l)
{
	return lwip_getsockopt((int)s, level, name, v, l);
}

/* lwIP has no dup(): one socket number per netconn. */
/* FIONBIO: lwip_fcntl(F_SETFL) refuses any bit but O_NONBLOCK (sockets.c:3893). */
static int lwip_stack_set_nonblocking(sc_handle s, int on)
{
	int arg = on != 0;

	return lwip_ioctl((int)s, FIONBIO, &arg);
}

static int lwip_stack_poll(struct pollfd *fds, unsigned n, int timeout_ms)
{
	return lwip_poll(fds, (nfds_t)n, timeout_ms);
}

/* Our enum sc_tcp_state from lwIP's enum tcp_state (lwip/tcpbase.h). */
static int from_lwip_state(enum tcp_state st)
{
	switch (st) {
	case CLOSED: return SC_TCP_CLOSED;
	case LISTEN: return SC_TCP_LISTEN;
	case SYN_SENT: return SC_TCP_SYN_SENT;
	case SYN_RCVD: return SC_TCP_SYN_RECEIVED;
	case ESTABLISHED: return SC_TCP_ESTABLISHED;
	case FIN_WAIT_1: return SC_TCP_FIN_WAIT1;
	case FIN_WAIT_2: return SC_TCP_FIN_WAIT2;
	case CLOSE_WAIT: return SC_TCP_CLOSE_WAIT;
	case CLOSING: return SC_TCP_CLOSING;
	case LAST_ACK: return SC_TCP_LAST_ACK;
	case TIME_WAIT: return SC_TCP_TIME_WAIT;
	}
	return -1;
}

/*
 * s's TCP netconn, looked up with the core locked (the caller holds it):
 * NULL when s is no TCP socket.  *pcb is its PCB, NULL once lwIP has freed
 * it (the connection reset, or closed all the way).  A listener's PCB is a
 * struct tcp_pcb_listen, whose leading fields (state among them) are a
 * tcp_pcb's: read only those through it.
 */
static struct netconn *tcp_netconn_locked(sc_handle s, struct tcp_pcb **pcb)
{
	struct lwip_sock *sock = lwip_socket_dbg_get_socket((int)s);

	if (!sock || !sock->conn || NETCONNTYPE_GROUP(netconn_type(sock->conn)) != NETCONN_TCP)
		return NULL;
	*pcb = sock->conn->pcb.tcp;
	return sock->conn;
}

static int lwip_stack_tcp_state(sc_handle s)
{
	struct tcp_pcb *pcb = NULL;
	int state = -1;

	LOCK_TCPIP_CORE();
	if (tcp_netconn_locked(s, &pcb))
		state = pcb ? from_lwip_state(pcb->state) : SC_TCP_CLOSED;
	UNLOCK_TCPIP_CORE();
	return state;
}

/*
 * What Linux's SIOCOUTQ counts: bytes queued and not yet acknowledged, sent
 * or not, the FIN included (tcp_enqueue_flags() counts it in snd_lbb), from
 * lastack (the highest seqno acknowledged) to snd_lbb (the next to be
 * queued).  Nothing while the handshake is on, as Linux; nothing once the
 * PCB is gone, since lwIP freed its queues with it.
 */
static long lwip_stack_unacked_bytes(sc_handle s, int family)
{
	struct tcp_pcb *pcb = NULL;
	long unacked = -1;

	(void)family;
	LOCK_TCPIP_CORE();
	if (tcp_netconn_locked(s, &pcb)) {
		if (!pcb || pcb->state == SYN_SENT || pcb->state == SYN_RCVD)
			unacked = 0;
		else if (pcb->state != LISTEN && pcb->state != CLOSED)
			unacked = (long)(u32_t)(pcb->snd_lbb - pcb->lastack);
	}
	UNLOCK_TCPIP_CORE();
	return unacked;
}

/* A sockaddr as lwIP's address and host-order port: 0, or -1 for another family. */
static int from_sockaddr(const struct sockaddr *sa, ip_addr_t *ip, u16_t *port)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
		ip_addr_set_ip4_u32_val(*ip, sin->sin_addr.s_addr);
		*port = ntohs(sin->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
		IP_SET_TYPE_VAL(*ip, IPADDR_TYPE_V6);
		memcpy(ip_2_ip6(ip)->addr, &sin6->sin6_addr, sizeof ip_2_ip6(ip)->addr);
		ip6_addr_clear_zone(ip_2_ip6(ip));
		*port = ntohs(sin6->sin6_port);
		return 0;
	}
	return -1;
}

/* lwIP lists its connections in tcp_active_pcbs and, in TIME_WAIT, tcp_tw_pcbs. */
static int lwip_stack_listed_tcp_state(const struct sockaddr *self, const struct sockaddr *other)
{
	struct tcp_pcb *const *lists[] = {&tcp_active_pcbs, &tcp_tw_pcbs};
	ip_addr_t self_ip, other_ip;
	u16_t self_port, other_port;
	int state = SC_TCP_CLOSED;

	if (from_sockaddr(self, &self_ip, &self_port) == -1 ||
	    from_sockaddr(other, &other_ip, &other_port) == -1)
		return -1;
	LOCK_TCPIP_CORE();
	for (size_t i = 0; i < sizeof lists / sizeof lists[0] && state == SC_TCP_CLOSED; i++)
		for (const struct tcp_pcb *pcb = *lists[i]; pcb; pcb = pcb->next)
			if (pcb->local_port == self_port && pcb->remote_port == other_port &&
			    ip_addr_cmp_zoneless(&pcb->local_ip, &self_ip) &&
			    ip_addr_cmp_zoneless(&pcb->remote_ip, &other_ip)) {
				state = from_lwip_state(pcb->state);
				break;
			}
	UNLOCK_TCPIP_CORE();
	return state;
}

const struct sc_stack sc_lwip_stack = {
	.name = "lwip",
	.identity_fds = 0,
	.init = lwip_stack_init,
	.version = lwip_stack_version,
	.families = SC_INET | SC_INET6,
	.no_fork = "lwIP runs inside this process: a forked child would get a copy of the "
		   "whole stack, without its tcpip thread",
	.raises_sigpipe = 0,
	/* opt.h: LWIP_NETCONN_FULLDUPLEX (0 here) is what lets one thread read while another
	 * closes; without it lwip_shutdown(SHUT_RD) frees the mailbox a blocked lwip_recv()
	 * sleeps on (api_msg.c lwip_netconn_do_close_internal) and the stack deadlocks */
	.one_thread_per_socket = "this lwIP is built without LWIP_NETCONN_FULLDUPLEX (opt.h): a socket "
				 "is one thread's at a time, so no call can meet a recv() blocked in another",
	.address = lwip_stack_address,
	.last_error = lwip_stack_last_error,
	.wire_device = lwip_stack_wire_device,
	.observe = sc_lwip_observe, /* asked only where wire_device() is NULL: the loop netif */
	.socket = lwip_stack_socket,
	.socketpair = lwip_stack_socketpair,
	.bind = lwip_stack_bind,
	.listen = lwip_stack_listen,
	.accept = lwip_stack_accept,
	.connect = lwip_stack_connect,
	.getsockname = lwip_stack_getsockname,
	.close = lwip_stack_close,
	.shutdown = lwip_stack_shutdown,
	.send = lwip_stack_send,
	.recv = lwip_stack_recv,
	.write = lwip_stack_write,
	.setsockopt = lwip_stack_setsockopt,
	.getsockopt = lwip_stack_getsockopt,
	.dup = NULL, /* lwIP has no dup(): one descriptor a socket (sockets.c) */
	.set_nonblocking = lwip_stack_set_nonblocking,
	.poll = lwip_stack_poll,
	.unacked_bytes = lwip_stack_unacked_bytes,
	.undelivered_bytes = NULL, /* unacked_bytes tells */
	.getpeername = lwip_stack_getpeername,
	.tcp_state = lwip_stack_tcp_state,
	.listed_tcp_state = lwip_stack_listed_tcp_state,
	.epoll_revents = NULL, /* no epoll on lwIP: cases that ask skip */
};
