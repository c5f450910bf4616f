"""Many worlds of one scenario world stepped by one library call (the engine's batch step), with
Gymnasium's VectorEnv API over buffers allocated once.

Autoreset mode: same-step (Gymnasium's AutoresetMode.SAME_STEP). A world whose episode ends
in a step starts its next episode within that step: the observation returned is the new
episode's first, while reward, terminated and truncated describe the step that ended the old
one, whose last observation is in infos["final_obs"] (rows where infos["_final_obs"] is True).
Every episode's layout seed is vec_seed(seed, i, k) for world i's episode k, as in the training
loop's batch, so world i of a vector seeded s meets the same layouts as a GridEnv reset with
those seeds. A reset without a seed continues every world's stream (its next episode); one
with a seed starts each world's episode 0 of that seed; the first reset without any uses 0."""

import ctypes

import numpy as np

from . import _lib
from .env import TILE, Handle, check_render_mode, open_handle
from .spaces import Box, Discrete, MultiDiscrete

try:  # pragma: no cover - depends on the machine
    from gymnasium.vector import AutoresetMode, VectorEnv as _Base
    AUTORESET = AutoresetMode.SAME_STEP
except ImportError:
    _Base = object
    AUTORESET = "SameStep"  # AutoresetMode.SAME_STEP.value, so AutoresetMode(it) works


def _ptr(a):
    return ctypes.c_void_p(a.ctypes.data)


class GridVectorEnv(Handle, _Base):
    """num_envs worlds; build it with gridalign.make_vec(scenario, num_envs, world=...).

    copy=False returns the library's own buffers, overwritten by the next step (fastest; copy
    what you keep); copy=True (the default, as Gymnasium's) returns fresh arrays."""

    metadata = {"autoreset_mode": AUTORESET, "render_modes": ["rgb_array"], "render_fps": 8}

    def __init__(self, scenario, num_envs, world=None, copy=True, render_mode=None, tile=TILE):
        self._h = None  # first: __del__ runs even when the rest fails
        check_render_mode(render_mode, self.metadata)
        self._h, self.desc = open_handle(scenario, world, num_envs, 0)
        d = self.desc
        self.num_envs = n = d.n
        self.copy = copy
        self.render_mode = render_mode
        self.tile = int(tile)
        self.single_observation_space = Box(0, 255, shape=(d.obs_size,), dtype=np.uint8)
        self.single_action_space = Discrete(len(d.actions))
        self.observation_space = Box(0, 255, shape=(n, d.obs_size), dtype=np.uint8)
        self.action_space = MultiDiscrete(np.full(n, len(d.actions)))
        self._train = d.objectives.index(d.train_objective)
        self._n_obj = len(d.objectives)
        self.seed_base = 0
        self.obs = np.zeros((n, d.obs_size), dtype=np.uint8)
        self.rewards = np.zeros(n, dtype=np.float32)
        self.terminations = np.zeros(n, dtype=np.bool_)
        self.truncations = np.zeros(n, dtype=np.bool_)
        self.actions = np.zeros(n, dtype=np.uint8)
        self.final_obs = np.zeros((n, d.obs_size), dtype=np.uint8)
        self.final_ret = np.zeros((n, _lib.MAX_OBJECTIVES), dtype=np.float32)
        self.final_success = np.zeros((n, _lib.MAX_OBJECTIVES), dtype=np.bool_)
        self.final_len = np.zeros(n, dtype=np.int32)
        self.final_label = np.zeros(n, dtype=np.int32)
        self.final_seed = np.zeros(n, dtype=np.uint64)
        self._label_names = np.array(d.labels, dtype=object)
        # numpy's bool is one byte of 0 or 1, as the library's uint8 flags.
        self._args = [_ptr(a) for a in (self.actions, self.obs, self.rewards, self.terminations,
                                        self.truncations, self.final_obs, self.final_ret,
                                        self.final_success, self.final_len, self.final_label,
                                        self.final_seed)]
        self._started = False

    def reset(self, *, seed=None, options=None):
        if options:
            raise ValueError("reset options %r: gridalign takes none" % (options,))
        if isinstance(seed, (list, tuple, np.ndarray)):
            raise TypeError("seed must be one integer, the vector's stream (world i's episode k "
                            "has layout seed vec_seed(seed, i, k)), not a list of seeds")
        if seed is not None or not self._started:
            if seed is not None:
                self.seed_base = _lib.seed64(seed)
            _lib.lib.ga_capi_vec_reset(self.handle(), self.seed_base, self._args[1])
        else:  # the streams continue: every world starts its next episode
            _lib.lib.ga_capi_vec_next(self.handle(), self._args[1])
        self._started = True
        return self._out(self.obs), {}

    def _out(self, a):
        return a.copy() if self.copy else a

    def step(self, actions):
        if not self._started:
            raise RuntimeError("step() before reset()")
        a = actions if isinstance(actions, np.ndarray) else np.asarray(actions)
        if a.shape != (self.num_envs,):
            raise ValueError("actions of shape %s: need (%d,)" % (a.shape, self.num_envs))
        if a.dtype != np.uint8:
            if not np.issubdtype(a.dtype, np.integer):
                raise TypeError("actions must be integers, not %s" % a.dtype)
            bad = (a < 0) | (a >= len(self.desc.actions))
            if bad.any():
                i = int(np.argmax(bad))
                raise ValueError("action %d of world %d is outside [0, %d)" %
                                 (a[i], i, len(self.desc.actions)))
        self.actions[:] = a
        ended = _lib.lib.ga_capi_vec_step(self.handle(), *self._args)
        if ended < 0:
            raise ValueError("action %d of world %d is outside [0, %d)" %
                             (self.actions[-1 - ended], -1 - ended, len(self.desc.actions)))
        infos = {}
        if ended:
            t, mask = self._train, self.terminations | self.truncations
            rest = ~mask

            def rows(a):
                # The library writes only the rows of worlds that ended; the others held an
                # older episode's end. Zeros there, as Gymnasium's vector infos have.
                out = a.copy()
                out[rest] = 0
                return out

            infos = {
                "final_obs": rows(self.final_obs),
                "_final_obs": mask,
                "returns": rows(self.final_ret[:, :self._n_obj]),
                "_returns": mask,
                "success": rows(self.final_success[:, :self._n_obj]),
                "_success": mask,
                "label": np.where(mask, self._label_names[self.final_label], None),
                "_label": mask,
                "seed": rows(self.final_seed),
                "_seed": mask,
                "episode": {"r": rows(self.final_ret[:, t]), "l": rows(self.final_len),
                            "_r": mask, "_l": mask},
                "_episode": mask,
            }
        return (self._out(self.obs), self._out(self.rewards), self._out(self.terminations),
                self._out(self.truncations), infos)

    def render(self):
        """World 0's frame (render_mode "rgb_array"), as the single environment draws it."""
        return None if self.render_mode is None else self.frame()

    def __repr__(self):
        return "GridVectorEnv(%s, world=%s, num_envs=%d)" % (self.desc.scenario["id"],
                                                             self.desc.world, self.num_envs)
