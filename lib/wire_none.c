/* wire_none.c: this build has no packet capture (libpcap was not found). */
#define SC_LIB_INTERNAL
#include "sockconf.h"

struct sc_wire *wire_watch(const struct sc_conn *c)
{
	(void)c;
	skip("built without libpcap: the wire cannot be watched (Debian: libpcap-dev)");
}

/* Unreachable: wire_watch() never returns a wire. */
void wire_wait(struct sc_wire *w, int from_fd, unsigned flags) { (void)w, (void)from_fd, (void)flags; }
unsigned wire_count(struct sc_wire *w, int from_fd, unsigned flags) { return (void)w, (void)from_fd, (void)flags, 0; }
unsigned long wire_bytes(struct sc_wire *w, int from_fd) { return (void)w, (void)from_fd, 0; }
const struct sc_segment *wire_find(struct sc_wire *w, int from_fd, unsigned flags) { return (void)w, (void)from_fd, (void)flags, NULL; }
unsigned wire_mark(struct sc_wire *w) { return (void)w, 0; }
void wire_check_quiet(struct sc_wire *w, int from_fd, unsigned since_mark, const char *why) { (void)w, (void)from_fd, (void)since_mark, (void)why; }
