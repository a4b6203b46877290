/*
 * stack_target.h: runs whose stack is not this machine's kernel.  The lwip
 * and lwip-linux targets give each case lwIP's settings (the environment
 * lib reads: SOCKCONF_STACK, SOCKCONF_PEER_STACK, SOCKCONF_LWIP_NETIF,
 * SOCKCONF_LWIP_ADDR4/6, SOCKCONF_KERNEL_ADDR4/6), and every run that names
 * a stack asks the first case which stack it runs (CASE --stack: one line
 * "NAME VERSION", or exit 2 with the reason), so the run's identity, label
 * and records are the stack's.
 */
#ifndef RUNNER_STACK_TARGET_H
#define RUNNER_STACK_TARGET_H

#include "catalog.h"
#include "identity.h"
#include "target.h"

#include <stddef.h>

/* lwip-linux: the tap in each case's namespace, and both sides' addresses on it */
#define LWIP_TAP_NAME "sclwip0"
#define LWIP_KERNEL_ADDR4 "10.77.0.1" /* /24 */
#define LWIP_LWIP_ADDR4 "10.77.0.2"
#define LWIP_KERNEL_ADDR6 "fd77::1" /* /64 */
#define LWIP_LWIP_ADDR6 "fd77::2"
#define LWIP_TAP_MTU 1280     /* IPv6's least: at 576 the kernel takes no IPv6 address */
#define LWIP_TAP_IPV4_MTU 576 /* the route to lwIP's IPv4 address: what Debian's tapif reads whole */

/*
 * For target_prepare: the lwip targets' settings in w->env (w->setup, the
 * namespace, is the caller's), then the stack asked of the first runnable
 * case and put in *id.  0, or -1 with a one-line message in err.
 */
int stack_target_prepare(struct target_wrap *w, const char *target, const struct catalog *cat,
			 struct identity *id, int label_given, const char *scratch, char *err,
			 size_t errsize);

/*
 * A run on this machine whose environment names a stack (SOCKCONF_STACK or
 * SOCKCONF_PEER_STACK set: a guest's runner is given them) is labelled by
 * what the first case says it runs.  0 (nothing to do when neither is
 * set), or -1 with a one-line message in err.
 */
/* A case's --stack line, "lwip 2.1.3", "winsock": the name ([a-z0-9_]), then
 * a version of printable words (may be empty).  0, or -1 when it is not one. */
int stack_parse_answer(const char *line, char *name, size_t name_size, char *version,
		       size_t version_size);

int stack_from_environment(const struct target_wrap *w, const struct catalog *cat,
			   struct identity *id, int label_given, const char *scratch, char *err,
			   size_t errsize);

#endif
