/*
 * synthetic_case.c: a case program for measuring the runner, not a stack.
 * It prints what a real case prints (lib/case_main.c: an id, a claim,
 * cites, a plan, a point per family) in about as many bytes (a real case
 * prints 0.4 to 2.5 KiB), under the id its file is named as, so one binary
 * hard-linked N times is a catalogue of N cases.  Every tenth case fails
 * one family with YAML diagnostics, as a failing case does, and exits 1.
 *   CASE [--describe] [--family F]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const families[] = {"inet", "inet6", "unix"};

int main(int argc, char **argv)
{
	const char *id = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	const char *only = NULL;
	const char *digits = strpbrk(id, "0123456789");
	int fails = digits && atoi(digits) % 10 == 0, failed = 0;
	unsigned n = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--family") == 0 && i + 1 < argc)
			only = argv[++i];
		else if (strcmp(argv[i], "--describe") != 0)
			return 2;
	}
	printf("# id: %s\n", id);
	printf("# claim: A synthetic case: the runner's own cost per case is measured with it, "
	       "a case of about a real one's output (a claim, three cites, a point per family), "
	       "doing nothing itself.\n");
	printf("# cite: RFC 9293 §3.6: \"A TCP implementation will reliably deliver all buffers SENT "
	       "before the connection was CLOSED\" <https://www.rfc-editor.org/rfc/rfc9293#section-3.6>\n");
	printf("# cite: POSIX.1-2017 shutdown(): \"SHUT_WR Disables further send operations\" "
	       "<https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html>\n");
	printf("# cite: POSIX.1-2017 close() <https://pubs.opengroup.org/onlinepubs/9699919799/functions/close.html>\n");
	if (argc > 1 && strcmp(argv[1], "--describe") == 0)
		return 0;
	printf("1..%d\n", only ? 1 : 3);
	for (unsigned f = 0; f < 3; f++) {
		if (only && strcmp(only, families[f]) != 0)
			continue;
		n++;
		if (f == 2) {
			printf("ok %u - unix # SKIP AF_UNIX sockets put nothing on a wire\n", n);
		} else if (f == 1 && fails) {
			failed = 1;
			printf("not ok %u - inet6\n  ---\n  check: \"recv(c.local, buf, sizeof buf, 0) == 0\"\n"
			       "  syscall: \"recv\"\n  expected: \"== 0\"\n  got: \"5\"\n"
			       "  message: \"data arrived after SHUT_RD\"\n  at: \"synthetic_case.c:52\"\n  ...\n", n);
		} else {
			printf("ok %u - %s\n", n, families[f]);
		}
	}
	return failed;
}
