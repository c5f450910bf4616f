"""The vector environment (gridalign.make_vec) against single ones: world i of a vector seeded s
steps through exactly what a GridEnv reset with seed vec_seed(s, i, k) gives in its episode k,
across autoresets (final observations, returns, successes and lengths included); copy=True
and copy=False; bad actions refused with nothing stepped; batches of 1 and 256."""

import unittest

import numpy as np

import gridalign

STRAWBERRY = "scenarios/strawberry.json"
# Random actions end episodes here at many different steps: terminations and truncations mix.
CASES = [
    (STRAWBERRY, "decoys"),  # layouts drawn from the seed; truncations only
    ("scenarios/colour_over_shape.json", "train"),
    ("scenarios/off_switch.json", "train"),  # format 2: flags and interruptions
    ("scenarios/lava_shift.json", "lava_lower"),
]


class Single:
    """World i of a vector replayed by one GridEnv, episode k reset with vec_seed(s, i, k)."""

    def __init__(self, path, world, seed, i):
        self.env = gridalign.make(path, world=world)
        self.seed, self.i, self.k = seed, i, 0
        self.obs, self.info = self.env.reset(seed=gridalign.vec_seed(seed, i, 0))

    def step(self, a):
        """The step's (obs, reward, terminated, truncated, info) and, when it ended the episode,
        the next episode's first observation in place of obs (same-step autoreset)."""
        obs, r, term, trunc, info = self.env.step(a)
        last = obs
        if term or trunc:
            self.k += 1
            obs, _ = self.env.reset(seed=gridalign.vec_seed(self.seed, self.i, self.k))
        return obs, r, term, trunc, info, last


class TestAgainstSingle(unittest.TestCase):
    def compare(self, path, world, n, seed, steps, copy=True):
        vec = gridalign.make_vec(path, n, world=world, copy=copy)
        obs, infos = vec.reset(seed=seed)
        self.assertEqual(infos, {})
        singles = [Single(path, world, seed, i) for i in range(n)]
        np.testing.assert_array_equal(obs, np.stack([s.obs for s in singles]))
        rng = np.random.default_rng(seed)
        objectives = vec.desc.objectives
        train = objectives.index(vec.desc.train_objective)
        ends = terms = 0
        labels = set()
        for t in range(steps):
            actions = rng.integers(0, 7, n)
            obs, rew, term, trunc, infos = vec.step(actions)
            ended = term | trunc
            self.assertEqual(bool(infos), bool(ended.any()))
            for i, s in enumerate(singles):
                o, r, te, tr, info, last = s.step(int(actions[i]))
                where = "world %d step %d" % (i, t)
                np.testing.assert_array_equal(obs[i], o, where)
                self.assertEqual(rew[i], np.float32(r), where)
                self.assertEqual((bool(term[i]), bool(trunc[i])), (te, tr), where)
                if not (te or tr):
                    if infos:
                        self.assertFalse(infos["_final_obs"][i], where)
                        # zeros, not the end of the world's previous episode
                        self.assertFalse(infos["final_obs"][i].any(), where)
                        self.assertFalse(infos["returns"][i].any(), where)
                        self.assertFalse(infos["success"][i].any(), where)
                        self.assertEqual((infos["episode"]["r"][i], infos["episode"]["l"][i]),
                                         (0, 0), where)
                    continue
                ends += 1
                terms += te
                self.assertTrue(infos["_final_obs"][i], where)
                np.testing.assert_array_equal(infos["final_obs"][i], last, where)
                for j, name in enumerate(objectives):
                    self.assertEqual(infos["returns"][i, j], np.float32(info["returns"][name]),
                                     where)
                    self.assertEqual(bool(infos["success"][i, j]), info["success"][name], where)
                self.assertTrue(infos["_returns"][i] and infos["_success"][i])
                self.assertEqual(infos["episode"]["r"][i],
                                 np.float32(info["returns"][objectives[train]]), where)
                self.assertEqual(infos["episode"]["l"][i], info["t"], where)
                self.assertTrue(infos["_episode"][i] and infos["episode"]["_l"][i])
                # The label and layout seed of the episode that ended, as the single env's.
                self.assertTrue(infos["_label"][i] and infos["_seed"][i])
                self.assertEqual(infos["label"][i], info["label"], where)
                self.assertEqual(int(infos["seed"][i]),
                                 gridalign.vec_seed(s.seed, i, s.k - 1), where)
                labels.add(info["label"])
            if infos:
                self.assertTrue(all(infos["label"][~ended] == None), infos["label"])  # noqa: E711
        self.assertGreaterEqual(len(labels), 1)
        vec.close()
        for s in singles:
            s.env.close()
        return ends, terms, max(s.k for s in singles)

    def test_worlds_step_as_single_envs(self):
        for path, world in CASES:
            with self.subTest(path=path, world=world):
                ends, terms, episodes = self.compare(path, world, 8, 11, 260)
                self.assertGreaterEqual(ends, 16)  # several episodes per world on average
                self.assertGreaterEqual(episodes, 2)
                if "strawberry" not in path:
                    self.assertGreater(terms, 0)

    def test_copy_false_gives_the_same_steps(self):
        for path, world in CASES[:2]:
            with self.subTest(path=path, world=world):
                self.compare(path, world, 4, 3, 120, copy=False)

    def test_batch_of_one(self):
        for path, world in CASES:
            with self.subTest(path=path, world=world):
                ends, _, _ = self.compare(path, world, 1, 5, 300)
                self.assertGreaterEqual(ends, 3)

    def test_batch_of_256(self):
        ends, terms, _ = self.compare("scenarios/colour_over_shape.json", "train", 256, 7, 70)
        self.assertGreater(terms, 128)
        ends, _, _ = self.compare(STRAWBERRY, "train", 256, 7, 60)
        self.assertEqual(ends, 256)  # every world truncated once, at step 50


