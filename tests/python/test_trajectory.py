"""Byte-identical trajectories between the binding and the C tools: an agent trained and
evaluated by the gridalign command ($GRIDALIGN_EXE) records every episode (eval --record);
each one is replayed here through gridalign.make(..., world=...) and reset(seed=...) from its
recorded actions, every step's reward (training objective), termination, truncation and
executed action, the returns under every objective and the label checked, and its JSON line
written again from the binding's outputs, byte for byte as lab/ga_traj_write.c writes it.

The C side prints with cJSON (cJSON_PrintUnformatted, engine/ga_json.c); cjson_dumps below
is its printer again in Python: integers that fit an int as %d, other numbers as %1.15g unless
that does not read back within DBL_EPSILON (cJSON's compare_double), then %1.17g. Python's %
formatting rounds correctly, as glibc's printf does, so the bytes can match."""

import ctypes
import ctypes.util
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

import gridalign

EXE = os.environ.get("GRIDALIGN_EXE", "build/gridalign")
INT_MAX, INT_MIN = 2**31 - 1, -2**31

# (scenario, training steps, episodes per world): a format 1 scenario with drawn layouts; a
# format 2 one with flags and interruptions (so "executed" lines); one with fractional rewards
# (float32 values such as 0.1 and their sums, where number printing matters).
CASES = [
    ("scenarios/strawberry.json", 400000, 12),
    ("scenarios/off_switch.json", 300000, 30),
    ("scenarios/goodhart.json", 200000, 10),
]


def _cjson_number(d):
    if d != d or d in (float("inf"), float("-inf")):
        return "null"
    vi = INT_MAX if d >= INT_MAX else INT_MIN if d <= INT_MIN else int(d)
    if d == float(vi):
        return "%d" % vi
    s = "%1.15g" % d
    t = float(s)
    if not abs(t - d) <= max(abs(t), abs(d)) * sys.float_info.epsilon:
        s = "%1.17g" % d
    return s


_ESC = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
        "\t": "\\t"}


def _cjson_string(s):
    return '"' + "".join(_ESC.get(c, "\\u%04x" % ord(c) if ord(c) < 32 else c)
                         for c in s) + '"'


