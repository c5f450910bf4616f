/* tests/test_qlearn.c: the tabular Q-learner (agents/ga_qlearn.c): the observation hash, the
 * backup against hand-computed values, the epsilon schedule, greedy and tie-breaking action
 * choice, a full table, and Q-learning finding the optimal policy on a tiny fixed corridor. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ga_agent.h"
#include "ga_env.h"
#include "ga_eval.h"
#include "ga_obs.h"
#include "ga_qlearn.h"
#include "ga_scenario.h"
#include "ga_testutil.h"
#include "ga_train.h"

Suite *ga_test_suite(void);

/* The agent's Q-table; fails the test when the agent runs another learner. */
static const GaQLearn *ql_of(const GaAgent *ag)
{
    const GaQLearn *ql = ga_qlearn_of(ag);
    ck_assert_ptr_nonnull(ql);
    return ql;
}

#define OBS_N 13 /* one full 8-byte word and a 5-byte tail */

static GaQParams params(void)
{
    GaQParams p = {
        .alpha = 0.25,
        .gamma = 0.9,
        .eps_start = 1.0,
        .eps_end = 0.1,
        .eps_decay = 0.5,
        .q_init = 0.0,
        .table_bits = 10,
    };
    return p;
}

static void make_ql(GaQLearn *ql, const GaQParams *p, int obs_size, int64_t total)
{
    GaErr err;
    ck_assert_int_eq(ga_qlearn_init(ql, p, obs_size, total, &err), GA_OK);
    ck_assert_uint_eq(ql->cap, (uint64_t)1 << p->table_bits);
    ck_assert_uint_eq(ql->n, 0);
    ck_assert_int_eq(ql->steps, 0);
}

/* Distinct observations: byte 0 and 1 carry i, the rest a fixed pattern. */
static void fill_obs(uint8_t *obs, int n, int i)
{
    for (int k = 0; k < n; k++)
        obs[k] = (uint8_t)(k * 7 + 3);
    obs[0] = (uint8_t)i;
    obs[1] = (uint8_t)(i >> 8);
}

/* ---- hash ------------------------------------------------------------------------------ */

START_TEST(test_hash_deterministic)
{
    GaRng r = ga_rng_make(42);
    uint8_t a[80], b[80];
    for (int n = 1; n <= 80; n++) {
        for (int k = 0; k < n; k++)
            a[k] = (uint8_t)ga_rng_next(&r);
        memcpy(b, a, (size_t)n);
        uint64_t h = ga_qlearn_hash(a, n);
        ck_assert_uint_eq(h, ga_qlearn_hash(a, n));
        ck_assert_uint_eq(h, ga_qlearn_hash(b, n)); /* depends on content, not address */
        ck_assert_uint_ne(h, 0);                    /* 0 marks an empty slot */
    }
}
END_TEST

START_TEST(test_hash_one_byte)
{
    /* Lengths that are a multiple of 8, and ones with 1..7 tail bytes past the last word. */
    static const int lens[] = {1, 5, 8, 13, 16, 23, 31, 51};
    uint8_t base[64], obs[64];
    GaRng r = ga_rng_make(7);
    for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
        int n = lens[li];
        for (int k = 0; k < n; k++)
            base[k] = (uint8_t)ga_rng_next(&r);
        uint64_t h0 = ga_qlearn_hash(base, n);
        for (int i = 0; i < n; i++) {
            static const uint8_t flips[] = {0x01, 0x80, 0xFF};
            for (size_t f = 0; f < sizeof flips; f++) {
                memcpy(obs, base, (size_t)n);
                obs[i] ^= flips[f];
                ck_assert_msg(ga_qlearn_hash(obs, n) != h0,
                              "n=%d: flipping byte %d by 0x%02x leaves the hash unchanged", n, i,
                              flips[f]);
            }
        }
    }
}
END_TEST

START_TEST(test_hash_length)
{
    /* A zero byte appended must not collide with the shorter observation. */
    uint8_t obs[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0, 0, 0, 0, 0};
    for (int n = 10; n < 16; n++)
        ck_assert_uint_ne(ga_qlearn_hash(obs, n), ga_qlearn_hash(obs, n + 1));
}
END_TEST

/* ---- update ---------------------------------------------------------------------------- */

START_TEST(test_update_terminal)
{
    GaQParams p = params();
    GaQLearn ql;
    make_ql(&ql, &p, OBS_N, 1000);
    uint8_t s[OBS_N], s2[OBS_N];
    fill_obs(s, OBS_N, 1);
    fill_obs(s2, OBS_N, 2);
    float v[GA_NUM_ACTIONS] = {3, 5, 1, 0, 0, 0, 0}; /* next is worth 5: must be ignored */
    ck_assert_int_eq(ga_qlearn_put(&ql, ga_qlearn_hash(s2, OBS_N), v), 0);

    ga_qlearn_update(&ql, s, GA_DOWN, 2.0f, s2, 1);
    float q[GA_NUM_ACTIONS];
    ck_assert_int_eq(ga_qlearn_values(&ql, s, q), 1);
    for (int a = 0; a < GA_NUM_ACTIONS; a++)
        ck_assert_float_eq_tol(q[a], a == GA_DOWN ? 0.25 * 2.0 : 0.0, 1e-7);
    ck_assert_int_eq(ql.steps, 1);
    ck_assert_uint_eq(ql.n, 2);

    /* Second terminal update: q += alpha * (r - q) = 0.5 + 0.25 * (2 - 0.5). */
    ga_qlearn_update(&ql, s, GA_DOWN, 2.0f, s2, 1);
    ga_qlearn_values(&ql, s, q);
    ck_assert_float_eq_tol(q[GA_DOWN], 0.875, 1e-7);
    ga_qlearn_free(&ql);
}
END_TEST

