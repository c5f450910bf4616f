/* engine/ga_obs.h: observation encoding. An observation is a flat byte buffer the caller owns:
 * one code per cell of an agent-centred window (or of the whole grid), then what the agent
 * carries and which way it faces. Codes carry only perceived attributes (ga_look_code), never
 * an object's kind. Expansion to one-hot floats for function approximators is ga_obs_features. */
#ifndef GA_OBS_H
#define GA_OBS_H

#include <stdint.h>

#include "ga_world.h"

/* Bytes of the largest observation any spec gives (a full 32x32 grid, a full inventory, x, y,
 * facing and every flag): a buffer this size holds any observation. */
#define GA_OBS_MAX (GA_MAX_W * GA_MAX_H + GA_MAX_CARRY + 3 + GA_MAX_FLAGS)

typedef struct {
    int full;    /* 1: the whole grid (padded to vw x vh) plus the agent's x, y */
    int vw, vh;  /* window size; odd and at most 2 * GA_PAD + 1 when egocentric */
    int n_carry; /* carry bytes: 1, or the inventory size (format 2) */
    int n_flags; /* perceived flag bytes (format 2), in flag order */
    int size;    /* bytes per observation, set by ga_obs_spec_init and ga_obs_spec_extra */
} GaObsSpec;

/* Fills spec->size for one carry byte and no flags. Returns 0, or -1 when the sizes are out of
 * range. */
int ga_obs_spec_init(GaObsSpec *spec, int full, int vw, int vh);

/* Format 2: n_carry carry bytes (1 to GA_MAX_CARRY) and n_flags flag bytes (0 to
 * GA_MAX_FLAGS); recomputes spec->size. Returns 0, or -1 when out of range. */
int ga_obs_spec_extra(GaObsSpec *spec, int n_carry, int n_flags);

/* Writes spec->size bytes for the current state of w into out:
 *   egocentric: (vh, vw) cell codes centred on the agent, then carry codes, then facing;
 *   full:       (vh, vw) cell codes of the grid from its top-left corner, then carry codes,
 *               facing, x, y;
 *   then, in both, one byte (0 or 1) per perceived flag (c->flag_perceived, in flag order).
 * A carry code is GA_LOOK_FLOOR for an empty slot; slots hold the carried items oldest first.
 * Never allocates. */
void ga_obs_write(const GaWorld *w, const GaWorldCfg *c, const GaObsSpec *spec, uint8_t *out);

/* Where ga_obs_write puts things, for code that reads or edits an observation (probes): the
 * index of grid cell (x, y) of w, or -1 when the cell is outside the agent's window (or the
 * grid); and the index of the carried item's code. */
int ga_obs_cell_index(const GaObsSpec *spec, const GaWorld *w, int x, int y);
int ga_obs_carry_index(const GaObsSpec *spec);

/* Per-cell feature width of ga_obs_features: wall, object, colour one-hot, shiny, shape one-hot. */
#define GA_OBS_CELL_FEATURES (2 + GA_NUM_COLORS + 1 + GA_NUM_SHAPES)
/* Number of floats ga_obs_features writes for this spec. */
int ga_obs_feature_size(const GaObsSpec *spec);
/* Expands obs into one-hot floats (cells and the carried items share the cell layout; facing is
 * a one-hot of 4; x, y in full mode are one-hots of vw and vh; then one float per flag). */
void ga_obs_features(const GaObsSpec *spec, const uint8_t *obs, float *out);

/* The same features as a sparse list: writes the indices of the features that are 1 into idx
 * (ascending) and returns their count, at most ga_obs_max_active(spec). Every feature is 0 or
 * 1, so the list is the whole observation. Never allocates. */
int ga_obs_active(const GaObsSpec *spec, const uint8_t *obs, int32_t *idx);
int ga_obs_max_active(const GaObsSpec *spec);

#endif
