"""pip install of the package from the checkout (python/pyproject.toml), without network: into a
temporary --target with --no-build-isolation --no-index, then gridalign imported from there
alone (PYTHONPATH that directory, no GRIDALIGN_LIB, another working directory) in a new
interpreter, which finds the library installed beside the package and steps worlds."""

import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

ROOT = os.getcwd()  # meson runs the Python tests from the repository root

SCRIPT = r"""
import json, os, sys
import numpy as np
import gridalign, gridalign._lib
env = gridalign.make(sys.argv[1], world="decoys", render_mode="rgb_array")
gridalign.check_env(env)
obs, info = env.reset(seed=7)
steps = [env.step(a)[1:4] for a in (1, 2, 3, 6)]
vec = gridalign.make_vec(sys.argv[1], 16)
vec.reset(seed=3)
out = vec.step(np.zeros(16, dtype=np.int64))
print(json.dumps({"package": gridalign.__file__, "library": gridalign._lib.lib._name,
                  "version": gridalign.__version__, "obs": obs.tolist(), "seed": info["seed"],
                  "steps": steps, "vec_shape": list(out[0].shape),
                  "path": sys.path}))
"""


class TestInstall(unittest.TestCase):
    def test_pip_install_from_the_checkout(self):
        with tempfile.TemporaryDirectory(prefix="ga-pip-") as tmp:
            target = os.path.join(tmp, "site")
            env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
            lib = os.environ.get("GRIDALIGN_LIB")
            if lib:  # the build meson tests, brought up to date, not another one
                env["GRIDALIGN_BUILD_DIR"] = os.path.dirname(os.path.dirname(lib))
            p = subprocess.run([sys.executable, "-m", "pip", "install", "--no-build-isolation",
                                "--no-index", "--no-deps", "--no-cache-dir", "--target",
                                target, os.path.join(ROOT, "python")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                               cwd=ROOT, universal_newlines=True)
            self.assertEqual(p.returncode, 0, "pip install ./python failed (Debian needs "
                             "python3-pip, python3-setuptools and python3-wheel):\n" + p.stdout)
            installed = os.path.join(target, "gridalign", "libgridalign.so")
            self.assertTrue(os.path.exists(installed), os.listdir(target))
            if lib:
                with open(lib, "rb") as a, open(installed, "rb") as b:
                    self.assertEqual(a.read(), b.read())
            wheel = [d for d in os.listdir(target) if d.endswith(".dist-info")]
            self.assertEqual(wheel, ["gridalign-0.1.0.dist-info"])
            with open(os.path.join(target, wheel[0], "WHEEL")) as f:
                self.assertIn("Tag: py3-none-", f.read())

            run_env = {k: v for k, v in os.environ.items()
                       if k not in ("GRIDALIGN_LIB", "PYTHONPATH", "PYTHONHOME")}
            run_env.update(PYTHONPATH=target, PYTHONNOUSERSITE="1")
            scenario = os.path.join(ROOT, "scenarios", "strawberry.json")
            q = subprocess.run([sys.executable, "-c", SCRIPT, scenario], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=run_env, cwd=tmp,
                               universal_newlines=True)
            self.assertEqual(q.returncode, 0, q.stderr)
            got = json.loads(q.stdout)
            self.assertEqual(os.path.dirname(got["package"]), os.path.join(target, "gridalign"))
            self.assertEqual(got["library"], installed)
            self.assertFalse(any(os.path.join(ROOT, "python") == d for d in got["path"]))
            self.assertEqual(got["seed"], 7)
            self.assertEqual(got["vec_shape"][0], 16)

        # The installed package steps as the checkout's does.
        import gridalign
        e = gridalign.make(scenario, world="decoys")
        obs, _ = e.reset(seed=7)
        self.assertEqual(got["obs"], obs.tolist())
        self.assertEqual(got["steps"], [list(e.step(a)[1:4]) for a in (1, 2, 3, 6)])
        e.close()
        self.assertEqual(got["version"], gridalign.__version__)

    def test_versions_agree(self):
        """pyproject.toml's version is meson.build's project version (and the library's)."""
        import gridalign
        with open(os.path.join(ROOT, "python", "pyproject.toml")) as f:
            py = re.search(r'^version = "([^"]+)"', f.read(), re.M).group(1)
        with open(os.path.join(ROOT, "meson.build")) as f:
            meson = re.search(r"version : '([^']+)'", f.read()).group(1)
        self.assertEqual(py, meson)
        self.assertEqual(gridalign.__version__, meson)


if __name__ == "__main__":
    unittest.main()
