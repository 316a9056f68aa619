"""glassgrad's autograd: a scalar reverse-mode automatic differentiation engine you can see through.

Examples:
    >>> from autograd import Value
    >>> a, b = Value(2.0), Value(-3.0)
    >>> c = a * b + b**2
    >>> c.backward()
    >>> a.grad, b.grad      # dc/da = b, dc/db = a + 2b
    (-3.0, -4.0)
"""

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

from autograd.batch import Number
from autograd.check import AnomalyError, GradcheckError, detect_anomaly, gradcheck
from autograd.compiler import Compiled, compile
from autograd.engine import (
    Row,
    Value,
    affine,
    descend,
    dot,
    enable_grad,
    is_grad_enabled,
    no_grad,
    scope,
    sum,
    topological_order,
)
from autograd.explain import Explanation, ForwardExplanation, explain
from autograd.functional import grad, hessian, jacfwd, jacobian, jacrev, jvp, value_and_grad, vjp
from autograd.ops import Op, op

if TYPE_CHECKING:
    from autograd import viz as viz

__all__ = [
    "AnomalyError",
    "Compiled",
    "Explanation",
    "ForwardExplanation",
    "GradcheckError",
    "Number",
    "Op",
    "Row",
    "Value",
    "affine",
    "compile",
    "descend",
    "detect_anomaly",
    "dot",
    "enable_grad",
    "explain",
    "grad",
    "gradcheck",
    "hessian",
    "is_grad_enabled",
    "jacfwd",
    "jacobian",
    "jacrev",
    "jvp",
    "no_grad",
    "op",
    "scope",
    "sum",
    "topological_order",
    "value_and_grad",
    "vjp",
]

_LAZY = {"viz"}  # loaded on first use (PEP 562): it imports graphviz, which the engine does not need


def __getattr__(name: str) -> ModuleType:
    """A submodule not imported up front, on first use: ``autograd.viz.draw_dot`` after a plain import."""
    if name in _LAZY:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
