/* engine/ga_world.c: gridworld mechanics. One agent moves, picks up and drops (one item, or an
 * inventory in format 2); every step emits events and scores them under every objective by
 * table lookup, then applies the format 2 rules (GaXRule) that a table cannot hold. Objects may
 * block, be pushed, end the episode, change kind and interrupt the agent. Layouts (maps, random
 * placement) are built by envs/ through the setters below. */
#include "ga_world.h"

#include <assert.h>
#include <string.h>

const char *const ga_color_names[GA_NUM_COLORS] = {"none",   "red",    "green", "blue",  "yellow",
                                                   "orange", "purple", "pink",  "brown", "gray",
                                                   "silver", "white",  "black"};
const char *const ga_shape_names[GA_NUM_SHAPES] = {"none",   "berry",    "round", "bowl", "pole",
                                                   "square", "triangle", "star",  "ring"};
const char *const ga_event_names[GA_NUM_EVENTS] = {
    "step", "pickup", "deliver", "drop", "bump", "enter", "occupy", "push", "interrupted", "end"};
const char *const ga_where_names[GA_NUM_WHERE] = {"anywhere", "corner", "wall",
                                                  "moved",    "start",  "carried"};
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
    memset(w->succ_pick_target, 0, sizeof w->succ_pick_target);
    memset(w->succ_items, 0, sizeof w->succ_items);
    memset(w->succ_picks, 0, sizeof w->succ_picks);
    memset(w->succ_picked, 0, sizeof w->succ_picked);
    memset(w->succ_reached, 0, sizeof w->succ_reached);
    memset(w->event_count, 0, sizeof w->event_count);
    memset(w->xhits, 0, sizeof w->xhits);
    w->flags = 0;
    for (int f = 0; f < c->n_flags; f++)
        if (c->flag_p[f] >= 1.0f || c->flag_at[f] == 0)
            w->flags |= (uint16_t)(1u << f);
    w->interrupted = 0;
    w->action = GA_NOOP;
    w->reached = -1;
    w->obj_picked = 0;
    w->forcing = 0;
    for (int o = 0; o < c->n_objectives; o++) {
        w->succ_mode[o] = c->success[o].mode;
        w->succ_flags[o] = c->success[o].flags;
    }
    for (int i = 0; i < w->n_obj; i++) {
        int k = w->obj_kind[i];
        w->n_loose += c->kind[k].pickable;
        w->obj_start[i] = w->obj_cell[i];
        w->obj_fill[i] = 0;
        for (int o = 0; o < c->n_objectives; o++) {
            w->succ_target[o] += c->success[o].item[k];
            w->succ_pick_target[o] += c->success[o].pick[k];
            w->succ_items[o] |= (uint64_t)c->success[o].item[k] << i;
            w->succ_picks[o] |= (uint64_t)c->success[o].pick[k] << i;
        }
    }
}

void ga_world_draw_flags(GaWorld *w, const GaWorldCfg *c, GaRng *r)
{
    for (int f = 0; f < c->n_flags; f++)
        if (c->flag_p[f] > 0.0f && c->flag_p[f] < 1.0f && ga_rng_uniform(r) < (double)c->flag_p[f])
            w->flags |= (uint16_t)(1u << f);
}

int ga_world_find_flag(const GaWorldCfg *c, const char *name)
{
    for (int f = 0; f < c->n_flags; f++)
        if (strcmp(c->flag_name[f], name) == 0)
            return f;
    return -1;
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

/* One chance draw with probability p. Certain outcomes draw nothing, so a p of 0 or 1 neither
 * moves the generator nor branches the planner. */
static inline int chance(GaWorld *w, float p)
{
    if (p <= 0.0f)
        return 0;
    if (p >= 1.0f)
        return 1;
    if (w->forcing) {
        int hit = w->n_draws < 32 && (w->force_bits >> w->n_draws & 1u);
        w->n_draws++;
        w->force_p *= hit ? (double)p : 1.0 - (double)p;
        return hit;
    }
    return ga_rng_uniform(&w->rng) < (double)p;
}

/* Object o turns into kind k where it is (on the floor, carried or delivered). */
static void become(GaWorld *w, const GaWorldCfg *c, int o, int k)
{
    int old = w->obj_kind[o];
    if (w->obj_state[o] != GA_OBJ_DELIVERED)
        w->n_loose += c->kind[k].pickable - c->kind[old].pickable;
    w->obj_kind[o] = (uint8_t)k;
    if (w->obj_state[o] == GA_OBJ_FLOOR) {
        int cell = w->obj_cell[o];
        *look_at(w, cell % GA_MAX_W, cell / GA_MAX_W) = c->look[k];
    }
}

static inline int accepts(const GaWorld *w, const GaKind *k, int o)
{
    return k->container && (!k->capacity || w->obj_fill[o] < k->capacity);
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
        if (want_container ? accepts(w, k, o) : k->pickable)
            return o;
    }
    return -1;
}

