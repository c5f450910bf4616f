/* engine/ga_world.h: the gridworld's static description (GaWorldCfg), its flat copyable state
 * (GaWorld), the actions, the events a step emits and the per-objective scoring of those events.
 * Format 2 mechanics (solid, pushable and terminal kinds, kinds that change, episode flags,
 * interruption, an inventory, conditional and end-of-episode rules) live here too; a world
 * that uses none of them steps exactly as format 1 did. Layout generation lives in envs/;
 * observation encoding in ga_obs.h. */
#ifndef GA_WORLD_H
#define GA_WORLD_H

#include <stdint.h>

#include "ga_rng.h"

#define GA_MAX_W 32
#define GA_MAX_H 32
#define GA_PAD 8 /* widest view radius; look[] carries a wall margin this wide */
#define GA_STRIDE (GA_MAX_W + 2 * GA_PAD)
#define GA_LOOK_CELLS (GA_STRIDE * (GA_MAX_H + 2 * GA_PAD))
#define GA_MAX_KINDS 16
#define GA_KIND_NONE GA_MAX_KINDS /* "no kind" slot in event and reward tables */
#define GA_MAX_OBJECTS 64
#define GA_MAX_OBJECTIVES 8
#define GA_MAX_EVENTS                                                                              \
    6 /* a step emits at most: step, one of bump/push/pick/deliver/drop, enter,                    \
        occupy and interrupted */
#define GA_NAME_LEN 32
#define GA_MAX_FLAGS 16  /* episode flags (format 2) */
#define GA_MAX_CARRY 8   /* inventory slots (format 2; format 1 carries one item) */
#define GA_MAX_XRULES 64 /* rules that need more than a table lookup, triggers and measures */
#define GA_MAX_OUTCOME_DRAWS 12 /* chance draws per step the planner enumerates (2^12 outcomes) */

enum { GA_UP, GA_RIGHT, GA_DOWN, GA_LEFT, GA_PICK, GA_DROP, GA_NOOP, GA_NUM_ACTIONS };

enum {
    GA_EV_STEP,        /* every step; no item */
    GA_EV_PICKUP,      /* item picked up */
    GA_EV_DELIVER,     /* item put into a container (target) */
    GA_EV_DROP,        /* item put down on the floor */
    GA_EV_BUMP,        /* a move into a wall */
    GA_EV_ENTER,       /* the agent stepped onto a cell holding an object (item) */
    GA_EV_OCCUPY,      /* format 2: the agent ends a step on a cell holding an object (item) */
    GA_EV_PUSH,        /* format 2: a move pushed a pushable object one cell (item) */
    GA_EV_INTERRUPTED, /* format 2: entering an interrupting object (item) froze the agent */
    GA_EV_END, /* format 2: once per object still on the floor when the episode ends; only in
                * rules (GaXRule), never in GaWorld.events */
    GA_NUM_EVENTS
};
#define GA_NUM_EVENTS_V1 (GA_EV_ENTER + 1) /* the events of format 1 */

/* Where an object ended up, for GA_EV_END rules. A wall is a wall cell or the grid's edge;
 * a corner is two walls on adjacent sides (not opposite ones). */
/* Where an object ended an episode, for `end` rules: on the floor (anywhere, in a corner, by a
 * wall, moved, where it started) or in the agent's hands. */
enum {
    GA_WHERE_ANY,
    GA_WHERE_CORNER,
    GA_WHERE_WALL,
    GA_WHERE_MOVED,
    GA_WHERE_START,
    GA_WHERE_CARRIED,
    GA_NUM_WHERE
};

/* Perceptual attribute vocabularies. Fixed, so observation codes and the renderer know every
 * value; index 0 means "none / not perceived". */
