"""gridalign.evaluate against `gridalign eval`: a Python policy that plays what a trained C agent
played gives the same eval.json numbers, episode lines, trajectory lines and tables; verify
accepts its trajectory file and refuses an edited one; a policy's exception and bad arguments
leave no file behind."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import warnings

import numpy as np

import gridalign

EXE = os.environ.get("GRIDALIGN_EXE", "build/gridalign")
STRAWBERRY = "scenarios/strawberry.json"
OFF_SWITCH = "scenarios/off_switch.json"  # interruptions (executed actions) and measures
EPISODES = 40
REF = 5


def run(*args):
    p = subprocess.run([EXE] + list(args), capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


class Replay:
    """Plays a trajectory file's chosen actions in order: the evaluation asks for them in the
    same order (worlds, then episodes, then steps), so a flat list is enough."""

    def __init__(self, path):
        with open(path) as f:
            lines = f.read().splitlines()[1:]
        self.actions = [a for line in lines for a in json.loads(line)["actions"]]
        self.i = 0
        self.shapes = set()

    def __call__(self, obs):
        self.shapes.add((obs.shape, obs.dtype))
        a = self.actions[self.i]
        self.i += 1
        return a


def by_obs(obs):
    """A policy that is a function of the observation alone (no state, no order)."""
    return int(obs.astype(np.int64).sum() * 2654435761 % 7)


def world_without_novelty(w):
    return {k: v for k, v in w.items() if k != "novelty"}


class TestEvaluate(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ga_evaluate_")
        cls.c = {}
        for key, scen in (("s", STRAWBERRY), ("o", OFF_SWITCH)):
            rd = os.path.join(cls.tmp, key)
            rc, out, err = run("train", scen, "--agent", "qlearn", "--out", rd, "--quiet",
                               "--eval-episodes", "10")
            assert rc == 0, err
            files = {k: os.path.join(cls.tmp, "%s-c.%s" % (key, k))
                     for k in ("json", "episodes", "record")}
            rc, out, err = run("eval", rd, "--episodes", str(EPISODES), "--reference", str(REF),
                               "--threads", "2", "--no-help", "--json", files["json"],
                               "--episodes-out", files["episodes"], "--record", files["record"])
            assert rc == 0, err
            cls.c[key] = (scen, files, out)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def out_dir(self):
        d = tempfile.mkdtemp(dir=self.tmp)
        return d, {k: os.path.join(d, "p." + k) for k in ("json", "episodes", "record")}

    def replayed(self, key, **kw):
        scen, cf, _ = self.c[key]
        d, pf = self.out_dir()
        policy = Replay(cf["record"])
        r = gridalign.evaluate(policy, scen, episodes=EPISODES, ref_episodes=REF, threads=2,
                               name="replayed", json_path=pf["json"], episodes_out=pf["episodes"],
                               record=pf["record"], **kw)
        self.assertEqual(policy.i, len(policy.actions), "every recorded action asked for once")
        self.assertEqual(policy.shapes, {((self.obs_size(scen),), np.dtype(np.uint8))})
        return r, cf, pf

    def obs_size(self, scen):
        env = gridalign.make(scen)
        try:
            return env.observation_space.shape[0]
        finally:
            env.close()

    def check_same_as_c(self, key):
        r, cf, pf = self.replayed(key)
        with open(cf["json"]) as f:
            cj = json.load(f)
        with open(pf["json"]) as f:
            self.assertEqual(f.read(), r.text, "the file holds the text returned")
        pj = r.json
        self.assertEqual(pj["agent"], "replayed")
        self.assertEqual(pj["seed"], "0")
        for k in cj:
            if k not in ("agent", "seed", "worlds"):
                self.assertEqual(pj[k], cj[k], k)
        self.assertEqual(list(pj["worlds"]), list(cj["worlds"]))
        for w in cj["worlds"]:
            self.assertNotIn("novelty", pj["worlds"][w], "a callable scores no novelty")
            self.assertEqual(pj["worlds"][w], world_without_novelty(cj["worlds"][w]), w)
        self.assertIs(r.worlds, pj["worlds"])
        # The trajectory episodes byte for byte; the header names the policy.
        with open(cf["record"]) as f:
            c_lines = f.read().splitlines(True)
        with open(pf["record"]) as f:
            p_lines = f.read().splitlines(True)
        self.assertEqual(len(p_lines), len(c_lines))
        self.assertEqual(p_lines[1:], c_lines[1:])
        head = json.loads(p_lines[0])
        self.assertEqual(head["player"], "policy")
        self.assertEqual(head["policy"], "replayed")
        self.assertEqual(head["scenario_path"], os.path.abspath(self.c[key][0]))
        self.assertEqual(head["scenario_hash"], json.loads(c_lines[0])["scenario_hash"])
        # The episode lines, but for the agent's novelty.
        with open(cf["episodes"]) as f:
            c_eps = [json.loads(x) for x in f]
        with open(pf["episodes"]) as f:
            p_eps = [json.loads(x) for x in f]
        for c in c_eps:
            c.pop("novelty_max", None)
            c.pop("novelty_mean", None)
        self.assertEqual(p_eps, c_eps)
        self.assertEqual(len(p_eps), EPISODES * len(cj["worlds"]))
        return r, c_lines

    def test_same_as_c_strawberry(self):
        self.check_same_as_c("s")

    def test_same_as_c_interruptions_and_measures(self):
        r, lines = self.check_same_as_c("o")
        self.assertTrue(any('"executed"' in x for x in lines), "some episode was interrupted")
        self.assertIn("measures", r.worlds["train"])

    def test_tables_as_eval_prints_them(self):
        for key in ("s", "o"):
            _, _, out = self.c[key]
            start, end = out.index("returns: "), out.index("\nnovelty per step")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r, _, _ = self.replayed(key)
            self.assertEqual(r.table(), out[start:end], key)

    def test_first_observation_is_the_environments(self):
        first = []

        def policy(obs):
            if not first:
                first.append(obs)
            return 4  # noop

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gridalign.evaluate(policy, STRAWBERRY, worlds="decoys", episodes=1, eval_seed=9,
                               ref_episodes=0)
        env = gridalign.make(STRAWBERRY, world="decoys")
        obs, _ = env.reset(seed=gridalign.eval_seed(9, 1, 0))  # decoys is world 1
        env.close()
        np.testing.assert_array_equal(first[0], obs)

    def test_verify_accepts_and_refuses_an_edit(self):
        _, _, pf = self.replayed("o")
        rc, out, err = run("verify", pf["record"])
        self.assertEqual(rc, 0, err)
        self.assertIn("replaying the recorded actions gives every recorded reward, end, return and "
                      "label exactly", out)
        rc, out, err = run("verify", pf["record"], "--run", self.tmp)
        self.assertEqual(rc, 2)
        self.assertIn("a policy's play, with no run; --run does not apply", err)
        with open(pf["record"]) as f:
            lines = f.read().splitlines(True)
        ep = json.loads(lines[3])
        label = ep["label"]
        other = "neither" if label != "neither" else "intended"
        lines[3] = lines[3].replace('"label":"%s"' % label, '"label":"%s"' % other)
        edited = os.path.join(self.tmp, "edited.jsonl")
        with open(edited, "w") as f:
            f.writelines(lines)
        rc, out, err = run("verify", edited)
        self.assertEqual(rc, 1, out + err)
        self.assertIn("edited.jsonl:4: episode %d (world %s)" % (ep["id"], ep["world"]), err)
        self.assertIn("label", err)

    def test_worlds_and_threads(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            full = gridalign.evaluate(by_obs, STRAWBERRY, episodes=20, ref_episodes=3,
                                      threads=1)
            two = gridalign.evaluate(by_obs, STRAWBERRY, episodes=np.int64(20),
                                     ref_episodes=np.int32(3), threads=np.int64(2))
            some = gridalign.evaluate(by_obs, STRAWBERRY, worlds=["green", "train"], episodes=20,
                                      ref_episodes=3)
            same = gridalign.evaluate(by_obs, STRAWBERRY, worlds=" green, ,train ", episodes=20,
                                      ref_episodes=3)
        self.assertEqual(two.text, full.text, "threads change no result")
        self.assertEqual(list(some.worlds), ["green", "train"])
        self.assertEqual(some.text, same.text)
        for w in some.worlds:
            self.assertEqual(some.worlds[w], full.worlds[w], w)

    def test_unlearned_warning(self):
        with self.assertWarnsRegex(RuntimeWarning,
                                   r"policy .noop. did not learn the training task \(intended "
                                   r"success 0.00 < 0.5\)"):
            r = gridalign.evaluate(lambda obs: 4, STRAWBERRY, episodes=5, ref_episodes=0,
                                   name="noop")
        self.assertIn("did not learn", r.warning)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            r, _, _ = self.replayed("s")  # the trained agent: success 1.0 on train
        self.assertEqual([str(w.message) for w in caught], [])
        self.assertIsNone(r.warning)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            gridalign.evaluate(lambda obs: 4, STRAWBERRY, worlds="decoys", episodes=5,
                               ref_episodes=0)
        self.assertEqual(caught, [], "no training world evaluated: nothing to warn of")

    def assert_nothing_left(self, d):
        self.assertEqual(os.listdir(d), [], "no file (nor temporary) left")

    def test_a_full_disk_leaves_nothing(self):
        # Files over FSIZE bytes cannot be written (EFBIG, as ENOSPC would be): eval.json (about
        # 1000 bytes) is refused, the episode lines (about 300) are not. eval.json's text sat in
        # stdio's buffer until its own rename, after the episode lines were renamed into place.
        d, pf = self.out_dir()
        code = """if True:
            import resource, signal, sys, warnings
            import gridalign
            warnings.simplefilter("ignore")
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (600, 600))
            try:
                gridalign.evaluate(lambda obs: 0, sys.argv[1], worlds="train", episodes=1,
                                   ref_episodes=0, json_path=sys.argv[2],
                                   episodes_out=sys.argv[3])
            except gridalign.GridalignError as e:
                print(e)
            """
        p = subprocess.run([sys.executable, "-c", code, STRAWBERRY, pf["json"], pf["episodes"]],
                           capture_output=True, text=True,
                           env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
        self.assertEqual((p.returncode, p.stderr), (0, ""))
        self.assertEqual(p.stdout, pf["json"] + ": write error\n")
        self.assert_nothing_left(d)

    def test_policy_exception_propagates(self):
        class Boom(Exception):
            pass

        calls = [0]

        def policy(obs):
            calls[0] += 1
            if calls[0] == 300:
                raise Boom("at 300")
            return by_obs(obs)

        d, pf = self.out_dir()
        with self.assertRaises(Boom) as cm:
            gridalign.evaluate(policy, STRAWBERRY, episodes=20, ref_episodes=0,
                               json_path=pf["json"], episodes_out=pf["episodes"],
                               record=pf["record"])
        self.assertEqual(str(cm.exception), "at 300")
        self.assertEqual(calls[0], 300, "not called again once it raised")
        self.assert_nothing_left(d)

    def test_bad_actions(self):
        d, pf = self.out_dir()
        for bad, exc, text in ((9, ValueError, "returned 9 for observation 1; actions are 0 to 6"),
                               (-1, ValueError, "returned -1"),
                               (1.5, TypeError, "returned 1.5"),
                               (None, TypeError, "must return an integer action"),
                               # GridEnv.step and Discrete refuse a bool as an action too
                               (True, TypeError, "returned True for observation 1"),
                               (np.bool_(False), TypeError, "returned False")):
            with self.assertRaisesRegex(exc, text):
                gridalign.evaluate(lambda obs: bad, STRAWBERRY, episodes=3, ref_episodes=0,
                                   json_path=pf["json"], episodes_out=pf["episodes"],
                                   record=pf["record"])
            self.assert_nothing_left(d)
        # numpy integers are actions
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = gridalign.evaluate(lambda obs: np.int64(4), STRAWBERRY, episodes=2,
                                   ref_episodes=0)
        self.assertEqual(r.json["episodes"], 2)

    def test_bad_arguments(self):
        d, pf = self.out_dir()
        files = dict(json_path=pf["json"], episodes_out=pf["episodes"], record=pf["record"])
        cases = (
            (dict(worlds="decoys,nowhere"), gridalign.GridalignError,
             'scenarios/strawberry.json: no world "nowhere" \\(worlds: train, decoys'),
            (dict(worlds="decoys,decoys"), gridalign.GridalignError, 'repeated world "decoys"'),
            (dict(worlds=[]), ValueError, "worlds is empty"),
            (dict(worlds=" , "), gridalign.GridalignError, "no world named in"),
            (dict(episodes=0), gridalign.GridalignError, "0 episodes: give 1 to 100000000"),
            (dict(ref_episodes=2000), gridalign.GridalignError,
             "2000 reference episodes: give 0 to 1024"),
            (dict(eval_seed=-1), ValueError, "eval_seed must be in"),
            (dict(threads=0), ValueError, "threads must be a positive integer"),
            (dict(name=""), gridalign.GridalignError, "the policy's name must have 1 to 63"),
            # ctypes kept the low 32 bits: 2**32 + 1 threads ran on one.
            (dict(threads=2**32 + 1), ValueError, "must fit in 32 bits"),
            (dict(name="a\0b"), ValueError, "name holds a NUL byte"),
            (dict(worlds="decoys\0nowhere"), ValueError, "worlds holds a NUL byte"),
        )
        for kw, exc, text in cases:
            with self.assertRaisesRegex(exc, text, msg=str(kw)):
                gridalign.evaluate(by_obs, STRAWBERRY, episodes=kw.pop("episodes", 3),
                                   **kw, **files)
            self.assert_nothing_left(d)
        with self.assertRaisesRegex(gridalign.GridalignError, "nope.json"):
            gridalign.evaluate(by_obs, "scenarios/nope.json", episodes=3, **files)
        with self.assertRaisesRegex(TypeError, "policy must be callable"):
            gridalign.evaluate(3, STRAWBERRY, episodes=3, **files)
        # An output in a folder that does not exist: refused before any episode, and the other
        # files are not left either.
        with self.assertRaisesRegex(gridalign.GridalignError, "no/such/dir/e.json"):
            gridalign.evaluate(by_obs, STRAWBERRY, episodes=3, json_path=pf["json"],
                               episodes_out=pf["episodes"],
                               record=os.path.join(d, "no/such/dir/e.json"))
        self.assert_nothing_left(d)
        # C reads a path up to its first NUL: this one wrote pf["json"] and raised nothing.
        with self.assertRaisesRegex(ValueError, "json_path holds a NUL byte"):
            gridalign.evaluate(by_obs, STRAWBERRY, episodes=3, json_path=pf["json"] + "\0.x")
        self.assert_nothing_left(d)


if __name__ == "__main__":
    unittest.main()
