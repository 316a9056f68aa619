"""Saving and loading models: a plain JSON document, never a pickle, and the classes it can rebuild.

A model file names its class, the keyword arguments that rebuild its architecture (the model's
``config()``) and the value of every parameter. ``load`` can rebuild a class that is *registered*:
``Neuron``, ``Layer`` and ``MLP`` are; a ``Module`` subclass of your own is registered with
``@nn.register`` once it defines ``config()``.

Examples:
    >>> import os, tempfile
    >>> import autograd, nn
    >>> @nn.register
    ... class Scale(nn.Module):
    ...     def __init__(self, n: int, start: float = 1.0) -> None:
    ...         self.n, self.start = n, start
    ...         self.w = [autograd.Value(start) for _ in range(n)]
    ...     def forward(self, x: list[float]) -> autograd.Value:
    ...         return autograd.dot(self.w, x)
    ...     def config(self) -> dict[str, object]:
    ...         return {"n": self.n, "start": self.start}
    >>> model = Scale(3)
    >>> model.w[0].data = 5.0
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     model.save(os.path.join(folder, "scale.json"))
    ...     again = nn.load(os.path.join(folder, "scale.json"))
    >>> type(again).__name__, again.state_dict()
    ('Scale', {'w.0': 5.0, 'w.1': 1.0, 'w.2': 1.0})
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import re
import stat
from collections.abc import Callable
from typing import Any, TypeVar

from nn import _check
from nn.module import MLP, Layer, Module, Neuron, _count

__all__ = ["FORMAT", "VERSION", "load", "register", "save"]

FORMAT = "glassgrad.module"
"""What a model file is: the value of its ``format`` key."""
VERSION = 1
"""The version of the file format that ``save`` writes and ``load`` reads."""

_KEYS = ("format", "version", "class", "config", "parameters")  # a model file's, in the order save writes
_REGISTRY: dict[str, type[Module]] = {}  # class name -> the class that load builds for it

_M = TypeVar("_M", bound=type[Module])


def register(cls: _M) -> _M:
    """Let ``save`` write and ``load`` rebuild a ``Module`` subclass; use it as a class decorator.

    The class must define ``config(self) -> dict``: the keyword arguments of its constructor that
    rebuild its architecture, as JSON values (numbers, strings, booleans, None, lists, dicts). ``load``
    calls the class with them, then copies the saved parameters in. A file names the class by its
    ``__name__``; registering another class of that name is an error, while registering the same class
    again (or a new definition of it, from the same module under the same name, as a notebook cell run
    twice makes) is allowed and keeps the latest.

    Raises:
        TypeError: ``cls`` is no ``Module`` subclass, or it defines no ``config()``.
        ValueError: another class is registered under its name.

    Examples:
        >>> import autograd, nn
        >>> @nn.register
        ... class Bias(nn.Module):
        ...     def __init__(self) -> None:
        ...         self.b = autograd.Value(0.0)
        ...     def forward(self, x: float) -> autograd.Value:
        ...         return self.b + x
        ...     def config(self) -> dict[str, object]:
        ...         return {}
        >>> register(int)
        Traceback (most recent call last):
        TypeError: register: cls must be a subclass of nn.Module, got <class 'int'> (type)
    """
    if not (isinstance(cls, type) and issubclass(cls, Module)):
        raise TypeError(_check.message("register: cls", "a subclass of nn.Module", cls, kind=True))
    name = cls.__name__
    if cls.config is Module.config:
        raise TypeError(
            f"register: {name} must define config(self) -> dict, the keyword arguments of its constructor "
            "that rebuild its architecture (JSON values), so that load can rebuild it"
        )
    old = _REGISTRY.get(name)
    if old is not None and _qualified(old) != _qualified(cls):
        raise ValueError(
            f"register: another class is registered as {name!r} ({_qualified(old)}), so a file naming "
            f"{name!r} could not tell {_qualified(cls)} from it; give the class another name"
        )
    _REGISTRY[name] = cls
    return cls


def save(model: Module, path: str | os.PathLike[str]) -> None:
    """Write ``model`` to ``path`` as a plain JSON document; ``load(path)`` rebuilds it.

    The document is ``{"format": "glassgrad.module", "version": 1, "class": ..., "config": {...},
    "parameters": {name: float}}``. Floats round-trip exactly (nan and inf are written as JSON's
    ``NaN`` and ``Infinity``). The model's class must be registered (``register``) and its ``config()``
    must be JSON values that its constructor takes; both are checked before any file is touched.

    The write is atomic: a temporary file in the same folder replaces ``path`` only once complete, so a
    crash leaves any old file whole. A file saved over keeps its mode; a new one gets the mode the umask
    gives (``0o644`` for the usual ``0o022``). The temporary file is ``.{name}.{pid}.{random}.tmp``
    beside ``path`` (``name`` is the file's name, ``pid`` the saving process's). A save that is killed
    leaves it behind; the next save of the same ``path`` removes those whose process has ended (on
    POSIX systems, where ``os.kill(pid, 0)`` tells).

    Raises:
        TypeError: ``model`` is of a class that is not registered, or its ``config()`` is no dict of
            JSON values that the constructor takes.

    Examples:
        >>> import os, tempfile
        >>> from nn import MLP
        >>> model = MLP(2, [3, 1], seed=0)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     save(model, os.path.join(folder, "model.json"))
        ...     again = load(os.path.join(folder, "model.json"))
        >>> again.state_dict() == model.state_dict()
        True
    """
    document = {
        "format": FORMAT,
        "version": VERSION,
        "class": type(model).__name__,
        "config": _config(model),
        "parameters": model.state_dict(),
    }
    _write_atomic(path, lambda f: json.dump(document, f, indent=2), binary=False)


def load(path: str | os.PathLike[str]) -> Module:
    """Rebuild a model saved by ``save`` (or ``Module.save``): its class, architecture and parameters.

    The file is checked before the model is built: its keys, version and class (a registered one), and
    that the config's arguments fit the class's constructor. For ``Neuron``, ``Layer`` and ``MLP`` the
    config's sizes must then make exactly as many parameters as the file holds, at most
    ``MAX_PARAMETERS``, all before anything is allocated, so a small file cannot ask for a huge model.
    A class of your own is built from its config, then it must have as many parameters as the file.
    The parameters' names and values are checked last, as ``load_state_dict`` checks them.

    Raises:
        ValueError: the file is not JSON (or is nested too deeply to parse), not a glassgrad model, of
            another version, has a key of no model file, names a class that is not registered, or its
            class, config and parameters do not fit together.

    Examples:
        >>> import os, tempfile
        >>> from nn import Neuron
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     Neuron(3, activation="tanh", seed=0).save(os.path.join(folder, "n.json"))
        ...     load(os.path.join(folder, "n.json"))
        Neuron(3, activation='tanh')
    """
    where = os.fspath(path)
    try:
        with open(where, encoding="utf-8") as f:
            document = json.load(f)
    except ValueError as e:  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ValueError(f"not a glassgrad model file: {where}: {e}") from None
    except RecursionError:  # Python's parser gives up on JSON nested about a thousand levels deep
        raise ValueError(f"not a glassgrad model file: {where}: JSON nested too deeply to read") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        found = document.get("format") if isinstance(document, dict) else type(document).__name__
        raise ValueError(f"not a glassgrad model file: {where}: format is {found!r}, expected {FORMAT!r}")
    unknown = [key for key in document if key not in _KEYS]
    if unknown:
        keys = "key" if len(unknown) == 1 else "keys"
        known = ", ".join(_KEYS)
        raise ValueError(f"{where}: unknown {keys} {_check.some(unknown)}; a model file has {known}")
    if document.get("version") != VERSION or isinstance(document.get("version"), bool):
        raise ValueError(
            f"{where}: version {document.get('version')!r} is not supported (expected {VERSION})"
        )
    name, config, parameters = document.get("class"), document.get("config"), document.get("parameters")
    if not isinstance(name, str) or name not in _REGISTRY:
        raise ValueError(
            f"{where}: unknown class {name!r}, expected one of {', '.join(_REGISTRY)} "
            "(a class of your own is registered with nn.register before load)"
        )
    if not isinstance(config, dict):
        raise ValueError(f"{where}: config must be an object, got {type(config).__name__}")
    if not isinstance(parameters, dict):
        raise ValueError(f"{where}: parameters must be an object, got {type(parameters).__name__}")
    cls = _REGISTRY[name]
    try:
        inspect.signature(cls).bind(**config)  # a missing or unknown argument, before building anything
        widths = _WIDTHS.get(cls)
        if widths is not None:  # sizes within MAX_PARAMETERS and the count, before anything is allocated
            _same_count(_count(widths(**config)), len(parameters))
        model = cls(**config)
        _same_count(model.num_parameters(), len(parameters))
        model.load_state_dict(parameters)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{where}: does not describe a valid {name}: {e}") from None
    return model


# ---------------------------------------------------------------- helpers
def _config(model: Module) -> dict[str, Any]:
    """The model's ``config()``, checked: a registered class, JSON values, arguments its constructor takes."""
    if not isinstance(model, Module):
        raise TypeError(_check.message("save: model", "an nn.Module", model, kind=True))
    cls = type(model)
    name = cls.__name__
    if _REGISTRY.get(name) is not cls:  # load() could not rebuild it
        raise TypeError(
            f"save() writes the registered classes ({', '.join(_REGISTRY)}), not {name}: register it with "
            f"@nn.register, giving it a method config(self) -> dict of the keyword arguments that rebuild "
            "it; or keep its state_dict() and give it back with load_state_dict()"
        )
    config = model.config()
    if not isinstance(config, dict) or not all(isinstance(key, str) for key in config):
        raise TypeError(_check.message(f"{name}.config()", "a dict of keyword arguments", config, kind=True))
    try:
        json.dumps(config)
        inspect.signature(cls).bind(**config)
    except (TypeError, ValueError) as e:
        raise TypeError(
            f"{name}.config() must give JSON values that {name}(...) takes, to rebuild it: {e}"
        ) from None
    return config


