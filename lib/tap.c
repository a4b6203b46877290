#include "tap.h"

#include <string.h>

size_t tap_utf8_char(const char *s, unsigned long *codepoint)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned long cp, min;
	size_t len;

	if (u[0] < 0x80)
		len = 1, cp = u[0], min = 0;
	else if (u[0] >= 0xc2 && u[0] <= 0xdf)
		len = 2, cp = u[0] & 0x1f, min = 0x80;
	else if (u[0] >= 0xe0 && u[0] <= 0xef)
		len = 3, cp = u[0] & 0x0f, min = 0x800;
	else if (u[0] >= 0xf0 && u[0] <= 0xf4)
		len = 4, cp = u[0] & 0x07, min = 0x10000;
	else
		return 0;
	for (size_t i = 1; i < len; i++) { /* stops at the NUL: it is no continuation byte */
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (u[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0; /* overlong, beyond Unicode, or a surrogate */
	if (codepoint)
		*codepoint = cp;
	return len;
}

int tap_yaml_unprintable(unsigned long cp)
{
	/* YAML's printable set less its line breaks (NEL, LS, PS) and the BOM */
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || cp == 0xfeff ||
	       cp == 0xfffe || cp == 0xffff;
}

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
		char esc[7];
		size_t len;
		unsigned long cp;

		if (c >= 0x80) {
			size_t seq = tap_utf8_char(in, &cp);
			if (seq == 0) { /* not UTF-8: the byte, which YAML readers take as U+00NN */
				esc[0] = '\\', esc[1] = 'x', esc[2] = hex[c >> 4], esc[3] = hex[c & 15];
				len = 4;
			} else if (tap_yaml_unprintable(cp)) {
				esc[0] = '\\', esc[1] = 'u', len = 2;
				for (int shift = 12; shift >= 0; shift -= 4)
					esc[len++] = hex[(cp >> shift) & 15];
			} else {
				memcpy(esc, in, seq);
				len = seq;
			}
			if (n + len + 2 > outsize)
				break;
			memcpy(out + n, esc, len);
			n += len;
			in += seq ? seq - 1 : 0;
			continue;
		}
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
			case 'u': { /* a code point, written in UTF-8 */
				unsigned long cp = 0;
				unsigned char utf8[3];
				size_t len;

				for (int i = 1; i <= 4; i++) {
					int h = hexval(in[i]);
					if (h < 0)
						goto malformed;
					cp = cp << 4 | (unsigned long)h;
				}
				if (cp >= 0xd800 && cp <= 0xdfff)
					goto malformed; /* half a UTF-16 pair: no character */
				in += 4;
				if (cp < 0x80) {
					utf8[0] = (unsigned char)cp, len = 1;
				} else if (cp < 0x800) {
					utf8[0] = (unsigned char)(0xc0 | cp >> 6);
					utf8[1] = (unsigned char)(0x80 | (cp & 0x3f)), len = 2;
				} else {
					utf8[0] = (unsigned char)(0xe0 | cp >> 12);
					utf8[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
					utf8[2] = (unsigned char)(0x80 | (cp & 0x3f)), len = 3;
				}
				for (size_t i = 0; i < len; i++)
					if (n + 1 < outsize)
						out[n++] = (char)utf8[i];
				continue;
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
