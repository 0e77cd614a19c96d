/* check_sweep.c: the run library (sim/run/): the --vary plan parser as a
 * pure function, the run pipeline's warnings, and the sweep's executors
 * as a user meets them (warnings per point, escaped names, workers that
 * do not outlive a killed parent). */
#define _XOPEN_SOURCE 700 /* kill, nanosleep */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <sqlite3.h>

#include "run/run.h"
#include "suites.h"
#include "util/sha256.h"
#include "util/version.h"
#include "util/xalloc.h"

#define TOPO "topologies/global.yaml"
#define WL "workloads/zipf.yaml"
#define CAP "nodes.edge-fra.cache.capacity"

/* Parses arg, which must succeed, into v. */
static void
vary_ok(const char *arg, struct run_vary *v)
{
    struct sim_err err = {0};
    int rc = run_vary_parse(arg, v, &err);
    ck_assert_msg(rc == 0, "%s: %s", arg, err.msg);
}

/* The values of v joined by spaces; caller frees. */
static char *
joined(const struct run_vary *v)
{
    struct cfg_override *o = xcalloc(v->n + 1, sizeof *o);
    for (size_t i = 0; i < v->n; i++)
        o[i].text = v->values[i];
    char *s = run_overrides_join(o, v->n);
    free(o);
    return s;
}

/* arg gives exactly the values want (space-separated) of kind. */
static void
expect_values(const char *arg, const char *kind, const char *want)
{
    struct run_vary v;
    vary_ok(arg, &v);
    char *got = joined(&v);
    ck_assert_msg(strcmp(got, want) == 0, "%s: got \"%s\", want \"%s\"", arg,
                  got, want);
    ck_assert_str_eq(v.kind, kind);
    free(got);
    run_vary_fini(&v);
}

START_TEST(test_sweep_plan_lists)
{
    struct run_vary v;
    vary_ok("nodes.edge.cache.policy=lru,s3fifo", &v);
    ck_assert_str_eq(v.path, "nodes.edge.cache.policy");
    ck_assert_str_eq(v.spec, "lru,s3fifo");
    ck_assert_str_eq(v.kind, "text");
    ck_assert_uint_eq(v.n, 2);
    ck_assert_ptr_null(v.nums); /* text has no numbers */
    run_vary_fini(&v);
    /* A list's kind is the first that fits every item: a bare number is
     * a number, "5m" a duration, "5MB" a size. */
    vary_ok("x=5m,90s", &v);
    ck_assert_str_eq(v.kind, "duration");
    ck_assert(v.nums[0] == 300 && v.nums[1] == 90);
    run_vary_fini(&v);
    vary_ok("x=1KiB,2", &v);
    ck_assert_str_eq(v.kind, "size");
    ck_assert(v.nums[0] == 1024 && v.nums[1] == 2);
    run_vary_fini(&v);
    expect_values("x=0.5,1e3,7", "number", "0.5 1e3 7");
    /* Items are kept as written. */
    expect_values("x=a b,c=d", "text", "a b c=d");
}
END_TEST

START_TEST(test_sweep_plan_ranges)
{
    expect_values("x=1GiB..8GiB*2", "size", "1GiB 2GiB 4GiB 8GiB");
    expect_values("x=512MiB..2GiB*2", "size", "512MiB 1GiB 2GiB");
    expect_values("x=1.5GiB..4GiB*1.5", "size", "1.5GiB 2.25GiB 3.375GiB");
    expect_values("x=1m..10m+3m", "duration", "1m 4m 7m 10m");
    expect_values("x=30s..2m+30s", "duration", "30s 1m 1.5m 2m");
    expect_values("x=0.6..1.0+0.2", "number", "0.6 0.8 1");
    expect_values("x=0.1..0.3+0.1", "number", "0.1 0.2 0.3");
    expect_values("x=0.001..1*10", "number", "0.001 0.01 0.1 1");
    expect_values("x=-3..3+2", "number", "-3 -1 1 3");
    expect_values("x=1..10+4", "number", "1 5 9");
    /* Sizes step in whole bytes, exactly. */
    expect_values("x=1KB..3500B+1KB", "size", "1KB 2KB 3KB");
    struct run_vary v;
    vary_ok("x=1GiB..3GiB+512MiB", &v);
    ck_assert_uint_eq(v.n, 5);
    ck_assert(v.nums[4] == 3.0 * 1024 * 1024 * 1024);
    run_vary_fini(&v);
}
END_TEST

/* Issue 12 item 4: A..B+S overshot B for a large A (the end had a slack
 * of a billionth of B, more than the step), and values above 1e15 were
 * written as "1e+15", which a size field refuses. */
