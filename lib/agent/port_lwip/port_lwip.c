/*
 * port_lwip.c: the agent on lwIP 2.1 (Debian's liblwip-dev), in this
 * process, attached to the Linux tap device --tap NAME.
 *
 * tcpip_init() starts lwIP's thread (sys_arch: a pthread); our netif writes
 * each frame lwIP sends to the tap, and a thread of this port reads each
 * frame the tap delivers into netif->input (tcpip_input, which queues it to
 * lwIP's thread).  The agent's own code stays on one thread: only it calls
 * lwIP's sockets, which suits a build without LWIP_NETCONN_FULLDUPLEX.
 *
 * Our tap driver, not Debian's tapif, which lib/stack_lwip.c found to
 * corrupt the heap with frames of more than 592 bytes (its TAP_NETIF_MTU):
 * the cause is a PBUF_POOL pbuf too small for the frame (tap_reader below).
 *
 * --addr4 A/P (default 10.0.0.2/24) and --addr6 A (fd00::2, a /64: lwIP
 * 2.1 keeps no prefix length) are the netif's; the tap's other end, the
 * kernel, has its own (10.0.0.1/24, fd00::1/64 in tests/e2e).
 */
#include "agent_port.h"

#include "lwip/sockets.h" /* Debian's: posix/sockets.h, the C library's constants */
#include "lwip/api.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"
#include "lwip/priv/sockets_priv.h"
#include "lwip/priv/tcp_priv.h"
#include "netif/ethernet.h"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#if !LWIP_SOCKET_EXTERNAL_HEADERS
#error "this lwIP defines its own socket constants: agent_bsd.h would need them translated"
#endif

static int lwip_nonblock(int s, int on)
{
	int arg = on != 0;

	return lwip_ioctl(s, FIONBIO, &arg); /* lwip_fcntl(F_SETFL) takes O_NONBLOCK only, too */
}

#define BSD_CALL(name) lwip_##name
#define BSD_NONBLOCK(s, on) lwip_nonblock(s, on)
#include "agent_bsd.h"
#include "agent_errno.h" /* lwIP sets the C library's errno (LWIP_ERRNO_STDINCLUDE) */

#define FRAME_MAX 1518 /* an Ethernet frame with no FCS, with a VLAN tag's room */

static struct {
	struct netif netif;
	int tap_fd;
	const char *tap_name;
	char addr4[INET_ADDRSTRLEN], addr6[INET6_ADDRSTRLEN];
	ip4_addr_t ip4, mask4;
	ip6_addr_t ip6;
	sys_sem_t ready;
	int netif_failed;
	struct utsname uts;
} lw;

void port_log(const char *line) { fprintf(stderr, "%s\n", line); }

unsigned long port_now_ms(void) { return sys_now(); }

/* lwIP's frame out: to the tap, whole (one write is one frame). */
static err_t tap_linkoutput(struct netif *netif, struct pbuf *p)
{
	unsigned char frame[FRAME_MAX];
	u16_t len = pbuf_copy_partial(p, frame, sizeof frame, 0);

	(void)netif;
	if (len < p->tot_len || write(lw.tap_fd, frame, len) != (ssize_t)len)
		return ERR_IF;
	return ERR_OK;
}

static err_t tap_netif_init(struct netif *netif)
{
	/* locally administered (the 02 bit), the rest "sc" and the IPv4 address's last byte */
	static const u8_t mac[6] = {0x02, 's', 'c', 0, 0, 0};

	netif->name[0] = 't', netif->name[1] = 'p';
	memcpy(netif->hwaddr, mac, 6);
	netif->hwaddr[5] = ip4_addr4(&lw.ip4);
	netif->hwaddr_len = 6;
	netif->mtu = 1500;
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_IGMP |
		       NETIF_FLAG_MLD6;
	netif->output = etharp_output;
	netif->output_ip6 = ethip6_output;
	netif->linkoutput = tap_linkoutput;
	return ERR_OK;
}

/* The tap's frames in: a thread of the driver, as an Ethernet chip's interrupt would be. */
static void tap_reader(void *unused)
{
	unsigned char frame[FRAME_MAX];

	(void)unused;
	for (;;) {
		ssize_t n = read(lw.tap_fd, frame, sizeof frame);
		struct pbuf *p;

		if (n <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			port_log("sockconf-agent-lwip: the tap stopped delivering frames");
			return;
		}
		/* PBUF_RAM, one block of n bytes: Debian's liblwip gives PBUF_POOL a single
		 * 616-byte pbuf for a 1514-byte frame, and pbuf_take() then writes past it
		 * (AddressSanitizer: heap-buffer-overflow in pbuf_take, from here) */
		p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_RAM);
		if (!p)
			continue; /* dropped, as a NIC out of buffers drops */
		pbuf_take(p, frame, (u16_t)n);
		if (lw.netif.input(p, &lw.netif) != ERR_OK)
			pbuf_free(p);
	}
}

