/* parse.h: sizes, durations and numbers as written in YAML and on the CLI. */
#ifndef SIM_UTIL_PARSE_H
#define SIM_UTIL_PARSE_H

#include <stdint.h>

/*
 * Parses a size in bytes: a non-negative integer with an optional unit
 * B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of
 * 1024); a decimal fraction is allowed with a unit ("1.5GiB"). Units are
 * case-sensitive as written here; "k"/"K" alone mean KB. Returns 0 and sets
 * *out, or -SIM_EBADVAL on bad text or overflow.
 */
int parse_size(const char *s, uint64_t *out);

/*
 * Parses a duration into nanoseconds: a non-negative number with a unit
 * ns, us, ms, s, m, h or d ("250us", "1.5s", "7d"). A bare number is
 * rejected: a duration needs a unit. Returns 0 or -SIM_EBADVAL.
 */
int parse_duration(const char *s, int64_t *out_ns);

/* A whole decimal number without sign or unit ("1000000"); 0 or -SIM_EBADVAL.
 */
int parse_u64(const char *s, uint64_t *out);

/* A finite decimal number ("0.8", "1e-3"); 0 or -SIM_EBADVAL. */
int parse_double(const char *s, double *out);

/* "true"/"false"/"yes"/"no"; 0 or -SIM_EBADVAL. */
int parse_bool(const char *s, int *out);

/* Writes a byte count in the largest binary unit that keeps it readable. */
void format_size(uint64_t bytes, char *buf, unsigned len);

#endif