START_TEST(test_regress_12_vary_integer_ranges)
{
    expect_values("seed=5000000000..5000000002+1", "number",
                  "5000000000 5000000001 5000000002");
    expect_values("seed=18446744073709551613..18446744073709551615+1", "number",
                  "18446744073709551613 18446744073709551614 "
                  "18446744073709551615");
    expect_values("x=9007199254740993..9007199254740995+1", "number",
                  "9007199254740993 9007199254740994 9007199254740995");
    expect_values("x=100000000000000..10000000000000000*10", "number",
                  "100000000000000 1000000000000000 10000000000000000");
    /* Ends a double cannot tell apart are still ordered exactly. */
    struct run_vary v;
    struct sim_err err = {0};
    ck_assert_int_eq(
        run_vary_parse("x=9007199254740993..9007199254740992+1", &v, &err),
        -SIM_EUSAGE);
    ck_assert_ptr_nonnull(strstr(err.msg, "below its start"));
    run_vary_fini(&v);
    /* As a size, each value is accepted as written. */
    char *out = NULL, *errout = NULL;
    int st =
        test_cdnsim(&out, &errout, "sweep", TOPO, WL, "--dry-run", "--vary",
                    CAP "=10000000000000..1000000000000000*10", NULL);
    ck_assert_msg(st == 0, "%s", errout);
    ck_assert_ptr_nonnull(strstr(out, "3 points"));
    ck_assert_ptr_nonnull(strstr(out, CAP "=1000000000000000\n"));
    free(out);
    free(errout);
}
END_TEST

/* arg is refused with a message holding want, naming --vary and field. */
static void
expect_error(const char *arg, const char *field, const char *want)
{
    struct run_vary v;
    struct sim_err err = {0};
    int code = run_vary_parse(arg, &v, &err);
    ck_assert_msg(code == -SIM_EUSAGE, "%s: code %d", arg, code);
    ck_assert_str_eq(err.file, "--vary");
    ck_assert_str_eq(err.field, field);
    ck_assert_msg(strstr(err.msg, want) != NULL, "%s: \"%s\" lacks \"%s\"", arg,
                  err.msg, want);
    run_vary_fini(&v);
}

START_TEST(test_sweep_plan_errors)
{
    expect_error("x", "", "PATH=VALUES");
    expect_error("=1,2", "", "PATH=VALUES");
    expect_error("x=", "", "PATH=VALUES");
    expect_error("x=1GiB..8GiB", "x", "a range needs a step");
    expect_error("x=..8GiB*2", "x", "a range is A..B*F or A..B+S");
    expect_error("x=1GiB..8GiB*", "x", "a range is A..B*F or A..B+S");
    expect_error("x=1GiB..8GiB*1", "x",
                 "the factor after '*' must be a "
                 "number above 1, got \"1\"");
    expect_error("x=1m..8m+0s", "x",
                 "the step after '+' must be a duration "
                 "above 0, got \"0s\"");
    expect_error("x=8GiB..1GiB*2", "x", "ends below its start");
    expect_error("x=1GiB..1h+1m", "x",
                 "not both sizes, durations or "
                 "numbers");
    expect_error("x=0..8*2", "x", "must start above 0");
    expect_error("x=lru,lru", "x", "\"lru\" is listed twice");
    expect_error("x=lru,,fifo", "x", "empty value");
    expect_error("x=1..20000+1", "x", "gives more than 10000 values");
    expect_error("x=1..1e300*1.0000001", "x", "gives more than 10000 values");
    expect_error("x=1GiB..1e30GiB*2", "x", "not both");
    /* From the command line: a malformed --vary is exit 2 (usage), a
     * value the field refuses exit 3 (input), as README says. */
    char *out = NULL, *errout = NULL;
    ck_assert_int_eq(test_cdnsim(&out, &errout, "sweep", TOPO, WL, "--dry-run",
                                 "--vary", CAP "=1GiB..8GiB", NULL),
                     2);
    ck_assert_ptr_nonnull(strstr(errout, "a range needs a step"));
    free(out);
    free(errout);
    ck_assert_int_eq(test_cdnsim(&out, &errout, "sweep", TOPO, WL, "--dry-run",
                                 "--vary", CAP "=10 gigs", NULL),
                     3);
    ck_assert_ptr_nonnull(strstr(errout, "expected a positive size"));
    free(out);
    free(errout);

    /* A plan: no path twice, and a bounded number of points. */
    struct run_plan plan;
    struct sim_err err = {0};
    const char *twice[] = {"x=1,2", "y=a,b", "x=3"};
    ck_assert_int_eq(run_plan_parse(twice, NULL, 3, &plan, &err), -SIM_EUSAGE);
    ck_assert_str_eq(err.field, "x");
    ck_assert_ptr_nonnull(strstr(err.msg, "varied twice"));
    run_plan_fini(&plan);
    const char *big[] = {"x=1..1000+1", "y=1..1000+1"};
    ck_assert_int_eq(run_plan_parse(big, NULL, 2, &plan, &err), -SIM_EUSAGE);
    ck_assert_ptr_nonnull(strstr(err.msg, "more than 100000 points"));
    run_plan_fini(&plan);
    const char *ok[] = {"x=1..3+1", "y=a,b"};
    ck_assert_int_eq(run_plan_parse(ok, NULL, 2, &plan, &err), 0);
    ck_assert_uint_eq(plan.n_points, 6);
    ck_assert_uint_eq(plan.n_vary, 2);
    run_plan_fini(&plan);
}
END_TEST

/* Linked dimensions: a --vary-with takes the value number of the --vary
 * before it, and the points are the product of the dimensions only. */
