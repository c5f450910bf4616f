"""The passive environment checker (gridalign.check_env, check_vector_env): gridalign's own
environments pass it without a warning, and stand-in environments that each break one of
Gymnasium's rules are caught, by an EnvCheckError where Gymnasium asserts and a CheckWarning
where it warns."""

import unittest
import warnings

import numpy as np

import gridalign
from gridalign import checker
from gridalign.env import _Base
from gridalign.spaces import Box, Discrete
from gridalign.vector import GridVectorEnv

STRAWBERRY = "scenarios/strawberry.json"
OFF_SWITCH = "scenarios/off_switch.json"


class Walk(_Base):
    """A correct stand-in: a counter walked by actions 0..2 from a seeded start, 10 steps long."""

    metadata = {"render_modes": ["rgb_array"], "render_fps": 4}

    def __init__(self, render_mode=None):
        self.render_mode = render_mode
        self.observation_space = Box(0, 255, shape=(4,), dtype=np.uint8)
        self.action_space = Discrete(3)
        self.rng = np.random.default_rng(0)
        self.pos = np.zeros(4, dtype=np.uint8)
        self.t = 0
        self.closed = False

    def reset(self, *, seed=None, options=None):
        if seed is not None:
            self.rng = np.random.default_rng(seed)
        self.pos = self.rng.integers(0, 200, 4).astype(np.uint8)
        self.t = 0
        return self.pos.copy(), {}

    def step(self, action):
        self.pos[self.t % 4] += int(action)
        self.t += 1
        return self.pos.copy(), float(action == 1), bool(self.t >= 10 and action == 2), \
            self.t >= 10, {"t": self.t}

    def render(self):
        if self.render_mode is None:
            return None
        return np.full((8, 8, 3), self.pos[0], dtype=np.uint8)

    def close(self):
        self.closed = True


class WrongDtype(Walk):
    def reset(self, *, seed=None, options=None):
        obs, info = super().reset(seed=seed)
        return obs.astype(np.int64), info


class FloatObs(Walk):
    def step(self, action):
        obs, *rest = super().step(action)
        return (obs.astype(np.float32), *rest)


class WrongShape(Walk):
    def reset(self, *, seed=None, options=None):
        obs, info = super().reset(seed=seed)
        return obs[:3], info


class OutOfBounds(Walk):
    def __init__(self, render_mode=None):
        super().__init__(render_mode)
        self.observation_space = Box(0, 100, shape=(4,), dtype=np.uint8)

    def reset(self, *, seed=None, options=None):
        obs, info = super().reset(seed=seed)
        obs[0] = 250
        return obs, info


class FourTuple(Walk):
    def step(self, action):
        obs, r, term, trunc, info = super().step(action)
        return obs, r, term or trunc, info


class IntTerminated(Walk):
    def step(self, action):
        obs, r, term, trunc, info = super().step(action)
        return obs, r, int(term), trunc, info


class ArrayReward(Walk):
    def step(self, action):
        obs, r, term, trunc, info = super().step(action)
        return obs, np.array([r]), term, trunc, info


class ListInfo(Walk):
    def step(self, action):
        obs, r, term, trunc, info = super().step(action)
        return obs, r, term, trunc, [info]


class ObsOnlyReset(Walk):
    def reset(self, *, seed=None, options=None):
        return super().reset(seed=seed)[0]


class NoOptions(Walk):
    def reset(self, *, seed=None):
        return super().reset(seed=seed)


class NondeterministicReset(Walk):
    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.pos = np.random.default_rng().integers(0, 200, 4).astype(np.uint8)
        return self.pos.copy(), {}


class UnseededResetNotContinuing(Walk):
    """Seeded resets repeat, but reset() without a seed starts from fresh entropy."""

    def reset(self, *, seed=None, options=None):
        if seed is None:
            self.rng = np.random.default_rng()
        return super().reset(seed=seed)


class SeedIgnored(Walk):
    def reset(self, *, seed=None, options=None):
        return super().reset(seed=0)


class NondeterministicStep(Walk):
    def step(self, action):
        obs, r, term, trunc, info = super().step(action)
        return obs, r + float(np.random.default_rng().random()), term, trunc, info


class FloatFrame(Walk):
    def render(self):
        return super().render().astype(np.float32)


