/* check_engine.c: event ordering, ties and random streams. */
#include <math.h>
#include <stdlib.h>

#include "engine/engine.h"
#include "suites.h"
#include "util/hash.h"

START_TEST(test_engine_orders_by_time)
{
    struct sim_queue q;
    sim_queue_init(&q);
    /* A pseudo-random schedule of 20000 events must pop sorted. */
    uint64_t x = 12345;
    for (uint32_t i = 0; i < 20000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        sim_queue_push(&q, (sim_time)(x >> 40), 0, i, 0);
    }
    struct sim_event ev, prev = {0};
    size_t n = 0;
    while (sim_queue_pop(&q, &ev)) {
        if (n > 0) {
            ck_assert(ev.at > prev.at ||
                      (ev.at == prev.at && ev.seq > prev.seq));
        }
        prev = ev;
        n++;
    }
    ck_assert_uint_eq(n, 20000);
    sim_queue_fini(&q);
}
END_TEST

START_TEST(test_engine_ties_fire_in_schedule_order)
{
    struct sim_queue q;
    sim_queue_init(&q);
    /* Interleave three times; events at the same time keep their order. */
    for (uint32_t i = 0; i < 3000; i++)
        sim_queue_push(&q, (sim_time)(i % 3) * SIM_MS, 7, i, i * 10);
    struct sim_event ev;
    uint32_t last[3] = {0, 0, 0};
    int seen[3] = {0, 0, 0};
    sim_time t = -1;
    while (sim_queue_pop(&q, &ev)) {
        ck_assert(ev.at >= t);
        t = ev.at;
        uint32_t k = ev.target % 3;
        ck_assert_int_eq(ev.at, (sim_time)k * SIM_MS);
        if (seen[k])
            ck_assert_uint_gt(ev.target, last[k]);
        seen[k] = 1;
        last[k] = ev.target;
        ck_assert_uint_eq(ev.ref, (uint64_t)ev.target * 10);
        ck_assert_uint_eq(ev.kind, 7);
    }
    sim_queue_fini(&q);
}
END_TEST

START_TEST(test_engine_pop_empty_and_interleaved)
{
    struct sim_queue q;
    sim_queue_init(&q);
    struct sim_event ev;
    ck_assert_int_eq(sim_queue_pop(&q, &ev), 0);
    ck_assert_uint_eq(sim_queue_size(&q), 0);
    /* Scheduling while popping, as a run does: always the earliest. */
    sim_queue_push(&q, 100, 0, 0, 0);
    sim_queue_push(&q, 50, 0, 1, 0);
    ck_assert_int_eq(sim_queue_pop(&q, &ev), 1);
    ck_assert_uint_eq(ev.target, 1);
    sim_queue_push(&q, 60, 0, 2, 0);
    sim_queue_push(&q, 100, 0, 3, 0);
    ck_assert_int_eq(sim_queue_pop(&q, &ev), 1);
    ck_assert_uint_eq(ev.target, 2);
    ck_assert_int_eq(sim_queue_pop(&q, &ev), 1);
    ck_assert_uint_eq(ev.target, 0);
    ck_assert_int_eq(sim_queue_pop(&q, &ev), 1);
    ck_assert_uint_eq(ev.target, 3);
    ck_assert_int_eq(sim_queue_pop(&q, &ev), 0);
    sim_queue_fini(&q);
}
END_TEST

/*
 * Channels change nothing but speed: a random mix of loose events and
 * events on monotone channels pops in exactly the (time, seq) order of a
 * single heap holding all of them; so too with an express channel (loop
 * 1: the channel of zero delay, whose events tie with the ones popping;
 * loop 2: one of delay 21).
 */
START_TEST(test_engine_channels_keep_global_order)
{
    struct sim_queue mixed, plain;
    sim_queue_init(&mixed);
    sim_queue_init(&plain);
    uint32_t ch[5];
    for (int i = 0; i < 5; i++)
        ch[i] = sim_queue_channel(&mixed);
    if (_i > 0)
        sim_queue_set_express(&mixed, ch[_i == 1 ? 0 : 3]);
    sim_time now = 0;
    uint64_t x = 7;
    uint32_t id = 0;
    struct sim_event a, b;
    for (int step = 0; step < 50000; step++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned r = (unsigned)(x >> 59);
        if (r < 20) {
            /* Schedule: constant per-channel delays, or a loose event. */
            int c = (int)(r % 6);
            sim_time at =
                c < 5 ? now + (sim_time)c * 7 : now + (sim_time)(r * 3);
            if (c < 5)
                sim_queue_push_channel(&mixed, ch[c], at, 1, id, 0);
            else
                sim_queue_push(&mixed, at, 1, id, 0);
            sim_queue_push(&plain, at, 1, id, 0);
            id++;
        } else if (sim_queue_size(&plain) > 0) {
            ck_assert_int_eq(sim_queue_pop(&mixed, &a), 1);
            ck_assert_int_eq(sim_queue_pop(&plain, &b), 1);
            ck_assert_int_eq(a.at, b.at);
            ck_assert_uint_eq(a.target, b.target);
            now = a.at;
        }
        ck_assert_uint_eq(sim_queue_size(&mixed), sim_queue_size(&plain));
    }
    while (sim_queue_pop(&plain, &b)) {
        ck_assert_int_eq(sim_queue_pop(&mixed, &a), 1);
        ck_assert_uint_eq(a.target, b.target);
    }
    ck_assert_int_eq(sim_queue_pop(&mixed, &a), 0);
    sim_queue_fini(&mixed);
    sim_queue_fini(&plain);
}
END_TEST

