/* engine/ga_plan.c: exhaustive search plus finite-horizon value iteration. A state is packed
 * into a few bytes laid out per world (GaPlanLayout); a working GaWorld is patched to any packed
 * state in O(objects), so expansion never copies whole worlds. Chance draws are enumerated
 * through GaWorld.forcing, one transition per outcome. Success is not planned for: only returns,
 * so what only success reads (obj_picked, succ_*) is left out of the state. */
#include "ga_plan.h"

#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ga_hash.h"

/* An object packs into 16 bits, host byte order: kind (4), GA_OBJ_* state (2), cell (10). */
_Static_assert(GA_MAX_KINDS <= 16, "an object's kind packs into 4 bits");
_Static_assert(GA_MAX_W *GA_MAX_H <= 1024, "an object's cell packs into 10 bits");
_Static_assert(GA_OBJ_DELIVERED < 4, "an object's state packs into 2 bits");
_Static_assert(GA_MAX_OUTCOME_DRAWS <= 15, "a step's outcomes are counted in a uint16_t");

/* The largest packed state: agent, inventory, bit field, clock, then objects and fills. */
#define MAX_HEAD (3 + GA_MAX_CARRY + (GA_MAX_FLAGS + 1 + GA_MAX_XRULES + 7) / 8 + 4)
#define MAX_STRIDE (MAX_HEAD + 3 * GA_MAX_OBJECTS)

int ga_plan_init(GaPlan *p, int max_states, int n_objectives, int max_objects, GaErr *err)
{
    memset(p, 0, sizeof *p);
    p->max_objects = max_objects;
    p->max_states = max_states;
    p->max_trans = (int64_t)max_states * GA_NUM_ACTIONS;
    p->n_objectives = n_objectives;
    p->hcap = 1;
    while (p->hcap < 2 * (uint64_t)max_states)
        p->hcap <<= 1;
    size_t ms = (size_t)max_states, mt = (size_t)p->max_trans;
    /* Sized for the largest layout; a world touches only n_states * its own stride, and prob
     * only where a step has more than one outcome. */
    p->states = malloc(ms * (size_t)(MAX_HEAD + 3 * max_objects));
    p->slot = malloc(p->hcap * sizeof *p->slot);
    p->n_out = malloc(ms * GA_NUM_ACTIONS * sizeof *p->n_out);
    p->next = malloc(mt * sizeof *p->next);
    p->rew = malloc(mt * (size_t)n_objectives * sizeof *p->rew);
    p->prob = malloc(mt * sizeof *p->prob);
    p->v0 = malloc((ms + 1) * (size_t)n_objectives * sizeof *p->v0);
    p->v1 = malloc((ms + 1) * (size_t)n_objectives * sizeof *p->v1);
    p->cfg = malloc(sizeof *p->cfg);
    p->last = malloc(sizeof *p->last);
    if (!p->states || !p->slot || !p->n_out || !p->next || !p->rew || !p->prob || !p->v0 ||
        !p->v1 || !p->cfg || !p->last) {
        ga_plan_free(p);
        return ga_err_set(err, GA_ENOMEM, "reference planner: cannot allocate %d states",
                          max_states);
    }
    return GA_OK;
}

void ga_plan_free(GaPlan *p)
{
    free(p->states);
    free(p->slot);
    free(p->n_out);
    free(p->next);
    free(p->rew);
    free(p->prob);
    free(p->v0);
    free(p->v1);
    free(p->cfg);
    free(p->last);
    memset(p, 0, sizeof *p);
}

/* The packed layout of c's worlds starting from start. A part of the world goes into the state
 * only when some step can change it and some step reads it: flags only when a trigger or a
 * pending timed flag can change them, the clock only while a timed flag is pending (after the
 * latest flag_at every step behaves alike), the interrupted bit only when a kind interrupts,
 * fills only when a container has a capacity (clamped at the largest, which preserves every
 * comparison a step makes), `once` bits only for rules that pay or set flags. */
