/* engine/ga_world.c: gridworld mechanics. One agent with one carry slot moves, picks up and
 * drops; every step emits events and scores them under every objective by table lookup.
 * Layouts (maps, random placement) are built by envs/ through the setters below. */
#include "ga_world.h"

#include <assert.h>
#include <string.h>

const char *const ga_color_names[GA_NUM_COLORS] = {"none",   "red",    "green", "blue",  "yellow",
                                                   "orange", "purple", "pink",  "brown", "gray",
                                                   "silver", "white",  "black"};
const char *const ga_shape_names[GA_NUM_SHAPES] = {"none",   "berry",    "round", "bowl", "pole",
                                                   "square", "triangle", "star",  "ring"};
const char *const ga_event_names[GA_NUM_EVENTS] = {"step", "pickup", "deliver",
                                                   "drop", "bump",   "enter"};
const char *const ga_action_names[GA_NUM_ACTIONS] = {"up",   "right", "down", "left",
                                                     "pick", "drop",  "noop"};

static const int DX[4] = {0, 1, 0, -1};
static const int DY[4] = {-1, 0, 1, 0};

int ga_vocab_find(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

static inline uint8_t *look_at(GaWorld *w, int x, int y)
{
    return &w->look[(y + GA_PAD) * GA_STRIDE + x + GA_PAD];
}

void ga_world_clear(GaWorld *w, const GaWorldCfg *c)
{
    assert(c->w >= 1 && c->w <= GA_MAX_W && c->h >= 1 && c->h <= GA_MAX_H);
    memset(w, 0, sizeof *w);
    memset(w->look, GA_LOOK_WALL, sizeof w->look);
    for (int y = 0; y < c->h; y++)
        memset(look_at(w, 0, y), GA_LOOK_FLOOR, (size_t)c->w);
    memset(w->obj_at, -1, sizeof w->obj_at);
    w->w = c->w;
    w->h = c->h;
    w->carry = -1;
    w->facing = GA_DOWN;
}

void ga_world_set_wall(GaWorld *w, int x, int y)
{
    assert(x >= 0 && x < w->w && y >= 0 && y < w->h && w->obj_at[y * GA_MAX_W + x] < 0);
    *look_at(w, x, y) = GA_LOOK_WALL;
}

int ga_world_add_object(GaWorld *w, const GaWorldCfg *c, int kind, int x, int y)
{
    assert(kind >= 0 && kind < c->n_kinds);
    int cell = y * GA_MAX_W + x;
    if (w->n_obj >= GA_MAX_OBJECTS || w->obj_at[cell] >= 0 || ga_world_is_wall(w, x, y))
        return -1;
    int i = w->n_obj++;
    w->obj_kind[i] = (uint8_t)kind;
    w->obj_state[i] = GA_OBJ_FLOOR;
    w->obj_cell[i] = (int16_t)cell;
    w->obj_in[i] = -1;
    w->obj_at[cell] = (int8_t)i;
    *look_at(w, x, y) = c->look[kind];
    return i;
}

void ga_world_set_agent(GaWorld *w, int x, int y)
{
    assert(x >= 0 && x < w->w && y >= 0 && y < w->h);
    w->x = x;
    w->y = y;
}

void ga_world_begin(GaWorld *w, const GaWorldCfg *c, uint64_t seed)
{
    w->rng = ga_rng_make(seed);
    w->t = 0;
    w->terminated = w->truncated = 0;
    w->n_events = 0;
    w->n_objectives = c->n_objectives;
    w->n_loose = 0;
    memset(w->ret, 0, sizeof w->ret);
    memset(w->reward, 0, sizeof w->reward);
    memset(w->succ_target, 0, sizeof w->succ_target);
    memset(w->succ_done, 0, sizeof w->succ_done);
    memset(w->succ_spoiled, 0, sizeof w->succ_spoiled);
    memset(w->event_count, 0, sizeof w->event_count);
    for (int i = 0; i < w->n_obj; i++) {
        int k = w->obj_kind[i];
        w->n_loose += c->kind[k].pickable;
        for (int o = 0; o < c->n_objectives; o++)
            w->succ_target[o] += c->success[o].item[k];
    }
}

static inline void emit(GaWorld *w, int type, int item, int target, int obj)
{
    assert(w->n_events < GA_MAX_EVENTS);
    GaEvent *e = &w->events[w->n_events++];
    e->type = (uint8_t)type;
    e->item = (uint8_t)item;
    e->target = (uint8_t)target;
    e->obj = (int8_t)obj;
    w->event_count[type]++;
}

/* The pickable object on the agent's cell, else on the cell it faces, else -1. */
static int reachable(const GaWorld *w, const GaWorldCfg *c, int want_container)
{
    int cells[2] = {w->y * GA_MAX_W + w->x, -1};
    int fx = w->x + DX[w->facing], fy = w->y + DY[w->facing];
    if (fx >= 0 && fx < w->w && fy >= 0 && fy < w->h)
        cells[1] = fy * GA_MAX_W + fx;
    for (int i = 0; i < 2; i++) {
        if (cells[i] < 0)
            continue;
        int o = w->obj_at[cells[i]];
        if (o < 0)
            continue;
        const GaKind *k = &c->kind[w->obj_kind[o]];
        if (want_container ? k->container : k->pickable)
            return o;
    }
    return -1;
}

static void deliver(GaWorld *w, const GaWorldCfg *c, int item, int into)
{
    int ik = w->obj_kind[item], ck = w->obj_kind[into];
    w->obj_state[item] = GA_OBJ_DELIVERED;
    w->obj_in[item] = (int8_t)into;
    w->carry = -1;
    w->n_loose--;
    for (int o = 0; o < c->n_objectives; o++) {
        const GaSuccessCfg *s = &c->success[o];
        if (s->item[ik] && s->into[ck])
            w->succ_done[o]++;
        else if (s->exclusive)
            w->succ_spoiled[o] = 1;
    }
    emit(w, GA_EV_DELIVER, ik, ck, item);
}

float ga_world_step(GaWorld *w, const GaWorldCfg *c, int a)
{
    assert(a >= 0 && a < GA_NUM_ACTIONS);
    w->n_events = 0;
    if (w->terminated || w->truncated) {
        memset(w->reward, 0, sizeof w->reward);
        return 0.0f;
    }
    emit(w, GA_EV_STEP, GA_KIND_NONE, GA_KIND_NONE, -1);
    if (a <= GA_LEFT) {
        int nx = w->x + DX[a], ny = w->y + DY[a];
        w->facing = a;
        if (ga_world_is_wall(w, nx, ny)) {
            emit(w, GA_EV_BUMP, GA_KIND_NONE, GA_KIND_NONE, -1);
        } else {
            w->x = nx;
            w->y = ny;
            int o = w->obj_at[ny * GA_MAX_W + nx];
            if (o >= 0)
                emit(w, GA_EV_ENTER, w->obj_kind[o], GA_KIND_NONE, o);
        }
    } else if (a == GA_PICK && w->carry < 0) {
        int o = reachable(w, c, 0);
        if (o >= 0) {
            int cell = w->obj_cell[o];
            w->obj_at[cell] = -1;
            *look_at(w, cell % GA_MAX_W, cell / GA_MAX_W) = GA_LOOK_FLOOR;
            w->obj_state[o] = GA_OBJ_CARRIED;
            w->carry = o;
            emit(w, GA_EV_PICKUP, w->obj_kind[o], GA_KIND_NONE, o);
        }
    } else if (a == GA_DROP && w->carry >= 0) {
        int into = reachable(w, c, 1);
        int cell = w->y * GA_MAX_W + w->x;
        if (into >= 0) {
            deliver(w, c, w->carry, into);
        } else if (w->obj_at[cell] < 0) {
            int o = w->carry;
            w->obj_state[o] = GA_OBJ_FLOOR;
            w->obj_cell[o] = (int16_t)cell;
            w->obj_at[cell] = (int8_t)o;
            *look_at(w, w->x, w->y) = c->look[w->obj_kind[o]];
            w->carry = -1;
            emit(w, GA_EV_DROP, w->obj_kind[o], GA_KIND_NONE, o);
        }
    }
    w->t++;
    if (c->end_when_empty && w->n_loose == 0)
        w->terminated = 1;
    else if (w->t >= c->max_steps)
        w->truncated = 1;

    for (int o = 0; o < c->n_objectives; o++) {
        float r = 0.0f;
        for (int i = 0; i < w->n_events; i++) {
            const GaEvent *e = &w->events[i];
            r += c->reward[o][e->type][e->item][e->target];
        }
        w->reward[o] = r;
        w->ret[o] += r;
    }
    return w->reward[c->train_obj];
}

int ga_world_success(const GaWorld *w, int o)
{
    return w->succ_target[o] > 0 && w->succ_done[o] == w->succ_target[o] && !w->succ_spoiled[o];
}
