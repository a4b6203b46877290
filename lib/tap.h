/*
 * tap.h: writing and reading the pieces of TAP that cases and the runner
 * share.  Diagnostics are YAML blocks whose values are always written as
 * double-quoted strings, so any text (a claim, an errno message, garbage a
 * crashed case printed) survives the round trip and prove can read it.
 */
#ifndef SOCKCONF_TAP_H
#define SOCKCONF_TAP_H

#include <stddef.h>
#include <stdio.h>

/* `indent` spaces, `key: "value"` with YAML double-quote escapes. */
void tap_yaml_pair(FILE *out, int indent, const char *key, const char *value);
/* Quote `in` as a YAML double-quoted scalar into out (always terminated). */
void tap_yaml_quote(char *out, size_t outsize, const char *in);
/*
 * Parse a value written by tap_yaml_quote (or a plain scalar) into out.
 * Returns 0, or -1 for a malformed quoted string.
 */
int tap_yaml_unquote(char *out, size_t outsize, const char *in);
/*
 * The length of the well-formed UTF-8 character at s (1 to 4; *codepoint
 * set when not NULL), or 0 for a byte that starts none.  tap_yaml_quote
 * writes such a byte as \xNN (YAML readers see U+00NN, tap_yaml_unquote the
 * byte), and as \uNNNN a character YAML may not carry raw in a scalar (C1
 * controls, its line breaks NEL, LS and PS, the BOM, U+FFFE, U+FFFF), so a
 * value a case printed cannot make a file that a UTF-8 reader rejects.
 */
size_t tap_utf8_char(const char *s, unsigned long *codepoint);
int tap_yaml_unprintable(unsigned long codepoint);

#endif
