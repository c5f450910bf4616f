"""The single environment (gridalign.make): spaces, reset and step semantics, seeds, info,
render and refusals."""

import unittest

import numpy as np

import gridalign

STRAWBERRY = "scenarios/strawberry.json"


class TestEnv(unittest.TestCase):
    def setUp(self):
        self.env = gridalign.make(STRAWBERRY, world="decoys", render_mode="rgb_array")

    def tearDown(self):
        self.env.close()

    def test_spaces(self):
        env = self.env
        self.assertEqual(env.observation_space.shape, (env.desc.obs_size,))
        self.assertEqual(env.observation_space.dtype, np.uint8)
        self.assertEqual(env.action_space.n, 7)
        self.assertEqual(env.desc.actions[:4], ["up", "right", "down", "left"])

    def test_same_seed_same_episode(self):
        env = self.env
        acts = np.random.default_rng(1).integers(0, 7, 60)
        runs = []
        for _ in range(2):
            obs, info = env.reset(seed=123)
            self.assertEqual(info["seed"], 123)
            trace = [obs]
            for a in acts:
                obs, r, term, trunc, info = env.step(int(a))
                trace.append((obs, r, term, trunc))
                if term or trunc:
                    break
            runs.append(trace)
        self.assertEqual(len(runs[0]), len(runs[1]))
        np.testing.assert_array_equal(runs[0][0], runs[1][0])
        for a, b in zip(runs[0][1:], runs[1][1:]):
            np.testing.assert_array_equal(a[0], b[0])
            self.assertEqual(a[1:], b[1:])

    def test_unseeded_resets_continue_the_stream(self):
        env = self.env
        env.reset(seed=5)
        seeds = [env.reset()[1]["seed"] for _ in range(3)]
        self.assertEqual(seeds, [gridalign.vec_seed(5, 0, k) for k in (1, 2, 3)])
        other = [env.reset(seed=6)[1]["seed"]] + [env.reset()[1]["seed"] for _ in range(2)]
        self.assertNotEqual(seeds, other[1:])

    def test_vector_unseeded_reset_continues_the_streams(self):
        v = gridalign.make_vec(STRAWBERRY, 3, world="decoys")
        first, _ = v.reset(seed=4)
        again, _ = v.reset()  # every world's episode 1 of seed 4
        for i in range(3):
            obs, _ = self.env.reset(seed=gridalign.vec_seed(4, i, 1))
            np.testing.assert_array_equal(again[i], obs)
        np.testing.assert_array_equal(v.reset(seed=4)[0], first)
        v.close()

    def test_episode_ends_with_label_and_returns(self):
        env = self.env
        obs, info = env.reset(seed=0)
        steps = 0
        while True:
            obs, r, term, trunc, info = env.step(6)  # noop until truncation
            steps += 1
            self.assertIn(obs, env.observation_space)
            if term or trunc:
                break
        self.assertTrue(trunc)
        self.assertEqual(steps, env.desc.max_steps)
        self.assertEqual(info["t"], steps)
        self.assertEqual(info["label"], "neither")
        self.assertEqual(set(info["returns"]), set(env.desc.objectives))
        with self.assertRaises(RuntimeError):
            env.step(0)

    def test_bad_actions_are_refused(self):
        env = self.env
        env.reset(seed=0)
        for bad in (7, -1, 256):
            with self.assertRaises(ValueError):
                env.step(bad)
        for bad in (1.5, "up", None, True):
            with self.assertRaises(TypeError):
                env.step(bad)
        env.step(np.int64(2))  # numpy integers are actions too

    def test_actions_seeds_and_copies_as_users_give_them(self):
        env = self.env
        env.reset(seed=0)
        env.step(np.array(3))  # a 0-d array
        try:
            import torch
            env.step(torch.tensor(2))  # what dist.sample() gives
        except ImportError:  # pragma: no cover - torch is installed by tools/test
            pass
        with self.assertRaisesRegex(TypeError, "string"):
            env.reset(seed="5296186001923352309")  # a trajectory file's seed, unconverted
        with self.assertRaises(ValueError):
            env.reset(seed=-1)
        with self.assertRaisesRegex(TypeError, "cannot be pickled"):
            import pickle
            pickle.dumps(env)
        with self.assertRaisesRegex(ValueError, "render_mode"):
            gridalign.make_vec(STRAWBERRY, 2, render_mode="human")
        self.assertIn("strawberry-v1", repr(env.desc))
        v = gridalign.make_vec(STRAWBERRY, 2)
        with self.assertRaisesRegex(TypeError, "one integer"):
            v.reset(seed=[1, 2])
        v.close()

    def test_render_is_the_rgb_frame(self):
        self.env.reset(seed=0)
        frame = self.env.render()
        self.assertEqual(frame.dtype, np.uint8)
        self.assertEqual(frame.ndim, 3)
        self.assertEqual(frame.shape[2], 3)
        self.assertGreater(len(np.unique(frame.reshape(-1, 3), axis=0)), 3)

    def test_bad_scenario_and_world(self):
        with self.assertRaises(gridalign.GridalignError) as c:
            gridalign.make(STRAWBERRY, world="nowhere")
        self.assertIn("nowhere", str(c.exception))
        self.assertIn("decoys", str(c.exception))
        with self.assertRaises(gridalign.GridalignError) as c:
            gridalign.make("scenarios/none.json")
        self.assertIn("scenarios/none.json", str(c.exception))

    def test_arguments_ctypes_would_cut(self):
        # ctypes passes the low 32 bits of an int and C reads a string up to its first NUL:
        # 2**32 + 1 worlds opened one, and "strawberry.json\0x" opened strawberry.json.
        with self.assertRaisesRegex(ValueError, "num_envs 4294967297 does not fit in 32 bits"):
            gridalign.make_vec(STRAWBERRY, 2**32 + 1)
        with self.assertRaisesRegex(ValueError, "scenario holds a NUL byte"):
            gridalign.make(STRAWBERRY + "\0.x")
        with self.assertRaisesRegex(ValueError, "world holds a NUL byte"):
            gridalign.make(STRAWBERRY, world="decoys\0x")
        with self.assertRaisesRegex(ValueError, "i 4294967296 does not fit in 32 bits"):
            gridalign.vec_seed(0, 2**32, 0)
        with self.assertRaisesRegex(ValueError, "k 18446744073709551616 does not fit in 64"):
            gridalign.eval_seed(0, 0, 2**64)
        self.assertEqual(gridalign.vec_seed(3, np.int64(2), np.int32(5)),
                         gridalign.vec_seed(3, 2, 5))

    def test_closed_envs_refuse_instead_of_crashing(self):
        # The library takes the handle as given: a closed one was NULL and crashed the process.
        env = gridalign.make(STRAWBERRY, render_mode="rgb_array")
        obs, _ = env.reset(seed=0)
        env.close()
        env.close()
        for call in (lambda: env.reset(seed=1), lambda: env.reset(), lambda: env.step(0),
                     env.render, lambda: env.features(obs)):
            with self.assertRaisesRegex(RuntimeError, "GridEnv is closed"):
                call()
        vec = gridalign.make_vec(STRAWBERRY, 2, render_mode="rgb_array")
        obs, _ = vec.reset(seed=0)
        vec.close()
        for call in (lambda: vec.reset(seed=1), lambda: vec.reset(), lambda: vec.step([0, 0]),
                     vec.render, lambda: vec.features(obs)):
            with self.assertRaisesRegex(RuntimeError, "GridVectorEnv is closed"):
                call()

    def test_refused_render_mode_leaves_no_error_behind(self):
        import io
        import sys
        stderr, sys.stderr = sys.stderr, io.StringIO()
        try:
            with self.assertRaises(ValueError):
                gridalign.make(STRAWBERRY, render_mode="human")
            import gc
            gc.collect()
            said = sys.stderr.getvalue()
        finally:
            sys.stderr = stderr
        self.assertEqual(said, "")  # was "Exception ignored in ... no attribute '_h'"


if __name__ == "__main__":
    unittest.main()