static void layout(GaPlanLayout *l, const GaWorldCfg *c, const GaWorld *start)
{
    memset(l, 0, sizeof *l);
    assert(c->inventory <= GA_MAX_CARRY && c->n_flags <= GA_MAX_FLAGS);
    l->inventory = c->inventory > 1 ? c->inventory : 1;
    int triggers = 0;
    uint32_t used = ((1u << c->n_flags) - 1) | start->flags;
    for (int i = 0; i < c->n_xrules; i++) {
        const GaXRule *x = &c->xrule[i];
        triggers |= x->role == GA_XR_TRIGGER;
        used |= x->cond.set | x->cond.clear | x->set | x->clear | x->toggle;
        if (x->once && x->role != GA_XR_MEASURE)
            l->once[l->n_once++] = (uint8_t)i;
    }
    for (int f = 0; f < c->n_flags; f++)
        if ((c->flag_timed >> f & 1u) && c->flag_at[f] > l->t_max)
            l->t_max = c->flag_at[f];
    for (int k = 0; k < c->n_kinds; k++) {
        const GaKind *kd = &c->kind[k];
        l->interrupt |= kd->interrupt && kd->interrupt_p > 0.0f;
        l->pickable |= (uint32_t)(kd->pickable != 0) << k;
        if (kd->capacity > l->fill_max)
            l->fill_max = kd->capacity;
    }
    if (triggers || l->t_max > 0)
        while (used >> l->flag_bits)
            l->flag_bits++;
    l->t_bytes = l->t_max == 0 ? 0 : l->t_max < 256 ? 1 : l->t_max < 65536 ? 2 : 4;
    l->n_obj = start->n_obj;
    l->bits_off = 3 + l->inventory;
    l->t_off = l->bits_off + (l->flag_bits + l->interrupt + l->n_once + 7) / 8;
    l->obj_off = l->t_off + l->t_bytes;
    l->fill_off = l->obj_off + 2 * l->n_obj;
    l->stride = l->fill_off + (l->fill_max ? l->n_obj : 0);
}

static inline void pack(const GaPlanLayout *l, const GaWorld *w, uint8_t *s)
{
    s[0] = (uint8_t)w->x;
    s[1] = (uint8_t)w->y;
    s[2] = (uint8_t)w->facing;
    if (l->inventory == 1)
        s[3] = (uint8_t)(w->carry + 1);
    else
        for (int i = 0; i < l->inventory; i++)
            s[3 + i] = (uint8_t)(i < w->n_carry ? w->carried[i] + 1 : 0);
    int nb = l->flag_bits + l->interrupt + l->n_once;
    if (nb) {
        uint8_t *b = s + l->bits_off;
        memset(b, 0, (size_t)(nb + 7) / 8);
        int k = 0;
        for (int f = 0; f < l->flag_bits; f++, k++)
            b[k >> 3] |= (uint8_t)((w->flags >> f & 1u) << (k & 7));
        if (l->interrupt) {
            b[k >> 3] |= (uint8_t)((w->interrupted != 0) << (k & 7));
            k++;
        }
        for (int j = 0; j < l->n_once; j++, k++)
            b[k >> 3] |= (uint8_t)((w->xhits[l->once[j]] != 0) << (k & 7));
    }
    if (l->t_bytes) {
        uint32_t t = (uint32_t)(w->t < l->t_max ? w->t : l->t_max);
        for (int i = 0; i < l->t_bytes; i++)
            s[l->t_off + i] = (uint8_t)(t >> 8 * i);
    }
    /* Locals: a store through s may alias l as far as the compiler knows. */
    uint8_t *ob = s + l->obj_off;
    for (int i = 0, n = l->n_obj; i < n; i++) {
        unsigned st = w->obj_state[i];
        uint16_t v = (uint16_t)(w->obj_kind[i] << 12 | st << 10 |
                                (st == GA_OBJ_FLOOR ? (unsigned)w->obj_cell[i] : 0u));
        memcpy(ob + 2 * i, &v, 2);
    }
    if (l->fill_max)
        for (int i = 0; i < l->n_obj; i++)
            s[l->fill_off + i] =
                (uint8_t)(w->obj_fill[i] < l->fill_max ? w->obj_fill[i] : l->fill_max);
}

