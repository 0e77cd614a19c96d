/* sha256.c: SHA-256 through Nettle (Debian's nettle-dev), not a digest of
 * our own: a provenance hash is only worth what its implementation is. */
#include "util/sha256.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/xalloc.h"

/* The digest in ctx as hex into out. */
static void
digest_hex(struct sha256_ctx *ctx, char out[SHA256_HEX_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_digest(ctx, sizeof digest, digest);
    for (size_t i = 0; i < sizeof digest; i++) {
        out[2 * i] = digits[digest[i] >> 4];
        out[2 * i + 1] = digits[digest[i] & 15];
    }
    out[SHA256_HEX_LEN] = '\0';
}

void
sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1])
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    digest_hex(&ctx, out);
}

int
sha256_file_hex(const char *path, char out[SHA256_HEX_LEN + 1])
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    enum { BLOCK = 1 << 16 };
    uint8_t *buf = xmalloc(BLOCK);
    size_t n;
    while ((n = fread(buf, 1, BLOCK, f)) > 0)
        sha256_update(&ctx, n, buf);
    int failed = ferror(f);
    int saved = errno;
    free(buf);
    fclose(f);
    if (failed) {
        errno = saved ? saved : EIO;
        return -1;
    }
    digest_hex(&ctx, out);
    return 0;
}
