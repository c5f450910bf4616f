"""A passive environment checker of our own: the rules of Gymnasium's
gymnasium.utils.env_checker.check_env and passive_env_checker that apply to a gridalign world,
written again here since Gymnasium is not a Debian package (and works with or without it).

check_env(env) checks one environment (Gymnasium's Env API), check_vector_env(env) a vector one
(Gymnasium's VectorEnv API and its autoreset mode). Where Gymnasium asserts, these raise
EnvCheckError (an AssertionError); where Gymnasium only warns, these warn with CheckWarning (a
UserWarning, "WARN: ..."), so `warnings.simplefilter("error", CheckWarning)` makes them strict.
Left out: Gymnasium's checks of spaces gridalign never uses (Tuple, Dict, MultiBinary, Box
actions), of the removed seed() and return_info API, and of jax/torch environments."""

import copy as _copy
import inspect
import numbers
import warnings

import numpy as np

SEED = 123  # the seeds Gymnasium's checker uses
OTHER_SEEDS = (456, 789, 1011, 1213)
AUTORESET_MODES = ("NextStep", "SameStep", "Disabled")  # gymnasium.vector.AutoresetMode values


class EnvCheckError(AssertionError):
    """An environment broke a rule that Gymnasium's checker asserts."""


class CheckWarning(UserWarning):
    """An environment did something that Gymnasium's checker warns about."""


def _fail(msg):
    raise EnvCheckError(msg)


def _require(ok, msg):
    if not ok:
        _fail(msg)


def _warn(msg):
    warnings.warn("WARN: " + msg, CheckWarning, stacklevel=3)