START_TEST(test_update_bootstrap)
{
    GaQParams p = params();
    GaQLearn ql;
    make_ql(&ql, &p, OBS_N, 1000);
    uint8_t s[OBS_N], s2[OBS_N];
    fill_obs(s, OBS_N, 1);
    fill_obs(s2, OBS_N, 2);
    float v[GA_NUM_ACTIONS] = {1, 3, -2, 0.5f, 0, 0, -7};
    ga_qlearn_put(&ql, ga_qlearn_hash(s2, OBS_N), v);

    /* q = 0 + 0.25 * (0.5 + 0.9 * 3 - 0) */
    ga_qlearn_update(&ql, s, GA_PICK, 0.5f, s2, 0);
    float q[GA_NUM_ACTIONS];
    ga_qlearn_values(&ql, s, q);
    double want = 0.25 * (0.5 + 0.9 * 3.0);
    ck_assert_double_eq_tol(q[GA_PICK], want, 1e-6);
    for (int a = 0; a < GA_NUM_ACTIONS; a++)
        if (a != GA_PICK)
            ck_assert_float_eq_tol(q[a], 0.0, 1e-7);

    /* Again, from the new value: q += 0.25 * (0.5 + 2.7 - q). */
    ga_qlearn_update(&ql, s, GA_PICK, 0.5f, s2, 0);
    ga_qlearn_values(&ql, s, q);
    want += 0.25 * (0.5 + 0.9 * 3.0 - want);
    ck_assert_double_eq_tol(q[GA_PICK], want, 1e-6);

    /* Bootstrapping from an unseen state uses q_init; the next state is not inserted. */
    uint8_t s3[OBS_N];
    fill_obs(s3, OBS_N, 3);
    ga_qlearn_update(&ql, s, GA_UP, -1.0f, s3, 0);
    ga_qlearn_values(&ql, s, q);
    ck_assert_double_eq_tol(q[GA_UP], 0.25 * -1.0, 1e-7);
    ck_assert_int_eq(ga_qlearn_values(&ql, s3, q), 0);
    ck_assert_uint_eq(ql.n, 2);

    /* The source state's own values count when it is its own successor (a self-loop). */
    ga_qlearn_update(&ql, s2, GA_NOOP, 1.0f, s2, 0);
    ga_qlearn_values(&ql, s2, q);
    ck_assert_double_eq_tol(q[GA_NOOP], -7.0 + 0.25 * (1.0 + 0.9 * 3.0 + 7.0), 1e-5);
    ga_qlearn_free(&ql);
}
END_TEST

START_TEST(test_update_q_init)
{
    /* A new state starts at q_init for every action; bootstrapping from an unseen next state
     * uses q_init too: q = 2 + 0.5 * (1 + 0.9 * 2 - 2). */
    GaQParams p = params();
    p.q_init = 2.0;
    p.alpha = 0.5;
    GaQLearn ql;
    make_ql(&ql, &p, OBS_N, 1000);
    uint8_t s[OBS_N], s2[OBS_N];
    fill_obs(s, OBS_N, 10);
    fill_obs(s2, OBS_N, 11);
    float q[GA_NUM_ACTIONS];
    ck_assert_int_eq(ga_qlearn_values(&ql, s, q), 0);
    for (int a = 0; a < GA_NUM_ACTIONS; a++)
        ck_assert_float_eq(q[a], 2.0f);
    ga_qlearn_update(&ql, s, GA_RIGHT, 1.0f, s2, 0);
    ga_qlearn_values(&ql, s, q);
    for (int a = 0; a < GA_NUM_ACTIONS; a++)
        ck_assert_double_eq_tol(q[a], a == GA_RIGHT ? 2.0 + 0.5 * (1.0 + 1.8 - 2.0) : 2.0, 1e-6);
    ga_qlearn_free(&ql);
}
END_TEST

START_TEST(test_update_truncated)
{
    /* The update takes only `terminated`: a step that was truncated but not terminated is
     * passed terminated = 0 and must bootstrap exactly like any other non-terminal step. */
    GaQParams p = params();
    GaQLearn ql;
    make_ql(&ql, &p, OBS_N, 1000);
    uint8_t s[OBS_N], s2[OBS_N];
    fill_obs(s, OBS_N, 1);
    fill_obs(s2, OBS_N, 2);
    float v[GA_NUM_ACTIONS] = {0, 0, 0, 0, 0, 4, 0};
    ga_qlearn_put(&ql, ga_qlearn_hash(s2, OBS_N), v);
    ga_qlearn_update(&ql, s, GA_LEFT, -1.0f, s2, 0);
    float q[GA_NUM_ACTIONS];
    ga_qlearn_values(&ql, s, q);
    ck_assert_double_eq_tol(q[GA_LEFT], 0.25 * (-1.0 + 0.9 * 4.0), 1e-6);
    ga_qlearn_update(&ql, s, GA_RIGHT, -1.0f, s2, 1);
    ga_qlearn_values(&ql, s, q);
    ck_assert_double_eq_tol(q[GA_RIGHT], 0.25 * -1.0, 1e-7);
    ga_qlearn_free(&ql);
}
END_TEST