START_TEST(test_sweep_plan_vary_with)
{
    struct run_plan plan;
    struct sim_err err = {0};
    const char *args[] = {"x=1,2,3", "y=a,b,c", "z=p,q", "w=10,20"};
    const unsigned char with[] = {0, 1, 0, 1};
    ck_assert_int_eq(run_plan_parse(args, with, 4, &plan, &err), 0);
    ck_assert_uint_eq(plan.n_points, 6);
    ck_assert_uint_eq(plan.n_dims, 2);
    ck_assert_int_eq(plan.vary[1].is_with, 1);
    struct met_sweep_vary mv[4];
    for (size_t j = 0; j < 4; j++)
        mv[j] = (struct met_sweep_vary){
            .path = plan.vary[j].path,
            .spec = plan.vary[j].spec,
            .kind = plan.vary[j].kind,
            .values = (const char *const *)plan.vary[j].values,
            .nums = plan.vary[j].nums,
            .n_values = plan.vary[j].n,
            .is_with = plan.vary[j].is_with,
        };
    struct met_sweep ms = {.vary = mv, .n_vary = 4};
    ck_assert_uint_eq(met_sweep_n_points(&ms), 6);
    char *p3 = met_sweep_params(&ms, 3);
    ck_assert_str_eq(p3, "x=2 y=b z=q w=20");
    free(p3);
    char *p4 = met_sweep_params(&ms, 4);
    ck_assert_str_eq(p4, "x=3 y=c z=p w=10");
    free(p4);
    run_plan_fini(&plan);

    /* Out of step, or with nothing to move with: usage errors. */
    const char *uneven[] = {"x=1,2,3", "y=a,b"};
    ck_assert_int_eq(run_plan_parse(uneven, with, 2, &plan, &err), -SIM_EUSAGE);
    ck_assert_str_eq(err.file, "--vary-with");
    ck_assert_str_eq(err.field, "y");
    ck_assert_str_eq(err.msg, "\"a,b\" gives 2 values, but the --vary it "
                              "moves with (x=1,2,3) gives 3");
    run_plan_fini(&plan);
    const unsigned char first[] = {1, 0};
    ck_assert_int_eq(run_plan_parse(args, first, 2, &plan, &err), -SIM_EUSAGE);
    ck_assert_str_eq(err.field, "x");
    ck_assert_ptr_nonnull(strstr(err.msg, "give that --vary first"));
    run_plan_fini(&plan);
    /* A --vary-with's own error names it. */
    const char *bad[] = {"x=1,2", "y=1..2"};
    ck_assert_int_eq(run_plan_parse(bad, with, 2, &plan, &err), -SIM_EUSAGE);
    ck_assert_str_eq(err.file, "--vary-with");
    run_plan_fini(&plan);
}
END_TEST

/* Wildcards stand for node or region names, matched as shell globs in
 * topology order; one that matches nothing is a usage error naming it. */
START_TEST(test_sweep_plan_wildcards)
{
    static const char *const nodes[] = {"edge-fra", "edge-iad", "shield-ams",
                                        "origin"};
    static const char *const regions[] = {"eu", "us", "asia"};
    const struct run_names names = {nodes, 4, regions, 3};
    struct run_plan plan;
    struct sim_err err = {0};
    const char *args[] = {"nodes.edge-*.cache.capacity=1GiB,2GiB",
                          "topology.regions.[ea]*.weight=1,2",
                          "catalog.ttl=1m,2m"};
    ck_assert_int_eq(run_plan_parse(args, NULL, 3, &plan, &err), 0);
    ck_assert_int_eq(run_plan_has_glob(&plan), 1);
    ck_assert_int_eq(plan.vary[0].has_glob, 1);
    ck_assert_int_eq(plan.vary[2].has_glob, 0);
    ck_assert_uint_eq(plan.vary[2].n_paths, 1);
    ck_assert_str_eq(plan.vary[2].paths[0], "catalog.ttl");
    ck_assert_int_eq(run_plan_expand(&plan, &names, &err), 0);
    ck_assert_uint_eq(plan.vary[0].n_paths, 2);
    ck_assert_str_eq(plan.vary[0].paths[0], "nodes.edge-fra.cache.capacity");
    ck_assert_str_eq(plan.vary[0].paths[1], "nodes.edge-iad.cache.capacity");
    ck_assert_uint_eq(plan.vary[1].n_paths, 2);
    ck_assert_str_eq(plan.vary[1].paths[0], "topology.regions.eu.weight");
    ck_assert_str_eq(plan.vary[1].paths[1], "topology.regions.asia.weight");
    ck_assert_uint_eq(plan.n_points, 8);
    run_plan_fini(&plan);

    const char *none[] = {"nodes.cdn-?.cache.capacity=1GiB"};
    ck_assert_int_eq(run_plan_parse(none, NULL, 1, &plan, &err), 0);
    ck_assert_int_eq(run_plan_expand(&plan, &names, &err), -SIM_EUSAGE);
    ck_assert_str_eq(err.file, "--vary");
    ck_assert_str_eq(err.field, "nodes.cdn-?.cache.capacity");
    ck_assert_str_eq(err.msg, "\"cdn-?\" matches no node name (nodes: "
                              "edge-fra, edge-iad, shield-ams, origin)");
    run_plan_fini(&plan);

    /* A field set by two --vary, through a wildcard. */
    const char *twice[] = {"nodes.*.cache.capacity=1GiB",
                           "nodes.edge-iad.cache.capacity=2GiB"};
    ck_assert_int_eq(run_plan_parse(twice, NULL, 2, &plan, &err), 0);
    ck_assert_int_eq(run_plan_expand(&plan, &names, &err), -SIM_EUSAGE);
    ck_assert_str_eq(err.field, "nodes.edge-iad.cache.capacity");
    ck_assert_ptr_nonnull(strstr(err.msg, "which nodes.*.cache.capacity sets "
                                          "too"));
    run_plan_fini(&plan);

    /* A wildcard must name a field of what it matches; elsewhere a '*' is
     * taken as written. */
    const char *bare[] = {"nodes.edge-*=1"};
    ck_assert_int_eq(run_plan_parse(bare, NULL, 1, &plan, &err), -SIM_EUSAGE);
    ck_assert_ptr_nonnull(strstr(err.msg, "give the field after it"));
    run_plan_fini(&plan);
    const char *literal[] = {"workload.name=a*b,c"};
    ck_assert_int_eq(run_plan_parse(literal, NULL, 1, &plan, &err), 0);
    ck_assert_int_eq(run_plan_has_glob(&plan), 0);
    run_plan_fini(&plan);
}
END_TEST

