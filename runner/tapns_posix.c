/*
 * tapns_posix.c: lwip-linux's link between lwIP and this machine's kernel
 * (see target.h): each case, in its own process before it starts, moves
 * into a network namespace of its own and makes a tap device there, whose
 * kernel side has the kernel's addresses; lwIP, in the case, attaches to
 * the tap by name (Debian's tapif: PRECONFIGURED_TAPIF).
 *
 * A namespace per case rather than one per run with a tap per job: no
 * kernel state (a connection in TIME_WAIT, an orphan still resending its
 * FIN, a neighbour entry) crosses from one case into the next case's
 * capture on the tap; every case gets the same tap name and addresses; and
 * the kernel removes it all when the case's last process ends, so a runner
 * that is interrupted, fails or is killed leaves nothing behind (the
 * namespace is never named or mounted, and its persistent tap goes with it).
 *
 * The tap's MTU is 1280, IPv6's least (RFC 8200 §5): at 576 the kernel
 * takes no IPv6 address on it.  Debian's tapif overflows its receive
 * buffers with frames over 592 bytes, so the route to lwIP's IPv4 address
 * carries MTU 576 (locked), which bounds the kernel's IPv4 segments; its
 * IPv6 segments are bounded by the MSS lwIP announces (lwIP's netif MTU).
 * The kernel's IPv6 address skips duplicate address detection (nodad), so
 * it is usable before lwIP's end of the tap is open.
 *
 * Everything is done with ioctl and netlink, no ip(8): a case pays about a
 * millisecond for it (1.1-1.3 ms measured here, 0.5-0.8 of it the namespace;
 * namespaces are made one at a time, so -j does not spread it).  One
 * namespace per run would save that 0.5-0.8 ms a case, under 0.5% of an
 * lwip-linux run of the suite.
 */
#include "stack_target.h"
#include "target_posix.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h> /* unshare(): _GNU_SOURCE, as the Makefile gives the halves */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The tap and netlink are Linux's, from its kernel headers (a musl-gcc build has none). */
#if defined(__linux__) && defined(__has_include)
#if __has_include(<linux/if_tun.h>) && __has_include(<linux/rtnetlink.h>)
#define SC_HAVE_TAP 1
#endif
#endif

#include <arpa/inet.h>
#if SC_HAVE_TAP
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#endif
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define WHO "--target lwip-linux"


#if SC_HAVE_TAP
static int failed(char *err, size_t errsize, const char *what, int e)
{
	if (e == EPERM || e == EACCES)
		snprintf(err, errsize, WHO " needs root, for a network namespace and a tap device for "
			 "each case (%s: %s)", what, strerror(e));
	else
		snprintf(err, errsize, WHO ": %s: %s", what, strerror(e));
	return -1;
}

/* ---- netlink: an address or a route, with the kernel's acknowledgement ---------- */

struct nl_request {
	struct nlmsghdr h;
	union {
		struct ifaddrmsg ifa;
		struct rtmsg rt;
	} u;
	char attrs[256];
};

static struct rtattr *put_attr(struct nl_request *r, unsigned short type, const void *data,
			       size_t len)
{
	struct rtattr *a = (struct rtattr *)(void *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (data)
		memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

/* Send r and read the kernel's answer: 0, or -1 with errno its error. */
static int nl_talk(int fd, struct nl_request *r)
{
	char answer[1024];
	struct nlmsghdr *h = (struct nlmsghdr *)(void *)answer;
	ssize_t n;

	r->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (send(fd, r, r->h.nlmsg_len, 0) != (ssize_t)r->h.nlmsg_len)
		return -1;
	n = recv(fd, answer, sizeof answer, 0);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) || h->nlmsg_type != NLMSG_ERROR) {
		errno = n < 0 ? errno : EPROTO;
		return -1;
	}
	errno = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
	return errno ? -1 : 0;
}

