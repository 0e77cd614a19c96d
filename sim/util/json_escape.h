/* json_escape.h: strings as JSON string literals, the one escaping rule
 * for every JSON the program writes (summaries, sweep parameters, trace
 * statistics, replay results). */
#ifndef SIM_UTIL_JSON_ESCAPE_H
#define SIM_UTIL_JSON_ESCAPE_H

#include <stdio.h>

/* The most bytes json_escape_char writes for one byte ("\u001f"). */
#define JSON_ESCAPE_MAX 6

/*
 * Writes the JSON form of byte c into out (not NUL-terminated) and returns
 * its length: \" and \\, \b \f \n \r \t, \u00XX for the other control
 * characters and DEL (0x7f), the byte itself otherwise (UTF-8 passes
 * through unchanged).
 */
size_t json_escape_char(unsigned char c, char out[JSON_ESCAPE_MAX]);

/* Writes s to f as a JSON string literal, quotes included. */
void json_fputs(FILE *f, const char *s);

#endif