/* In the tcpip thread, with the core locked. */
static void add_netif(void *unused)
{
	static const ip4_addr_t no_gateway;
	s8_t slot;

	(void)unused;
	if (!netif_add(&lw.netif, &lw.ip4, &lw.mask4, &no_gateway, NULL, tap_netif_init, tcpip_input)) {
		lw.netif_failed = 1;
		sys_sem_signal(&lw.ready);
		return;
	}
	/* PREFERRED at once, skipping duplicate address detection: the tap's
	 * other end is ours, and a case must not wait a DAD round */
	netif_create_ip6_linklocal_address(&lw.netif, 1);
	netif_ip6_addr_set_state(&lw.netif, 0, IP6_ADDR_PREFERRED);
	if (netif_add_ip6_address(&lw.netif, &lw.ip6, &slot) != ERR_OK)
		lw.netif_failed = 1;
	else
		netif_ip6_addr_set_state(&lw.netif, slot, IP6_ADDR_PREFERRED);
	netif_set_default(&lw.netif);
	netif_set_link_up(&lw.netif);
	netif_set_up(&lw.netif);
	sys_sem_signal(&lw.ready);
}

static int open_tap(const char *name)
{
	struct ifreq ifr;

	if (strlen(name) >= sizeof ifr.ifr_name) {
		fprintf(stderr, "sockconf-agent-lwip: --tap %s: a name of at most %zu bytes\n", name,
			sizeof ifr.ifr_name - 1);
		return -1;
	}
	lw.tap_fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (lw.tap_fd == -1 || ioctl(lw.tap_fd, TUNSETIFF, &ifr) == -1) {
		fprintf(stderr, "sockconf-agent-lwip: --tap %s: cannot attach (/dev/net/tun, TUNSETIFF: %s)\n",
			name, strerror(errno));
		return -1;
	}
	return 0;
}

/* "10.0.0.2/24" into lw.ip4, lw.mask4 and lw.addr4 (the address alone). */
static int parse_addr4(const char *text)
{
	char buf[INET_ADDRSTRLEN + 4];
	char *slash;
	long prefix = 24;

	if (strlen(text) >= sizeof buf)
		return -1;
	strcpy(buf, text);
	slash = strchr(buf, '/');
	if (slash) {
		char *end;
		*slash = '\0';
		prefix = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || prefix < 0 || prefix > 32)
			return -1;
	}
	if (inet_pton(AF_INET, buf, &lw.ip4) != 1) /* an ip4_addr_t is the 4 bytes in network order */
		return -1;
	ip4_addr_set_u32(&lw.mask4, prefix ? htonl(0xffffffffu << (32 - prefix)) : 0);
	strcpy(lw.addr4, buf);
	return 0;
}

static int parse_addr6(const char *text)
{
	struct in6_addr in6;
	const char *slash = strchr(text, '/');

	if (slash && strcmp(slash, "/64") != 0)
		return -1;
	if (strlen(text) >= sizeof lw.addr6)
		return -1;
	strcpy(lw.addr6, text);
	if (slash)
		lw.addr6[slash - text] = '\0';
	if (inet_pton(AF_INET6, lw.addr6, &in6) != 1)
		return -1;
	memcpy(lw.ip6.addr, &in6, sizeof lw.ip6.addr);
	ip6_addr_clear_zone(&lw.ip6);
	return 0;
}

int port_init(int argc, char **argv)
{
	const char *addr4 = "10.0.0.2/24", *addr6 = "fd00::2";

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--tap") == 0 && i + 1 < argc)
			lw.tap_name = argv[++i];
		else if (strcmp(argv[i], "--addr4") == 0 && i + 1 < argc)
			addr4 = argv[++i];
		else if (strcmp(argv[i], "--addr6") == 0 && i + 1 < argc)
			addr6 = argv[++i];
		else {
			fprintf(stderr, "sockconf-agent-lwip: %s: unknown option\n", argv[i]);
			lw.tap_name = NULL;
			break;
		}
	}
	if (!lw.tap_name) {
		fprintf(stderr, "usage: sockconf-agent-lwip --tap NAME [--addr4 A/P] [--addr6 A] [--tcp PORT]\n");
		return -1;
	}
	if (parse_addr4(addr4) == -1 || parse_addr6(addr6) == -1) {
		fprintf(stderr, "sockconf-agent-lwip: --addr4 %s --addr6 %s: not like 10.0.0.2/24 and fd00::2 "
			"(lwIP %s takes /64 IPv6 prefixes only)\n", addr4, addr6, LWIP_VERSION_STRING);
		return -1;
	}
	if (open_tap(lw.tap_name) == -1 || uname(&lw.uts) == -1)
		return -1;
	if (sys_sem_new(&lw.ready, 0) != ERR_OK)
		return -1;
	tcpip_init(add_netif, NULL);
	if (sys_arch_sem_wait(&lw.ready, 10000) == SYS_ARCH_TIMEOUT || lw.netif_failed) {
		fprintf(stderr, "sockconf-agent-lwip: lwIP did not start its netif on %s (within 10 s: %s)\n",
			lw.tap_name, lw.netif_failed ? "netif_add failed" : "no answer from the tcpip thread");
		return -1;
	}
	if (!sys_thread_new("tap", tap_reader, NULL, 0, 0))
		return -1;
	return 0;
}