class TestCopy(unittest.TestCase):
    def test_copy_true_returns_fresh_arrays(self):
        vec = gridalign.make_vec(STRAWBERRY, 4, copy=True)
        obs0, _ = vec.reset(seed=1)
        keep = obs0.copy()
        out1 = vec.step(np.zeros(4, dtype=np.int64))
        out2 = vec.step(np.ones(4, dtype=np.int64))
        np.testing.assert_array_equal(obs0, keep)  # not overwritten by later steps
        for x, y in zip(out1[:4], out2[:4]):
            self.assertIsNot(x, y)
            self.assertFalse(np.shares_memory(x, y))
        for x in (obs0,) + out1[:4]:
            self.assertFalse(np.shares_memory(x, vec.obs) or np.shares_memory(x, vec.rewards))
        out2[0][:] = 0  # writing into what step returned leaves the environment alone
        out3 = vec.step(np.zeros(4, dtype=np.int64))
        self.assertTrue(out3[0].any())
        vec.close()

    def test_copy_false_returns_the_buffers(self):
        vec = gridalign.make_vec(STRAWBERRY, 4, copy=False)
        obs0, _ = vec.reset(seed=1)
        first = obs0.copy()
        out1 = vec.step(np.zeros(4, dtype=np.int64))
        after1 = [x.copy() for x in out1[:4]]
        out2 = vec.step(np.ones(4, dtype=np.int64))
        for x, y in zip(out1[:4], out2[:4]):
            self.assertIs(x, y)  # the same buffers every call
        self.assertIs(obs0, out1[0])
        self.assertFalse(np.array_equal(obs0, first))  # overwritten by the steps
        self.assertTrue(np.shares_memory(out2[0], vec.obs))
        # and both ways give the same values
        ref = gridalign.make_vec(STRAWBERRY, 4, copy=True)
        ref.reset(seed=1)
        r1 = ref.step(np.zeros(4, dtype=np.int64))
        for x, y in zip(after1, r1[:4]):
            np.testing.assert_array_equal(x, y)
        vec.close()
        ref.close()


class TestBadActions(unittest.TestCase):
    n = 6

    def setUp(self):
        self.vec = gridalign.make_vec(STRAWBERRY, self.n, world="decoys", copy=False)
        self.ref = gridalign.make_vec(STRAWBERRY, self.n, world="decoys", copy=True)
        self.vec.reset(seed=2)
        self.ref.reset(seed=2)
        self.good = np.array([0, 1, 2, 3, 4, 5])
        self.vec.step(self.good)
        self.ref.step(self.good)

    def tearDown(self):
        self.vec.close()
        self.ref.close()

    def assertNothingStepped(self):
        """The refused call changed nothing: both vectors step on in lockstep."""
        np.testing.assert_array_equal(self.vec.obs, self.ref.obs)
        for t in range(60):
            a = (self.good + t) % 7
            x, y = self.vec.step(a), self.ref.step(a)
            for u, v in zip(x[:4], y[:4]):
                np.testing.assert_array_equal(u, v)

    def refuse(self, exc, actions):
        before = self.vec.obs.copy()
        with self.assertRaises(exc):
            self.vec.step(actions)
        np.testing.assert_array_equal(self.vec.obs, before)

    def test_shape(self):
        self.refuse(ValueError, np.zeros(self.n + 1, dtype=np.int64))
        self.refuse(ValueError, np.zeros(self.n - 1, dtype=np.int64))
        self.refuse(ValueError, np.zeros((self.n, 1), dtype=np.int64))
        self.refuse(ValueError, 3)
        self.refuse(ValueError, [[1] * self.n])
        self.assertNothingStepped()

    def test_dtype(self):
        self.refuse(TypeError, np.zeros(self.n, dtype=np.float32))
        self.refuse(TypeError, np.ones(self.n, dtype=bool))
        self.refuse(TypeError, [0.5] * self.n)
        self.refuse(TypeError, np.array(["up"] * self.n))
        self.assertNothingStepped()

    def test_range(self):
        for bad in (-1, 7, 255, 300, 2**40):
            a = self.good.copy().astype(np.int64)
            a[3] = bad
            self.refuse(ValueError, a)
        a = self.good.astype(np.uint8)
        a[4] = 7  # uint8 skips the Python range check: the library refuses it
        self.refuse(ValueError, a)
        a[4] = 255
        self.refuse(ValueError, a)
        self.assertNothingStepped()

    def test_good_action_types(self):
        for a in (self.good.tolist(), self.good.astype(np.uint8), self.good.astype(np.int32),
                  tuple(self.good)):
            x, y = self.vec.step(a), self.ref.step(self.good)
            np.testing.assert_array_equal(x[0], y[0])


if __name__ == "__main__":
    unittest.main()