/* Makes w the packed state s: lifts every object off the floor, then puts them back. What the
 * layout leaves out either never changes (it keeps the start's value) or is never read. */
static inline void unpack(const GaPlanLayout *l, GaWorld *w, const GaWorldCfg *c, const uint8_t *s)
{
    int n = w->n_obj;
    for (int i = 0; i < n; i++) {
        if (w->obj_state[i] == GA_OBJ_FLOOR) {
            unsigned cell = (unsigned)w->obj_cell[i];
            w->obj_at[cell] = -1;
            w->look[(cell / GA_MAX_W + GA_PAD) * GA_STRIDE + cell % GA_MAX_W + GA_PAD] =
                GA_LOOK_FLOOR;
        }
    }
    int loose = 0;
    const uint8_t *ob = s + l->obj_off;
    for (int i = 0; i < n; i++) {
        uint16_t v;
        memcpy(&v, ob + 2 * i, 2);
        unsigned k = v >> 12, st = v >> 10 & 3u;
        w->obj_kind[i] = (uint8_t)k;
        w->obj_state[i] = (uint8_t)st;
        if (st == GA_OBJ_FLOOR) {
            unsigned cell = v & 1023u;
            w->obj_cell[i] = (int16_t)cell;
            w->obj_at[cell] = (int8_t)i;
            w->look[(cell / GA_MAX_W + GA_PAD) * GA_STRIDE + cell % GA_MAX_W + GA_PAD] = c->look[k];
        }
        loose += (l->pickable >> k & 1u) & (st != GA_OBJ_DELIVERED);
    }
    w->n_loose = loose;
    if (l->fill_max)
        for (int i = 0; i < w->n_obj; i++)
            w->obj_fill[i] = s[l->fill_off + i];
    w->x = s[0];
    w->y = s[1];
    w->facing = s[2];
    if (l->inventory == 1) {
        w->carry = s[3] - 1;
        w->n_carry = (int8_t)(w->carry >= 0);
        w->carried[0] = (int8_t)w->carry;
    } else {
        w->n_carry = 0;
        for (int i = 0; i < l->inventory && s[3 + i]; i++)
            w->carried[w->n_carry++] = (int8_t)(s[3 + i] - 1);
        w->carry = w->n_carry > 0 ? w->carried[w->n_carry - 1] : -1;
    }
    int nb = l->flag_bits + l->interrupt + l->n_once;
    if (nb) {
        const uint8_t *b = s + l->bits_off;
        int k = 0;
        if (l->flag_bits)
            w->flags = 0;
        for (int f = 0; f < l->flag_bits; f++, k++)
            w->flags |= (uint16_t)((b[k >> 3] >> (k & 7) & 1u) << f);
        if (l->interrupt) {
            w->interrupted = b[k >> 3] >> (k & 7) & 1u;
            k++;
        }
        for (int j = 0; j < l->n_once; j++, k++)
            w->xhits[l->once[j]] = b[k >> 3] >> (k & 7) & 1u;
    }
    w->t = 0;
    for (int i = 0; i < l->t_bytes; i++)
        w->t |= s[l->t_off + i] << 8 * i;
    w->terminated = w->truncated = 0;
}

/* Id of the packed state s, adding it when new; -1 when the table is full. */
static int intern(GaPlan *p, const uint8_t *s)
{
    uint64_t h = ga_hash_bytes(s, (size_t)p->stride), mask = p->hcap - 1;
    for (uint64_t i = h & mask;; i = (i + 1) & mask) {
        int32_t id = p->slot[i];
        if (id < 0) {
            if (p->n_states == p->max_states)
                return -1;
            id = p->n_states++;
            memcpy(p->states + (size_t)id * p->stride, s, (size_t)p->stride);
            p->slot[i] = id;
            return id;
        }
        if (memcmp(p->states + (size_t)id * p->stride, s, (size_t)p->stride) == 0)
            return id;
    }
}

