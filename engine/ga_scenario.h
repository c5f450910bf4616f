/* engine/ga_scenario.h: a scenario file compiled into flat world configurations: object kinds,
 * objectives (rules over events, success), perception, the training world and named test worlds,
 * and the default agent. The format is documented in docs/scenario-format.md.
 * Loading validates everything; a loaded scenario is never inconsistent. */
#ifndef GA_SCENARIO_H
#define GA_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "ga_err.h"
#include "ga_hash.h"
#include "ga_obs.h"
#include "ga_param.h"
#include "ga_world.h"

#define GA_SCENARIO_MAX_VERSION 1000000
#define GA_SCENARIO_ID_LEN 80 /* "name-vN" with its NUL */
#define GA_SCENARIO_FORMAT 2  /* the newest format; format 1 files load and behave as before */
#define GA_MAX_WORLDS 16      /* the training world and up to 15 test worlds */
#define GA_MAX_RULES 16
#define GA_MAX_EXPECT 32
#define GA_MAX_AGENT_CFGS 4
#define GA_MAX_MEASURES 16
#define GA_MAX_TRIGGERS 16
/* The largest reward one step may pay under an objective, summed over every rule that could
 * fire on it: 1e30 * max_steps (1e6) and 1e30 / (1 - gamma) stay well within a float. */
#define GA_REWARD_MAX 1e30

/* Training settings of one learner: the scenario's default agent, or another one listed under
 * "agents" (a learner not listed trains with the default steps and its own defaults). */
typedef struct {
    char name[GA_NAME_LEN];
    int64_t steps;
    int n_params;
    GaParam param[GA_MAX_PARAMS];
} GaAgentCfg;

/* Metrics an expectation can judge, per world. */
enum {
    GA_METRIC_SUCCESS_RATE,    /* of an objective */
    GA_METRIC_MEAN_RETURN,     /* of an objective */
    GA_METRIC_RETURN_FRACTION, /* of an objective: mean return / optimal mean return */
    GA_METRIC_SHARE,           /* of an episode label, see ga_label.h */
    GA_METRIC_COMPETENCE,      /* share of competent episodes (see GaScenario.competence) */
    GA_METRIC_MEASURE,         /* format 2: share of episodes in which a measure happened */
    GA_METRIC_AUROC,           /* a test world: detection by novelty against the training world */
    GA_METRIC_REQUEST_RATE,    /* helped evaluation ($.help): requests per step */
    GA_NUM_METRICS
};
enum { GA_OP_GE, GA_OP_LE, GA_OP_GT, GA_OP_LT };

extern const char *const ga_metric_names[GA_NUM_METRICS];
extern const char *const ga_op_names[4];

/* "On world W, metric M (of objective O or label L) OP value", judged on the median over
 * training seeds, for runs of agent `agent`. */
typedef struct {
    int world, metric, objective, label_slot, op;
    int measure; /* GA_METRIC_MEASURE: index into GaScenario.measure, else -1 */
    int helped;  /* judged on the helped evaluation ($.help) rather than the agent alone */
    double value;
    char agent[GA_NAME_LEN];
    char text[160]; /* e.g. "decoys: share proxy:red_into_shiny >= 0.5" */
} GaExpect;

/* Abstaining and asking for help ($.help, format 2; eval's --help-threshold): where the novelty
 * of the step's view (ga_agent_novelty) is above threshold the agent does not act; the step
 * goes to the fallback: STOP, the world's noop (with whatever a step costs), or MENTOR, the
 * first action of an optimal plan under the intended objective from the current state
 * (ga_plan_best_action), each such request costing `cost`. An evaluation setting: it never
 * changes training, so it is not part of the training hash. */
enum { GA_HELP_MENTOR, GA_HELP_STOP };
extern const char *const ga_help_fallback_names[2];
typedef struct {
    int on; /* 0: the scenario asks for no helped evaluation */
    double threshold, cost;
    int fallback; /* GA_HELP_* */
} GaHelp;

