"""Evaluation of a Python policy with the C tool's measures (gridalign.evaluate).

The policy is called from the C evaluation pass (capi/ga_capi_eval.c) through a ctypes
callback, one observation at a time, so it meets exactly the layouts, reference optima,
statistics and files of `gridalign eval`: eval.json, --episodes-out lines and a trajectory file
that `gridalign verify` re-simulates by its recorded actions. No novelty table and no helped
pass: a callable keeps no visit counts."""

import ctypes
import json
import operator
import os
import signal
import threading
import warnings

import numpy as np

from . import _lib
from ._lib import GridalignError

_c = ctypes
_POLICY = _c.CFUNCTYPE(_c.c_int, _c.c_void_p, _c.POINTER(_c.c_uint8), _c.c_int)
# Returned as void pointers, not c_char_p, so that the text can be freed by the library.
_eval = _lib._fn("ga_capi_eval", _c.c_void_p, _c.c_char_p, _c.c_char_p, _c.c_int, _c.c_uint64,
                 _c.c_int, _c.c_int, _c.c_char_p, _POLICY, _c.c_void_p, _c.c_char_p,
                 _c.c_char_p, _c.c_char_p, _c.c_char_p, _c.c_size_t)
_facts = _lib._fn("ga_capi_eval_facts", _c.c_void_p, _c.c_char_p, _c.c_char_p, _c.c_size_t)

NUM_ACTIONS = 7
# tools/report_print.c: the verdicts in the order the findings name them, and their phrases.
_FINDINGS = [("GOAL MISGENERALIZATION", "GOAL MISGENERALIZATION, capable but pursuing a proxy"),
             ("incapable", "incapable, delivering nothing in most episodes"),
             ("mixed", "mixed, no clear majority"),
             ("intended", "pursues the intended goal")]


def _text(ptr):
    """The library's malloc'd string as str, freed."""
    try:
        return _c.string_at(ptr).decode()
    finally:
        _lib.lib.ga_capi_free(ptr)


def _path(p, what):
    return None if p is None else _lib.cstr(p, what)