/* w steps with action a from packed state s, its chance draws taking the outcome `bits`. */
static void step_from(const GaPlan *p, GaWorld *w, const GaWorldCfg *c, const uint8_t *s, int a,
                      uint32_t bits)
{
    unpack(&p->lay, w, p->cfg, s);
    w->force_bits = bits;
    w->n_draws = 0;
    w->force_p = 1.0;
    ga_world_step(w, c, a);
}

/* Stores the step w has just taken as the next transition, of probability pr. Returns 0, or -1
 * when a cap is hit. */
static int record(GaPlan *p, const GaWorld *w, double pr)
{
    if (p->n_trans == p->max_trans)
        return -1;
    int64_t t = p->n_trans++;
    int no = p->n_objectives;
    for (int o = 0; o < no; o++)
        p->rew[t * no + o] = w->reward[o];
    if (w->n_draws)
        p->prob[t] = pr;
    int nx = p->max_states;
    if (!w->terminated) {
        uint8_t s[MAX_STRIDE];
        pack(&p->lay, w, s);
        if ((nx = intern(p, s)) < 0)
            return -1;
    }
    p->next[t] = nx;
    return 0;
}

/* Stores the transitions of action a from packed state cur, one per chance outcome. With q (end
 * rules), adds to it the expected reward of the same step when it is the episode's last.
 * Returns the number of outcomes, or -1 when a cap is hit. */
static int transitions(GaPlan *p, GaWorld *w, const uint8_t *cur, int a, double *q)
{
    int n = 0;
    uint32_t bits = 0;
    for (;;) {
        step_from(p, w, p->cfg, cur, a, bits);
        int nd = w->n_draws;
        double pr = w->force_p;
        if (nd > GA_MAX_OUTCOME_DRAWS)
            return -1;
        if (pr > 0.0) {
            if (record(p, w, pr) < 0)
                return -1;
            n++;
            if (q) {
                step_from(p, w, p->last, cur, a, bits);
                for (int o = 0; o < p->n_objectives; o++)
                    q[o] += pr * w->reward[o];
            }
        }
        /* The next leaf of the tree of draws (draw 0 at the root): the deepest draw that came
         * out 0 now comes out 1, and the draws after it start again from 0. A draw that an
         * earlier outcome makes unnecessary is simply never reached. */
        int j = nd - 1;
        while (j >= 0 && (bits >> j & 1u))
            j--;
        if (j < 0)
            return n;
        bits = (bits & ((1u << j) - 1)) | 1u << j;
    }
}

/* Enumerates every state reachable from the ones already interned, breadth first, storing each
 * (state, action, outcome) transition in that order. With end_rules, also fills v0 with V_1,
 * the best expected reward of a step that ends the episode by truncation. Returns 0, or -1
 * when a cap is hit. */
static int expand(GaPlan *p, GaWorld *w, int end_rules)
{
    int no = p->n_objectives;
    p->n_trans = 0;
    p->chance = 0;
    for (int id = 0; id < p->n_states; id++) {
        const uint8_t *cur = p->states + (size_t)id * p->stride;
        double *v1 = &p->v0[(size_t)id * no];
        for (int o = 0; end_rules && o < no; o++)
            v1[o] = -1e300;
        for (int a = 0; a < GA_NUM_ACTIONS; a++) {
            /* The common step draws nothing and needs no last-step twin: stored as it is. */
            int n = 1;
            if (!end_rules) {
                step_from(p, w, p->cfg, cur, a, 0);
                if (!w->n_draws && record(p, w, 1.0) < 0)
                    return -1;
            }
            double q[GA_MAX_OBJECTIVES] = {0};
            if ((end_rules || w->n_draws) &&
                (n = transitions(p, w, cur, a, end_rules ? q : NULL)) < 0)
                return -1;
            /* Outcome counts are written from the first action with other than one on: until
             * then every count is 1 and the certain sweep does not read them. */
            int i = id * GA_NUM_ACTIONS + a;
            if (n != 1 && !p->chance) {
                p->chance = 1;
                for (int k = 0; k < i; k++)
                    p->n_out[k] = 1;
            }
            if (p->chance)
                p->n_out[i] = (uint16_t)n;
            for (int o = 0; end_rules && o < no; o++)
                v1[o] = q[o] > v1[o] ? q[o] : v1[o];
        }
    }
    return 0;
}

