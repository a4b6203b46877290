#include "tap.h"

#include <string.h>

void tap_yaml_quote(char *out, size_t outsize, const char *in)
{
	size_t n = 0;
	static const char hex[] = "0123456789abcdef";

	if (outsize < 3) {
		if (outsize)
			out[0] = '\0';
		return;
	}
	out[n++] = '"';
	for (; *in; in++) {
		unsigned char c = (unsigned char)*in;
		char esc[5];
		size_t len;

		if (c == '"' || c == '\\') {
			esc[0] = '\\', esc[1] = (char)c, len = 2;
		} else if (c == '\n') {
			esc[0] = '\\', esc[1] = 'n', len = 2;
		} else if (c == '\t') {
			esc[0] = '\\', esc[1] = 't', len = 2;
		} else if (c < 0x20 || c == 0x7f) {
			esc[0] = '\\', esc[1] = 'x', esc[2] = hex[c >> 4], esc[3] = hex[c & 15], len = 4;
		} else {
			esc[0] = (char)c, len = 1;
		}
		if (n + len + 2 > outsize)
			break; /* truncate on a character boundary of the escaped form */
		memcpy(out + n, esc, len);
		n += len;
	}
	out[n++] = '"';
	out[n] = '\0';
}

void tap_yaml_pair(FILE *out, int indent, const char *key, const char *value)
{
	char quoted[4096];

	tap_yaml_quote(quoted, sizeof quoted, value ? value : "");
	fprintf(out, "%*s%s: %s\n", indent, "", key, quoted);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int tap_yaml_unquote(char *out, size_t outsize, const char *in)
{
	size_t n = 0;

	if (outsize == 0)
		return -1;
	if (*in != '"') { /* a plain scalar: taken as it is */
		size_t len = strlen(in);
		if (len >= outsize)
			len = outsize - 1;
		memcpy(out, in, len);
		out[len] = '\0';
		return 0;
	}
	for (in++; *in && *in != '"'; in++) {
		char c = *in;

		if (c == '\\') {
			in++;
			switch (*in) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case '"': c = '"'; break;
			case '\\': c = '\\'; break;
			case 'x': {
				int hi = hexval(in[1]), lo = hi < 0 ? -1 : hexval(in[2]);
				if (lo < 0)
					goto malformed;
				c = (char)(hi << 4 | lo);
				in += 2;
				break;
			}
			default:
				goto malformed;
			}
		}
		if (n + 1 < outsize)
			out[n++] = c;
	}
	if (*in != '"' || in[1] != '\0')
		goto malformed;
	out[n] = '\0';
	return 0;
malformed:
	out[0] = '\0';
	return -1;
}
