"""gridalign for Python: the C engine's worlds with Gymnasium's API, through libgridalign.so.

    import gridalign
    env = gridalign.make("scenarios/strawberry.json", world="decoys")
    obs, info = env.reset(seed=7)
    obs, reward, terminated, truncated, info = env.step(env.action_space.sample())

make() gives one world (GridEnv), make_vec() many stepped by one call (GridVectorEnv);
vec_seed() and eval_seed() give the layout seeds the C tools use."""

from ._lib import VERSION as __version__  # noqa: F401
from ._lib import GridalignError, eval_seed, vec_seed  # noqa: F401
from .checker import check_env, check_vector_env  # noqa: F401
from .env import GridEnv
from .evaluate import evaluate  # noqa: F401
from .vector import GridVectorEnv


def make(scenario, world=None, render_mode=None, **kwargs):
    """One world of the scenario file (world None: "train")."""
    return GridEnv(scenario, world=world, render_mode=render_mode, **kwargs)


def make_vec(scenario, num_envs, world=None, copy=True, **kwargs):
    """num_envs worlds stepped together; see GridVectorEnv for autoreset and seeds."""
    return GridVectorEnv(scenario, num_envs, world=world, copy=copy, **kwargs)