/* The command line: a wildcard --vary with a --vary-with, as a dry run
 * lists it, and the usage errors (exit 2). */
START_TEST(test_sweep_cli_wildcards_and_links)
{
    char *out = NULL, *errout = NULL;
    ck_assert_int_eq(
        test_cdnsim(&out, NULL, "sweep", TOPO, WL, "--dry-run", "--vary",
                    "nodes.edge-*.cache.capacity=128MiB..512MiB*2",
                    "--vary-with",
                    "nodes.shield-*.cache.capacity=1GiB,2GiB,4GiB", NULL),
        0);
    ck_assert_str_eq(out, "3 points of " TOPO " x " WL ":\n"
                          "nodes.edge-*.cache.capacity sets "
                          "nodes.edge-fra.cache.capacity, "
                          "nodes.edge-iad.cache.capacity, "
                          "nodes.edge-sin.cache.capacity\n"
                          "nodes.shield-*.cache.capacity sets "
                          "nodes.shield-ams.cache.capacity, "
                          "nodes.shield-ord.cache.capacity\n"
                          "    0  nodes.edge-*.cache.capacity=128MiB "
                          "nodes.shield-*.cache.capacity=1GiB\n"
                          "    1  nodes.edge-*.cache.capacity=256MiB "
                          "nodes.shield-*.cache.capacity=2GiB\n"
                          "    2  nodes.edge-*.cache.capacity=512MiB "
                          "nodes.shield-*.cache.capacity=4GiB\n");
    free(out);
    ck_assert_int_eq(test_cdnsim(NULL, &errout, "sweep", TOPO, WL, "--dry-run",
                                 "--vary", "nodes.cdn-*.cache.capacity=1GiB",
                                 NULL),
                     2);
    ck_assert_ptr_nonnull(strstr(errout, "cdnsim: --vary: "
                                         "nodes.cdn-*.cache.capacity: "
                                         "\"cdn-*\" matches no node name"));
    free(errout);
    ck_assert_int_eq(test_cdnsim(NULL, &errout, "sweep", TOPO, WL, "--dry-run",
                                 "--vary", "seed=1,2", "--vary-with",
                                 "catalog.ttl=1m,2m,3m", NULL),
                     2);
    ck_assert_ptr_nonnull(strstr(errout, "cdnsim: --vary-with: catalog.ttl: "));
    free(errout);
    /* A bad value of a linked --vary names it. */
    ck_assert_int_eq(test_cdnsim(NULL, &errout, "sweep", TOPO, WL, "--dry-run",
                                 "--vary", "seed=1,2", "--vary-with",
                                 "nodes.edge-*.cache.capacity=1GiB,0", NULL),
                     3);
    ck_assert_msg(strstr(errout, "cdnsim: --vary-with: "
                                 "nodes.edge-*.cache.capacity: expected a "
                                 "positive size") != NULL,
                  "%s", errout);
    free(errout);
}
END_TEST

/* The first column of the first row of sql on db, as text; caller frees.
 * NULL for SQL NULL or no row. */
static char *
db_text(const char *db, const char *sql)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK,
                  "%s: %s", sql, sqlite3_errmsg(h));
    char *out = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        out = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(h);
    return out;
}

/* A --vary of a policy with its parameters, as replay's --policy takes
 * them (lhd:samples=4): each point runs what --set of the policy and of
 * its parameter runs; a malformed entry or a key given twice is an
 * error at --set. */
