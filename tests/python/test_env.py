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

    def test_closed_envs_refuse_instead_of_crashing(self):
        env = gridalign.make(STRAWBERRY, render_mode="rgb_array")
        env.reset(seed=0)
        env.close()
        env.close()  # twice is fine
        calls = {"step": lambda: env.step(0), "reset": lambda: env.reset(seed=1),
                 "render": env.render,
                 "features": lambda: env.features(np.zeros(env.desc.obs_size, np.uint8))}
        for name, call in calls.items():
            with self.subTest(call=name), self.assertRaisesRegex(RuntimeError, "closed"):
                call()
        v = gridalign.make_vec(STRAWBERRY, 4)
        v.reset(seed=0)
        v.close()
        for call in (lambda: v.step(np.zeros(4, np.uint8)), v.reset):
            with self.assertRaisesRegex(RuntimeError, "closed"):
                call()

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


if __name__ == "__main__":
    unittest.main()
