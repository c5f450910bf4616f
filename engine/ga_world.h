/* engine/ga_world.h: the gridworld's static description (GaWorldCfg), its flat copyable state
 * (GaWorld), the actions, the events a step emits and the per-objective scoring of those events.
 * Layout generation lives in envs/; observation encoding in ga_obs.h. */
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
#define GA_MAX_EVENTS 4 /* a step emits at most: step, one of move/pick/drop, and enter */
#define GA_NAME_LEN 32

enum { GA_UP, GA_RIGHT, GA_DOWN, GA_LEFT, GA_PICK, GA_DROP, GA_NOOP, GA_NUM_ACTIONS };

enum {
    GA_EV_STEP,    /* every step; no item */
    GA_EV_PICKUP,  /* item picked up */
    GA_EV_DELIVER, /* item put into a container (target) */
    GA_EV_DROP,    /* item put down on the floor */
    GA_EV_BUMP,    /* a move into a wall */
    GA_EV_ENTER,   /* the agent stepped onto a cell holding an object (item) */
    GA_NUM_EVENTS
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

/* Index of name in a vocabulary, or -1. */
int ga_vocab_find(const char *const *names, int n, const char *name);

typedef struct {
    char name[GA_NAME_LEN];
    uint8_t color, shiny, shape; /* perceptual attributes */
    uint8_t pickable, container; /* behaviour flags; never observed directly */
} GaKind;

/* Observation cell codes: 0 floor, 1 wall, 2 + appearance for an object, where the appearance
 * packs only the attributes the scenario lets the agent perceive (see ga_look_code). */
enum { GA_LOOK_FLOOR = 0, GA_LOOK_WALL = 1, GA_LOOK_OBJECT = 2 };

static inline uint8_t ga_look_code(int color, int shiny, int shape)
{
    return (uint8_t)(GA_LOOK_OBJECT + (color * 2 + shiny) * GA_NUM_SHAPES + shape);
}

/* Success of an objective in one episode: every item at reset matching `item` was delivered
 * into a container matching `into`; with `exclusive`, no other delivery happened. A world with
 * no matching item has nothing to succeed at: such an episode is never a success. */
typedef struct {
    uint8_t item[GA_MAX_KINDS]; /* (kind) 1 when the kind must be delivered */
    uint8_t into[GA_MAX_KINDS]; /* (kind) 1 when the kind is an accepted container */
    uint8_t exclusive;
} GaSuccessCfg;

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
 * Never allocates. Returns the training objective's reward. */
float ga_world_step(GaWorld *w, const GaWorldCfg *c, int a);

/* 1 when objective o counts the episode so far as a success (see GaSuccessCfg). */
int ga_world_success(const GaWorld *w, int o);

#endif