/* The top item leaves the agent's hands. */
static void unload(GaWorld *w)
{
    w->n_carry--;
    w->carry = w->n_carry > 0 ? w->carried[w->n_carry - 1] : -1;
}

static void deliver(GaWorld *w, const GaWorldCfg *c, int item, int into)
{
    int ik = w->obj_kind[item], ck = w->obj_kind[into];
    w->obj_state[item] = GA_OBJ_DELIVERED;
    w->obj_in[item] = (int8_t)into;
    unload(w);
    w->n_loose--;
    for (int o = 0; o < c->n_objectives; o++) {
        const GaSuccessCfg *s = &c->success[o];
        if ((w->succ_items[o] >> item & 1u) && s->into[ck])
            w->succ_done[o]++;
        else if (s->exclusive)
            w->succ_spoiled[o] = 1;
    }
    emit(w, GA_EV_DELIVER, ik, ck, item);
    if (w->obj_fill[into] < 255)
        w->obj_fill[into]++;
    if (c->kind[ck].on_deliver)
        become(w, c, into, c->kind[ck].on_deliver - 1);
}

static void pick(GaWorld *w, const GaWorldCfg *c, int o)
{
    int cell = w->obj_cell[o], k = w->obj_kind[o];
    w->obj_at[cell] = -1;
    *look_at(w, cell % GA_MAX_W, cell / GA_MAX_W) = GA_LOOK_FLOOR;
    w->obj_state[o] = GA_OBJ_CARRIED;
    w->carried[w->n_carry++ & (GA_MAX_CARRY - 1)] = (int8_t)o; /* n_carry < GA_MAX_CARRY */
    w->carry = o;
    if (!(w->obj_picked >> o & 1u)) {
        w->obj_picked |= 1ull << o;
        for (int j = 0; j < c->n_objectives; j++)
            w->succ_picked[j] += (uint16_t)(w->succ_picks[j] >> o & 1u);
    }
    emit(w, GA_EV_PICKUP, k, GA_KIND_NONE, o);
}

/* Moves floor object o one cell in direction a if that cell is free floor; 1 when it moved. */
static int push(GaWorld *w, const GaWorldCfg *c, int o, int a)
{
    int cell = w->obj_cell[o], x = cell % GA_MAX_W, y = cell / GA_MAX_W;
    int bx = x + DX[a], by = y + DY[a], to = by * GA_MAX_W + bx;
    if (ga_world_is_wall(w, bx, by) || w->obj_at[to] >= 0)
        return 0;
    w->obj_at[cell] = -1;
    *look_at(w, x, y) = GA_LOOK_FLOOR;
    w->obj_at[to] = (int8_t)o;
    w->obj_cell[o] = (int16_t)to;
    *look_at(w, bx, by) = c->look[w->obj_kind[o]];
    return 1;
}

/* The agent has just stepped onto object o: the enter event, then what the kind does to an
 * agent that enters it. Returns 1 when the episode ends here (a terminal kind). */
static int entered(GaWorld *w, const GaWorldCfg *c, int o)
{
    int k = w->obj_kind[o];
    const GaKind *kd = &c->kind[k];
    emit(w, GA_EV_ENTER, k, GA_KIND_NONE, o);
    if (kd->interrupt && !w->interrupted && ga_cond_holds(kd->interrupt_if, w->flags) &&
        chance(w, kd->interrupt_p)) {
        w->interrupted = 1;
        emit(w, GA_EV_INTERRUPTED, k, GA_KIND_NONE, o);
    }
    if (kd->on_enter)
        become(w, c, o, kd->on_enter - 1);
    if (!kd->terminal)
        return 0;
    w->reached = (int8_t)k;
    for (int j = 0; j < c->n_objectives && j < GA_MAX_OBJECTIVES; j++)
        w->succ_reached[j] = (uint8_t)(c->success[j].reach >> k & 1u);
    return 1;
}