def data_equivalence(a, b, exact=False):
    """Whether two observations, rewards or infos are the same (arrays within 1e-5 unless exact),
    as Gymnasium's data_equivalence: same types, same keys, same shapes and dtypes."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(data_equivalence(a[k], b[k], exact) for k in a)
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(data_equivalence(x, y, exact) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        if a.dtype == object:
            return all(data_equivalence(x, y, exact) for x, y in zip(a, b))
        return bool(np.all(a == b)) if exact else bool(np.allclose(a, b, rtol=1e-5, atol=1e-5))
    return bool(a == b)


# ---- spaces ----------------------------------------------------------------------------------

def _kind(space):
    """Box, Discrete or MultiDiscrete by what the space has (gymnasium's classes or ours)."""
    name = type(space).__name__
    if hasattr(space, "low") and hasattr(space, "high"):
        return "Box"
    if hasattr(space, "nvec"):
        return "MultiDiscrete"
    if hasattr(space, "n") and not hasattr(space, "nvec"):
        return "Discrete"
    return name


def check_space(space, space_type):
    """A space is Space-like (shape, dtype, sample, contains, seed) and sensibly defined."""
    for attr in ("shape", "dtype", "sample", "contains", "seed"):
        _require(hasattr(space, attr),
                 "%s space %r is not a Space: it has no `%s` (use gymnasium.spaces or "
                 "gridalign.spaces)" % (space_type, space, attr))
    _require(callable(space.sample) and callable(space.contains),
             "%s space %r: sample and contains must be methods" % (space_type, space))
    kind = _kind(space)
    if kind == "Box":
        low, high = np.asarray(space.low), np.asarray(space.high)
        _require(low.shape == space.shape,
                 "The Box %s space shape and low shape have different shapes, low shape: %s, "
                 "box shape: %s" % (space_type, low.shape, space.shape))
        _require(high.shape == space.shape,
                 "The Box %s space shape and high shape have different shapes, high shape: %s, "
                 "box shape: %s" % (space_type, high.shape, space.shape))
        if np.any(low == high):
            _warn("A Box %s space maximum and minimum values are equal." % space_type)
        elif np.any(high < low):
            _warn("A Box %s space low value is greater than a high value." % space_type)
        if np.any(np.equal(low, -np.inf)):
            _warn("A Box %s space minimum value is -infinity. This is probably too low."
                  % space_type)
        if np.any(np.equal(high, np.inf)):
            _warn("A Box %s space maximum value is infinity. This is probably too high."
                  % space_type)
    elif kind == "Discrete":
        _require(space.n > 0, "Discrete %s space's number of elements must be positive, actual "
                 "number of elements: %s" % (space_type, space.n))
        _require(space.shape == (), "Discrete %s space's shape should be empty, actual shape: "
                 "%s" % (space_type, space.shape))
    elif kind == "MultiDiscrete":
        nvec = np.asarray(space.nvec)
        _require(space.shape == nvec.shape, "Multi-discrete %s space's shape must be equal to "
                 "the nvec shape, space shape: %s, nvec shape: %s" %
                 (space_type, space.shape, nvec.shape))
        _require(np.all(nvec > 0), "Multi-discrete %s space's all nvec elements must be greater "
                 "than 0, actual nvec: %s" % (space_type, nvec))


def _contains(space, x):
    try:
        return bool(space.contains(x))
    except Exception:  # a space that cannot even compare x: not within it
        return False


def check_obs(obs, space, method):
    """The observation matches the declared space: type, dtype and shape warned about as
    Gymnasium does; outside the space is an error (Gymnasium asserts it after reset)."""
    pre = "The obs returned by the `%s()` method" % method
    kind = _kind(space)
    if kind == "Discrete":
        if not isinstance(obs, (np.int64, int)):
            _warn("%s should be an int or np.int64, actual type: %s" % (pre, type(obs)))
    elif kind in ("Box", "MultiDiscrete"):
        if not isinstance(obs, np.ndarray):
            _warn("%s was expecting a numpy array, actual type: %s" % (pre, type(obs)))
        else:
            if obs.dtype != space.dtype:
                _warn("%s was expecting numpy array dtype to be %s, actual type: %s" %
                      (pre, space.dtype, obs.dtype))
            if obs.shape != space.shape:
                _warn("%s was expecting shape %s, actual shape: %s" % (pre, space.shape,
                                                                        obs.shape))
    _require(_contains(space, obs), "%s is not within the observation space %r." % (pre, space))


# ---- one environment -------------------------------------------------------------------------

def _accepts(fn, name):
    params = inspect.signature(fn).parameters
    return name in params or any(p.kind is inspect.Parameter.VAR_KEYWORD
                                 for p in params.values())


def _reset(env, method="reset", **kwargs):
    result = env.reset(**kwargs)
    _require(isinstance(result, tuple),
             "The result returned by `env.%s()` was not a tuple of the form `(obs, info)`, "
             "where `obs` is a observation and `info` is a dictionary containing additional "
             "information. Actual type: `%s`" % (method, type(result)))
    _require(len(result) == 2, "Calling the reset method did not return a 2-tuple, actual "
             "length: %d" % len(result))
    obs, info = result
    check_obs(obs, env.observation_space, "reset")
    _require(isinstance(info, dict), "The second element returned by `env.reset()` was not a "
             "dictionary, actual type: %s" % type(info))
    return obs, info


def _step(env, action):
    result = env.step(action)
    _require(isinstance(result, tuple),
             "Expects step result to be a tuple, actual type: %s" % type(result))
    if len(result) == 4:
        _fail("`step()` returned 4 values (obs, reward, done, info), the old Gym API: it must "
              "return 5, (obs, reward, terminated, truncated, info)")
    _require(len(result) == 5, "Expected `Env.step` to return a five element tuple, actual "
             "number of elements returned: %d." % len(result))
    obs, reward, terminated, truncated, info = result
    for name, v in (("terminated", terminated), ("truncated", truncated)):
        _require(isinstance(v, (bool, np.bool_)),
                 "Expects `%s` signal to be a boolean, actual type: %s" % (name, type(v)))
    check_obs(obs, env.observation_space, "step")
    _require(isinstance(reward, numbers.Real) and not isinstance(reward, (bool, np.bool_)),
             "The reward returned by `step()` must be a float, int, np.integer or np.floating, "
             "actual type: %s" % type(reward))
    if not isinstance(reward, (float, np.floating)):
        _warn("The reward returned by `step()` should be a float, actual type: %s" %
              type(reward))
    if np.isnan(reward):
        _warn("The reward is a NaN value.")
    if np.isinf(reward):
        _warn("The reward is an inf value.")
    _require(isinstance(info, dict), "The `info` returned by `step()` must be a python "
             "dictionary, actual type: %s" % type(info))
    return result


def _episode(env, seed, actions):
    """reset(seed=seed), then actions until the episode ends: the observations and rewards."""
    obs, _ = env.reset(seed=seed)
    trace = [obs]
    for a in actions:
        obs, r, term, trunc, _ = env.step(a)
        trace.append((obs, r, term, trunc))
        if term or trunc:
            break
    return trace


def _rng_state(env):
    rng = getattr(getattr(env, "unwrapped", env), "_np_random", None)
    return None if rng is None else _copy.deepcopy(rng.bit_generator.state)


def check_reset_seed_determinism(env, seeds_matter=False):
    """reset(seed=s) twice gives the same observation; reset() after it continues the same
    stream both times; with seeds_matter, other seeds give other episodes."""
    _require(_accepts(env.reset, "seed"),
             "The `reset` method does not provide a `seed` or `**kwargs` keyword argument.")
    try:
        obs_1, _ = _reset(env, seed=SEED)
        rng_1 = _rng_state(env)
        obs_2, _ = _reset(env)
        obs_3, _ = _reset(env, seed=SEED)
        rng_3 = _rng_state(env)
        obs_4, _ = _reset(env)
    except TypeError as e:
        raise EnvCheckError("The environment cannot be reset with a seed, even though `seed` "
                            "or `kwargs` appear in the signature: %s" % e) from e
    _require(data_equivalence(obs_1, obs_3), "Using `env.reset(seed=%d)` is non-deterministic "
             "as the observations are not equivalent." % SEED)
    _require(data_equivalence(obs_2, obs_4), "Using `env.reset(seed=%d)` then `env.reset()` is "
             "non-deterministic as the observations are not equivalent." % SEED)
    if not data_equivalence(obs_1, obs_3, exact=True):
        _warn("Using `env.reset(seed=%d)` observations are not equal although similar." % SEED)
    if not data_equivalence(obs_2, obs_4, exact=True):
        _warn("Using `env.reset(seed=%d)` then `env.reset()` observations are not equal "
              "although similar." % SEED)
    if rng_1 is not None:  # an env that keeps Gymnasium's np_random (super().reset(seed=...))
        _require(rng_1 == rng_3, "Most likely the environment reset function does not call "
                 "`super().reset(seed=seed)` as the random generators are not the same when "
                 "the same seeds are passed to `env.reset`.")
        env.reset(seed=OTHER_SEEDS[0])
        _require(_rng_state(env) != rng_1, "Most likely the environment reset function does "
                 "not call `super().reset(seed=seed)` as the random number generators are not "
                 "different when different seeds are passed to `env.reset`.")
    if seeds_matter:
        # A layout can look the same from two seeds, so whole episodes under fixed actions are
        # compared, over several seeds.
        actions = _fixed_actions(env, 64)
        first = _episode(env, SEED, actions)
        _require(not all(data_equivalence(first, _episode(env, s, actions))
                         for s in OTHER_SEEDS),
                 "`env.reset(seed=...)` gave the same episode for seeds %d and %s under the same "
                 "actions: the seed is ignored." % (SEED, OTHER_SEEDS))
    seed_param = inspect.signature(env.reset).parameters.get("seed")
    if seed_param is not None and seed_param.default is not None:
        _warn("The default seed argument in reset should be `None`, otherwise the environment "
              "will by default always be deterministic. Actual default: %s" % seed_param.default)


def _fixed_actions(env, n):
    space = env.action_space
    space.seed(SEED)
    return [space.sample() for _ in range(n)]


def check_reset_options(env):
    _require(_accepts(env.reset, "options"),
             "The `reset` method does not provide an `options` or `**kwargs` keyword argument.")
    try:
        env.reset(options={})
    except TypeError as e:
        raise EnvCheckError("The environment cannot be reset with options, even though "
                            "`options` or `**kwargs` appear in the signature: %s" % e) from e


def check_step_determinism(env, seed=SEED):
    """The same seed and actions give the same steps (whole episode prefix, not only one)."""
    actions = _fixed_actions(env, 16)
    env.reset(seed=seed)
    a = _step(env, actions[0])
    env.reset(seed=seed)
    b = _step(env, actions[0])
    for i, what in enumerate(("observations", "rewards")):
        _require(data_equivalence(a[i], b[i]), "Deterministic step %s are not equivalent for "
                 "the same seed and action" % what)
    _require(data_equivalence(a[2], b[2], exact=True), "Deterministic step termination are not "
             "equivalent for the same seed and action")
    _require(not a[3] and not b[3], "Environment truncates after 1 step, something has gone very wrong.")
    _require(data_equivalence(a[4], b[4]), "Deterministic step info are not equivalent for the "
             "same seed and action")
    _require(data_equivalence(_episode(env, seed, actions), _episode(env, seed, actions)),
             "The same seed and actions gave different episodes")


def _check_render_return(mode, frame):
    if mode == "rgb_array":
        _require(isinstance(frame, np.ndarray), "RGB-array rendering should return a numpy "
                 "array, got %s" % type(frame))
        _require(frame.dtype == np.uint8, "RGB-array rendering should return a numpy array with "
                 "dtype uint8, got %s" % frame.dtype)
        _require(frame.ndim == 3, "RGB-array rendering should return a numpy array with three "
                 "axes, got %d" % frame.ndim)
        _require(frame.shape[2] == 3, "RGB-array rendering should return a numpy array in "
                 "which the last axis has three dimensions, got %d" % frame.shape[2])
    elif mode == "human":
        if frame is not None:
            _warn("Human rendering should return `None`, got %s" % type(frame))


def check_render(env):
    """The render modes and fps are declared in metadata, render_mode is one of them and
    render() returns what the mode promises (rgb_array: uint8 (height, width, 3))."""
    metadata = getattr(env, "metadata", None)
    _require(isinstance(metadata, dict), "env.metadata must be a dict, actual type: %s" %
             type(metadata))
    modes = metadata.get("render_modes")
    if modes is None:
        _warn("No render modes was declared in the environment (env.metadata['render_modes'] "
              "is None or not defined), you may have trouble when calling `.render()`.")
        modes = []
    elif not isinstance(modes, (list, tuple)):
        _warn("Expects the render_modes to be a sequence (i.e. list, tuple), actual type: %s" %
              type(modes))
    elif not all(isinstance(m, str) for m in modes):
        _warn("Expects all render modes to be strings, actual types: %s" %
              [type(m) for m in modes])
    if modes:
        fps = metadata.get("render_fps")
        if fps is None:
            _warn("No render fps was declared in the environment (env.metadata['render_fps'] is "
                  "None or not defined), rendering may occur at inconsistent fps.")
        elif not isinstance(fps, numbers.Real) or isinstance(fps, bool):
            _warn("Expects the `env.metadata['render_fps']` to be an integer or a float, actual "
                  "type: %s" % type(fps))
        else:
            _require(fps > 0, "Expects the `env.metadata['render_fps']` to be greater than "
                     "zero, actual value: %s" % fps)
    mode = getattr(env, "render_mode", None)
    if not modes:
        _require(mode is None, "With no render_modes, expects the Env.render_mode to be None, "
                 "actual value: %s" % mode)
    else:
        _require(mode is None or mode in modes, "The environment was initialized successfully "
                 "however with an unsupported render mode. Render mode: %s, modes: %s" %
                 (mode, modes))
    frame = env.render()
    if mode is not None:
        _check_render_return(mode, frame)
    return frame


def _remaker(env, make):
    """A callable that builds a fresh copy of env with keyword arguments (render_mode): make, or
    Gymnasium's env.spec.make, or for a gridalign environment its scenario and world again."""
    if make is not None:
        return make
    spec = getattr(env, "spec", None)
    if spec is not None and hasattr(spec, "make"):
        return spec.make
    desc = getattr(env, "desc", None)
    if desc is not None and hasattr(desc, "scenario") and hasattr(desc, "world"):
        cls, path = type(env), desc.scenario["path"]
        if hasattr(env, "num_envs"):
            return lambda **kw: cls(path, env.num_envs, world=desc.world, **kw)
        return lambda **kw: cls(path, world=desc.world, **kw)
    return None


def _check_close(remake):
    fresh = remake()
    fresh.close()
    try:
        fresh.close()
    except Exception as e:
        _warn("Calling `env.close()` on the closed environment should be allowed, but it raised "
              "an exception: %s" % e)


def _check_env_type(env):
    try:
        import gymnasium
    except ImportError:
        gymnasium = None
    if gymnasium is not None and not isinstance(env, gymnasium.Env):
        raise TypeError("The environment must inherit from the gymnasium.Env class, actual "
                        "class: %s." % type(env))
    for name in ("reset", "step", "render", "close"):
        _require(callable(getattr(env, name, None)), "The environment has no `%s()` method." %
                 name)
    for name in ("action_space", "observation_space"):
        if not hasattr(env, name):
            raise AttributeError("The environment must specify an %s." % name.replace("_", " "))


def check_env(env, skip_render_check=False, skip_close_check=False, make=None,
              seeds_matter=False):
    """Checks that env follows Gymnasium's Env API, as gymnasium.utils.env_checker.check_env:
    the spaces, reset's and step's returns, seeding (same seed, same episode; the unseeded
    reset after a seeded one continues deterministically; other seeds, other episodes), options,
    the render modes and render's frame, and that close() may be called twice.

    make(**kwargs) builds a fresh copy of env (render_mode=...) for the render-mode and close
    checks, as Gymnasium uses env.spec.make; gridalign's environments need none. With
    seeds_matter, episodes of 5 seeds under the same actions must not all be the same (an error
    if they are: the seed is ignored); off by default since a world without randomness (a fixed
    map, as in many gridalign scenarios) legitimately repeats them. Raises
    EnvCheckError (an AssertionError) on a broken rule, warns with CheckWarning where
    Gymnasium warns. env is reset and stepped but not closed."""
    _check_env_type(env)
    if getattr(env, "unwrapped", env) is not env:
        _warn("The environment (%s) is different from the unwrapped version (%s). This could "
              "effect the environment checker as the environment most likely has a wrapper "
              "applied to it." % (env, env.unwrapped))
    check_space(env.action_space, "action")
    check_space(env.observation_space, "observation")

    _reset(env)
    check_reset_seed_determinism(env, seeds_matter)
    check_reset_options(env)

    _reset(env)
    _step(env, env.action_space.sample())
    check_step_determinism(env)

    remake = _remaker(env, make)
    if not skip_render_check:
        if getattr(env, "render_mode", None) is not None:
            check_render(env)
        if remake is None:
            _warn("Not able to test alternative render modes due to the environment not having "
                  "a spec. Pass make= to check_env.")
        else:
            for mode in env.metadata.get("render_modes") or []:
                other = remake(render_mode=mode)
                try:
                    other.reset()
                    check_render(other)
                finally:
                    other.close()
    if not skip_close_check and remake is not None:
        _check_close(remake)


# ---- vector environments ---------------------------------------------------------------------

def _mode_name(mode):
    """The autoreset mode's value ("SameStep"...): gymnasium's AutoresetMode or its value."""
    return getattr(mode, "value", mode)


def _check_batch(x, n, what, dtype_kind=None):
    _require(isinstance(x, np.ndarray), "`step()`'s %s must be a numpy array, actual type: %s" %
             (what, type(x)))
    _require(x.shape == (n,), "`step()`'s %s must have shape (%d,), actual shape: %s" %
             (what, n, x.shape))
    if dtype_kind == "bool":
        _require(x.dtype == np.bool_, "`step()`'s %s must be booleans, actual dtype: %s" %
                 (what, x.dtype))
    elif dtype_kind == "real":
        _require(np.issubdtype(x.dtype, np.floating) or np.issubdtype(x.dtype, np.integer),
                 "`step()`'s %s must be numbers, actual dtype: %s" % (what, x.dtype))
        if not np.issubdtype(x.dtype, np.floating):
            _warn("`step()`'s %s should be floats, actual dtype: %s" % (what, x.dtype))


def _check_batch_obs(env, obs, method):
    pre = "The obs returned by the vector `%s()` method" % method
    single = env.single_observation_space
    _require(isinstance(obs, np.ndarray), "%s must be a numpy array, actual type: %s" %
             (pre, type(obs)))
    want = (env.num_envs,) + tuple(single.shape)
    _require(obs.shape == want, "%s must have shape %s (num_envs, *single shape), actual shape: "
             "%s" % (pre, want, obs.shape))
    if obs.dtype != single.dtype:
        _warn("%s was expecting numpy array dtype to be %s, actual type: %s" %
              (pre, single.dtype, obs.dtype))
    _require(_contains(env.observation_space, obs), "%s is not within the observation space %r."
             % (pre, env.observation_space))
    for i, row in enumerate(obs):
        _require(_contains(single, row), "%s: row %d is not within the single observation space"
                 % (pre, i))


def _check_infos(infos, n):
    """Vector infos: each key k with a mask `_k` holds n rows, the mask booleans (n,)."""
    _require(isinstance(infos, dict), "The infos returned by a vector `step()` must be a dict, "
             "actual type: %s" % type(infos))
    for k, v in infos.items():
        if k.startswith("_"):
            _require(isinstance(v, np.ndarray) and v.shape == (n,) and v.dtype == np.bool_,
                     "infos[%r], a mask, must be a boolean array of shape (%d,)" % (k, n))
            _require(k[1:] in infos, "infos has the mask %r without %r" % (k, k[1:]))
        elif isinstance(v, dict):
            _check_infos(v, n)
        elif "_" + k in infos:
            _require(hasattr(v, "__len__") and len(v) == n,
                     "infos[%r] must hold one row per world (%d), actual: %r" % (k, n, v))


def _vec_reset(env, **kwargs):
    result = env.reset(**kwargs)
    _require(isinstance(result, tuple) and len(result) == 2, "The vector `reset()` must return "
             "a 2-tuple (obs, infos), actual: %s" % type(result))
    obs, infos = result
    _check_batch_obs(env, obs, "reset")
    _require(isinstance(infos, dict), "The infos returned by a vector `reset()` must be a dict, "
             "actual type: %s" % type(infos))
    return obs, infos


def _vec_step(env, actions):
    result = env.step(actions)
    _require(isinstance(result, tuple), "Expects vector step result to be a tuple, actual type: "
             "%s" % type(result))
    _require(len(result) == 5, "Expected `VectorEnv.step` to return a five element tuple "
             "(obs, rewards, terminations, truncations, infos), actual number of elements "
             "returned: %d." % len(result))
    obs, rew, term, trunc, infos = result
    n = env.num_envs
    _check_batch_obs(env, obs, "step")
    _check_batch(rew, n, "rewards", "real")
    _check_batch(term, n, "terminations", "bool")
    _check_batch(trunc, n, "truncations", "bool")
    _check_infos(infos, n)
    # The caller may keep what step returned (copy=False envs reuse their buffers).
    return tuple(np.array(x, copy=True) if isinstance(x, np.ndarray) else x
                 for x in result[:4]) + (infos,)


def check_vector_env(env, steps=2000, make=None, seeds_matter=False):
    """Checks that env follows Gymnasium's VectorEnv API: num_envs, the single and batched
    spaces, reset's and step's batched returns and infos (every key with a `_key` mask),
    seeding, the autoreset mode stated in metadata["autoreset_mode"] and kept: in SameStep,
    each ended world's last observation is in infos["final_obs"] where infos["_final_obs"] is
    True, and nowhere else; in NextStep, the step after an end gives reward 0 and no end.
    Steps until some episode ended (at most `steps` calls) and raises EnvCheckError if none did.
    make() builds a fresh copy for the close check (GridVectorEnv needs none); seeds_matter as
    in check_env. env is reset and stepped but not closed."""
    n = getattr(env, "num_envs", None)
    _require(isinstance(n, numbers.Integral) and n > 0, "A vector environment must have "
             "num_envs, a positive integer, actual: %r" % (n,))
    for name in ("single_observation_space", "single_action_space", "observation_space",
                 "action_space"):
        _require(hasattr(env, name), "The vector environment must specify %s." % name)
    check_space(env.single_action_space, "single action")
    check_space(env.single_observation_space, "single observation")
    check_space(env.action_space, "action")
    check_space(env.observation_space, "observation")
    so, sa = env.single_observation_space, env.single_action_space
    _require(tuple(env.observation_space.shape) == (n,) + tuple(so.shape),
             "The batched observation space's shape must be (num_envs, *single shape) = %s, "
             "actual: %s" % ((n,) + tuple(so.shape), env.observation_space.shape))
    _require(env.observation_space.dtype == so.dtype, "The batched observation space's dtype "
             "%s differs from the single space's %s" % (env.observation_space.dtype, so.dtype))
    _require(tuple(env.action_space.shape) == (n,) + tuple(sa.shape),
             "The batched action space's shape must be (num_envs, *single shape) = %s, actual: "
             "%s" % ((n,) + tuple(sa.shape), env.action_space.shape))
    if _kind(sa) == "Discrete" and _kind(env.action_space) == "MultiDiscrete":
        _require(np.all(np.asarray(env.action_space.nvec) == sa.n), "The batched action space's "
                 "nvec must be the single space's n (%d) for every world" % sa.n)

    metadata = getattr(env, "metadata", {})
    mode = metadata.get("autoreset_mode") if isinstance(metadata, dict) else None
    if mode is None:
        _warn("The vector environment does not state its autoreset mode in "
              "metadata['autoreset_mode']; Gymnasium then assumes NextStep.")
        mode = "NextStep"
    mode = _mode_name(mode)
    _require(mode in AUTORESET_MODES, "metadata['autoreset_mode'] must be one of %s (or "
             "gymnasium.vector.AutoresetMode), actual: %r" % (AUTORESET_MODES, mode))

    # Seeds: the same seed twice, the same first observations and steps; others differ.
    sa_batch = env.action_space
    sa_batch.seed(SEED)
    actions = [sa_batch.sample() for _ in range(8)]
    runs = []
    for seed in (SEED, SEED, OTHER_SEEDS[0]):
        obs, _ = _vec_reset(env, seed=seed)
        trace = [np.array(obs, copy=True)]
        for a in actions:
            trace.append(_vec_step(env, a)[:4])
        runs.append(trace)
    _require(data_equivalence(runs[0], runs[1]), "Using the vector `reset(seed=%d)` twice and "
             "the same actions gave different steps." % SEED)
    _require(not seeds_matter or not data_equivalence(runs[0], runs[2]), "The vector "
             "`reset(seed=...)` gave the same steps for seeds %d and %d: the seed is ignored."
             % (SEED, OTHER_SEEDS[0]))

    _vec_reset(env, seed=SEED)
    sa_batch.seed(SEED + 1)
    pending = np.zeros(n, dtype=bool)  # NextStep: worlds whose next step is the reset
    ended_seen = False
    for _ in range(steps):
        obs, rew, term, trunc, infos = _vec_step(env, sa_batch.sample())
        ended = term | trunc
        if mode == "SameStep":
            if ended.any():
                _require("final_obs" in infos and "_final_obs" in infos, "SameStep autoreset: "
                         "a step where worlds %s ended has no infos['final_obs'] and "
                         "infos['_final_obs']" % np.flatnonzero(ended))
            if "_final_obs" in infos:
                mask = infos["_final_obs"]
                _require(np.array_equal(mask, ended), "SameStep autoreset: infos['_final_obs'] "
                         "%s must be True exactly where terminated or truncated %s" %
                         (np.flatnonzero(mask), np.flatnonzero(ended)))
                for i in np.flatnonzero(mask):
                    _require(_contains(so, infos["final_obs"][i]), "infos['final_obs'][%d] is "
                             "not within the single observation space" % i)
        elif mode == "NextStep":
            _require(not np.any(rew[pending] != 0) and not np.any(ended[pending]),
                     "NextStep autoreset: the step after an episode's end must reset the world "
                     "(reward 0, not terminated or truncated) in worlds %s" %
                     np.flatnonzero(pending))
            pending = ended
        ended_seen |= bool(ended.any())
        if ended_seen and mode != "NextStep":
            break
        if ended_seen and not pending.any():
            break
    _require(ended_seen, "No episode ended in %d vector steps of random actions: the autoreset "
             "mode could not be checked" % steps)

    remake = _remaker(env, make)
    if remake is not None:
        _check_close(remake)