START_TEST(test_sweep_vary_policy_params)
{
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/s.db", dir);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "sweep", TOPO, WL, "--requests",
                                 "30000", "--set", "warmup=1000", "--vary",
                                 "nodes.edge-fra.cache.policy=lhd:samples=4,"
                                 "lhd",
                                 "--db", db, "--quiet", NULL),
                     0);
    static const char sql[] =
        "SELECT n.hits FROM sweep_points p JOIN node_metrics n ON n.run_id ="
        " p.run_id AND n.node = 'edge-fra' WHERE p.point = %d";
    char *q0 = xasprintf(sql, 0), *q1 = xasprintf(sql, 1);
    char *h0 = db_text(db, q0), *h1 = db_text(db, q1);
    ck_assert_ptr_nonnull(h0);
    ck_assert_ptr_nonnull(h1);
    char *json = test_cdnsim_json("run", TOPO, WL, "--requests", "30000",
                                  "--set", "warmup=1000", "--set",
                                  "nodes.edge-fra.cache.policy=lhd", "--set",
                                  "nodes.edge-fra.cache.samples=4", NULL);
    char *want = xasprintf("\"edge-fra\": {\n      \"tier\": \"edge\",\n"
                           "      \"requests\": 13187,\n      \"hits\": %s,",
                           h0);
    ck_assert_msg(strstr(json, want) != NULL, "want %s", want);
    ck_assert_str_ne(h0, h1); /* 4 samples are not the default 64 */
    free(want), free(json), free(h0), free(h1), free(q0), free(q1);
    static const char *const bad[][2] = {
        {"lhd:samples", "expected KEY=VALUE after the policy's name"},
        {"lhd:samples=4:samples=8", "a parameter given twice: \"samples=8\""},
        {"lhd:sample=4", "policy \"lhd\" has no parameter \"sample\""},
    };
    for (size_t k = 0; k < 3; k++) {
        char *arg = xasprintf("nodes.edge-fra.cache.policy=%s", bad[k][0]);
        char *errout = NULL;
        ck_assert_int_eq(
            test_cdnsim(NULL, &errout, "run", TOPO, WL, "--set", arg, NULL), 3);
        ck_assert_msg(strstr(errout, bad[k][1]) != NULL, "%s: %s", bad[k][0],
                      errout);
        free(errout), free(arg);
    }
    test_rmtree(dir);
    free(db), free(dir);
}
END_TEST

/* Known answers: FIPS 180-2's "abc" and the empty string. */
START_TEST(test_sweep_sha256_vectors)
{
    char hex[SHA256_HEX_LEN + 1];
    sha256_hex("abc", 3, hex);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9c"
                          "b410ff61f20015ad");
    sha256_hex("", 0, hex);
    ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934c"
                          "a495991b7852b855");
}
END_TEST

/* Provenance: a run and a sweep record both files' text and SHA-256 and
 * the version (DB and JSON); resuming a sweep whose file changed is
 * refused (exit 3) unless --force-new, which starts a new sweep that a
 * later plain resume continues. */