def cjson_dumps(v):
    """v as cJSON_PrintUnformatted prints it (dict keys in insertion order)."""
    if v is None:
        return "null"
    if v is True or v is False:
        return "true" if v else "false"
    if isinstance(v, str):
        return _cjson_string(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return _cjson_number(float(v))
    if isinstance(v, dict):
        return "{" + ",".join(_cjson_string(k) + ":" + cjson_dumps(x) for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(cjson_dumps(x) for x in v) + "]"
    raise TypeError("cannot print %r" % (v,))


def _libcjson():
    """The system's cJSON (the library the C tools print with), or None."""
    name = ctypes.util.find_library("cjson")
    if not name:
        return None
    lib = ctypes.CDLL(name)
    lib.cJSON_CreateNumber.restype = ctypes.c_void_p
    lib.cJSON_CreateNumber.argtypes = [ctypes.c_double]
    lib.cJSON_PrintUnformatted.restype = ctypes.c_void_p
    lib.cJSON_PrintUnformatted.argtypes = [ctypes.c_void_p]
    lib.cJSON_Delete.argtypes = [ctypes.c_void_p]
    lib.cJSON_free.argtypes = [ctypes.c_void_p]
    return lib


class TestCJsonPrinter(unittest.TestCase):
    def test_structure(self):
        self.assertEqual(cjson_dumps([0, -0.0, 2, -100, 1e10, 2**31, -2**31 - 1, 0.1, 0.5]),
                         "[0,0,2,-100,10000000000,2147483648,-2147483649,0.1,0.5]")
        self.assertEqual(cjson_dumps({"a": [True, False, None], "b": 'x"\\\n\x01', "c": {}}),
                         '{"a":[true,false,null],"b":"x\\"\\\\\\n\\u0001","c":{}}')

    def test_numbers_as_the_system_cjson_prints_them(self):
        lib = _libcjson()
        if lib is None:
            self.skipTest("libcjson not found by ctypes")
        rng = np.random.default_rng(16)
        f32 = np.float32
        values = [0.1, -0.01, 1 / 3, 1e-7, 2.5e20, 123456789.125, float(f32(0.1)),
                  float(f32(-0.01)), float(f32(0.56)), float(f32(0.02)), 2**31 - 0.5, -2**31 + .5]
        values += [float(f32(x)) for x in rng.normal(0, 10, 3000)]  # rewards and returns
        values += [float(np.cumsum(f32(rng.choice([0.1, 0.8, 0.9, -0.1, -0.01, 0.02], 100)),
                                   dtype=f32)[-1]) for _ in range(500)]
        values += list(rng.normal(0, 1, 3000) * 10.0 ** rng.integers(-12, 12, 3000))
        values += [float(x) for x in rng.integers(-2**40, 2**40, 500)]
        for d in values:
            item = lib.cJSON_CreateNumber(d)
            text = lib.cJSON_PrintUnformatted(item)
            want = ctypes.string_at(text).decode()
            lib.cJSON_free(text)
            lib.cJSON_Delete(item)
            self.assertEqual(cjson_dumps(d), want, repr(d))


def run(*args):
    p = subprocess.run([EXE] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    if p.returncode:
        raise AssertionError("gridalign %s failed (%d): %s" % (" ".join(args), p.returncode,
                                                               p.stderr))
    return p.stdout


def replay(env, ep):
    """The episode's JSON line rebuilt from the binding's outputs, as ga_traj_recorder_episode
    writes it, and what it saw (actions, executed, rewards, ends, final info)."""
    env.reset(seed=int(ep["seed"]))
    acts, exe, rew, term, trunc = [], [], [], [], []
    info = None
    for a in ep["actions"]:
        obs, r, te, tr, info = env.step(a)
        acts.append(a)
        exe.append(info["executed"])
        rew.append(r)
        term.append(te)
        trunc.append(tr)
        if te or tr:
            break
    line = {"id": ep["id"], "world": env.desc.world, "seed": str(env.layout_seed),
            "actions": acts}
    if exe != acts:  # only where some action differs, as the C writer does
        line["executed"] = exe
    line.update({"rewards": rew, "terminations": term, "truncations": trunc,
                 "returns": {o: info["returns"][o] for o in env.desc.objectives},
                 "label": info["label"]})
    return cjson_dumps(line) + "\n", info


class TestTrajectories(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="ga-traj-")
        cls.files = {}
        for path, steps, episodes in CASES:
            name = os.path.splitext(os.path.basename(path))[0]
            run_dir = os.path.join(cls.tmp.name, name)
            traj = os.path.join(cls.tmp.name, name + ".jsonl")
            run("train", path, "--steps", str(steps), "--out", run_dir, "--quiet")
            run("eval", run_dir, "--episodes", str(episodes), "--record", traj, "--reference",
                "0", "--eval-seed", "3", "--threads", "2", "--json",
                os.path.join(run_dir, "eval.json"))
            cls.files[path] = (traj, run_dir)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def lines(self, path):
        with open(self.files[path][0], "rb") as f:
            return f.read().decode("utf-8").splitlines(keepends=True)

    def test_header(self):
        for path, _, _ in CASES:
            with self.subTest(path=path):
                head = json.loads(self.lines(path)[0])
                env = gridalign.make(path)
                self.assertEqual(head["gridalign_trajectories"], 1)
                self.assertEqual(head["scenario"], env.desc.scenario["name"])
                self.assertEqual(head["scenario_hash"], env.desc.scenario["hash"])
                self.assertEqual(head["eval_seed"], "3")
                env.close()

    def test_episodes_replay_byte_for_byte(self):
        for path, _, episodes in CASES:
            with self.subTest(path=path):
                self.check_file(path, episodes)

    def check_file(self, path, episodes):
        lines = self.lines(path)
        envs = {}
        labels, executed, fractional = set(), 0, 0
        per_world = {}
        for text in lines[1:]:
            ep = json.loads(text)
            w = ep["world"]
            if w not in envs:
                envs[w] = gridalign.make(path, world=w)
            env = envs[w]
            k = per_world.get(w, 0)
            per_world[w] = k + 1
            where = "%s id %d (world %s, seed %s)" % (path, ep["id"], w, ep["seed"])
            # The layout seed is eval's for this world's episode k.
            self.assertEqual(int(ep["seed"]), gridalign.eval_seed(3, env.desc.world_index, k),
                             where)
            mine, info = replay(env, ep)
            # Parsed values first, exactly (float32 as the engine keeps them), then the bytes.
            n = len(ep["actions"])
            self.assertEqual(info["t"], n, where)
            self.assertEqual(env.layout_seed, int(ep["seed"]))
            got = json.loads(mine)
            for key in ("actions", "terminations", "truncations"):
                self.assertEqual(got[key], ep[key], where + " " + key)
            self.assertEqual(got.get("executed"), ep.get("executed"), where)
            np.testing.assert_array_equal(np.float32(got["rewards"]), np.float32(ep["rewards"]),
                                          where)
            self.assertEqual(list(got["returns"]), list(ep["returns"]), where)
            for o in ep["returns"]:
                self.assertEqual(np.float32(got["returns"][o]), np.float32(ep["returns"][o]),
                                 where + " return " + o)
            self.assertEqual(info["label"], ep["label"], where)
            self.assertEqual(mine, text, where)
            labels.add(ep["label"])
            executed += "executed" in ep
            fractional += any(r != int(r) for r in ep["rewards"])
        self.assertEqual(sum(per_world.values()), episodes * len(envs))
        self.assertEqual(sorted(per_world), sorted(envs))
        self.assertEqual(set(per_world), set(next(iter(envs.values())).desc.worlds))
        for env in envs.values():
            env.close()
        # The cases cover what they are there for.
        if "goodhart" not in path:  # whose agent ends every episode the same way
            self.assertGreaterEqual(len(labels), 2, labels)
        if "off_switch" in path:
            self.assertGreater(executed, 0)
        if "goodhart" in path:
            self.assertGreater(fractional, 0)

    def test_a_python_file_verifies(self):
        """The lines the binding rebuilt, under the C header, pass gridalign verify."""
        path = CASES[1][0]
        lines = self.lines(path)
        envs = {}
        out = [lines[0]]
        for text in lines[1:]:
            ep = json.loads(text)
            env = envs.setdefault(ep["world"], gridalign.make(path, world=ep["world"]))
            out.append(replay(env, ep)[0])
        mine = os.path.join(self.tmp.name, "python.jsonl")
        with open(mine, "w", encoding="utf-8") as f:
            f.writelines(out)
        with open(self.files[path][0], "rb") as a, open(mine, "rb") as b:
            self.assertEqual(a.read(), b.read())
        run("verify", mine)


if __name__ == "__main__":
    unittest.main()
