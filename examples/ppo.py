#!/usr/bin/python3
"""examples/ppo.py: PPO (clipped objective, GAE) in PyTorch on a gridalign scenario's training
world through gridalign.make_vec, then an evaluation on every world through the binding.
One file in CleanRL's manner: the settings at the top, then the network, the training loop and
the evaluation. Leaves out recurrent policies, observation normalisation and vectorised eval.

    tools/python examples/ppo.py --seed 0 --out runs/ppo/seed0

Writes model.pt, curve.csv (training returns per iteration), eval.json, trajectories.jsonl and
args.json into --out; --load DIR/model.pt --eval-policy greedy evaluates a saved model again
(eval-greedy.json, trajectories-greedy.jsonl). The evaluation is gridalign.evaluate: gridalign
eval's own pass with this policy in the agent's place.
Deterministic for a given seed and --threads (torch's generator, a numpy Generator and the
vector's layout seed all come from --seed)."""

import argparse
import csv
import dataclasses
import json
import math
import os
import sys
import time
import warnings
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn

import gridalign


@dataclass
class Args:
    scenario: str = "scenarios/strawberry_shape.json"
    """the scenario file; training runs on its "train" world"""
    seed: int = 0
    """torch's and numpy's seeds and the vector's layout seed"""
    total_steps: int = 500_000
    """environment steps of training (dqn's budget on strawberry_shape)"""
    num_envs: int = 16
    """worlds stepped together"""
    num_steps: int = 128
    """steps per world in each rollout"""
    lr: float = 2.5e-4
    """Adam's step size, annealed linearly to 0"""
    gamma: float = 0.97
    """discount (dqn's default)"""
    gae_lambda: float = 0.95
    """lambda of generalised advantage estimation"""
    num_minibatches: int = 4
    """minibatches per epoch"""
    update_epochs: int = 4
    """passes over each rollout"""
    clip_coef: float = 0.2
    """the surrogate's clipping range"""
    ent_coef: float = 0.01
    """weight of the entropy bonus"""
    vf_coef: float = 0.5
    """weight of the value loss"""
    max_grad_norm: float = 0.5
    """gradient-norm clip"""
    hidden: int = 64
    """units in each of the two hidden layers (dqn's 64-64)"""
    activation: str = "tanh"
    """hidden units: "tanh" (CleanRL's PPO) or "relu" (dqn's)"""
    threads: int = 1
    """torch's threads (results depend on it: keep it fixed to repeat a run)"""
    episodes: int = 500
    """evaluation episodes per world"""
    eval_seed: int = 0
    """seed of the evaluation layouts (gridalign eval's --eval-seed)"""
    eval_policy: str = "sample"
    """how the evaluated policy acts: "sample" (from its action distribution, as trained, with a
    generator seeded by --seed) or "greedy" (the most probable action, as gridalign eval's)"""
    load: str = ""
    """evaluate this model.pt instead of training"""
    learned: float = 0.8
    """intended success on "train" below which the policy is said not to have learned"""
    out: str = ""
    """output directory (default runs/ppo/<scenario>-seed<seed>)"""
    quiet: bool = False
    """no progress lines"""


def parse_args(argv=None):
    """Args from the command line: one --kebab-case option per field, its docstring as help."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    helps = field_helps()
    choices = {"eval_policy": ("sample", "greedy"), "activation": tuple(ACTIVATIONS)}
    for f in dataclasses.fields(Args):
        opt = "--" + f.name.replace("_", "-")
        if f.type is bool:
            p.add_argument(opt, action="store_true", help=helps[f.name])
        else:
            shown = " (default %(default)s)" if f.default != "" else ""
            p.add_argument(opt, type=f.type, default=f.default, choices=choices.get(f.name),
                           help=helps[f.name] + shown)
    return Args(**vars(p.parse_args(argv)))


def field_helps():
    """The string under each field of Args (as CleanRL's tyro reads them)."""
    import ast
    import inspect
    body = ast.parse(inspect.getsource(Args)).body[0].body
    helps = {}
    for prev, node in zip(body, body[1:]):
        if isinstance(prev, ast.AnnAssign) and isinstance(node, ast.Expr) and \
                isinstance(node.value, ast.Constant):
            helps[prev.target.id] = node.value.value
    return helps


def layer(n_in, n_out, std=math.sqrt(2), bias=0.0):
    """A linear layer with orthogonal weights (PPO's usual initialisation)."""
    lin = nn.Linear(n_in, n_out)
    nn.init.orthogonal_(lin.weight, std)
    nn.init.constant_(lin.bias, bias)
    return lin


def active(features):
    """The indices of the 1s in one-hot feature rows (B, n), as a (B, K) tensor padded with n
    (K: the most 1s in a row; about 45 of dqn's 1,254 features are 1 in strawberry_shape)."""
    on = features != 0
    counts = on.sum(1)
    rows, cols = np.nonzero(on)
    idx = np.full((features.shape[0], max(1, counts.max())), features.shape[1], dtype=np.int64)
    idx[rows, np.arange(rows.size) - np.repeat(np.cumsum(counts) - counts, counts)] = cols
    return torch.from_numpy(idx)


class SparseLinear(nn.Module):
    """nn.Linear(n, out) on a one-hot input, computed from its active indices: the sum of the
    weight's columns they name (the padding index n names a zero column). The same function as
    the dense layer at a thirtieth of its cost, as dqn's first layer in C."""

    def __init__(self, n, out):
        super().__init__()
        self.weight = nn.EmbeddingBag(n + 1, out, mode="sum", padding_idx=n)
        self.bias = nn.Parameter(torch.zeros(out))
        with torch.no_grad():
            self.weight.weight[:n] = layer(n, out).weight.t()

    def forward(self, idx):
        return self.weight(idx) + self.bias


ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU}


