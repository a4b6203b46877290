/*
 * wire_none.c: this build has no packet capture (libpcap was not found, or
 * the platform has none: the Windows build).  Every wire is blind: the
 * family's socket checks still run, wire_wait and wire_check_quiet are
 * noted as skipped, and a query whose value the case would assert
 * (wire_count, wire_bytes, wire_find) skips the family (see wire_pcap.c).
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"

#include <stdio.h>
#include <string.h>

#define NO_CAPTURE sc_plat_no_capture() /* the platform says why, and what to install */

struct sc_wire {
	int local_fd;
	int passed_over;      /* a wire check was skipped ... */
	unsigned checks_then; /* ... when the family had made this many checks */
};

static struct sc_wire the_wire; /* little to keep: one serves every family */

/* A family that passed with no check since its last skipped wire check ended on the wire: a SKIP. */
static void end_of_family(void *arg)
{
	struct sc_wire *w = arg;

	if (w->passed_over && sc_outcome.status == SC_PASS && sc_checks_made() == w->checks_then) {
		sc_outcome.status = SC_SKIP;
		snprintf(sc_outcome.message, sizeof sc_outcome.message, "%s", NO_CAPTURE);
	}
}

struct sc_wire *wire_watch(const struct sc_conn *c)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (sc_getsockname(c->local, (struct sockaddr *)&ss, &len) == -1 || ss.ss_family == AF_UNIX)
		skip("AF_UNIX sockets put nothing on a wire");
	the_wire.local_fd = c->local;
	the_wire.passed_over = 0;
	sc_at_family_end(end_of_family, &the_wire);
	return &the_wire;
}

struct sc_conn open_watched_connection(enum sc_family family, struct sc_wire **w)
{
	struct sc_conn c = open_connection(family);

	*w = wire_watch(&c);
	return c;
}

static void unchecked(struct sc_wire *w, const char *what)
{
	static char list[256];
	const char *had = NULL;

	w->passed_over = 1;
	w->checks_then = sc_checks_made();
	for (unsigned i = 0; i < sc_outcome.nnotes; i++)
		if (strcmp(sc_outcome.note_key[i], "unchecked") == 0)
			had = sc_outcome.note_val[i];
	if (had && strstr(had, what))
		return;
	snprintf(list, sizeof list, "%s%s%s", had ? had : "", had ? "; " : "", what);
	note("partial", "wire checks skipped: %s", NO_CAPTURE);
	note("unchecked", "%s", list);
}

static const char *end_name(const struct sc_wire *w, int fd)
{
	return fd == w->local_fd ? "local" : "peer";
}

void wire_wait(struct sc_wire *w, int from_fd, unsigned flags)
{
	char what[64];
	/* the article goes with the first flag named: "a FIN", "an RST", "a SYN", "an ACK" */
	int an = !(flags & SC_FIN) && ((flags & SC_RST) || (!(flags & SC_SYN) && (flags & SC_ACK)));

	snprintf(what, sizeof what, "%s %s%s%s%ssegment from %s", an ? "an" : "a",
		 flags & SC_FIN ? "FIN " : "", flags & SC_RST ? "RST " : "", flags & SC_SYN ? "SYN " : "",
		 flags & SC_ACK ? "ACK " : "", end_name(w, from_fd));
	unchecked(w, what);
}

void wire_check_quiet(struct sc_wire *w, int from_fd, unsigned since_mark, const char *why)
{
	char what[200];

	(void)since_mark;
	snprintf(what, sizeof what, "nothing from %s: %s", end_name(w, from_fd), why);
	unchecked(w, what);
}

unsigned wire_mark(struct sc_wire *w)
{
	(void)w;
	return 0;
}

unsigned wire_count(struct sc_wire *w, int from_fd, unsigned flags)
{
	(void)w, (void)from_fd, (void)flags;
	skip(NO_CAPTURE);
}

unsigned long wire_bytes(struct sc_wire *w, int from_fd)
{
	(void)w, (void)from_fd;
	skip(NO_CAPTURE);
}

const struct sc_segment *wire_find(struct sc_wire *w, int from_fd, unsigned flags)
{
	(void)w, (void)from_fd, (void)flags;
	skip(NO_CAPTURE);
}