/* One backup of a world whose every step has one outcome: transition id * GA_NUM_ACTIONS + a,
 * nv = the best reward plus v of the successor, over actions, for every objective. A step that
 * ends the episode leads to state max_states, whose value stays 0: r + 0.0, the sum it always
 * was, without a branch. Returns 1 when nv differs from v. */
static int sweep_certain(const GaPlan *p, const double *v, double *nv)
{
    int no = p->n_objectives, changed = 0;
    for (int id = 0; id < p->n_states; id++) {
        double best[GA_MAX_OBJECTIVES];
        for (int o = 0; o < no; o++)
            best[o] = -1e300;
        for (int a = 0; a < GA_NUM_ACTIONS; a++) {
            const float *r = &p->rew[((size_t)id * GA_NUM_ACTIONS + a) * no];
            const double *vn = &v[(size_t)p->next[id * GA_NUM_ACTIONS + a] * no];
            for (int o = 0; o < no; o++) {
                double q = r[o] + vn[o];
                best[o] = q > best[o] ? q : best[o];
            }
        }
        for (int o = 0; o < no; o++) {
            changed |= best[o] != v[(size_t)id * no + o];
            nv[(size_t)id * no + o] = best[o];
        }
    }
    return changed;
}

/* The same backup with the expectation over each action's outcomes. A single outcome is
 * certain (a leaf whose probability underflowed to 0 was dropped) and is computed as in
 * sweep_certain. */
static int sweep_chance(const GaPlan *p, const double *v, double *nv)
{
    int no = p->n_objectives, changed = 0;
    int64_t t = 0;
    for (int id = 0; id < p->n_states; id++) {
        double best[GA_MAX_OBJECTIVES];
        for (int o = 0; o < no; o++)
            best[o] = -1e300;
        for (int a = 0; a < GA_NUM_ACTIONS; a++) {
            int k = p->n_out[id * GA_NUM_ACTIONS + a];
            double q[GA_MAX_OBJECTIVES];
            for (int o = 0; o < no; o++)
                q[o] = 0.0;
            for (int i = 0; i < k; i++) {
                const float *r = &p->rew[(t + i) * no];
                const double *vn = &v[(size_t)p->next[t + i] * no];
                double pr = k == 1 ? 1.0 : p->prob[t + i];
                for (int o = 0; o < no; o++)
                    q[o] += pr * (r[o] + vn[o]);
            }
            t += k;
            for (int o = 0; o < no; o++)
                best[o] = q[o] > best[o] ? q[o] : best[o];
        }
        for (int o = 0; o < no; o++) {
            changed |= best[o] != v[(size_t)id * no + o];
            nv[(size_t)id * no + o] = best[o];
        }
    }
    return changed;
}

/* Enumerates the states reachable from start (ga_plan_optimal's first half). Sets *end_rules
 * when end-of-episode rules pay, so that v0 holds V_1. Returns the number of states, or -1. */
static int prepare(GaPlan *p, const GaWorld *start, const GaWorldCfg *c, int *end_rules)
{
    if (start->n_obj > p->max_objects)
        return -1;
    memcpy(p->cfg, c, sizeof *c);
    p->cfg->max_steps = INT_MAX;
    /* End-of-episode rules pay in the step that ends the episode. A terminating step is an
     * ordinary transition (the step scores them itself); truncation only ever happens in the
     * episode's last step, so that step is stepped a second time from a configuration whose
     * every step truncates, and its expected reward becomes V_1. Scoring the placement of the
     * state reached instead would miss what the end does within the step: an end trigger's
     * flags are seen by that step's conditional rules, and a `once` rule that fired earlier in
     * it does not fire again. Only rules that pay or set flags matter; measures never do. */
    *end_rules = 0;
    for (int i = 0; i < c->n_xrules; i++)
        *end_rules |= c->xrule[i].on == GA_EV_END && c->xrule[i].role != GA_XR_MEASURE;
    if (*end_rules) {
        memcpy(p->last, c, sizeof *c);
        p->last->max_steps = 0;
    }
    layout(&p->lay, c, start);
    p->stride = p->lay.stride;
    p->n_states = 0;
    memset(p->slot, -1, p->hcap * sizeof *p->slot);
    GaWorld work = *start, *w = &work;
    w->forcing = 1;
    uint8_t s[MAX_STRIDE];
    pack(&p->lay, start, s);
    intern(p, s);
    if (expand(p, w, *end_rules) < 0)
        return -1;
    return p->n_states;
}

