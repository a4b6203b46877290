/*
 * winsock.dont_linger_roundtrip: SO_DONTLINGER is SO_LINGER's l_onoff
 * inverted.  Setting it TRUE on a socket that lingered turns lingering
 * off (SO_LINGER reads back l_onoff 0), and SO_DONTLINGER reads back TRUE.
 *
 * (The LINGER structure's page words its l_onoff table the other way round,
 * SO_DONTLINGER non-zero giving l_onoff non-zero; the setsockopt and MFC
 * pages, and the option's name, say it is the inverse.  The case holds to
 * those.)
 *
 * Timeline:  local: SO_LINGER {1, 5} ; SO_DONTLINGER TRUE ;
 *            SO_LINGER -> l_onoff 0 ; SO_DONTLINGER -> TRUE
 */
#include "sockconf.h"
#include "winsock.h"

static void dont_linger_turns_linger_off(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	struct linger lingering = {1, 5}, now;
	socklen_t len = sizeof now;
	int dont_linger = -1;

	check_call(setsockopt(c.local, SOL_SOCKET, SO_LINGER, (const void *)&lingering, sizeof lingering));
	check_call(set_dont_linger(c.local, 1));
	check_call(getsockopt(c.local, SOL_SOCKET, SO_LINGER, (void *)&now, &len));
	note("SO_LINGER", "{%d, %d}", (int)now.l_onoff, (int)now.l_linger);
	check_int(now.l_onoff, ==, 0);
	check_call(get_dont_linger(c.local, &dont_linger));
	check_int(dont_linger, ==, 1);
}

SOCKCONF_CASE(
	.id = "winsock.dont_linger_roundtrip",
	.claim = "Setting SO_DONTLINGER TRUE turns SO_LINGER off (l_onoff reads back 0), and SO_DONTLINGER reads back TRUE.",
	.families = SC_TCP,
	.unix_note = "a Winsock behaviour, run over TCP: Windows's AF_UNIX is no stack of this suite",
	.cites = {
		{"MFC LINGER Structure: \"Setting the SO_DONTLINGER option prevents blocking on member function Close while waiting for unsent data to be sent. Setting this option is equivalent to setting SO_LINGER with l_onoff set to 0.\"",
		 "https://learn.microsoft.com/en-us/previous-versions/visualstudio/visual-studio-2008/8f2yehbc(v=vs.90)"},
		{"Winsock setsockopt(): SO_DONTLINGER, BOOL: \"Does not block close waiting for unsent data to be sent. Setting this option is equivalent to setting SO_LINGER with l_onoff set to zero.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-setsockopt"},
		{"Windows CE linger: \"Enabling SO_LINGER also disables SO_DONTLINGER, and vice versa.\"",
		 "https://learn.microsoft.com/en-us/previous-versions/windows/embedded/ee494307(v=winembedded.80)"},
		{"Wine's ws2_32 tests, run on Windows too: test_extendedSocketOptions, ok((linger_val.l_onoff && !bool_opt_val) || (!linger_val.l_onoff && bool_opt_val), ...): SO_DONTLINGER reads as SO_LINGER's l_onoff inverted (line 4939)",
		 "https://gitlab.winehq.org/wine/wine/-/blob/wine-8.0/dlls/ws2_32/tests/sock.c#L4939"},
	},
	.run = dont_linger_turns_linger_off,
);