START_TEST(test_sweep_provenance)
{
    char *dir = test_tmpdir();
    char *topo = test_write_file(
        dir, "t.yaml",
        "name: t\nregions: [{name: r, weight: 1}]\nnodes:\n"
        "  - {name: edge-a, tier: edge, cache: {capacity: 1MiB}, "
        "parent: origin}\n"
        "  - {name: edge-b, tier: edge, cache: {capacity: 1MiB}, "
        "parent: origin}\n"
        "  - {name: origin, tier: origin}\n"
        "latency_ms: {r: {edge-a: 5, edge-b: 9}, edge-a: {origin: 20}, "
        "edge-b: {origin: 20}}\n");
    static const char wl_v1[] =
        "name: w\nseed: 3\nrequests: 2000\nwarmup: 100\n"
        "arrival: {rate: 1000}\ncatalog: {objects: 500, zipf_alpha: 0.9, "
        "size: {dist: fixed, bytes: 1000}, ttl: 1m}\n";
    char *wl = test_write_file(dir, "w.yaml", wl_v1);
    char *db = xasprintf("%s/p.db", dir);
    char *json = xasprintf("%s/p.json", dir);
    char want_t[SHA256_HEX_LEN + 1], want_w[SHA256_HEX_LEN + 1];
    FILE *f = fopen(topo, "rb");
    char tbuf[2048];
    size_t tlen = fread(tbuf, 1, sizeof tbuf - 1, f);
    fclose(f);
    tbuf[tlen] = '\0';
    sha256_hex(tbuf, tlen, want_t);
    sha256_hex(wl_v1, strlen(wl_v1), want_w);
    /* The digests are those of the files, as coreutils computes them, not
     * merely what sha256_hex makes of them. */
    const char *sum_argv[] = {"sha256sum", topo, wl, NULL};
    char *sums = NULL;
    ck_assert_int_eq(test_run(sum_argv, &sums, NULL), 0);
    char *want_sums = xasprintf("%s  %s\n%s  %s\n", want_t, topo, want_w, wl);
    ck_assert_str_eq(sums, want_sums);
    free(want_sums);
    free(sums);

    ck_assert_int_eq(test_cdnsim(NULL, NULL, "run", topo, wl, "--db", db,
                                 "--json", json, "--quiet", NULL),
                     0);
    char *got = db_text(db, "SELECT topology_sha256 FROM runs");
    ck_assert_str_eq(got, want_t);
    free(got);
    got = db_text(db, "SELECT workload_sha256 || ' ' || cdnsim_version"
                      " FROM runs");
    char *want = xasprintf("%s %s", want_w, CDNSIM_VERSION);
    ck_assert_str_eq(got, want);
    free(want);
    free(got);
    got = db_text(db, "SELECT topology_text FROM runs");
    ck_assert_str_eq(got, tbuf);
    free(got);
    got = db_text(db, "SELECT workload_text FROM runs");
    ck_assert_str_eq(got, wl_v1);
    free(got);
    f = fopen(json, "rb");
    char jbuf[16384];
    size_t jlen = fread(jbuf, 1, sizeof jbuf - 1, f);
    fclose(f);
    jbuf[jlen] = '\0';
    want = xasprintf("\"sha256\": \"%s\",\n    \"text\": \"name: w\\nseed: "
                     "3\\nrequests: 2000",
                     want_w);
    ck_assert_msg(strstr(jbuf, want) != NULL, "%s lacks %s", jbuf, want);
    free(want);
    ck_assert_ptr_nonnull(
        strstr(jbuf, "\"cdnsim_version\": \"" CDNSIM_VERSION "\""));
    unlink(db);

    /* A sweep records the same, and its wildcard's fields. */
    const char *sweep[] = {"sweep",
                           topo,
                           wl,
                           "--vary",
                           "nodes.edge-*.cache.capacity=1MiB,2MiB",
                           "--db",
                           db,
                           "--jobs",
                           "1",
                           "--quiet",
                           NULL,
                           NULL};
    ck_assert_int_eq(test_cdnsim_argv(NULL, NULL, sweep), 0);
    got = db_text(db, "SELECT topology_sha256 || ' ' || workload_sha256 || "
                      "' ' || cdnsim_version FROM sweeps WHERE id = 1");
    want = xasprintf("%s %s %s", want_t, want_w, CDNSIM_VERSION);
    ck_assert_str_eq(got, want);
    free(want);
    free(got);
    got = db_text(db, "SELECT workload_text FROM sweeps");
    ck_assert_str_eq(got, wl_v1);
    free(got);
    got = db_text(db, "SELECT fields FROM sweep_vary");
    ck_assert_str_eq(got, "nodes.edge-a.cache.capacity\n"
                          "nodes.edge-b.cache.capacity");
    free(got);
    got = db_text(db, "SELECT overrides FROM runs WHERE id = 1");
    ck_assert_str_eq(got, "nodes.edge-a.cache.capacity=1MiB "
                          "nodes.edge-b.cache.capacity=1MiB");
    free(got);

    /* The workload changes: resuming is refused, naming the file. */
    free(test_write_file(dir, "w.yaml", "# edited\n"));
    FILE *a = fopen(wl, "ab");
    fputs(wl_v1, a);
    fclose(a);
    char *errout = NULL;
    ck_assert_int_eq(test_cdnsim_argv(NULL, &errout, sweep), 3);
    want = xasprintf("cdnsim: %s: sweep 1 began with other contents of %s "
                     "(SHA-256 %.12s..., now ",
                     db, wl, want_w);
    ck_assert_msg(strstr(errout, want) != NULL, "%s", errout);
    ck_assert_ptr_nonnull(strstr(errout, "run with --force-new"));
    free(want);
    free(errout);
    got = db_text(db, "SELECT count(*) FROM runs");
    ck_assert_str_eq(got, "2");
    free(got);
    /* --force-new starts sweep 2; the same command again resumes it. */
    sweep[10] = "--force-new";
    ck_assert_int_eq(test_cdnsim_argv(NULL, NULL, sweep), 0);
    sweep[10] = NULL;
    ck_assert_int_eq(test_cdnsim_argv(NULL, NULL, sweep), 0);
    got = db_text(db, "SELECT count(*) || ' ' || max(id) FROM sweeps");
    ck_assert_str_eq(got, "2 2");
    free(got);
    got = db_text(db, "SELECT count(*) FROM runs");
    ck_assert_str_eq(got, "4");
    free(got);
    got = db_text(db, "SELECT workload_sha256 = (SELECT workload_sha256"
                      " FROM runs WHERE id = 4) FROM sweeps WHERE id = 2");
    ck_assert_str_eq(got, "1");
    free(got);

    free(json);
    free(db);
    free(wl);
    free(topo);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* A trace the workload replays is part of a run's provenance: its digest
 * in the JSON and run_files, and a sweep resumed over another trace is
 * refused (exit 3, naming it) unless --force-new. */
START_TEST(test_sweep_trace_provenance)
{
    char *dir = test_tmpdir();
    char *topo =
        test_write_file(dir, "t.yaml",
                        "name: t\nregions: [{name: r, weight: 1}]\nnodes:\n"
                        "  - {name: edge, tier: edge, cache: {capacity: 1MiB}, "
                        "parent: origin}\n"
                        "  - {name: origin, tier: origin}\n"
                        "latency_ms: {r: {edge: 5}, edge: {origin: 20}}\n");
    char *wl = test_write_file(dir, "w.yaml",
                               "name: w\nwarmup: 1\ntrace: {path: tr.csv, "
                               "format: csv, time_unit: ms}\n"
                               "catalog: {ttl: 1m}\n");
    char *trace = test_write_file(dir, "tr.csv",
                                  "time,key,size\n1,1,100\n2,2,200\n"
                                  "3,1,100\n4,3,300\n");
    const char *sum_argv[] = {"sha256sum", trace, NULL};
    char *sum = NULL;
    ck_assert_int_eq(test_run(sum_argv, &sum, NULL), 0);
    sum[SHA256_HEX_LEN] = '\0';
    char *db = xasprintf("%s/p.db", dir);
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "run", topo, wl, "--db", db,
                                 "--json", "-", "--quiet", NULL),
                     0);
    char *want = xasprintf("\"trace\": {\n      \"path\": \"%s\",\n"
                           "      \"sha256\": \"%s\"\n    }",
                           trace, sum);
    ck_assert_msg(strstr(out, want) != NULL, "no %s in\n%s", want, out);
    free(want);
    free(out);
    char *got = db_text(db, "SELECT role || ' ' || path || ' ' || sha256"
                            " FROM run_files WHERE run_id = 1");
    want = xasprintf("trace %s %s", trace, sum);
    ck_assert_str_eq(got, want);
    free(want), free(got);

    const char *sweep[] = {"sweep",
                           topo,
                           wl,
                           "--vary",
                           "nodes.edge.cache.capacity=1MiB,2MiB",
                           "--db",
                           db,
                           "--jobs",
                           "1",
                           "--quiet",
                           NULL,
                           NULL};
    ck_assert_int_eq(test_cdnsim_argv(NULL, NULL, sweep), 0);
    got = db_text(db, "SELECT sha256 FROM sweep_files WHERE sweep_id = 1"
                      " AND role = 'trace'");
    ck_assert_str_eq(got, sum);
    free(got);
    /* The same trace: resumed. Another: refused, naming the trace. */
    ck_assert_int_eq(test_cdnsim_argv(NULL, NULL, sweep), 0);
    free(test_write_file(dir, "tr.csv",
                         "time,key,size\n1,1,100\n2,2,200\n3,1,100\n"));
    ck_assert_int_eq(test_cdnsim_argv(NULL, &err, sweep), 3);
    ck_assert_msg(strstr(err, trace) != NULL &&
                      strstr(err, "--force-new") != NULL,
                  "%s", err);
    free(err);
    sweep[10] = "--force-new";
    ck_assert_int_eq(test_cdnsim_argv(NULL, NULL, sweep), 0);
    ck_assert_str_eq(got = db_text(db, "SELECT count(*) FROM sweeps"), "2");
    free(got);
    free(sum), free(db), free(trace), free(wl), free(topo);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* The sweep report keeps a --vary-with on the x axis with its --vary:
 * one line per policy, not per policy and shield size. */
