"""Build step of the gridalign package (the metadata is in pyproject.toml): before the package is
copied, libgridalign.so is built with meson and ninja in the checkout this directory belongs to
and put into the package, where gridalign/_lib.py looks first. The wheel is tagged py3-none-
<platform>: it holds a C library, but no extension tied to one Python version or ABI.

Where the library comes from, in order: $GRIDALIGN_BUILD_DIR (a meson build directory, brought
up to date with ninja); the checkout's build/ (likewise); a new build-python/ in the checkout
(meson setup, then ninja)."""

import os
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py

try:  # setuptools >= 70.1 has its own; before, the wheel package's
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:
    from wheel.bdist_wheel import bdist_wheel

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LIB = "libgridalign.so"


def _run(cmd):
    print("gridalign: " + " ".join(cmd), flush=True)
    subprocess.check_call(cmd)


def build_library():
    """The path of an up-to-date libgridalign.so, building it when needed."""
    build = os.environ.get("GRIDALIGN_BUILD_DIR")
    if not build:
        if not os.path.exists(os.path.join(ROOT, "meson.build")):
            raise SystemExit("gridalign: %s is not in a gridalign checkout (no ../meson.build); "
                             "set GRIDALIGN_BUILD_DIR to a meson build directory" % HERE)
        build = os.path.join(ROOT, "build")
        if not os.path.exists(os.path.join(build, "build.ninja")):
            build = os.path.join(ROOT, "build-python")
    try:
        if not os.path.exists(os.path.join(build, "build.ninja")):
            _run(["meson", "setup", build, ROOT, "--buildtype=release"])
        _run(["ninja", "-C", build, os.path.join("capi", LIB)])
    except (OSError, subprocess.CalledProcessError) as e:
        raise SystemExit("gridalign: building %s in %s failed (%s); meson, ninja and the "
                         "libraries of tools/setup.sh are needed" % (LIB, build, e))
    return os.path.join(build, "capi", LIB)


class BuildPyWithLibrary(build_py):
    def run(self):
        super().run()
        lib = build_library()
        dest = os.path.join(self.build_lib, "gridalign", LIB)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copy2(lib, dest)


class PlatformWheel(bdist_wheel):
    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        return ("py3", "none", super().get_tag()[2])


setup(cmdclass={"build_py": BuildPyWithLibrary, "bdist_wheel": PlatformWheel})
