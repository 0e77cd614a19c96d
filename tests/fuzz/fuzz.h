/* fuzz.h: what every libFuzzer harness in tests/fuzz/ shares.
 *
 * Each harness is its own program (libFuzzer supplies main); `make fuzz`
 * builds them with clang and -fsanitize=fuzzer,address,undefined and runs
 * each over its corpus. The loaders under test read files, so inputs go
 * through a scratch directory of the harness's own. */
#ifndef CDNSIM_TESTS_FUZZ_H
#define CDNSIM_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry points, declared for -Wmissing-prototypes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Room for a path fuzz_file makes. */
#define FUZZ_PATH_MAX 160

/*
 * Writes size bytes to name inside the harness's scratch directory (made
 * on first use under $TMPDIR, removed at exit) and its path into
 * path[FUZZ_PATH_MAX]. Aborts if it cannot write: a harness that cannot
 * set up is broken, not the code under test.
 */
void fuzz_file(char *path, const char *name, const void *data, size_t size);

/* The input as a NUL-terminated string (cut at its first NUL); caller
 * frees. */
char *fuzz_cstr(const uint8_t *data, size_t size);

/* Points stdin at /dev/null: a trace path such as /dev/stdin in a
 * fuzzed file must not wait for input. */
void fuzz_no_stdin(void);

/* A small topology and workload that load (the --set harness edits
 * them): four nodes in three tiers, two regions. */
extern const char fuzz_topology_yaml[];
extern const char fuzz_workload_yaml[];

#endif