enum {
    GA_COLOR_NONE,
    GA_COLOR_RED,
    GA_COLOR_GREEN,
    GA_COLOR_BLUE,
    GA_COLOR_YELLOW,
    GA_COLOR_ORANGE,
    GA_COLOR_PURPLE,
    GA_COLOR_PINK,
    GA_COLOR_BROWN,
    GA_COLOR_GRAY,
    GA_COLOR_SILVER,
    GA_COLOR_WHITE,
    GA_COLOR_BLACK,
    GA_NUM_COLORS
};
enum {
    GA_SHAPE_NONE,
    GA_SHAPE_BERRY,
    GA_SHAPE_ROUND,
    GA_SHAPE_BOWL,
    GA_SHAPE_POLE,
    GA_SHAPE_SQUARE,
    GA_SHAPE_TRIANGLE,
    GA_SHAPE_STAR,
    GA_SHAPE_RING,
    GA_NUM_SHAPES
};

extern const char *const ga_color_names[GA_NUM_COLORS];
extern const char *const ga_shape_names[GA_NUM_SHAPES];
extern const char *const ga_event_names[GA_NUM_EVENTS];
extern const char *const ga_action_names[GA_NUM_ACTIONS];
extern const char *const ga_where_names[GA_NUM_WHERE];

/* Index of name in a vocabulary, or -1. */
int ga_vocab_find(const char *const *names, int n, const char *name);

/* A condition on the episode flags: every flag in `set` is set and every flag in `clear` is
 * clear. {0, 0} always holds. */
typedef struct {
    uint16_t set, clear;
} GaCond;

static inline int ga_cond_holds(GaCond k, uint16_t flags)
{
    return (flags & k.set) == k.set && !(flags & k.clear);
}

typedef struct {
    char name[GA_NAME_LEN];
    uint8_t color, shiny, shape; /* perceptual attributes */
    uint8_t pickable, container; /* behaviour flags; never observed directly */
    /* Format 2 behaviour (all zero / -1 in format 1). */
    uint8_t solid;    /* a move into it is a bump naming the kind */
    uint8_t pushable; /* a move into it pushes it one cell onto free floor, else a bump */
    uint8_t terminal; /* entering it ends the episode as terminated */
    uint8_t capacity; /* container: deliveries it takes, 0 = no limit */
    /* Kinds it turns into, stored as 1 + kind so that 0 (a zeroed GaKind) means "none". */
    uint8_t on_enter;   /* when the agent enters it */
    uint8_t on_occupy;  /* when the agent ends a step on it */
    uint8_t on_deliver; /* container: when it receives a delivery */
    uint8_t decay_to;   /* on its own, with probability decay_p per step */
    float decay_p;
    uint8_t interrupt; /* entering it while interrupt_if holds freezes the agent w.p. interrupt_p */
    float interrupt_p;
    GaCond interrupt_if;
} GaKind;

/* Observation cell codes: 0 floor, 1 wall, 2 + appearance for an object, where the appearance
 * packs only the attributes the scenario lets the agent perceive (see ga_look_code). */
enum { GA_LOOK_FLOOR = 0, GA_LOOK_WALL = 1, GA_LOOK_OBJECT = 2 };

static inline uint8_t ga_look_code(int color, int shiny, int shape)
{
    return (uint8_t)(GA_LOOK_OBJECT + (color * 2 + shiny) * GA_NUM_SHAPES + shape);
}

/* Success of an objective in one episode: every condition given holds (an objective with none
 * never succeeds).
 *   deliver: every item at reset matching `item` was delivered into a container matching
 *            `into`; with `exclusive`, no other delivery happened (format 1's only condition);
 *   pick:    every object at reset whose kind is in `pick` was picked up at least once;
 *   reach:   the episode ended by entering a terminal object whose kind is in `reach`;
 *   flags:   the episode flags satisfy `flags`;
 *   term:    the episode terminated rather than running out of steps.
 * A world with no matching item has nothing to deliver or pick: never a success. */
