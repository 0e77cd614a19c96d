/* fuzz_vary.c: --vary PATH=VALUES, as `cdnsim sweep --dry-run` parses it.
 *
 * The --vary parser (lists, A..B*F and A..B+S ranges) is private to the
 * sweep command, so the harness runs the command itself, in-process,
 * with each input line (at most 3) as one --vary of the fixed files:
 * parsing, the value kinds, range generation and formatting, and the
 * check that loads every value once. Nothing is run and no database is
 * written (--dry-run); the listing goes to /dev/null. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fuzz.h"

#define FUZZ_MAX_VARY 3

static char topo_path[FUZZ_PATH_MAX], wl_path[FUZZ_PATH_MAX];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_file(topo_path, "topology.yaml", fuzz_topology_yaml,
              strlen(fuzz_topology_yaml));
    fuzz_file(wl_path, "workload.yaml", fuzz_workload_yaml,
              strlen(fuzz_workload_yaml));
    /* The dry run's listing of points is of no interest. */
    int null = open("/dev/null", O_WRONLY);
    if (null < 0 || dup2(null, STDOUT_FILENO) < 0)
        abort();
    close(null);
    fuzz_no_stdin();
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char dry_run[] = "--dry-run", vary[] = "--vary";
    char *text = fuzz_cstr(data, size);
    char *argv[4 + 2 * FUZZ_MAX_VARY];
    int argc = 0;
    argv[argc++] = topo_path;
    argv[argc++] = wl_path;
    argv[argc++] = dry_run;
    int n_vary = 0;
    for (char *p = text, *nl; p && n_vary < FUZZ_MAX_VARY; p = nl) {
        nl = strchr(p, '\n');
        if (nl)
            *nl++ = '\0';
        argv[argc++] = vary;
        argv[argc++] = p;
        n_vary++;
    }
    argv[argc] = NULL;
    int status = cmd_sweep(argc, argv);
    if (status != EXIT_OK && status != EXIT_USAGE && status != EXIT_BAD_INPUT) {
        fprintf(stderr, "fuzz: sweep --dry-run exited %d\n", status);
        abort();
    }
    fflush(stdout);
    free(text);
    return 0;
}
