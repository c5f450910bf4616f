/* engine/ga_plan.c: exhaustive search plus finite-horizon value iteration. A state is packed
 * into a few bytes (agent, facing, carry, each object's state and cell); a working GaWorld is
 * patched to any packed state in O(objects), so expansion never copies whole worlds. */
#include "ga_plan.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ga_hash.h"

int ga_plan_init(GaPlan *p, int max_states, int n_objectives, int max_objects, GaErr *err)
{
    memset(p, 0, sizeof *p);
    p->max_objects = max_objects;
    p->max_states = max_states;
    p->n_objectives = n_objectives;
    p->hcap = 1;
    while (p->hcap < 2 * (uint64_t)max_states)
        p->hcap <<= 1;
    size_t ms = (size_t)max_states;
    p->states = malloc(ms * (size_t)(4 + 3 * max_objects));
    p->slot = malloc(p->hcap * sizeof *p->slot);
    p->next = malloc(ms * GA_NUM_ACTIONS * sizeof *p->next);
    p->rew = malloc(ms * GA_NUM_ACTIONS * (size_t)n_objectives * sizeof *p->rew);
    p->v0 = malloc((ms + 1) * (size_t)n_objectives * sizeof *p->v0);
    p->v1 = malloc((ms + 1) * (size_t)n_objectives * sizeof *p->v1);
    p->cfg = malloc(sizeof *p->cfg);
    if (!p->states || !p->slot || !p->next || !p->rew || !p->v0 || !p->v1 || !p->cfg) {
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
    free(p->next);
    free(p->rew);
    free(p->v0);
    free(p->v1);
    free(p->cfg);
    memset(p, 0, sizeof *p);
}

static void pack(const GaWorld *w, uint8_t *s)
{
    s[0] = (uint8_t)w->x;
    s[1] = (uint8_t)w->y;
    s[2] = (uint8_t)w->facing;
    s[3] = (uint8_t)(w->carry + 1);
    for (int i = 0; i < w->n_obj; i++) {
        uint8_t *o = s + 4 + 3 * i;
        o[0] = w->obj_state[i];
        int cell = w->obj_state[i] == GA_OBJ_FLOOR ? w->obj_cell[i] : 0;
        o[1] = (uint8_t)(cell & 0xff);
        o[2] = (uint8_t)(cell >> 8);
    }
}

/* Makes w the packed state s: lifts every object off the floor, then puts them back. */
static void unpack(GaWorld *w, const GaWorldCfg *c, const uint8_t *s)
{
    for (int i = 0; i < w->n_obj; i++) {
        if (w->obj_state[i] == GA_OBJ_FLOOR) {
            int cell = w->obj_cell[i];
            w->obj_at[cell] = -1;
            w->look[(cell / GA_MAX_W + GA_PAD) * GA_STRIDE + cell % GA_MAX_W + GA_PAD] =
                GA_LOOK_FLOOR;
        }
    }
    w->n_loose = 0;
    for (int i = 0; i < w->n_obj; i++) {
        const uint8_t *o = s + 4 + 3 * i;
        int k = w->obj_kind[i];
        w->obj_state[i] = o[0];
        if (o[0] == GA_OBJ_FLOOR) {
            int cell = o[1] | o[2] << 8;
            w->obj_cell[i] = (int16_t)cell;
            w->obj_at[cell] = (int8_t)i;
            w->look[(cell / GA_MAX_W + GA_PAD) * GA_STRIDE + cell % GA_MAX_W + GA_PAD] = c->look[k];
        }
        w->n_loose += c->kind[k].pickable && o[0] != GA_OBJ_DELIVERED;
    }
    w->x = s[0];
    w->y = s[1];
    w->facing = s[2];
    w->carry = s[3] - 1;
    w->n_carry = w->carry >= 0;
    w->carried[0] = (int8_t)w->carry;
    w->t = 0;
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

int ga_plan_optimal(GaPlan *p, const GaWorld *start, const GaWorldCfg *c, double *opt)
{
    if (start->n_obj > p->max_objects)
        return -1;
    memcpy(p->cfg, c, sizeof *c);
    p->cfg->max_steps = INT_MAX;
    p->stride = 4 + 3 * start->n_obj;
    p->n_states = 0;
    memset(p->slot, -1, p->hcap * sizeof *p->slot);
    int no = p->n_objectives;
    GaWorld work = *start, *w = &work;
    uint8_t s[4 + 3 * GA_MAX_OBJECTS];
    pack(start, s);
    intern(p, s);
    for (int id = 0; id < p->n_states; id++) {
        for (int a = 0; a < GA_NUM_ACTIONS; a++) {
            unpack(w, p->cfg, p->states + (size_t)id * p->stride);
            ga_world_step(w, p->cfg, a);
            float *r = &p->rew[((size_t)id * GA_NUM_ACTIONS + a) * no];
            for (int o = 0; o < no; o++)
                r[o] = w->reward[o];
            int nx = p->max_states;
            if (!w->terminated) {
                pack(w, s);
                if ((nx = intern(p, s)) < 0)
                    return -1;
            }
            p->next[id * GA_NUM_ACTIONS + a] = nx;
        }
    }
    /* Finite-horizon value iteration, all objectives in one sweep over the transitions.
     * Once a sweep changes nothing, V is a fixed point of the backup and every further sweep
     * would return it unchanged, so the remaining horizon can be skipped. A step that ends the
     * episode leads to state max_states, whose value stays 0: r + 0.0, the sum it always was,
     * without a branch in the innermost loop. */
    int horizon = c->max_steps - start->t;
    double *v = p->v0, *nv = p->v1;
    memset(v, 0, (size_t)p->n_states * (size_t)no * sizeof *v);
    for (int o = 0; o < no; o++)
        v[(size_t)p->max_states * no + o] = nv[(size_t)p->max_states * no + o] = 0.0;
    for (int h = 0; h < horizon; h++) {
        int changed = 0;
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
        double *tmp = v;
        v = nv;
        nv = tmp;
        if (!changed)
            break;
    }
    for (int o = 0; o < no; o++)
        opt[o] = horizon > 0 ? v[o] : 0.0;
    return p->n_states;
}
