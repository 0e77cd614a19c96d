/* sha256.h: SHA-256 digests in hex, for the provenance of runs (which
 * exact files a result came from). Nettle computes them. */
#ifndef SIM_UTIL_SHA256_H
#define SIM_UTIL_SHA256_H

#include <stddef.h>

#define SHA256_HEX_LEN 64 /* hex digits of a digest, without the NUL */

/* Writes the SHA-256 of data[0..len) as 64 lower-case hex digits and a
 * NUL into out. */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);

/* The same of the file at path, read in blocks (a trace may not fit in
 * memory). Returns 0, or -1 with errno set when it cannot be read. */
int sha256_file_hex(const char *path, char out[SHA256_HEX_LEN + 1]);

#endif