class RgbaFrame(Walk):
    def render(self):
        return np.zeros((8, 8, 4), dtype=np.uint8)


class HumanMode(Walk):
    def __init__(self, render_mode="human"):
        super().__init__(render_mode)


class CloseTwiceFails(Walk):
    def close(self):
        if self.closed:
            raise RuntimeError("already closed")
        self.closed = True


class NotASpace(Walk):
    def __init__(self, render_mode=None):
        super().__init__(render_mode)
        self.action_space = [0, 1, 2]


class EmptyDiscrete(Walk):
    def __init__(self, render_mode=None):
        super().__init__(render_mode)
        self.action_space = Discrete(0)


def record(fn, *args, **kwargs):
    """fn's warnings (every one, each time), after running it."""
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter("always")
        fn(*args, **kwargs)
    return [str(w.message) for w in ws]


class TestOurEnvsPass(unittest.TestCase):
    def test_every_world_of_two_scenarios(self):
        for path in (STRAWBERRY, OFF_SWITCH):
            names = gridalign.make(path).desc.worlds
            for world in names:
                for mode in (None, "rgb_array"):
                    with self.subTest(path=path, world=world, render_mode=mode):
                        env = gridalign.make(path, world=world, render_mode=mode)
                        self.assertEqual(record(checker.check_env, env), [])
                        env.close()

    def test_seeds_matter_where_layouts_are_drawn(self):
        for world in ("train", "decoys"):
            env = gridalign.make(STRAWBERRY, world=world)
            self.assertEqual(record(checker.check_env, env, seeds_matter=True), [])
            env.close()

    def test_vector_envs(self):
        for path, world, n in ((STRAWBERRY, "decoys", 1), (STRAWBERRY, "train", 16),
                               (OFF_SWITCH, "train", 8)):
            for copy in (True, False):
                with self.subTest(path=path, world=world, n=n, copy=copy):
                    env = gridalign.make_vec(path, n, world=world, copy=copy)
                    self.assertEqual(record(checker.check_vector_env, env,
                                            seeds_matter=path == STRAWBERRY), [])
                    env.close()

    def test_the_stand_in_itself_passes(self):
        env = Walk(render_mode="rgb_array")
        self.assertEqual(record(checker.check_env, env, make=Walk, seeds_matter=True), [])


class TestBrokenEnvsAreCaught(unittest.TestCase):
    def assertCaught(self, cls, pattern, **kwargs):
        env = cls()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with self.assertRaisesRegex(checker.EnvCheckError, pattern):
                checker.check_env(env, make=cls, **kwargs)

    def assertWarned(self, cls, pattern, **kwargs):
        env = cls()
        msgs = record(checker.check_env, env, make=cls, **kwargs)
        self.assertTrue(any(pattern in m for m in msgs), msgs)

    def test_wrong_dtype(self):
        self.assertCaught(WrongDtype, "not within the observation space")
        env = WrongDtype()
        with warnings.catch_warnings(record=True) as ws:
            warnings.simplefilter("always")
            with self.assertRaises(checker.EnvCheckError):
                checker.check_env(env, make=WrongDtype)
        msgs = [str(w.message) for w in ws]
        self.assertTrue(any("dtype to be uint8, actual type: int64" in m for m in msgs), msgs)
        self.assertTrue(all(issubclass(w.category, checker.CheckWarning) for w in ws))
        self.assertCaught(FloatObs, r"`step\(\)` method is not within")

    def test_wrong_shape_and_bounds(self):
        self.assertCaught(WrongShape, "not within the observation space")
        self.assertCaught(OutOfBounds, "not within the observation space")

    def test_step_returns(self):
        self.assertCaught(FourTuple, "returned 4 values")
        self.assertCaught(IntTerminated, "`terminated` signal to be a boolean")
        self.assertCaught(ArrayReward, "reward returned by `step\\(\\)` must be a float")
        self.assertCaught(ListInfo, "`info` returned by `step\\(\\)` must be a python dict")

    def test_reset_returns(self):
        self.assertCaught(ObsOnlyReset, "not a tuple of the form")
        self.assertCaught(NoOptions, "does not provide an `options`")

    def test_seeding(self):
        self.assertCaught(NondeterministicReset, r"reset\(seed=123\)` is non-deterministic")
        self.assertCaught(UnseededResetNotContinuing,
                          r"reset\(seed=123\)` then `env.reset\(\)` is non-deterministic")
        self.assertCaught(SeedIgnored, "the seed is ignored", seeds_matter=True)
        self.assertEqual(record(checker.check_env, SeedIgnored(), make=SeedIgnored), [])
        self.assertCaught(NondeterministicStep, "step rewards are not equivalent")

    def test_render(self):
        env = FloatFrame(render_mode="rgb_array")
        with self.assertRaisesRegex(checker.EnvCheckError, "dtype uint8, got float32"):
            checker.check_env(env, make=FloatFrame)
        env = RgbaFrame(render_mode="rgb_array")
        with self.assertRaisesRegex(checker.EnvCheckError, "last axis has three dimensions"):
            checker.check_env(env, make=RgbaFrame)
        self.assertCaught(HumanMode, "unsupported render mode")
        msgs = record(checker.check_env, Walk(render_mode="rgb_array"))
        self.assertTrue(any("Not able to test alternative render modes" in m for m in msgs))

    def test_close_twice(self):
        self.assertWarned(CloseTwiceFails, "Calling `env.close()` on the closed environment")

    def test_spaces(self):
        self.assertCaught(NotASpace, "action space .* is not a Space")
        self.assertCaught(EmptyDiscrete, "number of elements must be positive")

    def test_not_an_env(self):
        with self.assertRaises((TypeError, AssertionError)):
            checker.check_env(object())