enum {
    GA_SUCC_DELIVER = 1,
    GA_SUCC_PICK = 2,
    GA_SUCC_REACH = 4,
    GA_SUCC_FLAGS = 8,
    GA_SUCC_NEVER = 16, /* no condition given */
    GA_SUCC_TERM = 32   /* the episode terminated (not truncated by max_steps) */
};
typedef struct {
    uint8_t mode;               /* GA_SUCC_* bits: the conditions given; 0 = GA_SUCC_DELIVER */
    uint8_t item[GA_MAX_KINDS]; /* (kind) 1 when the kind must be delivered */
    uint8_t into[GA_MAX_KINDS]; /* (kind) 1 when the kind is an accepted container */
    uint8_t exclusive;
    uint8_t pick[GA_MAX_KINDS]; /* (kind) 1 when every object of the kind must be picked up */
    uint32_t reach;             /* kind bit mask */
    GaCond flags;
} GaSuccessCfg;

/* A rule that a table lookup cannot apply (format 2): a reward rule with a condition on the
 * flags, `once`, a count or an end-of-episode placement; a trigger that sets, clears or toggles
 * flags; or a measure that only counts. A world's rules are ordered triggers first (in the
 * file's order, each seeing the flags the earlier ones left), then reward rules, then measures,
 * all after the step's events are known. */
enum { GA_XR_TRIGGER, GA_XR_REWARD, GA_XR_MEASURE };
typedef struct {
    uint8_t role;     /* GA_XR_* */
    uint8_t on;       /* GA_EV_* */
    int8_t objective; /* GA_XR_REWARD: the objective it pays into; else -1 */
    uint8_t once;     /* fires at most once per episode */
    uint8_t where;    /* GA_EV_END: GA_WHERE_* */
    uint32_t item;    /* kind bit mask the event's item must be in; bit GA_KIND_NONE = no item */
    uint32_t into;    /* the same for the event's target (deliveries) */
    GaCond cond;      /* flags that must hold when it fires */
    uint16_t set, clear, toggle; /* GA_XR_TRIGGER: effects on the flags */
    float reward;                /* GA_XR_REWARD */
    uint32_t count; /* non-zero: reward is paid once per floor object of these kinds (in region) */
    int8_t region[4]; /* count: x0, y0, x1, y1 inclusive; x0 = -1 means the whole grid */
    uint8_t at_given; /* the agent's cell after the step must be in at (x0, y0, x1, y1) */
    int8_t at[4];
} GaXRule;

/* One world of a scenario (the training world or a test world), compiled from JSON. */
typedef struct {
    char name[GA_NAME_LEN];
    int w, h;    /* grid size including any border */
    int border;  /* walls around the edge */
    int has_map; /* layout comes from map_* below, plus random `count` placements */
    uint8_t map_wall[GA_MAX_H * GA_MAX_W]; /* (h, w) 1 = wall */
    int8_t map_obj[GA_MAX_H * GA_MAX_W];   /* (h, w) kind index or -1 */
    int map_ax, map_ay;                    /* agent start, -1 = random free cell */
    uint8_t count[GA_MAX_KINDS];           /* (kind) objects placed on random free cells */
    int max_steps;                         /* truncation limit */
    int end_when_empty; /* terminate once no pickable object is left on the floor or carried */
    uint32_t end_kinds; /* format 2, non-zero: end_when_empty watches these kinds (bit mask),
                           pickable or not, instead of the pickable ones */
    int inventory;      /* items the agent can carry, 1 (format 1) to GA_MAX_CARRY */
    int8_t place_region[GA_MAX_KINDS][4]; /* (kind) format 2: `count` objects go on free cells
                                            in x0,y0,x1,y1 inclusive; x0 = -1 means anywhere */

    int n_kinds;
    GaKind kind[GA_MAX_KINDS];  /* (kind) attributes after this world's overrides */
    uint8_t look[GA_MAX_KINDS]; /* (kind) observation code under the scenario's perception */

    int n_objectives;
    int train_obj, intended_obj;
    /* Reward of one event under each objective, precompiled from the rules so a step does a
     * table lookup, not rule matching. */
    float reward[GA_MAX_OBJECTIVES][GA_NUM_EVENTS][GA_MAX_KINDS + 1]
                [GA_MAX_KINDS + 1];          /* (objective, event, item kind, target kind) */
    GaSuccessCfg success[GA_MAX_OBJECTIVES]; /* (objective) */

    /* Format 2 (all zero in format 1, so the step skips every branch below). */
    int n_flags;
    char flag_name[GA_MAX_FLAGS][GA_NAME_LEN]; /* (flag) */
    float flag_p[GA_MAX_FLAGS]; /* (flag) probability it starts set: 0, 1, or drawn per episode */
    int32_t flag_at[GA_MAX_FLAGS]; /* (flag) step count at which it becomes set, or -1 */
    uint16_t flag_perceived;       /* flags the agent observes (and the heads-up line shows) */
    uint16_t flag_timed;           /* flags with flag_at >= 0 */
    uint16_t emit;                 /* bit e: the world emits optional event e (GA_EV_OCCUPY) */
    uint8_t has_decay;             /* some kind has a decay_to */
    uint8_t has_end;               /* some rule is on GA_EV_END */
    int n_xrules;
    GaXRule xrule[GA_MAX_XRULES]; /* (xrule) ordered as GaXRule says */
} GaWorldCfg;