/* V_horizon of every state, (n_states + 1, n_objectives): finite-horizon value iteration, all
 * objectives in one sweep over the transitions. Once a sweep changes nothing, V is a fixed
 * point of the backup and every further sweep would return it unchanged, so the remaining
 * horizon can be skipped. With end rules the first step back from the horizon was taken by
 * expand (V_1 in v0); without them it is the first sweep from V_0 = 0. */
static const double *iterate(GaPlan *p, int end_rules, int horizon)
{
    int no = p->n_objectives;
    double *v = p->v0, *nv = p->v1;
    for (int o = 0; o < no; o++)
        v[(size_t)p->max_states * no + o] = nv[(size_t)p->max_states * no + o] = 0.0;
    int h = 0;
    if (end_rules && horizon > 0)
        h = 1;
    else
        memset(v, 0, (size_t)p->n_states * (size_t)no * sizeof *v);
    for (; h < horizon; h++) {
        int changed = p->chance ? sweep_chance(p, v, nv) : sweep_certain(p, v, nv);
        double *tmp = v;
        v = nv;
        nv = tmp;
        if (!changed)
            break;
    }
    return v;
}

int ga_plan_optimal(GaPlan *p, const GaWorld *start, const GaWorldCfg *c, double *opt)
{
    int end_rules;
    if (prepare(p, start, c, &end_rules) < 0)
        return -1;
    int horizon = c->max_steps - start->t;
    const double *v = iterate(p, end_rules, horizon);
    for (int o = 0; o < p->n_objectives; o++)
        opt[o] = horizon > 0 ? v[o] : 0.0;
    return p->n_states;
}

/* The expected reward under objective ob of action a from packed state s (a state of the plan;
 * w, a world of the same episode, supplies what the layout leaves out) when that step is the
 * episode's last, end rules included: the outcomes enumerated as transitions() does, stepped
 * from the configuration whose every step truncates. */
static double last_step_q(const GaPlan *p, const GaWorld *start, const uint8_t *s, int a, int ob)
{
    GaWorld work = *start, *w = &work;
    w->forcing = 1;
    double q = 0.0;
    uint32_t bits = 0;
    for (;;) {
        step_from(p, w, p->last, s, a, bits);
        int nd = w->n_draws;
        if (w->force_p > 0.0)
            q += w->force_p * w->reward[ob];
        int j = nd - 1;
        while (j >= 0 && (bits >> j & 1u))
            j--;
        if (j < 0)
            return q;
        bits = (bits & ((1u << j) - 1)) | 1u << j;
    }
}

/* Q(id, a) under objective ob for every action a (q, GA_NUM_ACTIONS): the expected reward of
 * the step plus v of the successor, read at v[successor id * vs]; t is the state's first
 * transition when p->chance. One function for both mentors, so that they take the same sums. */
static void q_values(const GaPlan *p, int id, int64_t t, const double *v, int vs, int ob, double *q)
{
    int no = p->n_objectives;
    for (int a = 0; a < GA_NUM_ACTIONS; a++) {
        int k = p->chance ? p->n_out[id * GA_NUM_ACTIONS + a] : 1;
        q[a] = 0.0;
        for (int i = 0; i < k; i++) {
            int64_t tr = p->chance ? t + i : (int64_t)id * GA_NUM_ACTIONS + a;
            double pr = k == 1 ? 1.0 : p->prob[tr];
            q[a] += pr * (p->rew[tr * no + ob] + v[(size_t)p->next[tr] * (size_t)vs]);
        }
        t += k;
    }
}