START_TEST(test_sweep_report_links)
{
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/l.db", dir);
    char *out_dir = xasprintf("%s/r", dir);
    ck_assert_int_eq(
        test_cdnsim(NULL, NULL, "sweep", TOPO, WL, "--requests", "3000",
                    "--set", "warmup=300", "--vary",
                    "nodes.edge-*.cache.capacity=64MiB..256MiB*2",
                    "--vary-with",
                    "nodes.shield-*.cache.capacity=128MiB,512MiB,2GiB",
                    "--vary", "nodes.edge-fra.cache.policy=lru,fifo", "--db",
                    db, "--jobs", "1", "--quiet", NULL),
        0);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "report", db, "--sweep", "1",
                                 "--out", out_dir, "--quiet", NULL),
                     0);
    char *path = xasprintf("%s/data/sweep-hit-ratio.dat", out_dir);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    ck_assert_ptr_nonnull(strstr(buf, "# series: policy=lru\n67108864\t"));
    ck_assert_ptr_nonnull(strstr(buf, "# series: policy=fifo\n"));
    ck_assert_ptr_null(strstr(buf, "capacity="));
    free(path);
    path = xasprintf("%s/report.md", out_dir);
    f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    ck_assert_ptr_nonnull(strstr(buf, "`nodes.shield-*.cache.capacity` over 3 "
                                      "values (`128MiB,512MiB,2GiB`) in step "
                                      "with `nodes.edge-*.cache.capacity`"));
    free(path);
    free(out_dir);
    free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* A trace whose third record is earlier than the second, clamped. */
static const char reordered_csv[] =
    "time,id,size\n10,1,5\n12,2,5\n11,3,5\n13,1,5\n";

static char *
write_reordered_trace(const char *dir)
{
    free(test_write_file(dir, "t.csv", reordered_csv));
    return test_write_file(dir, "t.yaml",
                           "name: t\ntrace: {path: t.csv, format: csv, "
                           "out_of_order: clamp}\n");
}

/* One pipeline: run_point reports the reordered records as a warning,
 * and `cdnsim run` and every sweep point print it. */
START_TEST(test_sweep_run_point_warnings)
{
    char *dir = test_tmpdir();
    char *wl = write_reordered_trace(dir);
    struct run_input in = {.topology_path = TOPO, .workload_path = wl};
    struct run_result r;
    struct sim_err err = {0};
    ck_assert_int_eq(run_point(&in, NULL, &r, &err), 0);
    ck_assert_uint_eq(r.warn.n_reordered, 1);
    ck_assert_int_eq(r.warn.ended_early, RUN_ENDED_IN_FULL);
    char msg[256];
    ck_assert_int_eq(run_warning_text(&r.warn, 0, msg, sizeof msg), 1);
    ck_assert_ptr_nonnull(strstr(msg, "1 trace record came earlier"));
    ck_assert_int_eq(run_warning_text(&r.warn, 1, msg, sizeof msg), 0);
    ck_assert_uint_eq(r.m.requests + r.m.warmup_requests, 4);
    run_result_fini(&r);

    char *errout = NULL;
    ck_assert_int_eq(
        test_cdnsim(NULL, &errout, "run", TOPO, wl, "--quiet", NULL), 0);
    ck_assert_ptr_nonnull(strstr(errout, "cdnsim: warning: 1 trace record "
                                         "came earlier"));
    free(errout);
    char *db = xasprintf("%s/w.db", dir);
    for (int jobs = 1; jobs <= 2; jobs++) {
        ck_assert_int_eq(test_cdnsim(NULL, &errout, "sweep", TOPO, wl, "--vary",
                                     CAP "=1MiB,2MiB", "--jobs",
                                     jobs == 1 ? "1" : "2", "--db", db,
                                     "--quiet", NULL),
                         0);
        ck_assert_msg(strstr(errout, "cdnsim: point 1: warning: 1 trace "
                                     "record came earlier") != NULL,
                      "%s", errout);
        free(errout);
        unlink(db);
    }
    free(db);
    free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* Issue 12 item 11: a value holding a newline or an escape sequence is
 * printed escaped in the table of results and the dry run's listing. */
START_TEST(test_regress_12_sweep_table_escapes)
{
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/e.db", dir);
    char *out = NULL;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "sweep", TOPO, WL, "--requests",
                                 "2000", "--set", "warmup=100", "--vary",
                                 "workload.name=a\nb,c\033[2J", "--jobs", "1",
                                 "--db", db, NULL),
                     0);
    ck_assert_msg(strstr(out, "workload.name=a\\x0ab ") != NULL, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "workload.name=c\\x1b[2J "));
    ck_assert_ptr_null(strchr(out, '\033'));
    ck_assert_ptr_null(strstr(out, "=a\n"));
    free(out);
    ck_assert_int_eq(test_cdnsim(&out, NULL, "sweep", TOPO, WL, "--dry-run",
                                 "--vary", "workload.name=a\nb,c", NULL),
                     0);
    ck_assert_ptr_nonnull(strstr(out, "    0  workload.name=a\\x0ab\n"));
    free(out);
    free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* The pids of the processes whose parent is ppid, from /proc. */
