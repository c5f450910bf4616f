"""Steps per second through the binding: `python3 -m gridalign.bench [--seconds S] [--json]`.

Rows: the single environment (GridEnv.step, one library call and an info dict per step) and the
vector environment (GridVectorEnv.step, one library call per batch) at batch 1 and 256, with
fresh arrays (copy=True) and with the library's buffers (copy=False). Actions are drawn before
the clock starts; every row steps the same scenario world. BENCHMARKS.md records the figures."""

import argparse
import json
import os
import sys
import time

import numpy as np

from . import make, make_vec

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCENARIO = os.path.join(HERE, "..", "..", "scenarios", "strawberry.json")


def _timed(step_block, steps_per_block, seconds):
    """Runs step_block until seconds have passed (at least 3 blocks); steps per second."""
    step_block()  # warm-up: first touches of the buffers
    n, t0 = 0, time.perf_counter()
    while True:
        step_block()
        n += 1
        took = time.perf_counter() - t0
        if took >= seconds and n >= 3:
            return n * steps_per_block / took


def bench_single(scenario, world, seconds):
    env = make(scenario, world=world)
    env.reset(seed=0)
    acts = [int(a) for a in np.random.default_rng(0).integers(0, 7, 4096)]

    def block():
        for a in acts:
            _, _, term, trunc, _ = env.step(a)
            if term or trunc:
                env.reset()

    r = _timed(block, len(acts), seconds)
    env.close()
    return r


def bench_vec(scenario, world, n, copy, seconds):
    env = make_vec(scenario, n, world=world, copy=copy)
    env.reset(seed=0)
    blocks = max(1, 65536 // n)
    acts = np.random.default_rng(0).integers(0, 7, (blocks, n)).astype(np.uint8)

    def block():
        for a in acts:
            env.step(a)

    r = _timed(block, blocks * n, seconds)
    env.close()
    return r


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m gridalign.bench", description=__doc__.split(
        "\n\n")[0])
    p.add_argument("--scenario", default=DEFAULT_SCENARIO, help="scenario file (default: "
                   "scenarios/strawberry.json)")
    p.add_argument("--world", default=None, help="world (default: train)")
    p.add_argument("--seconds", type=float, default=1.0, help="time per row (default 1)")
    p.add_argument("--json", action="store_true", help="print the rows as JSON")
    a = p.parse_args(argv)
    rows = [("single env (GridEnv.step)", bench_single(a.scenario, a.world, a.seconds))]
    for n in (1, 256):
        for copy in (True, False):
            rows.append(("vector, batch %d, copy=%s" % (n, copy),
                         bench_vec(a.scenario, a.world, n, copy, a.seconds)))
    if a.json:
        json.dump([{"row": r, "steps_per_second": round(v)} for r, v in rows], sys.stdout,
                  indent=1)
        print()
    else:
        print("%-32s %14s" % ("row", "steps/s"))
        for r, v in rows:
            print("%-32s %14.0f" % (r, v))
    return 0


if __name__ == "__main__":
    sys.exit(main())