static int move(GaWorld *w, const GaWorldCfg *c, int a)
{
    int nx = w->x + DX[a], ny = w->y + DY[a];
    w->facing = a;
    if (ga_world_is_wall(w, nx, ny)) {
        emit(w, GA_EV_BUMP, GA_KIND_NONE, GA_KIND_NONE, -1);
        return 0;
    }
    int o = w->obj_at[ny * GA_MAX_W + nx];
    if (o >= 0) {
        const GaKind *kd = &c->kind[w->obj_kind[o]];
        if (kd->solid | kd->pushable) {
            if (kd->pushable && push(w, c, o, a)) {
                w->x = nx;
                w->y = ny;
                emit(w, GA_EV_PUSH, w->obj_kind[o], GA_KIND_NONE, o);
            } else {
                emit(w, GA_EV_BUMP, w->obj_kind[o], GA_KIND_NONE, o);
            }
            return 0;
        }
    }
    w->x = nx;
    w->y = ny;
    return o >= 0 ? entered(w, c, o) : 0;
}

/* Objects of a decaying kind on the floor turn into their decay kind, each with its
 * probability, in object order. */
static void decay(GaWorld *w, const GaWorldCfg *c)
{
    for (int i = 0; i < w->n_obj; i++) {
        const GaKind *kd = &c->kind[w->obj_kind[i]];
        if (kd->decay_to && w->obj_state[i] == GA_OBJ_FLOOR && chance(w, kd->decay_p))
            become(w, c, i, kd->decay_to - 1);
    }
}

static int placed(const GaWorld *w, int o, int where)
{
    int cell = w->obj_cell[o], x = cell % GA_MAX_W, y = cell / GA_MAX_W;
    int up = ga_world_is_wall(w, x, y - 1), down = ga_world_is_wall(w, x, y + 1);
    int left = ga_world_is_wall(w, x - 1, y), right = ga_world_is_wall(w, x + 1, y);
    switch (where) {
    case GA_WHERE_CORNER:
        return (up || down) && (left || right);
    case GA_WHERE_WALL:
        return up || down || left || right;
    case GA_WHERE_MOVED:
        return cell != w->obj_start[o];
    case GA_WHERE_START:
        return cell == w->obj_start[o];
    default:
        return 1;
    }
}

/* 1 when some object of the kinds in mask is on the floor or carried. */
static int left(const GaWorld *w, uint32_t mask)
{
    for (int i = 0; i < w->n_obj; i++)
        if (w->obj_state[i] != GA_OBJ_DELIVERED && (mask >> w->obj_kind[i] & 1u))
            return 1;
    return 0;
}

/* How many times rule x fires this step (0 when it does not), before `once`. */
static int fires(const GaWorld *w, const GaXRule *x, int ended)
{
    int n = 0;
    if (x->at_given && (w->x < x->at[0] || w->y < x->at[1] || w->x > x->at[2] || w->y > x->at[3]))
        return 0;
    if (x->on == GA_EV_END) {
        if (!ended)
            return 0;
        int state = x->where == GA_WHERE_CARRIED ? GA_OBJ_CARRIED : GA_OBJ_FLOOR;
        for (int i = 0; i < w->n_obj; i++)
            n += w->obj_state[i] == state && (x->item >> w->obj_kind[i] & 1u) &&
                 (state == GA_OBJ_CARRIED || placed(w, i, x->where));
        return n;
    }
    for (int i = 0; i < w->n_events; i++) {
        const GaEvent *e = &w->events[i];
        n += e->type == x->on && (x->item >> e->item & 1u) && (x->into >> e->target & 1u);
    }
    if (!n || !x->count)
        return n;
    int count = 0;
    for (int i = 0; i < w->n_obj; i++) {
        if (w->obj_state[i] != GA_OBJ_FLOOR || !(x->count >> w->obj_kind[i] & 1u))
            continue;
        int cell = w->obj_cell[i], cx = cell % GA_MAX_W, cy = cell / GA_MAX_W;
        count += x->region[0] < 0 || (cx >= x->region[0] && cy >= x->region[1] &&
                                      cx <= x->region[2] && cy <= x->region[3]);
    }
    return n * count;
}