/* Ties go to the lowest action index, so that the same state always gets the same advice;
 * the tolerance absorbs the rounding of sums taken in different orders. */
static int best_of(const double *q)
{
    int best = 0;
    for (int a = 1; a < GA_NUM_ACTIONS; a++)
        if (q[a] > q[best] + 1e-9 * (1.0 + fabs(q[best])))
            best = a;
    return best;
}

int ga_plan_best_action(GaPlan *p, const GaWorld *start, const GaWorldCfg *c, int objective,
                        int *action, double *value)
{
    int end_rules;
    if (prepare(p, start, c, &end_rules) < 0)
        return -1;
    int horizon = c->max_steps - start->t;
    double q[GA_NUM_ACTIONS];
    if (horizon <= 0) {
        *action = GA_NOOP;
        *value = 0.0;
        return p->n_states;
    }
    /* Q_H(start, a) = E[r + V_{H-1}(next)]; with end rules and one step left, the last step's
     * own reward. The start state is state 0, so its transitions come first. */
    const double *v = iterate(p, end_rules, horizon - 1);
    if (end_rules && horizon == 1)
        for (int a = 0; a < GA_NUM_ACTIONS; a++)
            q[a] = last_step_q(p, start, p->states, a, objective);
    else
        q_values(p, 0, 0, v + objective, p->n_objectives, objective, q);
    int best = best_of(q);
    *action = best;
    *value = q[best];
    return p->n_states;
}

/* ---- the mentor of a whole episode ------------------------------------------------------- */

void ga_plan_episode_init(GaPlanEpisode *e, size_t max_bytes)
{
    memset(e, 0, sizeof *e);
    e->max_bytes = max_bytes;
}

void ga_plan_episode_free(GaPlanEpisode *e)
{
    free(e->val);
    free(e->first);
    ga_plan_episode_init(e, e->max_bytes);
}

/* Id of the packed state s, or -1 when the plan does not hold it. */
static int find(const GaPlan *p, const uint8_t *s)
{
    uint64_t h = ga_hash_bytes(s, (size_t)p->stride), mask = p->hcap - 1;
    for (uint64_t i = h & mask;; i = (i + 1) & mask) {
        int32_t id = p->slot[i];
        if (id < 0)
            return -1;
        if (memcmp(p->states + (size_t)id * p->stride, s, (size_t)p->stride) == 0)
            return id;
    }
}

/* nv = the backup of v under objective ob alone, both (n_states + 1) with successors already
 * renumbered so that the episode's end is n_states: sweep_certain's and sweep_chance's sums
 * for that objective, term for term (a single outcome is 0.0 + 1.0 * (r + v), which is r + v
 * exactly). Returns 1 when nv differs from v. */
static int sweep_one(const GaPlan *p, int ob, const double *v, double *nv)
{
    int no = p->n_objectives, n = p->n_states, changed = 0;
    double q[GA_NUM_ACTIONS];
    int64_t t = 0;
    for (int id = 0; id < n; id++) {
        double best = -1e300;
        if (!p->chance) {
            for (int a = 0; a < GA_NUM_ACTIONS; a++) {
                int64_t tr = (int64_t)id * GA_NUM_ACTIONS + a;
                double qa = p->rew[tr * no + ob] + v[p->next[tr]];
                best = qa > best ? qa : best;
            }
        } else {
            q_values(p, id, t, v, 1, ob, q);
            for (int a = 0; a < GA_NUM_ACTIONS; a++) {
                t += p->n_out[id * GA_NUM_ACTIONS + a];
                best = q[a] > best ? q[a] : best;
            }
        }
        changed |= best != v[id];
        nv[id] = best;
    }
    nv[n] = 0.0;
    return changed;
}