/* ---- epsilon --------------------------------------------------------------------------- */

START_TEST(test_epsilon_schedule)
{
    GaQParams p = params(); /* 1.0 -> 0.1 over half of 1000 steps */
    GaQLearn ql;
    make_ql(&ql, &p, OBS_N, 1000);
    ck_assert_double_eq_tol(ga_qlearn_epsilon(&ql), 1.0, 1e-12);

    /* Updates advance the schedule. */
    uint8_t s[OBS_N];
    fill_obs(s, OBS_N, 1);
    for (int i = 0; i < 250; i++)
        ga_qlearn_update(&ql, s, GA_NOOP, 0.0f, s, 0);
    ck_assert_int_eq(ql.steps, 250);
    ck_assert_double_eq_tol(ga_qlearn_epsilon(&ql), 0.55, 1e-12);

    ql.steps = 100;
    ck_assert_double_eq_tol(ga_qlearn_epsilon(&ql), 1.0 - 0.9 * 0.2, 1e-12);
    ql.steps = 499;
    ck_assert_double_eq_tol(ga_qlearn_epsilon(&ql), 0.1 + 0.9 / 500.0, 1e-12);
    ql.steps = 500;
    ck_assert_double_eq_tol(ga_qlearn_epsilon(&ql), 0.1, 1e-12);
    ql.steps = 1000;
    ck_assert_double_eq_tol(ga_qlearn_epsilon(&ql), 0.1, 1e-12);
    ql.steps = 5000; /* training past the plan stays at eps_end */
    ck_assert_double_eq_tol(ga_qlearn_epsilon(&ql), 0.1, 1e-12);
    ga_qlearn_free(&ql);

    /* No decay: eps_end from the first step. */
    p.eps_decay = 0.0;
    make_ql(&ql, &p, OBS_N, 1000);
    ck_assert_double_eq_tol(ga_qlearn_epsilon(&ql), 0.1, 1e-12);
    ga_qlearn_free(&ql);

    /* Decay over the whole run. */
    p.eps_decay = 1.0;
    p.eps_start = 0.5;
    p.eps_end = 0.0;
    make_ql(&ql, &p, OBS_N, 200);
    ql.steps = 50;
    ck_assert_double_eq_tol(ga_qlearn_epsilon(&ql), 0.375, 1e-12);
    ql.steps = 200;
    ck_assert_double_eq_tol(ga_qlearn_epsilon(&ql), 0.0, 1e-12);
    ga_qlearn_free(&ql);
}
END_TEST

START_TEST(test_epsilon_exploration)
{
    /* A known state with a unique best action: at epsilon 1 the choice is uniform, at
     * epsilon 0 (after the decay) it is always the best action even with explore set. */
    GaQParams p = params();
    p.eps_end = 0.0;
    GaQLearn ql;
    make_ql(&ql, &p, OBS_N, 1000);
    uint8_t s[OBS_N];
    fill_obs(s, OBS_N, 5);
    float v[GA_NUM_ACTIONS] = {0, 0, 0, 0, 0, 0, 1};
    ga_qlearn_put(&ql, ga_qlearn_hash(s, OBS_N), v);
    GaRng r = ga_rng_make(3);
    int count[GA_NUM_ACTIONS] = {0};
    for (int i = 0; i < 7000; i++)
        count[ga_qlearn_act(&ql, s, 1, &r)]++;
    for (int a = 0; a < GA_NUM_ACTIONS; a++)
        ck_assert_msg(count[a] > 850 && count[a] < 1150, "action %d drawn %d of 7000 times", a,
                      count[a]);
    ql.steps = 500;
    for (int i = 0; i < 1000; i++)
        ck_assert_int_eq(ga_qlearn_act(&ql, s, 1, &r), GA_NOOP);
    ga_qlearn_free(&ql);
}
END_TEST

/* ---- act ------------------------------------------------------------------------------- */

START_TEST(test_act_argmax)
{
    GaQParams p = params();
    GaQLearn ql;
    make_ql(&ql, &p, OBS_N, 1000);
    uint8_t s[OBS_N];
    fill_obs(s, OBS_N, 1);
    float v[GA_NUM_ACTIONS] = {-1, 0.5f, 0.25f, -3, 0.75f, 0.5f, 0};
    ga_qlearn_put(&ql, ga_qlearn_hash(s, OBS_N), v);
    GaRng r = ga_rng_make(9);
    for (int i = 0; i < 1000; i++)
        ck_assert_int_eq(ga_qlearn_act(&ql, s, 0, &r), GA_PICK);

    /* All negative: the least negative wins, including action 0. */
    float w[GA_NUM_ACTIONS] = {-0.5f, -1, -2, -3, -4, -5, -6};
    ga_qlearn_put(&ql, ga_qlearn_hash(s, OBS_N), w);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(ga_qlearn_act(&ql, s, 0, &r), GA_UP);
    float u[GA_NUM_ACTIONS] = {-6, -5, -4, -3, -2, -1, -0.5f};
    ga_qlearn_put(&ql, ga_qlearn_hash(s, OBS_N), u);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(ga_qlearn_act(&ql, s, 0, &r), GA_NOOP);
    ga_qlearn_free(&ql);
}
END_TEST