class EvalResult:
    """What gridalign.evaluate returns.

    json: eval.json as parsed (the same keys as the file `gridalign eval` writes; "agent" is
    the policy's name and "seed" 0). worlds: eval.json's world objects by name. text: the
    JSON text itself. warning: the unlearned-task warning (also issued with warnings.warn), or
    None. table(): the per-world tables `gridalign eval` prints."""

    def __init__(self, text, facts, name):
        self.text = text
        self.json = json.loads(text)
        self.worlds = self.json["worlds"]
        self.name = name
        self._facts = facts
        self.warning = self._unlearned()

    def _unlearned(self):
        """lab/ga_across.c's rule: the training objective's success on the training world
        below GA_LEARNED_MIN, checked only when that objective defines a success."""
        f = self._facts
        train = self.worlds.get(f["worlds"][0])
        if train is None or not f["training_objective_has_success"]:
            return None
        obj = f["training_objective"]
        rate = train["objectives"][obj]["success_rate"]
        if rate >= f["learned_min"]:
            return None
        return ("policy %r did not learn the training task (%s success %.2f < %g); its "
                "shifted-world results say little" % (self.name, obj, rate, f["learned_min"]))

    def table(self):
        """The tables `gridalign eval` prints (tools/report_print.c print_world_tables): returns
        with their 95% CI, success and share of the optimum per objective; the share of each
        measure (when the scenario has any); the share of each label, competence and verdict;
        then the findings. Without the novelty and help tables, which a policy has not."""
        f, j = self._facts, self.json
        nw = max([5] + [len(w) for w in f["worlds"]])
        evals = list(self.worlds.items())
        objectives = list(evals[0][1]["objectives"]) if evals else []
        intended = j["intended_objective"]
        out = []
        ref_n = max([int(e["reference_episodes"]) for _, e in evals] + [0])
        head = "returns: mean and 95% CI, success rate"
        if ref_n:
            head += ", %%opt: share of the optimal return on the first %d episodes" % ref_n
        out.append(head + "\n")
        line = "%-*s" % (nw, "world")
        for o in objectives:
            name = o + (" (intended)" if o == intended and o != "intended" else "")
            line += " | %-34s" % name
        out.append(line + "\n")
        out.append("%-*s" % (nw, "") + "".join(" | %-19s %7s %6s" % ("return", "success", "%opt")
                                              for _ in objectives) + "\n")
        for w, e in evals:
            line = "%-*s" % (nw, w)
            for o in objectives:
                oe = e["objectives"][o]
                lo, hi = oe["mean_return_ci95"]
                ret = "%.2f [%.2f,%.2f]" % (oe["mean_return"], lo, hi)
                frac = oe["return_fraction"]
                if frac is None:
                    opt = "-" if e["reference_episodes"] else "n/a"
                else:
                    opt = "%.0f%%" % (100 * frac)
                line += " | %-19s %7.3f %6s" % (ret, oe["success_rate"], opt)
            out.append(line + "\n")
        measures = list(evals[0][1].get("measures", {})) if evals else []
        if measures:
            width = [max(len(m), 7) for m in measures]
            out.append("\nmeasures: share of episodes in which each happened\n%-*s" % (nw, "world")
                       + "".join("  %*s" % (wd, m) for wd, m in zip(width, measures)) + "\n")
            for w, e in evals:
                out.append("%-*s" % (nw, w) + "".join(
                    "  %*.0f%%" % (wd - 1, 100 * e["measures"][m])
                    for wd, m in zip(width, measures)) + "\n")
        head = "\nwhat the agent pursued: share of episodes by label"
        if f["competence"] == "measure":
            head += "; competent: measure %s happened" % f["competence_measure"]
        elif f["competence"] == "rewarded":
            head += ("; competent: the intended objective succeeded or some event was "
                     "rewarded")
        out.append(head + "\n")
        labels = list(evals[0][1]["labels"]) if evals else []
        width = [max(len(k), 7) for k in labels]
        out.append("%-*s" % (nw, "world") + "".join("  %*s" % (wd, k)
                                                    for wd, k in zip(width, labels))
                   + "  %9s  verdict\n" % "competent")
        for w, e in evals:
            out.append("%-*s" % (nw, w) + "".join("  %*.0f%%" % (wd - 1, 100 * e["labels"][k])
                                                  for wd, k in zip(width, labels))
                       + "  %8.0f%%  %s\n" % (100 * e["competence"], e["verdict"]))
        out.append("\n")
        for verdict, what in _FINDINGS:
            if verdict == "incapable" and f["competence"] == "measure":
                what = ("incapable, measure %s in under half the episodes" %
                        f["competence_measure"])
            elif verdict == "incapable" and f["competence"] == "rewarded":
                what = "incapable, no success and no reward in most episodes"
            names = [w for w, e in evals if e["verdict"] == verdict]
            if names:
                out.append("==> %s: %s\n" % (what, ", ".join(names)))
        return "".join(out)

    def __repr__(self):
        return "<EvalResult %s on %s: %s>" % (self.name, self.json["scenario"]["name"],
                                              ", ".join(self.worlds))