int ga_plan_episode(GaPlan *p, GaPlanEpisode *e, const GaWorld *start, const GaWorldCfg *c,
                    int objective)
{
    int end_rules;
    e->n_states = 0;
    if (prepare(p, start, c, &end_rules) < 0)
        return -1;
    int n = p->n_states, no = p->n_objectives;
    size_t row = (size_t)n + 1, budget = e->max_bytes;
    e->objective = objective;
    e->end_rules = end_rules;
    e->horizon = c->max_steps - start->t;
    /* The episode's end becomes column n of every layer, so that a layer is n + 1 doubles
     * rather than max_states + 1. */
    for (int64_t t = 0; t < p->n_trans; t++)
        if (p->next[t] == p->max_states)
            p->next[t] = n;
    if (p->chance) {
        if ((size_t)n * sizeof *e->first > budget)
            return -2;
        budget -= (size_t)n * sizeof *e->first;
        if (e->first_cap < (size_t)n) {
            int64_t *f = realloc(e->first, (size_t)n * sizeof *f);
            if (!f)
                return -2;
            e->first = f;
            e->first_cap = (size_t)n;
        }
        int64_t t = 0;
        for (int id = 0; id < n; id++) {
            e->first[id] = t;
            for (int a = 0; a < GA_NUM_ACTIONS; a++)
                t += p->n_out[id * GA_NUM_ACTIONS + a];
        }
    }
    /* V_k for k = 0 .. horizon - 1 (a request with h steps left reads V_{h-1}), as iterate
     * builds them: V_0 = 0; V_1 from expand when end rules pay, else a sweep; then sweeps. Once
     * a sweep changes nothing every later layer is the same, and is not kept. */
    int want = e->horizon > 0 ? e->horizon : 0, k;
    for (k = 0; k < want; k++) {
        if ((size_t)(k + 1) * row > budget / sizeof *e->val)
            return -2;
        if ((size_t)(k + 1) * row > e->val_cap) {
            size_t cap =
                2 * e->val_cap > (size_t)(k + 1) * row ? 2 * e->val_cap : (size_t)(k + 1) * row;
            if (cap > budget / sizeof *e->val)
                cap = budget / sizeof *e->val;
            double *v = realloc(e->val, cap * sizeof *v);
            if (!v)
                return -2;
            e->val = v;
            e->val_cap = cap;
        }
        double *nv = e->val + (size_t)k * row;
        if (k == 0) {
            memset(nv, 0, row * sizeof *nv);
        } else if (k == 1 && end_rules) {
            for (int id = 0; id < n; id++)
                nv[id] = p->v0[(size_t)id * no + objective];
            nv[n] = 0.0;
        } else if (!sweep_one(p, objective, nv - row, nv)) {
            break; /* V_k = V_{k-1}: a fixed point */
        }
    }
    e->n_layers = k;
    e->n_states = n;
    return n;
}

int ga_plan_episode_action(const GaPlan *p, const GaPlanEpisode *e, const GaWorld *w,
                           const GaWorldCfg *c, int *action, double *value)
{
    if (!e->n_states)
        return -1;
    int h = c->max_steps - w->t;
    if (h > e->horizon)
        return -1;
    /* No step left: a noop, whatever the state (the end of the episode may have changed it
     * into one that no step but the last reaches). */
    if (h <= 0) {
        *action = GA_NOOP;
        *value = 0.0;
        return 0;
    }
    uint8_t s[MAX_STRIDE];
    pack(&p->lay, w, s);
    int id = find(p, s);
    if (id < 0)
        return -1;
    double q[GA_NUM_ACTIONS];
    if (e->end_rules && h == 1) {
        for (int a = 0; a < GA_NUM_ACTIONS; a++)
            q[a] = last_step_q(p, w, p->states + (size_t)id * p->stride, a, e->objective);
    } else {
        int k = h - 1 < e->n_layers ? h - 1 : e->n_layers - 1;
        const double *v = e->val + (size_t)k * ((size_t)e->n_states + 1);
        q_values(p, id, p->chance ? e->first[id] : 0, v, 1, e->objective, q);
    }
    int best = best_of(q);
    *action = best;
    *value = q[best];
    return 0;
}