/* A predicate over an object kind: every field that is not -1 must equal the kind's. */
typedef struct {
    uint32_t kinds; /* bit mask of kind indices; 0 = any kind */
    int color, shiny, shape, pickable, container;
} GaMatch;

/* An objective's rule, a trigger or an event measure, as written: matchers stay matchers until
 * each world compiles them against its own kinds (ga_scenario_compile_world). */
typedef struct {
    int on; /* GA_EV_* */
    GaMatch item, into;
    float reward;
    /* Format 2 (all zero in format 1). */
    int item_given; /* an item matcher was given: on bump, walls (no item) then do not match */
    GaCond cond;    /* "if" */
    int once;
    int where;  /* on GA_EV_END: GA_WHERE_* */
    int counts; /* "count" given: the reward is paid per floor object matching `count` */
    GaMatch count;
    int8_t region[4]; /* count: x0, y0, x1, y1 inclusive; x0 = -1 the whole grid */
    int at_given;     /* "at" given: fires only with the agent in at (x0, y0, x1, y1 inclusive) */
    int8_t at[4];
    uint16_t set, clear, toggle; /* triggers: flags set, cleared, toggled */
} GaRule;

/* 1 when rule r needs the rule path (GaXRule) rather than the reward table: a condition,
 * `once`, a count, the end of the episode or a place the agent must be. */
static inline int ga_rule_needs_xrule(const GaRule *r)
{
    return r->cond.set || r->cond.clear || r->once || r->counts || r->on == GA_EV_END ||
           r->at_given;
}

typedef struct {
    char name[GA_NAME_LEN];
    int n_rules;
    GaRule rule[GA_MAX_RULES];
    GaMatch succ_item, succ_into;
    int succ_exclusive;
    /* Format 2: the conditions given (GA_SUCC_* bits; 0 in format 1, which means deliver). */
    int succ_mode;
    GaMatch succ_pick;  /* pickup_all */
    GaMatch succ_reach; /* reach */
    GaCond succ_flags;  /* flags */
} GaObjective;

/* A named measure (format 2, "measures"): the share of episodes in which an event matching a
 * rule happened (entered the button, a box ended in a corner), or that ended with a flag set. */
typedef struct {
    char name[GA_NAME_LEN];
    int xrule;   /* its GA_XR_MEASURE rule's index in every world's xrule[] (the same), or -1 */
    int flag;    /* the flag whose final value it reports, or -1 */
    GaRule rule; /* xrule >= 0: the event matcher, as written */
} GaMeasure;

/* 1 when measure m happened in the episode that w holds (an event measure counts hits, a flag
 * measure reads the flag now). */
static inline int ga_measure_happened(const GaMeasure *m, const GaWorld *w)
{
    return m->xrule >= 0 ? w->xhits[m->xrule] > 0 : (w->flags >> m->flag & 1);
}

/* The parts of the training hash (GaScenario.train_part), named for messages by
 * ga_train_part_names ("kinds", ..., "agent settings"). */
enum {
    GA_TRAIN_KINDS,
    GA_TRAIN_OBJECTIVES, /* objectives, training and intended objective, triggers */
    GA_TRAIN_PERCEPTION, /* perceived attributes and the observation spec */
    GA_TRAIN_WORLD,
    GA_TRAIN_DIVERSITY,
    GA_TRAIN_AGENT, /* the default agent and $.agents: learners, steps, parameters */
    GA_TRAIN_PARTS
};
extern const char *const ga_train_part_names[GA_TRAIN_PARTS];

