/* check_util.c: the small utilities every module shares: array growth,
 * growing strings, JSON string escaping and UTC timestamps. */
#define _XOPEN_SOURCE 700 /* fmemopen, open_memstream */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "util/json_escape.h"
#include "util/strbuf.h"
#include "util/utc.h"
#include "util/xalloc.h"

START_TEST(test_util_xgrow_doubles)
{
    uint32_t *a = NULL;
    size_t cap = 0, n = 0;
    a = xgrow(a, &cap, 1, sizeof *a, 16);
    ck_assert_uint_eq(cap, 16);
    for (uint32_t i = 0; i < 1000; i++) {
        a = xgrow(a, &cap, n + 1, sizeof *a, 16);
        a[n++] = i;
    }
    ck_assert_uint_eq(cap, 1024); /* 16 doubled six times */
    for (uint32_t i = 0; i < 1000; i++)
        ck_assert_uint_eq(a[i], i);
    /* Room already there: the same array, the same capacity. */
    uint32_t *same = xgrow(a, &cap, 1024, sizeof *a, 16);
    ck_assert_ptr_eq(same, a);
    ck_assert_uint_eq(cap, 1024);
    /* A need far past the capacity doubles as often as it takes. */
    a = xgrow(a, &cap, 5000, sizeof *a, 16);
    ck_assert_uint_eq(cap, 8192);
    ck_assert_uint_eq(a[999], 999);
    free(a);
}
END_TEST

START_TEST(test_util_strbuf)
{
    struct strbuf b = {0};
    ck_assert_str_eq(strbuf_str(&b), "");
    strbuf_put(&b, "abc");
    strbuf_putn(&b, "defgh", 2);
    strbuf_printf(&b, "-%d-%s", 42, "x");
    ck_assert_str_eq(strbuf_str(&b), "abcde-42-x");
    ck_assert_uint_eq(b.n, 10);
    /* Long enough to grow several times. */
    for (int i = 0; i < 1000; i++)
        strbuf_printf(&b, "%04d", i);
    ck_assert_uint_eq(b.n, 4010);
    ck_assert_uint_eq(strlen(b.s), 4010);
    ck_assert(memcmp(b.s + 4006, "0999", 4) == 0);
    char *s = strbuf_take(&b);
    ck_assert_ptr_null(b.s);
    ck_assert_uint_eq(b.n, 0);
    ck_assert_uint_eq(strlen(s), 4010);
    free(s);
    s = strbuf_take(&b);
    ck_assert_str_eq(s, "");
    free(s);
    strbuf_put_json(&b, "a\"b");
    ck_assert_str_eq(strbuf_str(&b), "\"a\\\"b\"");
    strbuf_fini(&b);
    strbuf_fini(&b); /* twice is harmless */
}
END_TEST

/* The expected JSON text for byte c, by the rule in json_escape.h. */
static void
expected_escape(unsigned c, char *out)
{
    switch (c) {
    case '"':
        strcpy(out, "\\\"");
        return;
    case '\\':
        strcpy(out, "\\\\");
        return;
    case '\b':
        strcpy(out, "\\b");
        return;
    case '\f':
        strcpy(out, "\\f");
        return;
    case '\n':
        strcpy(out, "\\n");
        return;
    case '\r':
        strcpy(out, "\\r");
        return;
    case '\t':
        strcpy(out, "\\t");
        return;
    default:
        break;
    }
    if (c < 0x20 || c == 0x7f)
        snprintf(out, 8, "\\u%04x", c);
    else
        out[0] = (char)c, out[1] = '\0';
}

START_TEST(test_util_json_escape_every_byte)
{
    for (unsigned c = 1; c < 256; c++) {
        char got[JSON_ESCAPE_MAX + 1], want[8];
        size_t n = json_escape_char((unsigned char)c, got);
        ck_assert_uint_le(n, JSON_ESCAPE_MAX);
        got[n] = '\0';
        expected_escape(c, want);
        ck_assert_msg(strcmp(got, want) == 0, "byte 0x%02x: \"%s\", not \"%s\"",
                      c, got, want);
    }
    /* The FILE writer and the string buffer agree. */
    const char *text = "tab\there \"q\" \\ del\x7f nl\n \x01 é";
    const char *want = "\"tab\\there \\\"q\\\" \\\\ del\\u007f nl\\n "
                       "\\u0001 é\"";
    char *mem = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mem, &len);
    ck_assert_ptr_nonnull(f);
    json_fputs(f, text);
    fclose(f);
    ck_assert_str_eq(mem, want);
    free(mem);
    struct strbuf b = {0};
    strbuf_put_json(&b, text);
    ck_assert_str_eq(strbuf_str(&b), want);
    strbuf_fini(&b);
}
END_TEST

START_TEST(test_util_utc)
{
    char buf[UTC_TEXT_LEN];
    ck_assert_str_eq(utc_format(0, buf), "1970-01-01T00:00:00Z");
    ck_assert_str_eq(utc_format(1796457899, buf), "2026-12-05T08:04:59Z");
    ck_assert_uint_eq(strlen(utc_now(buf)), UTC_TEXT_LEN - 1);
    ck_assert(buf[4] == '-' && buf[10] == 'T' && buf[19] == 'Z');
}
END_TEST

Suite *
util_suite(void)
{
    Suite *s = suite_create("util");
    TCase *tc = tcase_create("util");
    tcase_add_test(tc, test_util_xgrow_doubles);
    tcase_add_test(tc, test_util_strbuf);
    tcase_add_test(tc, test_util_json_escape_every_byte);
    tcase_add_test(tc, test_util_utc);
    suite_add_tcase(s, tc);
    return s;
}
