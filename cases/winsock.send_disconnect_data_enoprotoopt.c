/*
 * winsock.send_disconnect_data_enoprotoopt: TCP has no disconnect data, so
 * WSASendDisconnect given some fails with WSAENOPROTOOPT: "the disconnect
 * data is not supported by the service provider" (Windows's TCP/IP
 * provider does not support it).
 *
 * Timeline:  local: WSASendDisconnect({"bye", 3}) -> -1 WSAENOPROTOOPT
 */
#include "sockconf.h"
#include "winsock.h"

static void disconnect_data_is_refused_on_tcp(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	static const char bye[] = "bye";

	check_fails(send_disconnect(c.local, bye, sizeof bye - 1), ENOPROTOOPT);
}

SOCKCONF_CASE(
	.id = "winsock.send_disconnect_data_enoprotoopt",
	.claim = "On TCP, WSASendDisconnect with disconnect data fails with WSAENOPROTOOPT: TCP carries no disconnect data.",
	.families = SC_TCP,
	.unix_note = "a Winsock behaviour, run over TCP: Windows's AF_UNIX is no stack of this suite",
	.cites = {
		{"Winsock WSASendDisconnect(): \"WSAENOPROTOOPT The parameter lpOutboundDisconnectData is not NULL, and the disconnect data is not supported by the service provider.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsasenddisconnect"},
		{"Winsock WSASendDisconnect(): \"The native implementation of TCP/IP on Windows does not support disconnect data.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsasenddisconnect"},
	},
	.run = disconnect_data_is_refused_on_tcp,
);