static int add_address(int fd, int family, const char *text, unsigned char prefix, unsigned ifindex)
{
	struct nl_request r;
	unsigned char addr[16];

	memset(&r, 0, sizeof r);
	if (inet_pton(family, text, addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	r.h.nlmsg_len = NLMSG_LENGTH(sizeof r.u.ifa);
	r.h.nlmsg_type = RTM_NEWADDR;
	r.h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	r.u.ifa.ifa_family = (unsigned char)family;
	r.u.ifa.ifa_prefixlen = prefix;
	r.u.ifa.ifa_flags = family == AF_INET6 ? IFA_F_NODAD : 0;
	r.u.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	r.u.ifa.ifa_index = ifindex;
	put_attr(&r, IFA_LOCAL, addr, family == AF_INET ? 4 : 16);
	put_attr(&r, IFA_ADDRESS, addr, family == AF_INET ? 4 : 16);
	return nl_talk(fd, &r);
}

/* ip route add ADDR/32 dev TAP mtu lock MTU */
static int add_host_route_mtu(int fd, const char *text, unsigned ifindex, unsigned mtu)
{
	struct nl_request r;
	struct in_addr dst;
	struct rtattr *metrics;
	unsigned lock = 1u << RTAX_MTU;
	unsigned oif = ifindex;

	memset(&r, 0, sizeof r);
	if (inet_pton(AF_INET, text, &dst) != 1) {
		errno = EINVAL;
		return -1;
	}
	r.h.nlmsg_len = NLMSG_LENGTH(sizeof r.u.rt);
	r.h.nlmsg_type = RTM_NEWROUTE;
	r.h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	r.u.rt.rtm_family = AF_INET;
	r.u.rt.rtm_dst_len = 32;
	r.u.rt.rtm_table = RT_TABLE_MAIN;
	r.u.rt.rtm_protocol = RTPROT_BOOT;
	r.u.rt.rtm_scope = RT_SCOPE_LINK;
	r.u.rt.rtm_type = RTN_UNICAST;
	put_attr(&r, RTA_DST, &dst, sizeof dst);
	put_attr(&r, RTA_OIF, &oif, sizeof oif);
	metrics = put_attr(&r, RTA_METRICS, NULL, 0);
	put_attr(&r, RTAX_MTU, &mtu, sizeof mtu);
	put_attr(&r, RTAX_LOCK, &lock, sizeof lock);
	metrics->rta_len = (unsigned short)((char *)&r + r.h.nlmsg_len - (char *)metrics);
	return nl_talk(fd, &r);
}

/* ---- the namespace ---------------------------------------------------------------- */

static int set_up(int fd, const char *name)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == -1)
		return -1;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(fd, SIOCSIFFLAGS, &ifr);
}

int tap_namespace_enter(void *ctx, char *err, size_t errsize)
{
	struct ifreq ifr;
	unsigned ifindex;
	int tun, inet, nl;
	(void)ctx;

	if (unshare(CLONE_NEWNET) == -1)
		return failed(err, errsize, "unshare(CLONE_NEWNET)", errno);
	tun = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (tun == -1) {
		int e = errno;
		if (e == ENOENT || e == ENODEV || e == ENXIO) {
			snprintf(err, errsize, WHO " needs /dev/net/tun, the kernel's tun driver "
				 "(modprobe tun; a container needs the device passed in): %s", strerror(e));
			return -1;
		}
		return failed(err, errsize, "open /dev/net/tun", e);
	}
	/* persistent: it outlives this descriptor (lwIP opens it again) and ends with the namespace */
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", LWIP_TAP_NAME);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (ioctl(tun, TUNSETIFF, &ifr) == -1 || ioctl(tun, TUNSETPERSIST, 1) == -1) {
		int e = errno;
		close(tun);
		return failed(err, errsize, "cannot make the tap " LWIP_TAP_NAME " (TUNSETIFF)", e);
	}
	close(tun);

	inet = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (inet == -1)
		return failed(err, errsize, "socket", errno);
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", LWIP_TAP_NAME);
	ifr.ifr_mtu = LWIP_TAP_MTU;
	if (ioctl(inet, SIOCSIFMTU, &ifr) == -1 || set_up(inet, LWIP_TAP_NAME) == -1 ||
	    set_up(inet, "lo") == -1) {
		int e = errno;
		close(inet);
		return failed(err, errsize, "cannot bring the tap and lo up", e);
	}
	close(inet);
	ifindex = if_nametoindex(LWIP_TAP_NAME);

	nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl == -1)
		return failed(err, errsize, "socket(AF_NETLINK)", errno);
	if (add_address(nl, AF_INET, LWIP_KERNEL_ADDR4, 24, ifindex) == -1 ||
	    add_address(nl, AF_INET6, LWIP_KERNEL_ADDR6, 64, ifindex) == -1) {
		int e = errno;
		close(nl);
		return failed(err, errsize, "cannot give the tap the kernel's addresses", e);
	}
	if (add_host_route_mtu(nl, LWIP_LWIP_ADDR4, ifindex, LWIP_TAP_IPV4_MTU) == -1) {
		int e = errno;
		close(nl);
		return failed(err, errsize, "cannot add the route to lwIP with MTU 576", e);
	}
	close(nl);
	return 0;
}

#else
int tap_namespace_enter(void *ctx, char *err, size_t errsize)
{
	(void)ctx;
	snprintf(err, errsize, WHO ": this runner was built without Linux's kernel headers "
		 "(linux/if_tun.h), so it cannot make a tap device");
	return -1;
}
#endif

/*
 * The kernel's side of the tap sees a fresh namespace's settings, not this
 * machine's: its sysctls, read in one made for the purpose.
 */
int fresh_namespace_sysctls(const char *scratch, char *out, size_t size)
{
	char path[1200];
	char *text;
	pid_t pid;
	int status;

	snprintf(path, sizeof path, "%s/namespace-sysctls", scratch);
	pid = fork();
	if (pid == -1)
		return -1;
	if (pid == 0) {
		FILE *f;
		if (unshare(CLONE_NEWNET) == -1 || !(f = fopen(path, "w")))
			_exit(1);
		plat_write_sysctls(f);
		_exit(fclose(f) == 0 ? 0 : 1);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	text = slurp(path, NULL);
	remove(path);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !text || !text[0]) {
		free(text);
		return -1;
	}
	snprintf(out, size, "%s", text);
	free(text);
	return 0;
}