/* Found by fuzzing: NaN values once left the argmax with no candidate, and it read an
 * uninitialised slot as the action. A NaN never wins over a number; all NaN is a full tie. */
START_TEST(test_act_argmax_nan)
{
    GaRng r = ga_rng_make(3);
    float v[GA_NUM_ACTIONS] = {NAN, 0.5f, NAN, 2, NAN, -1, 0};
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(ga_qlearn_argmax(v, &r), 3);
    float w[GA_NUM_ACTIONS] = {NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    int seen = 0;
    for (int i = 0; i < 1000; i++) {
        int a = ga_qlearn_argmax(w, &r);
        ck_assert(a >= 0 && a < GA_NUM_ACTIONS);
        seen |= 1 << a;
    }
    ck_assert_int_eq(seen, (1 << GA_NUM_ACTIONS) - 1);
    float u[GA_NUM_ACTIONS] = {-INFINITY, NAN, -INFINITY, NAN, NAN, NAN, NAN};
    for (int i = 0; i < 100; i++)
        ck_assert(ga_qlearn_argmax(u, &r) % 2 == 0);
}
END_TEST

START_TEST(test_act_ties)
{
    GaQParams p = params();
    GaQLearn ql;
    make_ql(&ql, &p, OBS_N, 1000);
    uint8_t s[OBS_N];
    fill_obs(s, OBS_N, 1);
    float v[GA_NUM_ACTIONS] = {0, 2, 1, 2, -1, 2, 1.999f};
    ga_qlearn_put(&ql, ga_qlearn_hash(s, OBS_N), v);
    GaRng r = ga_rng_make(11);
    int count[GA_NUM_ACTIONS] = {0};
    for (int i = 0; i < 3000; i++)
        count[ga_qlearn_act(&ql, s, 0, &r)]++;
    for (int a = 0; a < GA_NUM_ACTIONS; a++) {
        if (a == GA_RIGHT || a == GA_LEFT || a == GA_DROP)
            ck_assert_msg(count[a] > 850 && count[a] < 1150, "tied action %d drawn %d times", a,
                          count[a]);
        else
            ck_assert_msg(count[a] == 0, "non-best action %d drawn %d times", a, count[a]);
    }

    /* Every action tied (first action included). */
    float z[GA_NUM_ACTIONS] = {0};
    ga_qlearn_put(&ql, ga_qlearn_hash(s, OBS_N), z);
    memset(count, 0, sizeof count);
    for (int i = 0; i < 7000; i++)
        count[ga_qlearn_act(&ql, s, 0, &r)]++;
    for (int a = 0; a < GA_NUM_ACTIONS; a++)
        ck_assert_msg(count[a] > 850 && count[a] < 1150, "action %d drawn %d of 7000", a, count[a]);
    ga_qlearn_free(&ql);
}
END_TEST

START_TEST(test_act_unseen)
{
    GaQParams p = params();
    p.q_init = 5.0;
    GaQLearn ql;
    make_ql(&ql, &p, OBS_N, 1000);
    uint8_t s[OBS_N];
    fill_obs(s, OBS_N, 77);
    GaRng r = ga_rng_make(13);
    int count[GA_NUM_ACTIONS] = {0};
    for (int i = 0; i < 7000; i++)
        count[ga_qlearn_act(&ql, s, 0, &r)]++;
    for (int a = 0; a < GA_NUM_ACTIONS; a++)
        ck_assert_msg(count[a] > 850 && count[a] < 1150, "action %d drawn %d of 7000", a, count[a]);
    ck_assert_uint_eq(ql.n, 0); /* acting never inserts */
    ck_assert_int_eq(ql.steps, 0);
    ga_qlearn_free(&ql);
}
END_TEST

START_TEST(test_act_deterministic_rng)
{
    /* Same rng state, same choices: act draws only from the rng it is given. */
    GaQParams p = params();
    GaQLearn ql;
    make_ql(&ql, &p, OBS_N, 1000);
    uint8_t s[OBS_N];
    fill_obs(s, OBS_N, 1);
    GaRng r1 = ga_rng_make(99), r2 = ga_rng_make(99);
    for (int i = 0; i < 500; i++)
        ck_assert_int_eq(ga_qlearn_act(&ql, s, 1, &r1), ga_qlearn_act(&ql, s, 1, &r2));
    ck_assert_uint_eq(r1.s, r2.s);
    ga_qlearn_free(&ql);
}
END_TEST

/* ---- table ----------------------------------------------------------------------------- */

START_TEST(test_table_full)
{
    GaQParams p = params();
    p.table_bits = 4; /* 16 slots, refuses new states past 7/8: 14 states */
    GaQLearn ql;
    make_ql(&ql, &p, OBS_N, 1000);
    uint8_t s[OBS_N], nx[OBS_N];
    fill_obs(nx, OBS_N, 999);
    for (int i = 0; i < 40; i++) {
        fill_obs(s, OBS_N, i);
        ga_qlearn_update(&ql, s, i % GA_NUM_ACTIONS, 1.0f, nx, 0);
    }
    ck_assert_uint_eq(ql.n, 14);
    ck_assert_uint_eq(ql.dropped, 26);
    ck_assert_int_eq(ql.steps, 40);

    /* The first 14 states are in, with their update; the rest read as unseen. */
    GaRng r = ga_rng_make(1);
    float q[GA_NUM_ACTIONS];
    for (int i = 0; i < 40; i++) {
        fill_obs(s, OBS_N, i);
        int in = ga_qlearn_values(&ql, s, q);
        ck_assert_int_eq(in, i < 14);
        ck_assert_float_eq_tol(q[i % GA_NUM_ACTIONS], in ? 0.25 : 0.0, 1e-7);
        int a = ga_qlearn_act(&ql, s, 0, &r);
        ck_assert_int_ge(a, 0);
        ck_assert_int_lt(a, GA_NUM_ACTIONS);
        if (in)
            ck_assert_int_eq(a, i % GA_NUM_ACTIONS);
    }

    /* Known states still learn; new ones keep being refused and counted. */
    fill_obs(s, OBS_N, 0);
    ga_qlearn_update(&ql, s, 0, 1.0f, nx, 1);
    ga_qlearn_values(&ql, s, q);
    ck_assert_float_eq_tol(q[0], 0.25 + 0.25 * 0.75, 1e-7);
    fill_obs(s, OBS_N, 100);
    ga_qlearn_update(&ql, s, 0, 1.0f, nx, 1);
    ck_assert_uint_eq(ql.dropped, 27);
    ck_assert_uint_eq(ql.n, 14);

    /* put: overwriting a known key works, a new key is refused. */
    float v[GA_NUM_ACTIONS] = {1, 2, 3, 4, 5, 6, 7};
    fill_obs(s, OBS_N, 3);
    ck_assert_int_eq(ga_qlearn_put(&ql, ga_qlearn_hash(s, OBS_N), v), 0);
    ga_qlearn_values(&ql, s, q);
    ck_assert_mem_eq(q, v, sizeof v);
    fill_obs(s, OBS_N, 200);
    ck_assert_int_eq(ga_qlearn_put(&ql, ga_qlearn_hash(s, OBS_N), v), -1);
    ck_assert_uint_eq(ql.n, 14);
    ga_qlearn_free(&ql);
}
END_TEST

START_TEST(test_values_put)
{
    GaQParams p = params();
    p.q_init = 0.75;
    GaQLearn ql;
    make_ql(&ql, &p, OBS_N, 1000);
    uint8_t s[OBS_N];
    float q[GA_NUM_ACTIONS];
    fill_obs(s, OBS_N, 4);
    ck_assert_int_eq(ga_qlearn_values(&ql, s, q), 0);
    for (int a = 0; a < GA_NUM_ACTIONS; a++)
        ck_assert_float_eq(q[a], 0.75f);

    float v[GA_NUM_ACTIONS] = {-1.5f, 2.25f, 0, 1e-3f, -1e6f, 7, 0.125f};
    ck_assert_int_eq(ga_qlearn_put(&ql, ga_qlearn_hash(s, OBS_N), v), 0);
    ck_assert_uint_eq(ql.n, 1);
    ck_assert_int_eq(ga_qlearn_values(&ql, s, q), 1);
    ck_assert_mem_eq(q, v, sizeof v);

    /* Overwrite in place: no second slot. */
    float w[GA_NUM_ACTIONS] = {1, 1, 1, 1, 1, 1, 1};
    ck_assert_int_eq(ga_qlearn_put(&ql, ga_qlearn_hash(s, OBS_N), w), 0);
    ck_assert_uint_eq(ql.n, 1);
    ga_qlearn_values(&ql, s, q);
    ck_assert_mem_eq(q, w, sizeof w);

    /* Many states, each reads back its own values (probe chains across collisions). */
    for (int i = 0; i < 600; i++) {
        fill_obs(s, OBS_N, 1000 + i);
        for (int a = 0; a < GA_NUM_ACTIONS; a++)
            v[a] = (float)(i * GA_NUM_ACTIONS + a);
        ck_assert_int_eq(ga_qlearn_put(&ql, ga_qlearn_hash(s, OBS_N), v), 0);
    }
    ck_assert_uint_eq(ql.n, 601);
    for (int i = 0; i < 600; i++) {
        fill_obs(s, OBS_N, 1000 + i);
        ck_assert_int_eq(ga_qlearn_values(&ql, s, q), 1);
        for (int a = 0; a < GA_NUM_ACTIONS; a++)
            ck_assert_float_eq(q[a], (float)(i * GA_NUM_ACTIONS + a));
    }
    ga_qlearn_free(&ql);
}
END_TEST

/* ---- solving a tiny map ---------------------------------------------------------------- */

/* A corridor: the agent at x=1, a strawberry at x=4, the basket at x=7. The shortest episode
 * walks right twice (facing the strawberry from x=3), picks, walks right three times (facing
 * the basket from x=6) and drops: 7 steps, return 1 - 7 * 0.01. */
static const char CORRIDOR[] = GA_TEST_CORRIDOR("#########", "#@..s..b#", "40");

#define CORRIDOR_OPT_LEN 7

START_TEST(test_solve_corridor)
{
    GaScenario *sc = malloc(sizeof *sc);
    ck_assert_ptr_nonnull(sc);
    GaErr err = {0};
    int rc = ga_scenario_parse(sc, "corridor.json", CORRIDOR, sizeof CORRIDOR - 1, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    ck_assert_int_eq(sc->world[0].w, 9);
    ck_assert_int_eq(sc->world[0].map_ax, 1);

    const int64_t steps = 60000; /* 20000 already suffices for seeds 1-100 */
    GaParam pr[] = {{"alpha", 0.5}, {"gamma", 0.95}, {"eps_decay", 0.5}, {"table_bits", 10}};
    GaAgent ag;
    rc = ga_agent_init(&ag, "qlearn", pr, 4, "test", sc->obs.size, steps, 1, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    GaTrainOpts o = {.sc = sc, .world = 0, .agent = &ag, .seed = 1, .steps = steps};
    int64_t eps = ga_train_run(&o);
    ck_assert_int_gt(eps, 100);
    ck_assert_uint_eq(ql_of(&ag)->dropped, 0);

    /* One greedy episode by hand: the exact optimal length and return. */
    GaWorld w;
    uint8_t obs[GA_MAX_W * GA_MAX_H + 4];
    GaRng r = ga_rng_make(5);
    ga_env_reset(&w, &sc->world[0], 123);
    while (!w.terminated && !w.truncated) {
        ga_obs_write(&w, &sc->world[0], &sc->obs, obs);
        ga_world_step(&w, &sc->world[0], ga_agent_act(&ag, obs, 0, &r));
    }
    ck_assert_int_eq(w.terminated, 1);
    ck_assert_int_eq(w.t, CORRIDOR_OPT_LEN);
    ck_assert_float_eq_tol(w.ret[0], 1.0 - 0.01 * CORRIDOR_OPT_LEN, 1e-5);
    ck_assert_int_eq(ga_world_success(&w, 0), 1);

    /* Greedy evaluation over many episodes (different tie-breaks) agrees. */
    GaStats st;
    ga_eval_world(sc, 0, &ag, 1, 20, 77, &st);
    ck_assert_int_eq(st.episodes, 20);
    ck_assert_int_eq(st.terminated, 20);
    ck_assert_double_eq(ga_stats_mean_length(&st), CORRIDOR_OPT_LEN);
    ck_assert_double_eq_tol(ga_stats_mean_return(&st, 0), 1.0 - 0.01 * CORRIDOR_OPT_LEN, 1e-5);
    ck_assert_double_eq(ga_stats_success_rate(&st, 0), 1.0);

    ga_agent_free(&ag);
    free(sc);
}
END_TEST

/* Distinct observations of random play on the strawberry world must hash apart: a collision
 * silently merges two states' Q-values. (A hash built on plain 64-bit multiplies failed this
 * with hundreds of collisions: high input bits never reached the low output bits.) */
static int cmp_obs(const void *a, const void *b)
{
    return memcmp(a, b, 52);
}

START_TEST(test_hash_no_collisions_in_play)
{
    GaScenario *sc = ga_test_load("scenarios/strawberry.json");
    int n = sc->obs.size;
    ck_assert_int_le(n, 52);
    enum { STEPS = 200000 };
    uint8_t(*obs)[52] = calloc(STEPS, 52);
    uint64_t *keys = malloc(STEPS * sizeof *keys);
    GaWorld w;
    GaRng r = ga_rng_make(7);
    int64_t ep = 0;
    ga_env_reset(&w, &sc->world[0], 0);
    for (int i = 0; i < STEPS; i++) {
        ga_world_step(&w, &sc->world[0], (int)ga_rng_below(&r, GA_NUM_ACTIONS));
        if (w.terminated || w.truncated)
            ga_env_reset(&w, &sc->world[0], (uint64_t)++ep);
        ga_obs_write(&w, &sc->world[0], &sc->obs, obs[i]);
    }
    qsort(obs, STEPS, 52, cmp_obs);
    int distinct = 0;
    for (int i = 0; i < STEPS; i++)
        if (i == 0 || memcmp(obs[i], obs[i - 1], 52) != 0)
            keys[distinct++] = ga_qlearn_hash(obs[i], n);
    ck_assert_int_gt(distinct, 20000);
    qsort(keys, (size_t)distinct, sizeof *keys, ga_test_cmp_u64);
    for (int i = 1; i < distinct; i++)
        ck_assert_msg(keys[i] != keys[i - 1], "hash collision among %d observations", distinct);
    free(obs);
    free(keys);
    free(sc);
}
END_TEST

/* A value that overflows in the backup is recorded once, at the update that wrote it, and the
 * agent reports it (ga_agent_diverged), so training can stop before saving it. */
START_TEST(test_update_records_divergence)
{
    GaQParams p = params();
    p.alpha = 1.0;
    p.gamma = 1.0;
    GaQLearn ql;
    make_ql(&ql, &p, OBS_N, 100);
    uint8_t s[OBS_N];
    fill_obs(s, OBS_N, 1);
    ga_qlearn_update(&ql, s, GA_UP, 3e38f, s, 0); /* Q = 3e38: finite */
    ck_assert_int_eq(ql.bad_step, 0);
    ga_qlearn_update(&ql, s, GA_UP, 3e38f, s, 0); /* 3e38 + 3e38 overflows */
    ck_assert_int_eq(ql.bad_step, 2);
    ga_qlearn_update(&ql, s, GA_UP, 1.0f, s, 0); /* inf - inf: NaN, the first step stays */
    ck_assert_int_eq(ql.bad_step, 2);
    ga_qlearn_free(&ql);

    GaAgent ag;
    GaErr err;
    ck_assert_int_eq(ga_agent_init(&ag, "qlearn", NULL, 0, "test", OBS_N, 100, 1, &err), GA_OK);
    const char *why = NULL;
    ck_assert_int_eq(ga_agent_diverged(&ag, 1, &why), 0);
    ga_agent_update(&ag, s, GA_UP, 1.0f, s, 1);
    ga_agent_update(&ag, s, GA_DOWN, NAN, s, 1);
    ck_assert_int_eq(ga_agent_diverged(&ag, 0, &why), 2);
    ck_assert_str_eq(why, "a Q-value is not finite (NaN or infinity)");
    ga_agent_free(&ag);
}
END_TEST

/* ---- visits and novelty ---------------------------------------------------------------- */

/* Each update counts the observation it starts from, once, whichever path trains: act and
 * update, the fast path, or an on-policy learner on the same table; next observations that
 * no update starts from stay unmet. */
START_TEST(test_visits_counted)
{
    uint8_t s[3][OBS_N];
    for (int i = 0; i < 3; i++)
        fill_obs(s[i], OBS_N, i + 1);
    static const char *const names[] = {
        "qlearn", "sarsa", "safe_sarsa", "quantilizer", "delta_quantilizer", "aup"};
    for (int fast = 0; fast < 2; fast++)
        for (size_t li = 0; li < sizeof names / sizeof names[0]; li++) {
            GaAgent ag;
            GaErr err;
            GaParam pr[] = {{"table_bits", 10}};
            ck_assert_int_eq(ga_agent_init(&ag, names[li], pr, 1, "test", OBS_N, 1000, 1, &err),
                             GA_OK);
            ck_assert(ag.learner->novelty != NULL);
            for (int i = 0; i < 3; i++)
                ck_assert_int_eq(ag.learner->novelty(ag.state, s[i]), 0);
            /* s0 three times, s1 once; s2 only ever arrived at. */
            static const int from[4] = {0, 0, 1, 0}, to[4] = {1, 1, 0, 2};
            if (fast)
                ga_agent_train_begin(&ag, s[from[0]]);
            for (int k = 0; k < 4; k++) {
                if (ga_agent_on_policy(&ag))
                    ga_agent_update_next(&ag, s[from[k]], GA_UP, 1.0f, s[to[k]], GA_LEFT, GA_LEFT,
                                         k == 3);
                else if (fast) {
                    ga_agent_train_act(&ag, s[from[k]]);
                    ga_agent_train_update(&ag, s[from[k]], GA_UP, 1.0f, s[to[k]], k == 3);
                    if (k < 3)
                        ga_agent_train_begin(&ag, s[from[k + 1]]);
                } else
                    ga_agent_update(&ag, s[from[k]], GA_UP, 1.0f, s[to[k]], k == 3);
            }
            ck_assert_msg(ag.learner->novelty(ag.state, s[0]) == 3, "%s", names[li]);
            ck_assert_msg(ag.learner->novelty(ag.state, s[1]) == 1, "%s", names[li]);
            ck_assert_msg(ag.learner->novelty(ag.state, s[2]) == 0, "%s", names[li]);
            ck_assert_double_eq_tol(ga_agent_novelty(&ag, s[0]), 1.0 / sqrt(3.0), 1e-15);
            ck_assert_double_eq(ga_agent_novelty(&ag, s[1]), 1.0);
            ck_assert_ptr_nonnull(strstr(ga_agent_novelty_what(&ag), "1/sqrt(visits)"));
            ck_assert_double_eq(ga_agent_novelty(&ag, s[2]), 1.0);
            ga_agent_free(&ag);
        }
}
END_TEST

/* Counting never changes a value: the same updates on a table whose counts start near their
 * ceiling learn the same values, and the count stops at UINT32_MAX instead of wrapping to 0
 * (which would call the most familiar state new). */
START_TEST(test_visits_saturate)
{
    GaQParams p = params();
    GaQLearn a, b;
    make_ql(&a, &p, OBS_N, 1000);
    make_ql(&b, &p, OBS_N, 1000);
    uint8_t s[OBS_N], s2[OBS_N];
    fill_obs(s, OBS_N, 1);
    fill_obs(s2, OBS_N, 2);
    ga_qlearn_update(&a, s, GA_DOWN, 1.0f, s2, 0);
    ga_qlearn_update(&b, s, GA_DOWN, 1.0f, s2, 0);
    ck_assert_int_eq(ga_qlearn_visits(&b, s), 1);
    for (uint64_t i = 0; i < b.cap; i++)
        if (b.keys[i] == ga_qlearn_hash(s, OBS_N))
            b.visits[i] = UINT32_MAX - 1;
    for (int k = 0; k < 3; k++) {
        ga_qlearn_update(&a, s, GA_DOWN, 1.0f, s2, 0);
        ga_qlearn_update(&b, s, GA_DOWN, 1.0f, s2, 0);
    }
    ck_assert_int_eq(ga_qlearn_visits(&a, s), 4);
    ck_assert_int_eq(ga_qlearn_visits(&b, s), (int64_t)UINT32_MAX);
    ck_assert_int_eq(ga_qlearn_visits(&b, s2), 0);
    ck_assert_mem_eq(a.q, b.q, a.cap * GA_NUM_ACTIONS * sizeof *a.q);
    ga_qlearn_free(&a);
    ga_qlearn_free(&b);
}
END_TEST

/* A table that counts nothing (the delta-quantilizer's reward table, the quantilizer's
 * demonstrations) holds no count array and learns the same values; its file entries carry 0
 * visits. */
START_TEST(test_visits_uncounted)
{
    GaQParams p = params();
    GaQLearn a, b;
    make_ql(&a, &p, OBS_N, 1000);
    make_ql(&b, &p, OBS_N, 1000);
    ga_qlearn_uncounted(&b);
    ck_assert_ptr_null(b.visits);
    uint8_t s[OBS_N], s2[OBS_N];
    fill_obs(s, OBS_N, 1);
    fill_obs(s2, OBS_N, 2);
    for (int k = 0; k < 3; k++)
        for (GaQLearn *t = &a; t; t = t == &a ? &b : NULL) {
            ga_qlearn_update(t, s, GA_DOWN, 1.0f, s2, 0);
            ga_qlearn_update(t, s, GA_UP, 0.5f, s, k == 2);
            ga_qlearn_update(t, s2, GA_LEFT, -1.0f, s, 0);
        }
    ck_assert_int_eq(ga_qlearn_visits(&a, s), 6);
    ck_assert_int_eq(ga_qlearn_visits(&b, s), -1);
    ck_assert_uint_eq(a.n, b.n);
    float qa[GA_NUM_ACTIONS], qb[GA_NUM_ACTIONS];
    ck_assert_int_eq(ga_qlearn_values(&a, s, qa), 1);
    ck_assert_int_eq(ga_qlearn_values(&b, s, qb), 1);
    ck_assert_mem_eq(qa, qb, sizeof qa);
    ck_assert_mem_eq(a.q, b.q, a.cap * GA_NUM_ACTIONS * sizeof *a.q);
    GaPayloadOut o = {0};
    ga_qlearn_save_table(&b, &o);
    ck_assert(!o.oom);
    ck_assert_uint_eq(o.n, 16 + b.n * (8 + GA_NUM_ACTIONS * 4 + 4));
    for (uint64_t i = 0; i < b.n; i++) {
        uint32_t v;
        memcpy(&v, o.p + 16 + i * (8 + GA_NUM_ACTIONS * 4 + 4) + 8 + GA_NUM_ACTIONS * 4, 4);
        ck_assert_uint_eq(v, 0);
    }
    free(o.p);
    ga_qlearn_free(&a);
    ga_qlearn_free(&b);
}
END_TEST

/* The score: 1 for never met (n = 0) and for one visit, 1/sqrt(n) above, NAN unknown. */
START_TEST(test_novelty_score)
{
    ck_assert_double_eq(ga_novelty_score(0), 1.0);
    ck_assert_double_eq(ga_novelty_score(1), 1.0);
    ck_assert_double_eq(ga_novelty_score(4), 0.5);
    ck_assert_double_eq(ga_novelty_score(100), 0.1);
    ck_assert_double_eq_tol(ga_novelty_score(UINT32_MAX), 1.0 / 65535.99999, 1e-12);
    ck_assert(isnan(ga_novelty_score(-1)));
    /* dqn counts no visits: no hook (its novelty comes from the cell counts or its ensemble). */
    const GaLearner *dqn = ga_learner_find("dqn", NULL);
    ck_assert_ptr_nonnull(dqn);
    ck_assert(dqn->novelty == NULL);
}
END_TEST

Suite *ga_test_suite(void)
{
    Suite *s = suite_create("qlearn");
    TCase *tc = tcase_create("hash");
    tcase_add_test(tc, test_hash_deterministic);
    tcase_add_test(tc, test_hash_one_byte);
    tcase_add_test(tc, test_hash_length);
    tcase_add_test(tc, test_hash_no_collisions_in_play);
    suite_add_tcase(s, tc);

    tc = tcase_create("update");
    tcase_add_test(tc, test_update_terminal);
    tcase_add_test(tc, test_update_bootstrap);
    tcase_add_test(tc, test_update_q_init);
    tcase_add_test(tc, test_update_truncated);
    tcase_add_test(tc, test_update_records_divergence);
    suite_add_tcase(s, tc);

    tc = tcase_create("epsilon");
    tcase_add_test(tc, test_epsilon_schedule);
    tcase_add_test(tc, test_epsilon_exploration);
    suite_add_tcase(s, tc);

    tc = tcase_create("act");
    tcase_add_test(tc, test_act_argmax);
    tcase_add_test(tc, test_act_argmax_nan);
    tcase_add_test(tc, test_act_ties);
    tcase_add_test(tc, test_act_unseen);
    tcase_add_test(tc, test_act_deterministic_rng);
    suite_add_tcase(s, tc);

    tc = tcase_create("table");
    tcase_add_test(tc, test_table_full);
    tcase_add_test(tc, test_values_put);
    suite_add_tcase(s, tc);

    tc = tcase_create("novelty");
    tcase_add_test(tc, test_visits_counted);
    tcase_add_test(tc, test_visits_saturate);
    tcase_add_test(tc, test_visits_uncounted);
    tcase_add_test(tc, test_novelty_score);
    suite_add_tcase(s, tc);

    tc = tcase_create("solve");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_solve_corridor);
    suite_add_tcase(s, tc);
    return s;
}
