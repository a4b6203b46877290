/* hostport.c: HOST:PORT split (see hostport.h). */
#include "hostport.h"

#include <string.h>

int sc_split_host_port(const char *text, char *host, size_t hostsize, const char **port)
{
	const char *colon = strrchr(text, ':');
	size_t n;

	if (!colon || colon == text || !colon[1])
		return -1;
	n = (size_t)(colon - text);
	if (text[0] == '[' && n >= 2 && text[n - 1] == ']') /* [fd00::1]:7000 */
		text++, n -= 2;
	if (n >= hostsize)
		return -1;
	memcpy(host, text, n);
	host[n] = '\0';
	*port = colon + 1;
	return 0;
}
