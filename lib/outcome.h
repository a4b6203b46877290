/*
 * outcome.h: what one family's run of a case came to (lib internal).
 * check.c fills it in; case_main.c prints it as a TAP point.
 */
#ifndef SOCKCONF_OUTCOME_H
#define SOCKCONF_OUTCOME_H

#include "platform.h"

#include <setjmp.h>

enum sc_status { SC_PASS, SC_FAIL, SC_SKIP };

#define SC_MAX_NOTES 8

struct sc_outcome {
	enum sc_status status;
	char message[512]; /* skip reason, or what a failed wait awaited */
	char check[512];   /* the failed expression as written in the case */
	char at[256];      /* file:line */
	char syscall[64];  /* the call the failed expression makes */
	char expected[128];
	char got[128];
	char err[64];      /* errno after the call: "ECONNRESET (104)" */
	unsigned nnotes;
	char note_key[SC_MAX_NOTES][32];
	char note_val[SC_MAX_NOTES][256];
};

extern struct sc_outcome sc_outcome;
extern jmp_buf sc_family_exit;
/* The step the case is in, for the watchdog's message (a string literal). */
extern const char *volatile sc_current_step;

void sc_outcome_reset(void);
/* Fail the family with a message (a wait that ran out, a broken setup). */
SC_NORETURN void sc_fail(const char *at, const char *fmt, ...) SC_PRINTF(2, 3);
/*
 * Count a check the family made (check.c's own count themselves; the other
 * assertions sockconf.h names call this).  sc_family_returned() gives the
 * verdict of a body that returned: a pass, or "no checks made".
 */
void sc_check_made(void);
unsigned sc_checks_made(void);
void sc_family_returned(void);
/* "ECONNRESET (104)" */
void sc_format_errno(char *out, size_t outsize, int err);
const char *sc_errno_name(int err);
/* errnames.c knows this name ("EWOULDBLOCK", even where EAGAIN has its value). */
int sc_is_errno_name(const char *name);
/* Print "# quiet: N ms why" for a negative window, and count it as a check (wait.c). */
void sc_announce_quiet(const char *why);
/*
 * For conditions no poll event announces (acknowledgements, TCP states):
 * pause before the next read, 0, 1, 2, 4, then 8 ms at most (wait.c).
 */
void sc_backoff_pause(int *backoff_ms);
/* A recv() started by start_blocked_recv() on fd has not returned yet (blocked.c). */
int sc_recv_blocked_on(int fd);
/* Run fn(arg) when the current family ends, however it ends (newest first). */
void sc_at_family_end(void (*fn)(void *), void *arg);
void sc_run_family_end(void);
/* Close what the family left open (stack.c). */
void sc_close_family_sockets(void);

/*
 * Records passed by the runner (recorded.c).  The family now running; whether
 * its record's got is this word; and a wait's bound: the wait bound, or the
 * quiet window (announced) where the record says the wait ends yielding
 * `yields` ("none", "blocked").
 */
void sc_recorded_family(int family); /* an enum sc_family */
int sc_recorded_got_is(const char *got);
int sc_bound_or_recorded_ms(const char *yields, const char *awaited);
/* How that bound is named in a failure: sc_quiet_text() or sc_wait_text(). */
const char *sc_bound_or_recorded_text(const char *yields);

#endif
