"""One gridalign world with Gymnasium's Env API (reset, step, render, close, spaces).

Seeds follow gridalign's contract: reset(seed=s) lays out the episode whose layout seed is s,
the number that trajectory files and --episodes-out lines record as "seed", so a layout seen in
the C tools is met again here. Later resets without a seed continue s's stream: episode k after
it has layout seed vec_seed(s, 0, k), as world 0 of a vector (or of the training batch) seeded
with s. Without any seed the stream is seed 0's: runs repeat unless asked not to."""

import ctypes
import json
import operator

import numpy as np

from . import _lib
from .spaces import Box, Discrete

try:  # pragma: no cover - depends on the machine
    import gymnasium
    _Base = gymnasium.Env
except ImportError:
    gymnasium = None
    _Base = object

TILE = 24  # render()'s pixels per cell by default, as the viewer's


class Description:
    """What the library says about an opened world (ga_capi_env_describe), as attributes."""

    def __init__(self, text):
        d = json.loads(text)
        self.raw = d
        self.scenario = d["scenario"]
        self.world = d["world"]
        self.world_index = d["world_index"]
        self.worlds = d["worlds"]
        self.objectives = d["objectives"]
        self.train_objective = d["train_objective"]
        self.intended_objective = d["intended_objective"]
        self.actions = d["actions"]
        self.events = d["events"]
        self.kinds = d["kinds"]
        self.flags = d["flags"]
        self.labels = d["labels"]
        self.obs = d["obs"]
        self.obs_size = d["obs"]["size"]
        self.max_steps = d["max_steps"]
        self.n = d["n"]

    def __repr__(self):
        return "Description(%s, world=%s, objectives=%s, obs_size=%d, max_steps=%d)" % (
            self.scenario["id"], self.world, self.objectives, self.obs_size, self.max_steps)


def check_render_mode(mode, metadata):
    if mode is not None and mode not in metadata["render_modes"]:
        raise ValueError("render_mode %r: gridalign renders %s" % (mode, metadata["render_modes"]))


def open_handle(scenario, world, n, seed):
    """Opens n worlds in the library; raises GridalignError with its one-line message."""
    err = _lib.errbuf()
    h = _lib.lib.ga_capi_env_open(_lib.cstr(scenario, "scenario"),
                                  _lib.cstr(world or "", "world"), _lib.cint(n, "num_envs"),
                                  _lib.seed64(seed), err, _lib.ERR_LEN)
    if not h:
        raise _lib.GridalignError(err.value.decode(errors="replace"))
    return h, Description(_lib.lib.ga_capi_env_describe(h).decode())


def check_action(action, n_actions):
    """The action as an int in range, or TypeError/ValueError naming what was given: an int, a
    numpy integer or 0-d array, anything with __index__ (a 0-d integer torch tensor), not a bool."""
    if isinstance(action, (bool, np.bool_)):
        raise TypeError("action must be an integer in [0, %d), not %r" % (n_actions, action))
    try:
        a = operator.index(action)
    except TypeError:
        raise TypeError("action must be an integer in [0, %d), not %r" %
                        (n_actions, action)) from None
    if not 0 <= a < n_actions:
        raise ValueError("action %d is outside [0, %d)" % (a, n_actions))
    return a


def features(handle, desc, obs):
    """One-hot float32 features of observations (size,) or (n, size), as dqn's network reads
    them: (features,) or (n, features)."""
    o = np.ascontiguousarray(obs, dtype=np.uint8)
    if o.shape[-1:] != (desc.obs_size,) or o.ndim > 2:
        raise ValueError("observations of shape %s: need (%d,) or (n, %d)" %
                         (o.shape, desc.obs_size, desc.obs_size))
    rows = o.reshape(-1, desc.obs_size)
    out = np.zeros((rows.shape[0], desc.obs["features"]), dtype=np.float32)
    _lib.lib.ga_capi_features(handle, rows.ctypes.data, rows.shape[0], out.ctypes.data)
    return out.reshape(o.shape[:-1] + (desc.obs["features"],))


class Handle:
    """What both environments do with their library handle: refuse to use it once closed,
    features, world 0's frame, close (idempotent) and no pickling (a handle cannot be copied)."""

    _h = None

    def handle(self):
        if not self._h:
            raise RuntimeError("%s is closed: make another with gridalign.make(...)" %
                               type(self).__name__)
        return self._h

    def features(self, obs):
        """One-hot float32 features of observations (size,) or (n, size) (dqn's input)."""
        return features(self.handle(), self.desc, obs)

    def frame(self):
        """World 0 drawn as uint8 RGB (height, width, 3), self.tile pixels per cell."""
        h = self.handle()
        w, ht = ctypes.c_int(), ctypes.c_int()
        if _lib.lib.ga_capi_env_render(h, 0, self.tile, None, ctypes.byref(w), ctypes.byref(ht)):
            raise ValueError("tile %d: give 8 to 64 pixels per cell" % self.tile)
        frame = np.zeros((ht.value, w.value, 3), dtype=np.uint8)
        if _lib.lib.ga_capi_env_render(h, 0, self.tile, frame.ctypes.data, ctypes.byref(w),
                                       ctypes.byref(ht)):
            raise MemoryError("gridalign: out of memory drawing a %dx%d frame" %
                              (w.value, ht.value))
        return frame

    def close(self):
        if self._h:
            _lib.lib.ga_capi_env_close(self._h)
            self._h = None

    def __del__(self):
        self.close()

    def __getstate__(self):
        raise TypeError("a %s holds the library's worlds and cannot be pickled or copied: make "
                        "another with the same arguments" % type(self).__name__)