/* The format 2 rules, in the world's order (triggers, rewards, measures). */
static void apply_xrules(GaWorld *w, const GaWorldCfg *c)
{
    int ended = w->terminated || w->truncated;
    for (int i = 0; i < c->n_xrules; i++) {
        const GaXRule *x = &c->xrule[i];
        if ((x->once && w->xhits[i]) || !ga_cond_holds(x->cond, w->flags))
            continue;
        int n = fires(w, x, ended);
        if (!n)
            continue;
        if (x->once)
            n = 1;
        w->xhits[i] = (uint16_t)(w->xhits[i] + n > 65535 ? 65535 : w->xhits[i] + n);
        if (x->role == GA_XR_TRIGGER)
            w->flags = (uint16_t)(((w->flags | x->set) & ~x->clear) ^ x->toggle);
        else if (x->role == GA_XR_REWARD)
            w->reward[x->objective] += x->reward * (float)n;
    }
}

float ga_world_step(GaWorld *w, const GaWorldCfg *c, int a)
{
    assert(a >= 0 && a < GA_NUM_ACTIONS);
    w->n_events = 0;
    if (w->terminated || w->truncated) {
        memset(w->reward, 0, sizeof w->reward);
        return 0.0f;
    }
    a = ga_world_executes(w, a);
    w->action = (uint8_t)a;
    emit(w, GA_EV_STEP, GA_KIND_NONE, GA_KIND_NONE, -1);
    int term = 0;
    if (a <= GA_LEFT) {
        term = move(w, c, a);
    } else if (a == GA_PICK && w->n_carry < (c->inventory > 1 ? c->inventory : 1)) {
        int o = reachable(w, c, 0);
        if (o >= 0)
            pick(w, c, o);
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
            unload(w);
            emit(w, GA_EV_DROP, w->obj_kind[o], GA_KIND_NONE, o);
        }
    }
    w->t++;
    if (c->flag_timed)
        for (int f = 0; f < c->n_flags; f++)
            if ((c->flag_timed >> f & 1u) && c->flag_at[f] == w->t)
                w->flags |= (uint16_t)(1u << f);
    if (c->has_decay)
        decay(w, c);
    if (c->emit & (1u << GA_EV_OCCUPY)) {
        int o = w->obj_at[w->y * GA_MAX_W + w->x];
        if (o >= 0) {
            int k = w->obj_kind[o];
            emit(w, GA_EV_OCCUPY, k, GA_KIND_NONE, o);
            if (c->kind[k].on_occupy)
                become(w, c, o, c->kind[k].on_occupy - 1);
        }
    }
    if (term || (c->end_when_empty && (c->end_kinds ? !left(w, c->end_kinds) : w->n_loose == 0)))
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
    }
    if (c->n_xrules)
        apply_xrules(w, c);
    for (int o = 0; o < c->n_objectives; o++)
        w->ret[o] += w->reward[o];
    return w->reward[c->train_obj];
}

int ga_world_success(const GaWorld *w, int o)
{
    int m = w->succ_mode[o] ? w->succ_mode[o] : GA_SUCC_DELIVER;
    if (m & GA_SUCC_NEVER)
        return 0;
    if ((m & GA_SUCC_DELIVER) &&
        !(w->succ_target[o] > 0 && w->succ_done[o] == w->succ_target[o] && !w->succ_spoiled[o]))
        return 0;
    if ((m & GA_SUCC_PICK) &&
        !(w->succ_pick_target[o] > 0 && w->succ_picked[o] == w->succ_pick_target[o]))
        return 0;
    if ((m & GA_SUCC_REACH) && !w->succ_reached[o])
        return 0;
    if ((m & GA_SUCC_FLAGS) && !ga_cond_holds(w->succ_flags[o], w->flags))
        return 0;
    if ((m & GA_SUCC_TERM) && !w->terminated)
        return 0;
    return 1;
}
