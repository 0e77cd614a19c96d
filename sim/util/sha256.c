/* sha256.c: SHA-256 through Nettle (Debian's nettle-dev), not a digest of
 * our own: a provenance hash is only worth what its implementation is. */
#include "util/sha256.h"

#include <nettle/sha2.h>
#include <stdint.h>

void
sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    sha256_digest(&ctx, sizeof digest, digest);
    for (size_t i = 0; i < sizeof digest; i++) {
        out[2 * i] = digits[digest[i] >> 4];
        out[2 * i + 1] = digits[digest[i] & 15];
    }
    out[SHA256_HEX_LEN] = '\0';
}