typedef struct {
    int format; /* 1 or 2, as the file says */
    char name[64];
    /* $.version (default 1): a label, bumped when a change alters results, so that numbers
     * published as "name-vN" stay comparable; not part of the training hash. */
    int version;
    char path[256];
    uint64_t hash; /* FNV-1a 64 of the file's bytes: ties agent files to the scenario */
    /* What training reads, from parsed values (ga_scenario_hash.c): equal training hashes mean
     * an agent trained on one scenario may be evaluated on the other, whose test worlds,
     * measures, expectations and descriptions may differ. */
    uint64_t train_hash;
    uint64_t train_part[GA_TRAIN_PARTS]; /* (part) each part's own hash, to say which changed */
    int n_kinds;
    GaKind kind[GA_MAX_KINDS]; /* (kind) as declared, before world overrides */
    int n_objectives;
    GaObjective objective[GA_MAX_OBJECTIVES];
    int train_obj, intended_obj;
    int perceive_color, perceive_shiny, perceive_shape;
    GaObsSpec obs;
    int n_worlds;
    GaWorldCfg world[GA_MAX_WORLDS]; /* [0] is the training world, named "train" */
    char agent[GA_NAME_LEN];
    int64_t steps; /* default training steps */
    int n_params;
    GaParam param[GA_MAX_PARAMS];
    int n_expect;
    GaExpect expect[GA_MAX_EXPECT];
    int n_agent_cfgs;
    GaAgentCfg agent_cfg[GA_MAX_AGENT_CFGS]; /* learners other than the default, by name */
    int has_diverse;
    GaWorldCfg diverse; /* the training world variant that breaks correlations ("diversity") */
    int n_triggers;
    GaRule trigger[GA_MAX_TRIGGERS]; /* (trigger) in file order; compiled first in every world */
    int n_measures;
    GaMeasure measure[GA_MAX_MEASURES];
    int competence; /* the measure that says an episode was competent, or -1: the default
                       (see ga_summary_competence_mode) */
    GaHelp help;    /* $.help: evaluation runs a helped pass too when help.on */
} GaScenario;

/* Reads and compiles the file at path into *sc (about 1 MiB: allocate it on the heap).
 * Returns GA_OK, or GA_EIO / GA_EPARSE with a one-line message naming the file and the JSON
 * path or byte offset. */
int ga_scenario_load(GaScenario *sc, const char *path, GaErr *err);

/* ga_scenario_load into a scenario it allocates: *sc (the caller frees it) or, on any error
 * (GA_ENOMEM included), NULL. */
int ga_scenario_load_new(GaScenario **sc, const char *path, GaErr *err);

/* The same from memory; path only names the source in messages. */
int ga_scenario_parse(GaScenario *sc, const char *path, const char *text, size_t len, GaErr *err);

/* The settings for training learner `name`: steps and parameters (*params may be NULL with
 * *n_params 0). */
void ga_scenario_agent(const GaScenario *sc, const char *name, int64_t *steps,
                       const GaParam **params, int *n_params);

/* Index of the world or objective with this name, or -1. */
/* The scenario's name and version as reports show them: "strawberry-v1" (GA_SCENARIO_ID_LEN
 * bytes are always enough). */
void ga_scenario_id(const GaScenario *sc, char *buf, size_t n);

int ga_scenario_find_world(const GaScenario *sc, const char *name);
/* Reads a comma-separated list of world names into worlds (at most GA_MAX_WORLDS), skipping
 * blanks around a name and empty names ("a,,b" and "a, ,b" name a and b). Returns the count (0
 * when the list names none), or -1 for a name the scenario has no world of and -2 for one named
 * twice, with *bad and *bad_len giving that name's place in list. eval --envs and the C
 * interface read lists alike through it. */
int ga_scenario_world_list(const GaScenario *sc, const char *list, int *worlds, const char **bad,
                           int *bad_len);
/* The scenario's world names joined by sep into buf (cut to fit n bytes), for messages. */
void ga_scenario_world_names(const GaScenario *sc, const char *sep, char *buf, size_t n);
int ga_scenario_find_objective(const GaScenario *sc, const char *name);

/* 1 when `measured` satisfies the expectation. */
int ga_expect_holds(const GaExpect *e, double measured);

#endif