class NoFinalObs(GridVectorEnv):
    def step(self, actions):
        obs, r, term, trunc, infos = super().step(actions)
        infos.pop("final_obs", None)
        infos.pop("_final_obs", None)
        return obs, r, term, trunc, infos


class WrongMask(GridVectorEnv):
    def step(self, actions):
        obs, r, term, trunc, infos = super().step(actions)
        if infos:
            infos["_final_obs"] = infos["_final_obs"].copy()
            infos["_final_obs"][0] = not infos["_final_obs"][0]
        return obs, r, term, trunc, infos


class ByteTerminations(GridVectorEnv):
    def step(self, actions):
        obs, r, term, trunc, infos = super().step(actions)
        return obs, r, term.astype(np.uint8), trunc, infos


class UnbatchedObs(GridVectorEnv):
    def reset(self, *, seed=None, options=None):
        obs, info = super().reset(seed=seed, options=options)
        return obs[0], info


class NoMode(GridVectorEnv):
    metadata = {"render_modes": ["rgb_array"], "render_fps": 8}


class UnknownMode(GridVectorEnv):
    metadata = dict(GridVectorEnv.metadata, autoreset_mode="same-step")


class VectorSeedIgnored(GridVectorEnv):
    def reset(self, *, seed=None, options=None):
        return super().reset(seed=0, options=options)


class TestBrokenVectorEnvsAreCaught(unittest.TestCase):
    def check(self, cls, **kwargs):
        env = cls(STRAWBERRY, 8)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                checker.check_vector_env(env, **kwargs)
        finally:
            env.close()

    def test_autoreset(self):
        with self.assertRaisesRegex(checker.EnvCheckError, "has no infos\\['final_obs'\\]"):
            self.check(NoFinalObs)
        with self.assertRaisesRegex(checker.EnvCheckError, "True exactly where terminated"):
            self.check(WrongMask)
        with self.assertRaisesRegex(checker.EnvCheckError, "must be one of"):
            self.check(UnknownMode)
        env = NoMode(STRAWBERRY, 8)
        msgs = record(checker.check_vector_env, env)
        env.close()
        self.assertTrue(any("does not state its autoreset mode" in m for m in msgs), msgs)

    def test_batched_returns(self):
        with self.assertRaisesRegex(checker.EnvCheckError, "terminations must be booleans"):
            self.check(ByteTerminations)
        with self.assertRaisesRegex(checker.EnvCheckError, r"must have shape \(8, 51\)"):
            self.check(UnbatchedObs)

    def test_seeding(self):
        with self.assertRaisesRegex(checker.EnvCheckError, "the seed is ignored"):
            self.check(VectorSeedIgnored, seeds_matter=True)


if __name__ == "__main__":
    unittest.main()