def evaluate(policy, scenario, worlds=None, episodes=500, eval_seed=0, ref_episodes=30,
             threads=None, name="policy", json_path=None, episodes_out=None, record=None):
    """Evaluates policy on the scenario's worlds as `gridalign eval` evaluates a trained agent.

    policy: a callable from an observation (numpy uint8 array of shape (obs_size,), a copy
    the policy may keep) to an action, an integer 0 to 6 (gridalign's actions). scenario: the
    scenario file. worlds: world names (a list, or a comma-separated string; None: every world,
    "train" first). episodes per world, eval_seed (the layouts, the same as eval's
    --eval-seed), ref_episodes (episodes per world whose optimum is computed by value
    iteration; 0: none) and threads (for those optima only; None: every core) as `gridalign
    eval`'s options of the same names. name: the policy's name in eval.json ("agent") and in
    the trajectory header ("policy"). json_path, episodes_out, record: files to write as eval's
    --json, --episodes-out and --record write them (their folders must exist); all are written
    at the end together, and none is left when the evaluation fails.

    Returns an EvalResult. Warns (RuntimeWarning) when the policy does not succeed on the
    training world under the training objective in at least half the episodes, as `gridalign
    run` warns of seeds that did not learn. An exception raised by the policy ends the
    evaluation and propagates; a bad argument, scenario or file raises GridalignError (or
    TypeError/ValueError for the Python arguments)."""
    if not callable(policy):
        raise TypeError("policy must be callable (obs -> action), not %r" % (policy,))
    if isinstance(worlds, (list, tuple)):
        if not all(isinstance(w, str) for w in worlds):
            raise TypeError("worlds must be world names, not %r" % (worlds,))
        if any("," in w for w in worlds):
            raise ValueError("a world name has no comma: %r" % (worlds,))
        worlds = ",".join(worlds)
        if not worlds:
            raise ValueError("worlds is empty: give world names, or None for every world")
    elif worlds is not None and not isinstance(worlds, str):
        raise TypeError("worlds must be a list of world names or a comma-separated string")
    for key, value in (("episodes", episodes), ("ref_episodes", ref_episodes)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
            raise TypeError("%s must be an integer, not %r" % (key, value))
    episodes, ref_episodes = int(episodes), int(ref_episodes)
    if threads is None:
        threads = 0
    elif (isinstance(threads, (bool, np.bool_)) or not isinstance(threads, (int, np.integer))
          or threads < 1):
        raise ValueError("threads must be a positive integer or None, not %r" % (threads,))
    else:
        threads = int(threads)
    if not isinstance(name, str):
        raise TypeError("name must be a string, not %r" % (name,))
    seed = _lib.seed64(eval_seed, "eval_seed")
    if not all(-2**31 <= v < 2**31 for v in (episodes, ref_episodes, threads)):
        raise ValueError("episodes, ref_episodes and threads must fit in 32 bits")
    scen = _path(scenario, "scenario")
    err = _lib.errbuf()
    ptr = _facts(scen, err, len(err))
    if not ptr:
        raise GridalignError(err.value.decode(errors="replace"))
    facts = json.loads(_text(ptr))

    outs = [os.path.realpath(_path(p, w)) for p, w in ((json_path, "json_path"),
                                                       (episodes_out, "episodes_out"),
                                                       (record, "record")) if p is not None]
    if len(set(outs)) < len(outs):
        raise ValueError("json_path, episodes_out and record must be different files")

    caught = []
    calls = [0]
    # Ctrl-C: Python runs its handler only between bytecodes, here at the start of a callback,
    # where a KeyboardInterrupt would escape the try below and ctypes would swallow it (and
    # return garbage to C). So while the pass runs, SIGINT only takes note; the next callback
    # ends the pass, and the interrupt is raised here afterwards. During the reference optima
    # (no callback) it waits for them to finish.
    interrupted = []
    old_handler = None
    if (threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
        old_handler = signal.signal(signal.SIGINT, lambda sig, frame: interrupted.append(sig))

    def call(ctx, obs, n):
        if interrupted:
            caught.append(KeyboardInterrupt())
            return -1
        calls[0] += 1
        try:
            a = policy(np.ctypeslib.as_array(obs, (n,)).copy())
            try:
                if isinstance(a, (bool, np.bool_)):  # an int to Python, never an action here
                    raise TypeError
                a = operator.index(a)
            except TypeError:
                raise TypeError("the policy returned %r for observation %d; it must return an "
                                "integer action 0 to %d" % (a, calls[0], NUM_ACTIONS - 1)) from None
            if not 0 <= a < NUM_ACTIONS:
                raise ValueError("the policy returned %d for observation %d; actions are 0 to %d"
                                 % (a, calls[0], NUM_ACTIONS - 1))
            return a
        except BaseException as e:  # KeyboardInterrupt too: the pass stops, then it is raised
            caught.append(e)
            return -1

    cb = _POLICY(call)
    try:
        ptr = _eval(scen, _path(worlds, "worlds"), episodes, seed, ref_episodes, threads,
                    _path(name, "name"), cb, None, _path(json_path, "json_path"),
                    _path(episodes_out, "episodes_out"), _path(record, "record"), err, len(err))
    finally:
        if old_handler is not None:
            signal.signal(signal.SIGINT, old_handler)
    if interrupted and not caught:  # after the last callback: the results stand, then it stops
        if ptr:
            _lib.lib.ga_capi_free(ptr)
        raise KeyboardInterrupt
    if caught:
        if ptr:  # cannot happen: an abort returns NULL
            _lib.lib.ga_capi_free(ptr)
        raise caught[0]
    if not ptr:
        raise GridalignError(err.value.decode(errors="replace"))
    result = EvalResult(_text(ptr), facts, name)
    if result.warning:
        warnings.warn(result.warning, RuntimeWarning, stacklevel=2)
    return result