class Agent(nn.Module):
    """Separate actor and critic MLPs (two hidden layers) over the one-hot features dqn's
    network reads, given as active indices (active())."""

    def __init__(self, n_features, n_actions, hidden=64, activation="tanh"):
        super().__init__()
        act = ACTIVATIONS[activation]
        self.critic = nn.Sequential(SparseLinear(n_features, hidden), act(),
                                    layer(hidden, hidden), act(), layer(hidden, 1, std=1.0))
        self.actor = nn.Sequential(SparseLinear(n_features, hidden), act(),
                                   layer(hidden, hidden), act(),
                                   layer(hidden, n_actions, std=0.01))

    def value(self, x):
        return self.critic(x).squeeze(-1)

    def act(self, x, action=None):
        """(action, its log-probability, the entropy, the value); action sampled when None."""
        dist = torch.distributions.Categorical(logits=self.actor(x))
        if action is None:
            action = dist.sample()
        return action, dist.log_prob(action), dist.entropy(), self.value(x)


def train(args, log=print):
    """Trains an Agent on the scenario's training world; returns it and the curve's rows."""
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    vec = gridalign.make_vec(args.scenario, args.num_envs, copy=False)
    d = vec.desc
    intended = d.objectives.index(d.intended_objective)
    agent = Agent(d.obs["features"], len(d.actions), args.hidden, args.activation)
    opt = torch.optim.Adam(agent.parameters(), lr=args.lr, eps=1e-5)

    T, N = args.num_steps, args.num_envs
    batch = T * N
    mb = batch // args.num_minibatches
    iterations = max(1, args.total_steps // batch)
    # The rollout: observations stay compact (features are made per minibatch from them).
    obs_buf = np.zeros((T, N, d.obs_size), dtype=np.uint8)  # (step, world, obs byte)
    a_buf = torch.zeros((T, N), dtype=torch.long)  # (step, world), as are the rest
    logp_buf = torch.zeros((T, N))  # log-probability of the action when it was taken
    r_buf = torch.zeros((T, N))  # training reward (plus the bootstrap at a step limit)
    done_buf = torch.zeros((T, N))  # 1 where the world's episode ended at this step
    v_buf = torch.zeros((T, N))  # the critic's value of the observation

    obs, _ = vec.reset(seed=args.seed)
    x = active(vec.features(obs))
    curve, t0, step = [], time.perf_counter(), 0
    for it in range(1, iterations + 1):
        for g in opt.param_groups:
            g["lr"] = args.lr * (1.0 - (it - 1) / iterations)
        ret, succ = [], []
        for t in range(T):
            obs_buf[t] = obs
            with torch.no_grad():
                a, logp, _, v = agent.act(x)
            a_buf[t], logp_buf[t], v_buf[t] = a, logp, v
            obs, reward, term, trunc, infos = vec.step(a.numpy())
            r = torch.from_numpy(reward.copy())
            # A world cut off by the step limit did not end: its last observation's value is
            # still to come (the observation does not show the clock, so it is the same state).
            cut = trunc & ~term
            if cut.any():
                with torch.no_grad():
                    fx = active(vec.features(infos["final_obs"][cut]))
                    r[torch.from_numpy(cut)] += args.gamma * agent.value(fx)
            r_buf[t] = r
            done_buf[t] = torch.from_numpy((term | trunc).astype(np.float32))
            x = active(vec.features(obs))
            if "episode" in infos:
                ended = infos["_episode"]
                ret.extend(infos["episode"]["r"][ended].tolist())
                succ.extend(infos["success"][ended, intended].tolist())
        step += batch

        with torch.no_grad():
            next_v = agent.value(x)
            adv = torch.zeros((T, N))
            last = torch.zeros(N)
            for t in reversed(range(T)):
                v_next = next_v if t == T - 1 else v_buf[t + 1]
                live = 1.0 - done_buf[t]  # the world's episode went on after step t
                delta = r_buf[t] + args.gamma * v_next * live - v_buf[t]
                adv[t] = last = delta + args.gamma * args.gae_lambda * live * last
            returns = adv + v_buf

        bobs, ba, blogp = obs_buf.reshape(batch, -1), a_buf.reshape(-1), logp_buf.reshape(-1)
        badv, bret = adv.reshape(-1), returns.reshape(-1)
        for _ in range(args.update_epochs):
            order = torch.from_numpy(rng.permutation(batch))
            for s in range(0, batch, mb):
                i = order[s:s + mb]
                _, logp, ent, v = agent.act(active(vec.features(bobs[i.numpy()])), ba[i])
                ratio = (logp - blogp[i]).exp()
                ad = badv[i]
                ad = (ad - ad.mean()) / (ad.std() + 1e-8)
                pg = torch.max(-ad * ratio,
                               -ad * ratio.clamp(1 - args.clip_coef, 1 + args.clip_coef)).mean()
                vloss = 0.5 * ((v - bret[i]) ** 2).mean()
                loss = pg - args.ent_coef * ent.mean() + args.vf_coef * vloss
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(agent.parameters(), args.max_grad_norm)
                opt.step()

        row = {"step": step, "episodes": len(ret),
               "mean_return": float(np.mean(ret)) if ret else float("nan"),
               "intended_success": float(np.mean(succ)) if succ else float("nan"),
               "seconds": round(time.perf_counter() - t0, 2)}
        curve.append(row)
        if log and (it == iterations or it % max(1, iterations // 20) == 0):
            log("step %8d/%d  return %6.3f  intended success %.3f  (%d episodes)  %.0f s, "
                "%.0f steps/s" % (step, iterations * batch, row["mean_return"],
                                  row["intended_success"], row["episodes"], row["seconds"],
                                  step / max(row["seconds"], 1e-9)))
    vec.close()
    return agent, curve


def make_policy(agent, scenario, how="sample", seed=0):
    """The policy evaluation calls: uint8 observation (obs_size,) -> action, sampled from the
    agent's distribution (its own generator, so evaluation repeats) or the most probable one."""
    if how not in ("sample", "greedy"):
        raise ValueError("eval policy %r: sample or greedy" % how)
    env = gridalign.make(scenario)  # only for its feature layout, the same in every world
    gen = torch.Generator().manual_seed(seed)

    def policy(obs):
        with torch.no_grad():
            logits = agent.actor(active(env.features(obs[None])))[0]
            if how == "greedy":
                return int(logits.argmax())
            return int(torch.multinomial(logits.softmax(-1), 1, generator=gen))
    policy.env = env
    return policy


def proxy_share(world):
    return sum(v for k, v in world["labels"].items() if k.startswith("proxy:"))


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    name = os.path.splitext(os.path.basename(args.scenario))[0]
    out = args.out or (os.path.dirname(args.load) if args.load else
                       os.path.join("runs", "ppo", "%s-seed%d" % (name, args.seed)))
    os.makedirs(out, exist_ok=True)
    log = None if args.quiet else (lambda s: print(s, flush=True))
    if not args.load:
        with open(os.path.join(out, "args.json"), "w") as f:
            json.dump(dataclasses.asdict(args), f, indent=1)

    if args.load:
        saved = torch.load(args.load)
        a = saved["args"]
        # The model's own scenario and seed (its sampling generator), not the options' defaults:
        # a model evaluated on another scenario of the same observation size would run silently.
        args.scenario, args.seed = a["scenario"], a["seed"]
        env = gridalign.make(a["scenario"])
        agent = Agent(env.desc.obs["features"], len(env.desc.actions), a["hidden"],
                      a.get("activation", "tanh"))
        env.close()
        agent.load_state_dict(saved["model"])
        eval_json = "eval-%s.json" % args.eval_policy
        trajectories = "trajectories-%s.jsonl" % args.eval_policy
    else:
        t0 = time.perf_counter()
        agent, curve = train(args, log)
        took = time.perf_counter() - t0
        torch.save({"args": dataclasses.asdict(args), "model": agent.state_dict()},
                   os.path.join(out, "model.pt"))
        with open(os.path.join(out, "curve.csv"), "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(curve[0]))
            w.writeheader()
            w.writerows(curve)
        print("trained %d steps in %.1f s" % (curve[-1]["step"], took), flush=True)
        eval_json = "eval.json"
        trajectories = "trajectories.jsonl"

    policy = make_policy(agent, args.scenario, args.eval_policy, args.seed)
    t1 = time.perf_counter()
    # gridalign eval's own pass, with this policy in the agent's place: the same layouts, optima,
    # labels and verdicts, eval.json and a trajectory file gridalign verify can check.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the warning below says it, at --learned
        res = gridalign.evaluate(policy, args.scenario, episodes=args.episodes,
                                 eval_seed=args.eval_seed, threads=args.threads,
                                 name="ppo-" + args.eval_policy,
                                 json_path=os.path.join(out, eval_json),
                                 record=os.path.join(out, trajectories))
    policy.env.close()
    train_success = res.worlds["train"]["objectives"][policy.env.desc.intended_objective][
        "success_rate"]
    if train_success < args.learned:
        print("\nWARNING: the policy did not learn the training task: intended success on "
              "train is %.3f (< %.2f). The shifted worlds below say little about what it "
              "generalises; train longer or check the settings.\n" % (train_success, args.learned),
              file=sys.stderr, flush=True)
    print(res.table())
    print("evaluated (%s) in %.1f s; wrote %s and %s" % (
        args.eval_policy, time.perf_counter() - t1, os.path.join(out, eval_json),
        os.path.join(out, trajectories)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
