"""examples/ppo.py, imported as a module: a short fixed-seed run improves its return (over its own
first iterations and over a random policy measured here), runs repeat exactly, and main()
writes its files and warns when the policy did not learn."""

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch

import gridalign

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "examples"))
import ppo  # noqa: E402

SCENARIO = "scenarios/strawberry_shape.json"


def random_return(episodes, seed):
    """Mean training return of uniformly random actions over the first episodes that end."""
    vec = gridalign.make_vec(SCENARIO, 16)
    vec.reset(seed=seed)
    rng = np.random.default_rng(seed)
    ret = []
    while len(ret) < episodes:
        _, _, _, _, infos = vec.step(rng.integers(0, 7, 16))
        if "episode" in infos:
            ret.extend(infos["episode"]["r"][infos["_episode"]].tolist())
    vec.close()
    return float(np.mean(ret[:episodes]))


class TestPPO(unittest.TestCase):
    def setUp(self):
        torch.set_num_threads(1)

    def test_short_run_improves_its_return(self):
        # A step size 4 times the default: at the default, 64k steps end before learning starts
        # (the step size is annealed over the whole run).
        args = ppo.parse_args(["--seed", "1", "--total-steps", "65536", "--lr", "1e-3",
                               "--threads", "1"])
        _, curve = ppo.train(args, log=None)
        self.assertEqual(len(curve), 32)
        first = np.mean([r["mean_return"] for r in curve[:4]])
        last = np.mean([r["mean_return"] for r in curve[-4:]])
        episodes = sum(r["episodes"] for r in curve[-4:])
        rand = random_return(episodes, 1)
        # The margins are wide: this run ends at 1.34 (of 2) where its first rollouts (0.04) and
        # a random policy stay near 0.1.
        self.assertGreater(last, first + 0.3, (first, last))
        self.assertGreater(last, rand + 0.3, (rand, last))
        self.assertGreater(np.mean([r["intended_success"] for r in curve[-4:]]), 0.1)

    def test_same_seed_same_run(self):
        args = ppo.parse_args(["--seed", "3", "--total-steps", "4096"])
        runs = [ppo.train(args, log=None) for _ in range(2)]
        strip = [[{k: v for k, v in r.items() if k != "seconds"} for r in c] for _, c in runs]
        self.assertEqual(strip[0], strip[1])
        a, b = (agent.state_dict() for agent, _ in runs)
        for k in a:
            self.assertTrue(torch.equal(a[k], b[k]), k)
        other = ppo.train(ppo.parse_args(["--seed", "4", "--total-steps", "4096"]), log=None)[0]
        self.assertFalse(torch.equal(a["actor.0.weight.weight"],
                                     other.state_dict()["actor.0.weight.weight"]))

    def test_main_writes_its_files_and_warns(self):
        with tempfile.TemporaryDirectory() as d:
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                rc = ppo.main(["--total-steps", "2048", "--episodes", "4", "--out", d,
                               "--quiet"])
            self.assertEqual(rc, 0)
            self.assertEqual(sorted(os.listdir(d)),
                             ["args.json", "curve.csv", "eval.json", "model.pt",
                              "trajectories.jsonl"])
            # 2,048 steps teach it nothing: the warning comes, before the tables.
            self.assertIn("WARNING: the policy did not learn the training task", err.getvalue())
            self.assertIn("what the agent pursued", out.getvalue())
            with open(os.path.join(d, "eval.json")) as f:
                ev = json.load(f)
            env = gridalign.make(SCENARIO)
            self.assertEqual(list(ev["worlds"]), env.desc.worlds)
            env.close()
            for w in ev["worlds"].values():
                self.assertEqual(w["episodes"], 4)
                self.assertAlmostEqual(sum(w["labels"].values()), 1.0)
                self.assertIn(w["verdict"], ("intended", "GOAL MISGENERALIZATION",
                                             "incapable", "mixed"))
            # The evaluation's trajectory file re-simulates by its actions.
            verify = subprocess.run([os.environ["GRIDALIGN_EXE"], "verify",
                                     os.path.join(d, "trajectories.jsonl")],
                                    capture_output=True, text=True)
            self.assertEqual(verify.returncode, 0, verify.stderr)
            self.assertIn("verified %d episodes" % (4 * len(ev["worlds"])), verify.stdout)
            with open(os.path.join(d, "curve.csv")) as f:
                self.assertEqual(f.readline().strip(),
                                 "step,episodes,mean_return,intended_success,seconds")
            saved = torch.load(os.path.join(d, "model.pt"))
            self.assertEqual(saved["args"]["total_steps"], 2048)
            # --load evaluates the saved model on its own scenario with its own seed, whatever
            # the options say, and so repeats the evaluation exactly.
            with contextlib.redirect_stdout(io.StringIO()), \
                    contextlib.redirect_stderr(io.StringIO()):
                ppo.main(["--load", os.path.join(d, "model.pt"), "--episodes", "4", "--quiet",
                          "--scenario", "scenarios/strawberry.json", "--seed", "5"])
            with open(os.path.join(d, "eval.json"), "rb") as f, \
                    open(os.path.join(d, "eval-sample.json"), "rb") as g:
                self.assertEqual(f.read(), g.read())


if __name__ == "__main__":
    unittest.main()
