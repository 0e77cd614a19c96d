/* check_hardening.c: hostile input and failing outputs (issues 11 and 12):
 * no file name or stored name runs gnuplot commands, error messages
 * escape control bytes, write errors fail the command, output files
 * appear whole or not at all, and outputs are checked before a run. */
#define _XOPEN_SOURCE 700 /* symlink, lstat */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "util/escape.h"
#include "util/xalloc.h"

#define TOPO "topologies/global.yaml"
#define WL "workloads/zipf.yaml"

/* ---- Issue 12.9: control bytes in error messages ------------------------- */

START_TEST(test_regress_12_escape_keeps_text_and_escapes_controls)
{
    char buf[64];
    /* Printable ASCII and UTF-8 pass; C0, DEL, C1 and bad bytes do not. */
    esc_term(buf, sizeof buf, "z\xc3\xbcrich", 7);
    ck_assert_str_eq(buf, "z\xc3\xbcrich");
    esc_term(buf, sizeof buf, "a\x1b[31mb\n\x7f", 9);
    ck_assert_str_eq(buf, "a\\x1b[31mb\\x0a\\x7f");
    esc_term(buf, sizeof buf, "\xc2\x9b" "2J", 4); /* U+009B, CSI */
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
    ck_assert_int_eq(test_cdnsim(NULL, &err, "replay", trace, "--format",
                                 "csv", "--policy", "lru", "--capacity",
                                 "1MiB", NULL),
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

Suite *
hardening_suite(void)
{
    Suite *s = suite_create("hardening");
    TCase *tc = tcase_create("messages");
    tcase_set_timeout(tc, test_sanitized() ? 600 : 60);
    tcase_add_test(tc, test_regress_12_escape_keeps_text_and_escapes_controls);
    tcase_add_test(tc, test_regress_12_trace_errors_escape_control_bytes);
    suite_add_tcase(s, tc);
    return s;
}
