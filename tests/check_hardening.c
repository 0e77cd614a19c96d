/* check_hardening.c: hostile input and failing outputs (issues 11 and 12):
 * no file name or stored name runs gnuplot commands, error messages
 * escape control bytes, write errors fail the command, output files
 * appear whole or not at all, and outputs are checked before a run. */
#define _XOPEN_SOURCE 700 /* symlink, lstat, kill */
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include "suites.h"
#include "util/escape.h"
#include "util/outfile.h"
#include "util/xalloc.h"

#define TOPO "topologies/global.yaml"
#define WL "workloads/zipf.yaml"

static int
exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* How many entries of dir have names starting with prefix? */
static int
count_entries(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

/* A small run of the default scenario into dir/r.db; returns the path. */
static char *
small_db(const char *dir, const char *topo)
{
    char *db = xasprintf("%s/r.db", dir);
    char *err = NULL;
    int rc = test_cdnsim(NULL, &err, "run", topo, WL, "--requests", "4000",
                         "--set", "warmup=400", "--db", db, "--quiet", NULL);
    ck_assert_msg(rc == 0, "run failed: %s", err);
    free(err);
    return db;
}

static void
exec_sql(const char *db, const char *sql)
{
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_msg(sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK, "%s: %s",
                  sql, sqlite3_errmsg(h));
    sqlite3_close(h);
}

/* ---- Issue 12.1: nothing reaches a gnuplot script as code ---------------- */

/* An --out path with a newline used to end the script's first comment
 * line, and the next line ran as gnuplot: system() made a file. */
START_TEST(test_regress_12_report_out_newline_runs_nothing)
{
    char *dir = test_tmpdir();
    char *db = small_db(dir, TOPO);
    char *marker = xasprintf("%s/pwned", dir);
    char *out = xasprintf("%s/o\nsystem(\"touch %s\")\n#", dir, marker);
    char *err = NULL;
    int rc =
        test_cdnsim(NULL, &err, "report", db, "--out", out, "--quiet", NULL);
    ck_assert_int_eq(rc, 1);
    ck_assert_msg(!exists(marker), "gnuplot ran a command from --out");
    ck_assert_ptr_nonnull(strstr(err, "--out"));
    ck_assert_ptr_nonnull(strstr(err, "control character"));
    /* The path is quoted with its newline escaped, on one line. */
    ck_assert_ptr_nonnull(strstr(err, "/o\\x0asystem("));
    ck_assert_ptr_eq(strchr(err, '\n'), err + strlen(err) - 1);
    free(err), free(out), free(marker), free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* Names come from the database, which may be anyone's: a node name with
 * line ends and gnuplot commands stays a string in the scripts. */
START_TEST(test_regress_12_report_names_run_nothing)
{
    char *dir = test_tmpdir();
    char *db = small_db(dir, TOPO);
    char *marker = xasprintf("%s/pwned", dir);
    char *sql = xasprintf(
        "UPDATE node_metrics SET node = 'edge''x' || char(10) ||"
        " 'system(\"touch %s\")' || char(13) || 'print 1' WHERE node ="
        " 'edge-fra';"
        "UPDATE region_metrics SET region = 'eu' || char(10) ||"
        " 'system(\"touch %s\")' WHERE region = 'eu';"
        "UPDATE latency_histogram SET region = 'eu' || char(10) ||"
        " 'system(\"touch %s\")' WHERE region = 'eu';",
        marker, marker, marker);
    exec_sql(db, sql);
    char *out = xasprintf("%s/out", dir);
    char *err = NULL;
    int rc =
        test_cdnsim(NULL, &err, "report", db, "--out", out, "--quiet", NULL);
    ck_assert_msg(rc == 0, "report failed: %s", err);
    ck_assert_msg(!exists(marker), "gnuplot ran a command from a name");
    char *gp_path = xasprintf("%s/data/hit-ratio.gp", out);
    char *gp = test_read_file(gp_path);
    /* The name is one quoted string: quote doubled, line ends blanked. */
    char *want =
        xasprintf("= 'edge''x system(\"touch %s\") print 1'\n", marker);
    ck_assert_msg(strstr(gp, want) != NULL, "%s", gp);
    free(want), free(gp), free(gp_path);
    free(err), free(out), free(sql), free(marker), free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* ---- Issue 12.11: names in plot data files ------------------------------- */

/* A name holding a double quote, a single quote or starting with '#'
 * keeps its row and column in the data file, and is drawn exactly. */
START_TEST(test_regress_12_plot_data_quotes_names)
{
    char *dir = test_tmpdir();
    char *topo_text = test_read_file(TOPO);
    /* Rename edge-fra and edge-iad everywhere they appear. */
    struct {
        const char *from, *to;
    } renames[] = {{"edge-fra", "'ed\"ge''s'"}, {"edge-iad", "'#iad'"}};
    for (size_t r = 0; r < 2; r++) {
        char *p;
        while ((p = strstr(topo_text, renames[r].from)) != NULL) {
            char *t = xasprintf("%.*s%s%s", (int)(p - topo_text), topo_text,
                                renames[r].to, p + strlen(renames[r].from));
            free(topo_text);
            topo_text = t;
        }
    }
    char *topo = test_write_file(dir, "odd-names.yaml", topo_text);
    ck_assert_ptr_nonnull(topo);
    char *db = small_db(dir, topo);
    char *out = xasprintf("%s/out", dir);
    char *err = NULL;
    int rc =
        test_cdnsim(NULL, &err, "report", db, "--out", out, "--quiet", NULL);
    ck_assert_msg(rc == 0, "report failed: %s", err);
    char *dat_path = xasprintf("%s/data/hit-ratio.dat", out);
    char *dat = test_read_file(dat_path);
    /* Every row but the header has three columns; no row became a
     * comment. */
    int rows = 0;
    for (char *line = strtok(dat, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        rows++;
        int tabs = 0;
        for (char *c = line; *c; c++)
            tabs += *c == '\t';
        ck_assert_msg(tabs == 2, "row \"%s\"", line);
    }
    ck_assert_int_eq(rows, 7); /* 5 caching nodes, 2 tiers */
    free(dat);
    dat = test_read_file(dat_path);
    ck_assert_ptr_nonnull(strstr(dat, "\n\"ed'ge's\"\t"));
    ck_assert_ptr_nonnull(strstr(dat, "\n\"#iad\"\t"));
    char *gp_path = xasprintf("%s/data/hit-ratio.gp", out);
    char *gp = test_read_file(gp_path);
    ck_assert_msg(strstr(gp, "labels[1] = 'ed\"ge''s'\n") != NULL, "%s", gp);
    ck_assert_ptr_nonnull(strstr(gp, "labels[2] = '#iad'\n"));
    free(gp), free(gp_path), free(dat), free(dat_path);
    free(err), free(out), free(db), free(topo), free(topo_text);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* ---- Issue 12.9: control bytes in error messages ------------------------- */

START_TEST(test_regress_12_escape_keeps_text_and_escapes_controls)
{
    char buf[64];
    /* Printable ASCII and UTF-8 pass; C0, DEL, C1 and bad bytes do not. */
    esc_term(buf, sizeof buf, "z\xc3\xbcrich", 7);
    ck_assert_str_eq(buf, "z\xc3\xbcrich");
    esc_term(buf, sizeof buf, "a\x1b[31mb\n\x7f", 9);
    ck_assert_str_eq(buf, "a\\x1b[31mb\\x0a\\x7f");
    esc_term(buf, sizeof buf,
             "\xc2\x9b"
             "2J",
             4); /* U+009B, CSI */
    ck_assert_str_eq(buf, "\\xc2\\x9b2J");
    esc_term(buf, sizeof buf, "\x9b\xff\xc3", 3);
    ck_assert_str_eq(buf, "\\x9b\\xff\\xc3");
    esc_term(buf, sizeof buf, "\xc0\xaf", 2); /* overlong '/' */
    ck_assert_str_eq(buf, "\\xc0\\xaf");
    /* Cut at a whole escape or character, never inside one. */
    esc_term(buf, 6, "ab\x1b", 3);
    ck_assert_str_eq(buf, "ab");
    esc_term(buf, 4, "ab\xc3\xbc", 4);
    ck_assert_str_eq(buf, "ab");
    char *d = esc_term_dup("\x1b\x1b");
    ck_assert_str_eq(d, "\\x1b\\x1b");
    free(d);
    ck_assert_uint_eq(esc_find_control("abc"), 0);
    ck_assert_uint_eq(esc_find_control("ab\tc"), 3);
}
END_TEST

/* A trace field with terminal escape sequences is quoted escaped, by
 * every command that reads it. */
START_TEST(test_regress_12_trace_errors_escape_control_bytes)
{
    char *dir = test_tmpdir();
    char *trace = test_write_file(dir, "esc.csv",
                                  "time,id,size\n1,2,3\n"
                                  "2,3,\x1b[31mred\x1b]0;title\x07\n");
    char *err = NULL;
    ck_assert_int_eq(test_cdnsim(NULL, &err, "trace", "stats", trace,
                                 "--format", "csv", NULL),
                     3);
    ck_assert_msg(strchr(err, 0x1b) == NULL && strchr(err, 0x07) == NULL,
                  "raw control bytes in: %s", err);
    ck_assert_ptr_nonnull(strstr(err, "\\x1b[31mred\\x1b]0;title\\x07"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "replay", trace, "--format", "csv",
                                 "--policy", "lru", "--capacity", "1MiB", NULL),
                     3);
    ck_assert_msg(strchr(err, 0x1b) == NULL, "raw ESC in: %s", err);
    ck_assert_ptr_nonnull(strstr(err, "\\x1b[31mred"));
    free(err);
    /* A command-line value (--set) and an unknown command, too. */
    ck_assert_int_eq(test_cdnsim(NULL, &err, "run", TOPO, WL, "--set",
                                 "catalog.ttl=\x1b[2J", NULL),
                     3);
    ck_assert_msg(strchr(err, 0x1b) == NULL, "raw ESC in: %s", err);
    ck_assert_ptr_nonnull(strstr(err, "\\x1b[2J"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "\x1b[2J", NULL), 2);
    ck_assert_msg(strchr(err, 0x1b) == NULL, "raw ESC in: %s", err);
    free(err);
    free(trace);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* ---- Issue 12.6: write errors on stdout ---------------------------------- */

/* Runs cdnsim with stdout on /dev/full; returns the exit status and sets
 * *err to its stderr. */
static int
to_dev_full(char **err, const char *const *args)
{
    const char *argv[40];
    size_t n = 0;
    argv[n++] = "sh";
    argv[n++] = "-c";
    argv[n++] = "exec \"$0\" \"$@\" >/dev/full";
    argv[n++] = test_bin();
    for (; *args && n < 39; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    return test_run(argv, NULL, err);
}

START_TEST(test_regress_12_stdout_write_errors_fail)
{
    if (access("/dev/full", W_OK) != 0)
        return; /* no /dev/full on this system */
    char *dir = test_tmpdir();
    char *trace_path = xasprintf("%s/t.csv", dir);
    char *err = NULL;
    ck_assert_int_eq(test_cdnsim(NULL, &err, "trace", "gen",
                                 "tests/data/minimal-workload.yaml", "--out",
                                 trace_path, "--format", "csv", NULL),
                     0);
    free(err);
    char *db = small_db(dir, TOPO);
    char *sweep_db = xasprintf("%s/sweep.db", dir);
    char *csv_dir = xasprintf("%s/csv", dir);
    char *report_dir = xasprintf("%s/report", dir);
    const char *const cmds[][16] = {
        {"policies", NULL},
        {"--version", NULL},
        {"run", "--help", NULL},
        {"validate", TOPO, WL, NULL},
        {"run", TOPO, WL, "--requests", "2000", "--set", "warmup=200", NULL},
        {"run", TOPO, WL, "--requests", "2000", "--set", "warmup=200", "--json",
         "-", NULL},
        {"replay", trace_path, "--format", "csv", "--policy", "lru",
         "--capacity", "1MiB", NULL},
        {"trace", "stats", trace_path, "--format", "csv", NULL},
        {"sweep", TOPO, WL, "--vary", "nodes.edge-fra.cache.policy=lru,fifo",
         "--db", sweep_db, "--dry-run", NULL},
        {"export", db, "--csv", csv_dir, NULL},
        {"report", db, "--out", report_dir, NULL},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        int rc = to_dev_full(&err, cmds[i]);
        ck_assert_msg(rc == 1, "%s: exit %d, stderr %s", cmds[i][0], rc, err);
        ck_assert_msg(strstr(err, "standard output") != NULL, "%s: %s",
                      cmds[i][0], err);
        free(err);
    }
    free(report_dir), free(csv_dir), free(sweep_db), free(db);
    free(trace_path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* ---- Issue 12.7: outputs whole or not at all ----------------------------- */

/* Runs cdnsim with a file size limit of limit_kib KiB (writes past it
 * fail with EFBIG), capturing stderr. */
static int
with_file_limit(char **err, int limit_kib, const char *const *args)
{
    char *script =
        xasprintf("trap '' XFSZ; ulimit -f %d; exec \"$0\" \"$@\"", limit_kib);
    const char *argv[40];
    size_t n = 0;
    argv[n++] = "sh";
    argv[n++] = "-c";
    argv[n++] = script;
    argv[n++] = test_bin();
    for (; *args && n < 39; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    int rc = test_run(argv, NULL, err);
    free(script);
    return rc;
}

START_TEST(test_regress_12_failed_outputs_leave_old_files)
{
    char *dir = test_tmpdir();
    char *json = test_write_file(dir, "r.json", "old\n");
    char *trace = test_write_file(dir, "t.csv", "old\n");
    char *err = NULL;
    /* The JSON of a run is tens of KiB: past a 4 KiB limit it fails. */
    const char *const run[] = {"run",  TOPO,      WL,           "--requests",
                               "2000", "--set",   "warmup=200", "--json",
                               json,   "--quiet", NULL};
    int rc = with_file_limit(&err, 4, run);
    ck_assert_msg(rc == 1, "exit %d: %s", rc, err);
    ck_assert_ptr_nonnull(strstr(err, json));
    free(err);
    char *text = test_read_file(json);
    ck_assert_str_eq(text, "old\n");
    free(text);
    const char *const gen[] = {"trace", "gen",         "workloads/zipf.yaml",
                               "--out", trace,         "--format",
                               "csv",   "--requests",  "20000",
                               "--set", "warmup=2000", NULL};
    rc = with_file_limit(&err, 4, gen);
    ck_assert_msg(rc == 1, "exit %d: %s", rc, err);
    free(err);
    text = test_read_file(trace);
    ck_assert_str_eq(text, "old\n");
    free(text);
    /* No temporary file stays behind. */
    ck_assert_int_eq(count_entries(dir, "r.json.tmp"), 0);
    ck_assert_int_eq(count_entries(dir, "t.csv.tmp"), 0);
    /* Without the limit both are replaced whole. */
    ck_assert_int_eq(test_cdnsim_argv(NULL, NULL, run), 0);
    text = test_read_file(json);
    ck_assert_int_eq(text[0], '{');
    ck_assert_str_eq(text + strlen(text) - 2, "}\n");
    free(text);
    ck_assert_int_eq(test_cdnsim_argv(NULL, NULL, gen), 0);
    text = test_read_file(trace);
    ck_assert_ptr_nonnull(strstr(text, "time,id,size"));
    free(text);
    ck_assert_int_eq(count_entries(dir, "r.json.tmp"), 0);
    ck_assert_int_eq(count_entries(dir, "t.csv.tmp"), 0);
    free(trace), free(json);
    test_rmtree(dir);
    free(dir);
}
END_TEST

static void
sleep_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* Ctrl-C during trace gen leaves the old file and no temporary. */
START_TEST(test_regress_12_interrupted_trace_gen_leaves_old_file)
{
    char *dir = test_tmpdir();
    char *trace = test_write_file(dir, "big.csv", "old\n");
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int nul = open("/dev/null", O_RDWR);
        dup2(nul, 1);
        dup2(nul, 2);
        execl(test_bin(), test_bin(), "trace", "gen", "workloads/zipf.yaml",
              "--out", trace, "--format", "csv", "--requests", "5000000",
              (char *)NULL);
        _exit(127);
    }
    /* Interrupt once the temporary file exists (writing has begun). */
    for (int i = 0; i < 2000 && count_entries(dir, "big.csv.tmp") == 0; i++)
        sleep_ms(5);
    ck_assert_int_eq(count_entries(dir, "big.csv.tmp"), 1);
    sleep_ms(50);
    kill(pid, SIGINT);
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %d",
                  status);
    char *text = test_read_file(trace);
    ck_assert_str_eq(text, "old\n");
    free(text);
    ck_assert_int_eq(count_entries(dir, "big.csv.tmp"), 0);
    free(trace);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_outfile_commit_and_abort)
{
    char *dir = test_tmpdir();
    char *path = test_write_file(dir, "f.txt", "old\n");
    struct sim_err err = {0};
    struct outfile o;
    ck_assert_int_eq(outfile_open(&o, path, 0, &err), 0);
    fputs("new\n", o.f);
    outfile_abort(&o);
    char *text = test_read_file(path);
    ck_assert_str_eq(text, "old\n");
    free(text);
    ck_assert_int_eq(outfile_open(&o, path, 0, &err), 0);
    fputs("new\n", o.f);
    ck_assert_int_eq(outfile_commit(&o, &err), 0);
    text = test_read_file(path);
    ck_assert_str_eq(text, "new\n");
    free(text);
    ck_assert_int_eq(count_entries(dir, "f.txt.tmp"), 0);
    /* A directory, or a directory that is not there, fails at open. */
    ck_assert_int_eq(outfile_open(&o, dir, 0, &err), -SIM_EIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "directory"));
    char *missing = xasprintf("%s/no/such/file", dir);
    ck_assert_int_eq(outfile_open(&o, missing, 0, &err), -SIM_EIO);
    ck_assert_str_eq(err.file, missing);
    /* A link to a file stays a link: the file it names is replaced. */
    char *link = xasprintf("%s/link.txt", dir);
    ck_assert_int_eq(symlink("f.txt", link), 0);
    ck_assert_int_eq(outfile_open(&o, link, 0, &err), 0);
    fputs("newer\n", o.f);
    ck_assert_int_eq(outfile_commit(&o, &err), 0);
    struct stat sb;
    ck_assert_int_eq(lstat(link, &sb), 0);
    ck_assert(S_ISLNK(sb.st_mode));
    text = test_read_file(path);
    ck_assert_str_eq(text, "newer\n");
    free(text);
    /* A device is written in place, never renamed over. */
    int is_direct = 0;
    char *target = outfile_resolve("/dev/null", &is_direct);
    ck_assert_int_eq(is_direct, 1);
    free(target);
    target = outfile_resolve(path, &is_direct);
    ck_assert_int_eq(is_direct, 0);
    ck_assert_str_eq(target, path);
    free(target);
    free(link), free(missing), free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* ---- Issue 12.10: trace gen keeps every tag ------------------------------ */

START_TEST(test_regress_12_trace_gen_keeps_every_tag)
{
    char *dir = test_tmpdir();
    /* 31 tags of 47 bytes each (1,487 bytes joined) and a long class
     * name: the fixed 512-byte buffer kept 10 and cut the 11th. */
    char tags[2048] = "";
    for (int i = 0; i < 31; i++) {
        char t[64];
        snprintf(t, sizeof t, "%stag-%02d-%040d", i ? ", " : "", i, 0);
        strcat(tags, t);
    }
    char class_name[301];
    memset(class_name, 'c', 300);
    class_name[300] = '\0';
    char *yaml = xasprintf(
        "name: many-tags\nseed: 1\nrequests: 50\narrival: {rate: 100}\n"
        "catalog:\n  ttl: 1m\n  classes:\n"
        "    - {name: %s, share: 1, objects: 10, zipf_alpha: 0.8,\n"
        "       size: {dist: fixed, bytes: 1KiB}, tags: [%s]}\n",
        class_name, tags);
    char *wl = test_write_file(dir, "tags.yaml", yaml);
    char *out = xasprintf("%s/t.csv", dir);
    char *err = NULL;
    ck_assert_int_eq(test_cdnsim(NULL, &err, "trace", "gen", wl, "--out", out,
                                 "--format", "csv", NULL),
                     0);
    free(err);
    char *csv = test_read_file(out);
    char *line = strchr(csv, '\n') + 1; /* the first record */
    char *eol = strchr(line, '\n');
    *eol = '\0';
    for (int i = 0; i < 31; i++) {
        char t[64];
        snprintf(t, sizeof t, "%stag-%02d-%040d%s", i ? "|" : ",", i, 0,
                 i == 30 ? "," : "|");
        ck_assert_msg(strstr(line, t) != NULL, "tag %d missing: %s", i, line);
    }
    free(csv), free(out), free(wl), free(yaml);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* A tag holding a separator of the trace's tags field could be purged in
 * a synthetic run but never in its generated trace: refused. */
START_TEST(test_regress_12_tags_with_separators_are_refused)
{
    char *dir = test_tmpdir();
    char *wl = test_write_file(
        dir, "bad-tag.yaml",
        "name: bad-tag\nrequests: 100\narrival: {rate: 10}\ncatalog:\n"
        "  ttl: 1m\n  classes:\n"
        "    - {name: a, share: 1, objects: 10, zipf_alpha: 0,\n"
        "       size: {dist: fixed, bytes: 1KiB}, tags: [ok, \"two "
        "words\"]}\n");
    char *err = NULL;
    ck_assert_int_eq(test_cdnsim(NULL, &err, "validate",
                                 "tests/data/two-tier.yaml", wl, NULL),
                     3);
    ck_assert_msg(strstr(err, ":8:") != NULL &&
                      strstr(err, "catalog.classes[0].tags: tag \"two "
                                  "words\" holds a blank") != NULL,
                  "%s", err);
    free(err), free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* A purge by prefix of a class whose name is longer than the 256-byte
 * buffer the synthetic key was built in purged nothing. */
START_TEST(test_regress_12_prefix_purge_of_long_class_name)
{
    char *dir = test_tmpdir();
    char class_name[301];
    memset(class_name, 'c', 300);
    class_name[300] = '\0';
    char *yaml =
        xasprintf("name: long-prefix\nseed: 1\nrequests: 3000\nwarmup: 0\n"
                  "arrival: {rate: 100}\ncatalog:\n  ttl: 1h\n  classes:\n"
                  "    - {name: %s, share: 1, objects: 20, zipf_alpha: 0.8,\n"
                  "       size: {dist: fixed, bytes: 1KiB}}\n"
                  "events:\n  - {at: 10s, purge: {prefix: /%s/}}\n",
                  class_name, class_name);
    char *wl = test_write_file(dir, "long-prefix.yaml", yaml);
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(test_cdnsim(&out, &err, "run", "tests/data/two-tier.yaml",
                                 wl, "--json", "-", NULL),
                     0);
    /* The edge tier comes first; by 10 s all 20 objects were requested. */
    const char *p = strstr(out, "\"purged\": ");
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(strtol(p + strlen("\"purged\": "), NULL, 10), 20);
    free(out), free(err), free(wl), free(yaml);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* ---- Issue 11: outputs checked before running ---------------------------- */

START_TEST(test_regress_11_outputs_checked_before_running)
{
    char *out = NULL, *err = NULL;
    /* --explain would print on stdout at once if the run started. */
    const char *bad[][2] = {{"--json", "/nonexistent-dir/x.json"},
                            {"--db", "/nonexistent-dir/x.db"}};
    for (size_t i = 0; i < 2; i++) {
        int rc = test_cdnsim(&out, &err, "run", TOPO, WL, "--requests", "20000",
                             "--set", "warmup=2000", "--explain", "1",
                             bad[i][0], bad[i][1], NULL);
        ck_assert_msg(rc == 1, "%s: exit %d", bad[i][0], rc);
        ck_assert_msg(strstr(err, bad[i][1]) != NULL, "%s", err);
        ck_assert_msg(out[0] == '\0', "the run started: %s", out);
        free(out), free(err);
    }
    /* A file that is not a database is refused before running too. */
    char *dir = test_tmpdir();
    char *junk = test_write_file(dir, "junk.db", "not a database\n");
    ck_assert_int_eq(test_cdnsim(&out, &err, "run", TOPO, WL, "--requests",
                                 "20000", "--set", "warmup=2000", "--explain",
                                 "1", "--db", junk, NULL),
                     1);
    ck_assert_msg(out[0] == '\0', "the run started: %s", out);
    ck_assert_ptr_nonnull(strstr(err, junk));
    free(out), free(err), free(junk);
    /* The check creates a new database; a run that then fails on a bad
     * trace record removes it again rather than leave it empty. */
    char *wl = test_write_file(dir, "bad-trace.yaml",
                               "name: bad\ntrace: {path: bad.csv, format: "
                               "csv}\ncatalog: {ttl: 5m}\n");
    char *bad_trace =
        test_write_file(dir, "bad.csv", "time,id,size\n1,1,10\n2,2,1x\n");
    char *new_db = xasprintf("%s/new.db", dir);
    ck_assert_int_eq(test_cdnsim(&out, &err, "run", "tests/data/two-tier.yaml",
                                 wl, "--db", new_db, "--quiet", NULL),
                     3);
    ck_assert_msg(access(new_db, F_OK) != 0, "empty %s left", new_db);
    free(out), free(err), free(new_db), free(bad_trace), free(wl);
    /* replay and trace stats check --json first as well. */
    ck_assert_int_eq(test_cdnsim(&out, &err, "trace", "stats",
                                 "tests/data/webcachesim-test.tr", "--format",
                                 "webcachesim", "--json",
                                 "/nonexistent-dir/s.json", NULL),
                     1);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent-dir/s.json"));
    free(out), free(err);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* ---- Issue 11: --json - with --explain, the warm-up hint ----------------- */

START_TEST(test_regress_11_json_stdout_with_explain_is_pure_json)
{
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(test_cdnsim(&out, &err, "run", TOPO, WL, "--requests",
                                 "2000", "--set", "warmup=200", "--json", "-",
                                 "--explain", "3", NULL),
                     0);
    ck_assert_int_eq(out[0], '{');
    ck_assert_str_eq(out + strlen(out) - 2, "}\n");
    ck_assert_ptr_null(strstr(out, "reaches"));
    ck_assert_ptr_nonnull(strstr(err, "request 201: object"));
    ck_assert_ptr_nonnull(strstr(err, "reaches"));
    free(out), free(err);
}
END_TEST

START_TEST(test_regress_11_requests_below_warmup_suggests_fix)
{
    char *err = NULL;
    ck_assert_int_eq(
        test_cdnsim(NULL, &err, "run", TOPO, WL, "--requests", "1000", NULL),
        3);
    ck_assert_msg(strstr(err, "add --set warmup=M with M below 1000 (such as "
                              "--set warmup=100)") != NULL,
                  "%s", err);
    ck_assert_ptr_nonnull(strstr(err, "workloads/zipf.yaml:6:"));
    free(err);
}
END_TEST

Suite *
hardening_suite(void)
{
    Suite *s = suite_create("hardening");
    TCase *tc = tcase_create("report");
    tcase_set_timeout(tc, test_sanitized() ? 600 : 60);
    tcase_add_test(tc, test_regress_12_report_out_newline_runs_nothing);
    tcase_add_test(tc, test_regress_12_report_names_run_nothing);
    tcase_add_test(tc, test_regress_12_plot_data_quotes_names);
    suite_add_tcase(s, tc);
    tc = tcase_create("messages");
    tcase_set_timeout(tc, test_sanitized() ? 600 : 60);
    tcase_add_test(tc, test_regress_12_escape_keeps_text_and_escapes_controls);
    tcase_add_test(tc, test_regress_12_trace_errors_escape_control_bytes);
    tcase_add_test(tc, test_regress_11_requests_below_warmup_suggests_fix);
    suite_add_tcase(s, tc);
    tc = tcase_create("outputs");
    tcase_set_timeout(tc, test_sanitized() ? 600 : 60);
    tcase_add_test(tc, test_regress_12_stdout_write_errors_fail);
    tcase_add_test(tc, test_regress_12_failed_outputs_leave_old_files);
    tcase_add_test(tc, test_outfile_commit_and_abort);
    tcase_add_test(tc, test_regress_12_interrupted_trace_gen_leaves_old_file);
    tcase_add_test(tc, test_regress_12_trace_gen_keeps_every_tag);
    tcase_add_test(tc, test_regress_12_prefix_purge_of_long_class_name);
    tcase_add_test(tc, test_regress_12_tags_with_separators_are_refused);
    tcase_add_test(tc, test_regress_11_outputs_checked_before_running);
    tcase_add_test(tc, test_regress_11_json_stdout_with_explain_is_pure_json);
    suite_add_tcase(s, tc);
    return s;
}
