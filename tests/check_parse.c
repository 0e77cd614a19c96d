/* check_parse.c: sizes, durations and numbers. */
#include <stdint.h>

#include "suites.h"
#include "util/err.h"
#include "util/parse.h"

START_TEST(test_parse_sizes)
{
    static const struct {
        const char *text;
        uint64_t bytes;
    } ok[] = {
        {"512", 512},
        {"0", 0},
        {"64KiB", 65536},
        {"10MB", 10000000},
        {"2GiB", 2147483648ULL},
        {"1TB", 1000000000000ULL},
        {"1.5KiB", 1536},
        {"3B", 3},
        {"1TiB", 1099511627776ULL},
        {"20KB", 20000},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        uint64_t v = 7;
        ck_assert_int_eq(parse_size(ok[i].text, &v), 0);
        ck_assert_uint_eq(v, ok[i].bytes);
    }
    static const char *const bad[] = {
        "",     "10 gigs", "-1", "GiB", "1.5",
        "12XB", "1e3",     " 5", "5 ",  "99999999999999999999999",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t v;
        ck_assert_msg(parse_size(bad[i], &v) == -SIM_EBADVAL, "accepted %s",
                      bad[i]);
    }
}
END_TEST

/* Issue 12 (found by make fuzz): sizes of 2^63 bytes and more came out as
 * 2^63, llround's failure value. */
START_TEST(test_regress_12_size_above_2_63)
{
    uint64_t v = 0;
    ck_assert_int_eq(parse_size("10000000TiB", &v), 0);
    ck_assert_uint_eq(v, 10995116277760000000ULL);
    ck_assert_int_eq(parse_size("9.5EB", &v), -SIM_EBADVAL);
    ck_assert_int_eq(parse_size("16777216TiB", &v), -SIM_EBADVAL);
    ck_assert_int_eq(parse_size("16777215TiB", &v), 0);
    ck_assert_uint_eq(v, 16777215ULL * 1099511627776ULL);
}
END_TEST

START_TEST(test_parse_durations)
{
    static const struct {
        const char *text;
        int64_t ns;
    } ok[] = {
        {"250us", 250000},       {"40ms", 40000000},
        {"2s", 2000000000},      {"5m", 300000000000LL},
        {"1h", 3600000000000LL}, {"7d", 604800000000000LL},
        {"1.5s", 1500000000},    {"10ns", 10},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int64_t v = 0;
        ck_assert_int_eq(parse_duration(ok[i].text, &v), 0);
        ck_assert_int_eq(v, ok[i].ns);
    }
    static const char *const bad[] = {"",   "5", "5 s",    "-1s",
                                      "1y", "s", "1e9999s"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t v;
        ck_assert_msg(parse_duration(bad[i], &v) == -SIM_EBADVAL, "accepted %s",
                      bad[i]);
    }
}
END_TEST

START_TEST(test_parse_numbers)
{
    uint64_t u;
    double d;
    int b;
    ck_assert_int_eq(parse_u64("1000000", &u), 0);
    ck_assert_uint_eq(u, 1000000);
    ck_assert_int_eq(parse_u64("-1", &u), -SIM_EBADVAL);
    ck_assert_int_eq(parse_u64("1.0", &u), -SIM_EBADVAL);
    ck_assert_int_eq(parse_u64("18446744073709551616", &u), -SIM_EBADVAL);
    ck_assert_int_eq(parse_double("0.8", &d), 0);
    ck_assert_double_eq(d, 0.8);
    ck_assert_int_eq(parse_double("nan", &d), -SIM_EBADVAL);
    ck_assert_int_eq(parse_double("1x", &d), -SIM_EBADVAL);
    ck_assert_int_eq(parse_bool("yes", &b), 0);
    ck_assert_int_eq(b, 1);
    ck_assert_int_eq(parse_bool("maybe", &b), -SIM_EBADVAL);
}
END_TEST

Suite *
parse_suite(void)
{
    Suite *s = suite_create("parse");
    TCase *tc = tcase_create("units");
    tcase_add_test(tc, test_parse_sizes);
    tcase_add_test(tc, test_regress_12_size_above_2_63);
    tcase_add_test(tc, test_parse_durations);
    tcase_add_test(tc, test_parse_numbers);
    suite_add_tcase(s, tc);
    return s;
}