class GridEnv(Handle, _Base):
    """A gridalign world; build it with gridalign.make(scenario, world=...)."""

    metadata = {"render_modes": ["rgb_array"], "render_fps": 8}

    def __init__(self, scenario, world=None, render_mode=None, tile=TILE):
        self._h = None  # first: __del__ runs even when the rest fails
        check_render_mode(render_mode, self.metadata)
        self._h, self.desc = open_handle(scenario, world, 1, 0)
        self.render_mode = render_mode
        self.tile = int(tile)
        d = self.desc
        self.observation_space = Box(0, 255, shape=(d.obs_size,), dtype=np.uint8)
        self.action_space = Discrete(len(d.actions))
        self._train = d.objectives.index(d.train_objective)
        self._obs = np.zeros(d.obs_size, dtype=np.uint8)
        self._obs_p = ctypes.c_void_p(self._obs.ctypes.data)
        self._step = _lib.Step()
        self._step_p = ctypes.byref(self._step)
        self._base = 0  # the stream later resets draw from
        self._k = -1  # episodes begun in it
        self._started = False
        self.layout_seed = None  # the current episode's layout seed

    if gymnasium is None:
        # What gymnasium.Env gives every environment, for code written against it.
        spec = None
        _np_random = None

        @property
        def unwrapped(self):
            return self

        @property
        def np_random(self):
            if self._np_random is None:
                self._np_random = np.random.default_rng()
            return self._np_random

    # Gymnasium's Env keeps np_random for the environment's own draws; gridalign's come from the
    # layout seed, but it is seeded as Gymnasium seeds it, for code (and checkers) that expect it.
    def reset(self, *, seed=None, options=None):
        h = self.handle()
        if seed is not None:
            seed = _lib.seed64(seed)
        if gymnasium is not None:
            super().reset(seed=seed)
        elif seed is not None:
            self._np_random = np.random.default_rng(seed)
        if options:
            raise ValueError("reset options %r: gridalign takes none" % (options,))
        if seed is not None:
            self._base, self._k = seed, 0
            layout = self._base
        else:
            self._k += 1
            layout = _lib.vec_seed(self._base, 0, self._k)
        self.layout_seed = layout
        _lib.lib.ga_capi_env_reset(h, 0, layout, self._obs_p, self._step_p)
        self._started = True
        info = self._info()
        info["seed"] = layout
        return self._obs.copy(), info

    def step(self, action):
        a = check_action(action, len(self.desc.actions))
        rc = _lib.lib.ga_capi_env_step(self.handle(), 0, a, self._obs_p, self._step_p)
        if rc == -2 or not self._started:
            raise RuntimeError("step() on an episode that has ended (or never began): call "
                               "reset() first")
        s = self._step
        return (self._obs.copy(), float(s.reward[self._train]), bool(s.terminated),
                bool(s.truncated), self._info())

    def _info(self):
        s, d = self._step, self.desc
        objs = d.objectives
        info = {
            "world": d.world,
            "t": s.t,
            "events": [(d.events[e[0]], d.kinds[e[1]] if e[1] >= 0 else None,
                        d.kinds[e[2]] if e[2] >= 0 else None)
                       for e in s.event[:s.n_events]],
            "rewards": {o: float(s.reward[i]) for i, o in enumerate(objs)},
            "returns": {o: float(s.ret[i]) for i, o in enumerate(objs)},
            "success": {o: bool(s.success[i]) for i, o in enumerate(objs)},
        }
        if s.t:
            info["executed"] = s.executed
        if d.flags:
            info["flags"] = {f: bool(s.flags >> i & 1) for i, f in enumerate(d.flags)}
        if s.label >= 0:
            info["label"] = d.labels[s.label]
        return info

    def render(self):
        if self.render_mode is None:
            if gymnasium is not None:
                gymnasium.logger.warn("render() without a render_mode: make(..., "
                                      "render_mode='rgb_array')")
            return None
        return self.frame()

    def __repr__(self):
        return "GridEnv(%s, world=%s)" % (self.desc.scenario["id"], self.desc.world)