void port_identity(struct agent_identity *id)
{
	id->stack = "lwip";
	id->version = LWIP_VERSION_STRING;
	id->os = "linux";
	id->machine = lw.uts.machine;
	id->addr4 = lw.addr4;
	id->addr6 = lw.addr6;
}

/* ---- the console: stdin and stdout ---- */

int port_console_open(void) { return 0; }

long port_console_read(char *buf, size_t max, int timeout_ms)
{
	struct pollfd p = {0, POLLIN, 0};
	ssize_t n;
	int r;

	while ((r = poll(&p, 1, timeout_ms)) == -1 && errno == EINTR)
		;
	if (r <= 0)
		return r;
	while ((n = read(0, buf, max)) == -1 && errno == EINTR)
		;
	return n > 0 ? (long)n : -1;
}

int port_console_write(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(1, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ---- what only lwIP's internals tell (lib/stack_lwip.c reads them the same way) ---- */

/* s's TCP PCB, with the core locked by the caller: 0, or -1 when s is no TCP socket.
 * *pcb is NULL once lwIP has freed it (reset, or closed all the way). */
static int tcp_pcb_locked(int s, struct tcp_pcb **pcb)
{
	struct lwip_sock *sock = lwip_socket_dbg_get_socket(s);

	if (!sock || !sock->conn || NETCONNTYPE_GROUP(netconn_type(sock->conn)) != NETCONN_TCP)
		return -1;
	*pcb = sock->conn->pcb.tcp;
	return 0;
}

int port_tcp_state(agent_sock s)
{
	static const int from_lwip[] = { /* lwip/tcpbase.h's enum tcp_state, in its order */
		[CLOSED] = AGENT_TCP_CLOSED, [LISTEN] = AGENT_TCP_LISTEN, [SYN_SENT] = AGENT_TCP_SYN_SENT,
		[SYN_RCVD] = AGENT_TCP_SYN_RECEIVED, [ESTABLISHED] = AGENT_TCP_ESTABLISHED,
		[FIN_WAIT_1] = AGENT_TCP_FIN_WAIT_1, [FIN_WAIT_2] = AGENT_TCP_FIN_WAIT_2,
		[CLOSE_WAIT] = AGENT_TCP_CLOSE_WAIT, [CLOSING] = AGENT_TCP_CLOSING,
		[LAST_ACK] = AGENT_TCP_LAST_ACK, [TIME_WAIT] = AGENT_TCP_TIME_WAIT,
	};
	struct tcp_pcb *pcb = NULL;
	int state = -1;

	LOCK_TCPIP_CORE();
	if (tcp_pcb_locked(s, &pcb) == 0)
		state = !pcb ? AGENT_TCP_CLOSED : (unsigned)pcb->state < sizeof from_lwip / sizeof from_lwip[0]
			? from_lwip[pcb->state] : AGENT_NOT_SUPPORTED;
	UNLOCK_TCPIP_CORE();
	if (state == -1)
		errno = ENOTSOCK; /* lwip_socket_dbg_get_socket() knows no such TCP socket */
	return state;
}

/* Linux's SIOCOUTQ: bytes queued and not acknowledged, sent or not, the FIN
 * counted (tcp_enqueue_flags() counts it in snd_lbb); 0 during the handshake. */
long port_unacked(agent_sock s)
{
	struct tcp_pcb *pcb = NULL;
	long unacked = -1;
	int err = ENOTSOCK;

	LOCK_TCPIP_CORE();
	if (tcp_pcb_locked(s, &pcb) == 0) {
		err = EINVAL; /* a listener, as SIOCOUTQ says */
		if (!pcb || pcb->state == SYN_SENT || pcb->state == SYN_RCVD)
			unacked = 0;
		else if (pcb->state != LISTEN && pcb->state != CLOSED)
			unacked = (long)(u32_t)(pcb->snd_lbb - pcb->lastack);
	}
	UNLOCK_TCPIP_CORE();
	if (unacked == -1)
		errno = err;
	return unacked;
}