typedef struct {
    uint8_t type;
    uint8_t item;   /* kind index or GA_KIND_NONE */
    uint8_t target; /* kind index or GA_KIND_NONE */
    int8_t obj;     /* object index or -1 */
} GaEvent;

enum { GA_OBJ_FLOOR, GA_OBJ_CARRIED, GA_OBJ_DELIVERED };

/* The whole episode state. No pointers: copying a GaWorld forks the episode, RNG included. */
typedef struct {
    /* Format 2 state first (small); zero or empty in format 1. */
    uint16_t flags;               /* episode flags, bit f = flag f */
    uint8_t interrupted;          /* frozen: every action is replaced by noop */
    uint8_t action;               /* the action the last step executed (noop once interrupted) */
    int8_t reached;               /* kind of the terminal object entered, or -1 */
    int8_t n_carry;               /* items carried; carry is carried[n_carry - 1] */
    int8_t carried[GA_MAX_CARRY]; /* (slot) object indices, oldest first */
    uint8_t obj_fill[GA_MAX_OBJECTS];  /* (object) deliveries a container received */
    int16_t obj_start[GA_MAX_OBJECTS]; /* (object) cell at reset */
    uint64_t obj_picked;               /* (object bit) picked up at least once */
    /* Targets are the objects a condition names at reset, by index: an object whose kind
     * changes later stays a target (or stays none). */
    uint64_t succ_items[GA_MAX_OBJECTIVES];       /* (objective, object bit) to deliver */
    uint64_t succ_picks[GA_MAX_OBJECTIVES];       /* (objective, object bit) to pick up */
    uint16_t succ_pick_target[GA_MAX_OBJECTIVES]; /* (objective) objects to pick, fixed at reset */
    uint16_t succ_picked[GA_MAX_OBJECTIVES];      /* (objective) of those, picked up */
    uint8_t succ_reached[GA_MAX_OBJECTIVES];      /* (objective) the reach condition held */
    uint8_t succ_mode[GA_MAX_OBJECTIVES];         /* (objective) GA_SUCC_* copied at reset */
    GaCond succ_flags[GA_MAX_OBJECTIVES];         /* (objective) copied at reset */
    uint16_t xhits[GA_MAX_XRULES];                /* (xrule) times it fired this episode */
    /* Chance draws (interruption, decay). Normally from rng; the planner sets `forcing` and
     * reads each draw's outcome from force_bits instead, collecting the outcome's probability. */
    uint8_t forcing, n_draws;
    uint32_t force_bits;
    double force_p;

    uint8_t look[GA_LOOK_CELLS];        /* (H + 2*PAD, STRIDE) cell codes, margin = wall */
    int8_t obj_at[GA_MAX_H * GA_MAX_W]; /* (h, w) object index on that cell or -1 */
    uint8_t obj_kind[GA_MAX_OBJECTS];   /* (object) */
    uint8_t obj_state[GA_MAX_OBJECTS];  /* (object) GA_OBJ_* */
    int16_t obj_cell[GA_MAX_OBJECTS];   /* (object) y * GA_MAX_W + x while on the floor */
    int8_t obj_in[GA_MAX_OBJECTS];      /* (object) the container object once delivered, or -1 */
    int n_obj;
    int w, h;
    int x, y, facing; /* facing is the last move's direction, GA_UP..GA_LEFT */
    int carry;        /* object index or -1 */
    int t;            /* steps taken this episode */
    int n_loose;      /* pickable objects on the floor or carried */
    int terminated, truncated;
    int n_events;
    GaEvent events[GA_MAX_EVENTS]; /* (event) emitted by the last step */
    int n_objectives;
    float reward[GA_MAX_OBJECTIVES];         /* (objective) reward of the last step */
    float ret[GA_MAX_OBJECTIVES];            /* (objective) return so far */
    uint16_t succ_target[GA_MAX_OBJECTIVES]; /* (objective) items to deliver, fixed at reset */
    uint16_t succ_done[GA_MAX_OBJECTIVES];   /* (objective) of those, delivered correctly */
    uint8_t succ_spoiled[GA_MAX_OBJECTIVES]; /* (objective) an exclusive rule was broken */
    uint32_t event_count[GA_NUM_EVENTS];     /* (event) this episode */
    GaRng rng;
} GaWorld;

