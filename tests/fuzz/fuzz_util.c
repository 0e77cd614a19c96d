/* fuzz_util.c: the scratch directory and base files of the harnesses. */
#include "fuzz.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char fuzz_topology_yaml[] =
    "name: fuzz\n"
    "regions:\n"
    "  - {name: eu, weight: 0.6}\n"
    "  - {name: us, weight: 0.4, routing: weighted,\n"
    "     edges: {edge-a: 1, edge-b: 3}}\n"
    "nodes:\n"
    "  - {name: edge-a, tier: edge, cache: {capacity: 1MiB}, parent: shield}\n"
    "  - {name: edge-b, tier: edge, parent: shield,\n"
    "     cache: {capacity: 64KiB, policy: slru, segments: 2}}\n"
    "  - {name: shield, tier: shield, cache: {capacity: 8MiB}, "
    "parent: origin}\n"
    "  - {name: origin, tier: origin, egress_cost_per_gb: 0.09}\n"
    "latency_ms:\n"
    "  eu: {edge-a: 8, edge-b: 30}\n"
    "  us: {edge-a: 90, edge-b: 10}\n"
    "  edge-a: {shield: 10}\n"
    "  edge-b: {shield: 20}\n"
    "  shield: {origin: 30}\n";

const char fuzz_workload_yaml[] =
    "name: fuzz\n"
    "requests: 1000\n"
    "warmup: 100\n"
    "arrival: {rate: 100}\n"
    "catalog:\n"
    "  objects: 1000\n"
    "  zipf_alpha: 0.8\n"
    "  ttl: 1m\n"
    "  size: {dist: lognormal, median: 20KiB, sigma: 1}\n"
    "events:\n"
    "  - {at: 5s, purge: all}\n";

static char scratch[64];

static void
scratch_remove(void)
{
    char cmd[96];
    if (scratch[0] == '\0')
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz: could not remove %s\n", scratch);
}

void
fuzz_file(char *path, const char *name, const void *data, size_t size)
{
    if (scratch[0] == '\0') {
        const char *tmp = getenv("TMPDIR");
        snprintf(scratch, sizeof scratch, "%s/cdnsim-fuzz-XXXXXX",
                 tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
        if (mkdtemp(scratch) == NULL) {
            perror("fuzz: mkdtemp");
            abort();
        }
        atexit(scratch_remove);
    }
    snprintf(path, FUZZ_PATH_MAX, "%s/%s", scratch, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        perror("fuzz: writing the input");
        abort();
    }
}

char *
fuzz_cstr(const uint8_t *data, size_t size)
{
    size_t n = strnlen((const char *)data, size);
    char *s = malloc(n + 1);
    if (s == NULL)
        abort();
    memcpy(s, data, n);
    s[n] = '\0';
    return s;
}

void
fuzz_no_stdin(void)
{
    int null = open("/dev/null", O_RDONLY);
    if (null < 0 || dup2(null, STDIN_FILENO) < 0)
        abort();
    close(null);
}