static size_t
children_of(pid_t ppid, pid_t *pids, size_t max)
{
    DIR *d = opendir("/proc");
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL && n < max) {
        char *path = xasprintf("/proc/%s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        free(path);
        if (f == NULL)
            continue;
        char line[512];
        if (fgets(line, sizeof line, f)) {
            /* pid (comm) state ppid: comm may hold spaces, so look after
             * its last ')'. */
            char *close_paren = strrchr(line, ')');
            int pp = 0;
            char state;
            if (close_paren &&
                sscanf(close_paren + 1, " %c %d", &state, &pp) == 2 &&
                pp == ppid && state != 'Z')
                pids[n++] = (pid_t)atoi(e->d_name);
        }
        fclose(f);
    }
    if (d)
        closedir(d);
    return n;
}

static void
sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Issue 12 item 8: a sweep's workers stop when the parent is SIGKILLed,
 * even in the middle of a long point, instead of computing on. */
START_TEST(test_regress_12_sweep_workers_die_with_parent)
{
#ifndef __linux__
    return; /* the test reads /proc and adopts orphans (Linux only) */
#else
    /* Orphans are reparented to this process, which can then reap them
     * and tell when they have all ended. */
    ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/k.db", dir);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        execl(test_bin(), test_bin(), "sweep", TOPO, WL, "--requests",
              "500000000", "--vary", CAP "=1GiB,2GiB", "--jobs", "2", "--db",
              db, (char *)NULL);
        _exit(127);
    }
    /* Wait for both workers to start (at most 10 s). */
    pid_t workers[8];
    size_t n = 0;
    for (int i = 0; i < 200 && n < 2; i++) {
        sleep_ms(50);
        n = children_of(pid, workers, 8);
    }
    ck_assert_uint_eq(n, 2);
    sleep_ms(300); /* into the points' runs */
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    /* The workers must end within 5 s (a point takes minutes). */
    size_t reaped = 0;
    for (int i = 0; i < 100 && reaped < n; i++) {
        pid_t w;
        while ((w = waitpid(-1, NULL, WNOHANG)) > 0)
            reaped++;
        if (reaped < n)
            sleep_ms(50);
    }
    size_t left = n - reaped;
    if (left > 0)
        kill(-pid, SIGKILL); /* the workers are in pid's process group */
    while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
        ;
    prctl(PR_SET_CHILD_SUBREAPER, 0);
    ck_assert_msg(left == 0, "%zu sweep workers outlived their parent", left);
    free(db);
    test_rmtree(dir);
    free(dir);
#endif
}
END_TEST

Suite *
sweep_suite(void)
{
    Suite *s = suite_create("sweep");
    TCase *tc = tcase_create("plan");
    tcase_add_test(tc, test_sweep_plan_lists);
    tcase_add_test(tc, test_sweep_plan_ranges);
    tcase_add_test(tc, test_sweep_plan_errors);
    tcase_add_test(tc, test_regress_12_vary_integer_ranges);
    tcase_add_test(tc, test_sweep_plan_vary_with);
    tcase_add_test(tc, test_sweep_plan_wildcards);
    suite_add_tcase(s, tc);
    tc = tcase_create("run");
    tcase_set_timeout(tc, test_sanitized() ? 600 : 60);
    tcase_add_test(tc, test_sweep_run_point_warnings);
    tcase_add_test(tc, test_regress_12_sweep_table_escapes);
    tcase_add_test(tc, test_sweep_cli_wildcards_and_links);
    tcase_add_test(tc, test_sweep_vary_policy_params);
    tcase_add_test(tc, test_sweep_sha256_vectors);
    tcase_add_test(tc, test_sweep_provenance);
    tcase_add_test(tc, test_sweep_trace_provenance);
    tcase_add_test(tc, test_sweep_report_links);
    tcase_add_test(tc, test_regress_12_sweep_workers_die_with_parent);
    suite_add_tcase(s, tc);
    return s;
}
