"""Loads libgridalign.so (the C interface in capi/) with ctypes and declares its functions.

Where the library is looked for, in order: $GRIDALIGN_LIB; beside this file (a pip
install copies it there); the checkout's build/capi/ (PYTHONPATH=python from the
repository); the system's library path (meson install)."""

import ctypes
import ctypes.util
import os

ABI = 1  # capi/ga_capi.h GA_CAPI_ABI
MAX_OBJECTIVES = 8  # engine/ga_world.h GA_MAX_OBJECTIVES
MAX_EVENTS = 6  # engine/ga_world.h GA_MAX_EVENTS
ERR_LEN = 1024


class Step(ctypes.Structure):
    """Mirror of GaCapiStep (capi/ga_capi.h)."""

    _fields_ = [
        ("reward", ctypes.c_float * MAX_OBJECTIVES),
        ("ret", ctypes.c_float * MAX_OBJECTIVES),
        ("success", ctypes.c_int32 * MAX_OBJECTIVES),
        ("terminated", ctypes.c_int32),
        ("truncated", ctypes.c_int32),
        ("t", ctypes.c_int32),
        ("executed", ctypes.c_int32),
        ("flags", ctypes.c_int32),
        ("label", ctypes.c_int32),
        ("n_events", ctypes.c_int32),
        ("event", (ctypes.c_int32 * 3) * MAX_EVENTS),
    ]


class GridalignError(Exception):
    """A scenario, world or argument the library refused; the message names the file."""


def _candidates():
    env = os.environ.get("GRIDALIGN_LIB")
    if env:
        yield env
        return
    here = os.path.dirname(os.path.abspath(__file__))
    yield os.path.join(here, "libgridalign.so")
    yield os.path.join(here, "..", "..", "build", "capi", "libgridalign.so")
    found = ctypes.util.find_library("gridalign")
    if found:
        yield found


def _load():
    tried = []
    for path in _candidates():
        if os.path.sep in path and not os.path.exists(path):
            tried.append(path)
            continue
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
    raise ImportError(
        "gridalign: libgridalign.so not found (tried: %s); build it in the checkout with "
        "`tools/gridalign --version` (or `ninja -C build`), or set GRIDALIGN_LIB to its path"
        % ", ".join(tried))


lib = _load()

_c = ctypes
_P = _c.c_void_p
_U8P = _c.POINTER(_c.c_uint8)


def _fn(name, restype, *argtypes):
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


_fn("ga_capi_abi", _c.c_int)
_fn("ga_capi_version", _c.c_char_p)
_fn("ga_capi_free", None, _P)
_fn("ga_capi_step_size", _c.c_int)
_fn("ga_capi_env_open", _P, _c.c_char_p, _c.c_char_p, _c.c_int, _c.c_uint64, _c.c_char_p,
    _c.c_size_t)
_fn("ga_capi_env_close", None, _P)
_fn("ga_capi_env_describe", _c.c_char_p, _P)
_fn("ga_capi_vec_seed", _c.c_uint64, _c.c_uint64, _c.c_int, _c.c_int64)
_fn("ga_capi_eval_seed", _c.c_uint64, _c.c_uint64, _c.c_int, _c.c_int64)
_fn("ga_capi_env_reset", _c.c_int, _P, _c.c_int, _c.c_uint64, _P, _c.POINTER(Step))
_fn("ga_capi_env_step", _c.c_int, _P, _c.c_int, _c.c_int, _P, _c.POINTER(Step))
_fn("ga_capi_env_render", _c.c_int, _P, _c.c_int, _c.c_int, _P, _c.POINTER(_c.c_int),
    _c.POINTER(_c.c_int))
_fn("ga_capi_features", None, _P, _P, _c.c_int, _P)
_fn("ga_capi_vec_reset", None, _P, _c.c_uint64, _P)
_fn("ga_capi_vec_next", None, _P, _P)
_fn("ga_capi_vec_step", _c.c_int, _P, _P, _P, _P, _P, _P, _P, _P, _P, _P, _P, _P)

if lib.ga_capi_abi() != ABI or lib.ga_capi_step_size() != ctypes.sizeof(Step):
    raise ImportError(
        "gridalign: %s speaks interface %d (step %d bytes); this package needs %d (%d bytes): "
        "rebuild the library from the same checkout" %
        (lib._name, lib.ga_capi_abi(), lib.ga_capi_step_size(), ABI, ctypes.sizeof(Step)))

VERSION = lib.ga_capi_version().decode()


def errbuf():
    return ctypes.create_string_buffer(ERR_LEN)


def cstr(s, what):
    """s (str, bytes or a path) as the library's zero-terminated bytes; ValueError when s holds
    a NUL byte, which C would read as the end (another file, or another world, silently)."""
    b = os.fsencode(s)
    if b"\0" in b:
        raise ValueError("%s holds a NUL byte: %r" % (what, s))
    return b


def cint(value, what, bits=32):
    """value as a C int of `bits` bits; ValueError where ctypes would silently keep only the
    low bits (2**32 + 1 worlds opened one)."""
    import numbers
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError("%s must be an integer, not %r" % (what, value))
    value = int(value)
    if not -2**(bits - 1) <= value < 2**(bits - 1):
        raise ValueError("%s %d does not fit in %d bits" % (what, value, bits))
    return value


def seed64(seed, what="seed"):
    """A seed as the engine takes it: an integer in [0, 2**64)."""
    import numbers
    if isinstance(seed, str) and seed.isdigit():
        raise TypeError("%s must be an integer, not the string %r (trajectory files and "
                        "--episodes-out write seeds as strings: pass int(...))" % (what, seed))
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError("%s must be an integer, not %r" % (what, seed))
    seed = int(seed)
    if not 0 <= seed < 2**64:
        raise ValueError("%s must be in [0, 2**64), not %d" % (what, seed))
    return seed


def vec_seed(seed, i, k):
    """Layout seed of world i's episode k in a vector (or training batch) seeded with seed."""
    return lib.ga_capi_vec_seed(seed64(seed), cint(i, "i"), cint(k, "k", 64))


def eval_seed(eval_seed_, world_index, k):
    """Layout seed of evaluation episode k of world index world_index (gridalign eval's)."""
    return lib.ga_capi_eval_seed(seed64(eval_seed_, "eval_seed"), cint(world_index, "world_index"),
                                 cint(k, "k", 64))