def _write_atomic(path: str | os.PathLike[str], write: Callable[[Any], object], binary: bool = True) -> None:
    """Write a file at ``path`` as ``save`` says: ``write(f)`` fills a temporary file beside it (opened
    in binary or UTF-8 text mode), flushed to disk, then renamed over ``path``; a file written over
    keeps its mode. ``nn.export`` writes its files so too."""
    target = os.path.abspath(os.fspath(path))
    folder, name = os.path.split(target)
    _remove_stale_temporaries(folder, name)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    # Made as open() makes a new file, so the umask applies; O_EXCL: never another's file.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with contextlib.suppress(FileNotFoundError):  # a file saved over keeps its mode, set before a
            os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))  # byte is written: 0600 stays private
        with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _same_count(count: int, found: int) -> None:
    if count != found:
        raise ValueError(f"its config asks for {count:,} parameters, the file has {found:,}")


def _qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _remove_stale_temporaries(folder: str, name: str) -> None:
    """Delete the temporary files ``.{name}.{pid}.{random}.tmp`` in ``folder`` whose saving process has
    ended: saves of ``name`` killed mid-write. Best effort: what cannot be listed or deleted stays."""
    if os.name != "posix":  # os.kill(pid, 0) asks only on POSIX; on Windows it would end the process
        return
    temporary = re.compile(rf"\.{re.escape(name)}\.([0-9]+)\.[0-9a-f]{{8}}\.tmp")
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            match = temporary.fullmatch(entry.name)
            if match and not _running(int(match[1])):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists. Signal 0 sends nothing, it only asks; a process of another user
    exists too (PermissionError): only ProcessLookupError says that it has ended."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True
    return True


# The built-ins, registered as a class of one's own is; their sizes are checked, and their parameters
# counted, from the config alone (``_widths``), so load refuses a huge or mismatched model before building.
_WIDTHS: dict[type[Module], Callable[..., list[int]]] = {
    register(Neuron): Neuron._widths,
    register(Layer): Layer._widths,
    register(MLP): MLP._widths,
}
