"""Observation and action spaces: gymnasium's own Box, Discrete and MultiDiscrete when gymnasium
is installed, otherwise small stand-ins with the same attributes and methods (shape, dtype,
low/high, n/start, nvec, sample, contains, seed), so code written for gymnasium runs either way."""

import numpy as np

try:  # pragma: no cover - depends on the machine
    from gymnasium.spaces import Box, Discrete, MultiDiscrete  # noqa: F401
    HAVE_GYMNASIUM = True
except ImportError:
    HAVE_GYMNASIUM = False

    class Space:
        """What gymnasium.spaces.Space offers that the stand-ins share."""

        def __init__(self, shape, dtype, seed=None):
            self._shape = None if shape is None else tuple(int(d) for d in shape)
            self.dtype = np.dtype(dtype)
            self._np_random = None
            if seed is not None:
                self.seed(seed)

        @property
        def shape(self):
            return self._shape

        @property
        def np_random(self):
            if self._np_random is None:
                self.seed()
            return self._np_random

        def seed(self, seed=None):
            self._np_random = np.random.default_rng(seed)
            return [seed]

        def __contains__(self, x):
            return self.contains(x)

    class Box(Space):
        def __init__(self, low, high, shape=None, dtype=np.float32, seed=None):
            dtype = np.dtype(dtype)
            if shape is None:
                shape = np.shape(low) if np.ndim(low) else np.shape(high)
            super().__init__(shape, dtype, seed)
            self.low = np.full(self.shape, low, dtype=dtype)
            self.high = np.full(self.shape, high, dtype=dtype)

        def sample(self):
            if np.issubdtype(self.dtype, np.integer):
                return self.np_random.integers(self.low, self.high, endpoint=True,
                                               dtype=self.dtype)
            return self.np_random.uniform(self.low, self.high).astype(self.dtype)

        def contains(self, x):
            if not isinstance(x, np.ndarray):
                try:
                    x = np.asarray(x, dtype=self.dtype)
                except (ValueError, TypeError):
                    return False
            return bool(np.can_cast(x.dtype, self.dtype) and x.shape == self.shape
                        and np.all(x >= self.low) and np.all(x <= self.high))

        def __eq__(self, other):
            return (isinstance(other, Box) and self.shape == other.shape
                    and self.dtype == other.dtype and np.array_equal(self.low, other.low)
                    and np.array_equal(self.high, other.high))

        def __repr__(self):
            return "Box(%s, %s, %s, %s)" % (self.low.min(), self.high.max(), self.shape,
                                            self.dtype)

    class Discrete(Space):
        def __init__(self, n, seed=None, start=0):
            super().__init__((), np.int64, seed)
            self.n = np.int64(n)
            self.start = np.int64(start)

        def sample(self):
            return np.int64(self.start + self.np_random.integers(self.n))

        def contains(self, x):
            if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
                v = int(x)
            elif isinstance(x, np.ndarray) and x.shape == () and np.issubdtype(
                    x.dtype, np.integer):
                v = int(x)
            else:
                return False
            return bool(self.start <= v < self.start + self.n)

        def __eq__(self, other):
            return isinstance(other, Discrete) and self.n == other.n and self.start == other.start

        def __repr__(self):
            return "Discrete(%d)" % self.n

    class MultiDiscrete(Space):
        def __init__(self, nvec, dtype=np.int64, seed=None):
            self.nvec = np.array(nvec, dtype=dtype, copy=True)
            super().__init__(self.nvec.shape, dtype, seed)

        def sample(self):
            return (self.np_random.random(self.nvec.shape) * self.nvec).astype(self.dtype)

        def contains(self, x):
            x = np.asarray(x)
            return bool(x.shape == self.shape and np.issubdtype(x.dtype, np.integer)
                        and np.all(x >= 0) and np.all(x < self.nvec))

        def __eq__(self, other):
            return isinstance(other, MultiDiscrete) and np.array_equal(self.nvec, other.nvec)

        def __repr__(self):
            return "MultiDiscrete(%s)" % self.nvec