/* Empties w into a cfg->w x cfg->h floor grid with walls outside it; no objects, agent at 0,0.
 * Layout code (envs/) then calls ga_world_set_wall, ga_world_add_object, ga_world_set_agent
 * and finally ga_world_begin. */
void ga_world_clear(GaWorld *w, const GaWorldCfg *c);
void ga_world_set_wall(GaWorld *w, int x, int y);
/* Returns the object index, or -1 when the cell is taken or GA_MAX_OBJECTS is reached. */
int ga_world_add_object(GaWorld *w, const GaWorldCfg *c, int kind, int x, int y);
void ga_world_set_agent(GaWorld *w, int x, int y);
/* Starts the episode: zeroes returns and counters and fixes each objective's success target. */
void ga_world_begin(GaWorld *w, const GaWorldCfg *c, uint64_t seed);

static inline int ga_world_is_wall(const GaWorld *w, int x, int y)
{
    return w->look[(y + GA_PAD) * GA_STRIDE + x + GA_PAD] == GA_LOOK_WALL;
}

/* Applies action a (0..GA_NUM_ACTIONS-1): fills w->events, w->reward[] for every objective
 * and adds it to w->ret[]; sets terminated/truncated. Does nothing once the episode is over.
 * w->action receives the action actually executed (noop once the agent is interrupted): that
 * is the one a learner must learn from. Never allocates. Returns the training objective's
 * reward. */
float ga_world_step(GaWorld *w, const GaWorldCfg *c, int a);

/* The action the next ga_world_step will execute when asked for a: noop once an interruption
 * froze the agent, else a itself. On-policy learners bootstrap from it (lab/ga_train.c). */
static inline int ga_world_executes(const GaWorld *w, int a)
{
    return w->interrupted ? GA_NOOP : a;
}

/* Draws the flags a world sets per episode with a probability (flag_p strictly between 0 and
 * 1) from r, in flag order; ga_world_begin already set the certain ones. */
void ga_world_draw_flags(GaWorld *w, const GaWorldCfg *c, GaRng *r);

/* Index of the flag called name, or -1. */
int ga_world_find_flag(const GaWorldCfg *c, const char *name);

/* 1 when objective o counts the episode so far as a success (see GaSuccessCfg). */
int ga_world_success(const GaWorld *w, int o);

#endif
