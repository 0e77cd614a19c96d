/* fuzz_config.c: the topology and workload loaders, and --set, as
 * `cdnsim validate` runs them: load, validate, build the CDN.
 *
 * One source, three harnesses (the Makefile sets FUZZ_CONFIG):
 *   topology  the input is a topology file (with a fixed workload);
 *   workload  the input is a workload file (with a fixed topology);
 *   set       the input's lines are --set PATH=VALUE overrides (at most
 *             8) of the fixed files;
 *   run       the input is a workload file, as for workload, or a
 *             topology, a line "---" and a workload; what loads is also
 *             run, cut to 200 requests (--set requests=200 warmup=0):
 *             `cdnsim run` on a small scale.
 * An input the loader refuses must come back as an error with a message;
 * one it accepts must build a CDN or be refused the same way (and run,
 * or end with an error that says why). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "fuzz.h"
#include "model/model.h"

#define FUZZ_TOPOLOGY 1
#define FUZZ_WORKLOAD 2
#define FUZZ_SET 3
#define FUZZ_RUN 4

#ifndef FUZZ_CONFIG
#error "FUZZ_CONFIG must say which loader this harness drives"
#endif

#define FUZZ_MAX_SETS 8

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
    fuzz_no_stdin();
    return 0;
}

/* An error must say what is wrong: a code and a message. */
static void
check_error(int code, const struct sim_err *err)
{
    if (code >= 0 || err->code != code || err->msg[0] == '\0') {
        fprintf(stderr, "fuzz: error %d without a message (err.code %d)\n",
                code, err->code);
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cfg_override sets[FUZZ_MAX_SETS];
    size_t n_sets = 0;
    char *text = NULL;
    const char *topo = topo_path, *wl = wl_path;
#if FUZZ_CONFIG == FUZZ_SET
    text = fuzz_cstr(data, size);
    for (char *p = text, *nl; p && n_sets < FUZZ_MAX_SETS; p = nl) {
        nl = strchr(p, '\n');
        if (nl)
            *nl++ = '\0';
        sets[n_sets++].text = p;
    }
#elif FUZZ_CONFIG == FUZZ_TOPOLOGY
    static char input_path[FUZZ_PATH_MAX];
    fuzz_file(input_path, "input.yaml", data, size);
    topo = input_path;
#elif FUZZ_CONFIG == FUZZ_WORKLOAD
    static char input_path[FUZZ_PATH_MAX];
    fuzz_file(input_path, "input.yaml", data, size);
    wl = input_path;
#else
    static char input_topo[FUZZ_PATH_MAX], input_wl[FUZZ_PATH_MAX];
    static const char sep[] = "\n---\n";
    const uint8_t *split = NULL;
    for (size_t i = 0; split == NULL && i + sizeof sep - 1 <= size; i++)
        if (memcmp(data + i, sep, sizeof sep - 1) == 0)
            split = data + i;
    if (split != NULL) {
        size_t n_topo = (size_t)(split - data) + 1;
        fuzz_file(input_topo, "input-topology.yaml", data, n_topo);
        topo = input_topo;
        data += n_topo + sizeof sep - 2;
        size -= n_topo + sizeof sep - 2;
    }
    fuzz_file(input_wl, "input.yaml", data, size);
    wl = input_wl;
    sets[n_sets++].text = "workload.requests=200";
    sets[n_sets++].text = "workload.warmup=0";
#endif
    struct cfg_topology *t = NULL;
    struct cfg_workload *w = NULL;
    struct sim_err err = {0};
    int code = cfg_load(topo, wl, sets, n_sets, &t, &w, &err);
    if (code != 0) {
        check_error(code, &err);
    } else {
        struct cdn *c = cdn_new(t, w, &err);
        if (c == NULL)
            check_error(err.code, &err);
#if FUZZ_CONFIG == FUZZ_RUN
        if (c != NULL) {
            struct cdn_run_opts opts = {0};
            struct met_run out;
            int rc = cdn_run(c, &opts, &out);
            if (rc != 0) {
                const struct sim_err *e = wl_gen_error(cdn_workload(c));
                check_error(rc, e);
            }
            met_run_fini(&out);
        }
#endif
        cdn_free(c);
    }
    cfg_workload_free(w);
    cfg_topology_free(t);
    free(text);
    return 0;
}