START_TEST(test_engine_rng_streams)
{
    gsl_rng *a = sim_rng_new(1, SIM_RNG_ID(SIM_RNG_ARRIVAL, 0));
    gsl_rng *b = sim_rng_new(1, SIM_RNG_ID(SIM_RNG_ARRIVAL, 0));
    gsl_rng *c = sim_rng_new(1, SIM_RNG_ID(SIM_RNG_ARRIVAL, 1));
    gsl_rng *d = sim_rng_new(2, SIM_RNG_ID(SIM_RNG_ARRIVAL, 0));
    int same_c = 1, same_d = 1;
    for (int i = 0; i < 100; i++) {
        unsigned long x = gsl_rng_get(a);
        ck_assert_uint_eq(x, gsl_rng_get(b));
        same_c &= x == gsl_rng_get(c);
        same_d &= x == gsl_rng_get(d);
    }
    ck_assert(!same_c);
    ck_assert(!same_d);
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(c);
    gsl_rng_free(d);
}
END_TEST

/*
 * cdnsim's own MT19937 gives GSL's gsl_rng_mt19937's numbers for the same
 * seed (seeds 0 and above 2^32 too), through GSL's interface and through
 * the inline draws, across several refills of the block; uniform_int
 * takes the same draws as GSL's for small and large n.
 */
START_TEST(test_engine_rng_is_gsl_mt19937)
{
    static const unsigned long seeds[] = {0, 1, 4357, 0xdeadbeefUL,
                                          0x123456789abcdefUL};
    static const uint32_t ns[] = {1, 2, 3, 1000, 0x80000001u, 0xfffffffeu};
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        gsl_rng *want = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng *got = sim_rng_new(1, 1);
        gsl_rng_set(want, seeds[i]);
        gsl_rng_set(got, seeds[i]);
        for (int d = 0; d < 3000; d++) {
            switch (d % 5) {
            case 0:
                ck_assert_uint_eq(gsl_rng_get(want), gsl_rng_get(got));
                break;
            case 1:
                ck_assert_uint_eq(gsl_rng_get(want), sim_rng_get(got));
                break;
            case 2:
                ck_assert(gsl_rng_uniform(want) == sim_rng_uniform(got));
                break;
            case 3:
                ck_assert(gsl_rng_uniform_pos(want) ==
                          gsl_rng_uniform_pos(got));
                break;
            default: {
                uint32_t n = ns[(size_t)d / 5 % (sizeof ns / sizeof ns[0])];
                ck_assert_uint_eq(gsl_rng_uniform_int(want, n),
                                  sim_rng_uniform_int(got, n));
            }
            }
        }
        gsl_rng_free(want);
        gsl_rng_free(got);
    }
    /* sim_rng_new's seeding is GSL's with the mixed seed. */
    gsl_rng *want = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng *got = sim_rng_new(7, SIM_RNG_ID(SIM_RNG_POPULARITY, 2));
    gsl_rng_set(want, (unsigned long)hash_combine(
                          7, SIM_RNG_ID(SIM_RNG_POPULARITY, 2)));
    for (int d = 0; d < 1000; d++)
        ck_assert_uint_eq(gsl_rng_get(want), sim_rng_get(got));
    gsl_rng_free(want);
    gsl_rng_free(got);
}
END_TEST

/* sim_round_ns is llround: halves, the neighbours of halves, around 2^52
 * and 2^53, up to 2^63, negatives, and random durations. */
START_TEST(test_engine_round_ns_is_llround)
{
    static const double special[] = {0.0,
                                     -0.0,
                                     0.5,
                                     1.5,
                                     2.5,
                                     0.49999999999999994,
                                     4503599627370495.5,
                                     4503599627370496.0,
                                     9007199254740993.0,
                                     9.2233720368547748e18,
                                     -0.5,
                                     -2.5,
                                     -1e6};
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) {
        double x = special[i];
        ck_assert_int_eq(sim_round_ns(x), llround(x));
        ck_assert_int_eq(sim_round_ns(nextafter(x, 0)),
                         llround(nextafter(x, 0)));
        ck_assert_int_eq(sim_round_ns(nextafter(x, 1e300)),
                         llround(nextafter(x, 1e300)));
    }
    gsl_rng *r = sim_rng_new(3, 3);
    for (int i = 0; i < 200000; i++) {
        double x = ldexp(sim_rng_uniform(r), (int)sim_rng_uniform_int(r, 63));
        ck_assert_int_eq(sim_round_ns(x), llround(x));
        double h = floor(x) + 0.5;
        ck_assert_int_eq(sim_round_ns(h), llround(h));
    }
    gsl_rng_free(r);
}
END_TEST

Suite *
engine_suite(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("queue");
    tcase_add_test(tc, test_engine_orders_by_time);
    tcase_add_test(tc, test_engine_ties_fire_in_schedule_order);
    tcase_add_test(tc, test_engine_pop_empty_and_interleaved);
    tcase_add_loop_test(tc, test_engine_channels_keep_global_order, 0, 3);
    suite_add_tcase(s, tc);
    tc = tcase_create("rng");
    tcase_add_test(tc, test_engine_rng_streams);
    tcase_add_test(tc, test_engine_rng_is_gsl_mt19937);
    tcase_add_test(tc, test_engine_round_ns_is_llround);
    suite_add_tcase(s, tc);
    return s;
}
