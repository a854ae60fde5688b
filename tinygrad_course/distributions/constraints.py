"""Constraints on distribution parameters and supports (``torch.distributions.constraints``).

``constraint.check(value)`` returns a bool Tensor (no history): True where ``value`` satisfies
the constraint, reduced over the constraint's ``event_dim`` rightmost dims.

Example
-------
>>> constraints.positive.check(tc.tensor([1.0, -1.0]))
tensor([ True, False])
"""
import numpy as np

__all__ = [
    "Constraint", "dependent", "dependent_property", "is_dependent", "real", "real_vector", "positive",
    "greater_than", "less_than", "interval", "unit_interval", "boolean", "simplex", "integer_interval",
]


def _np(value) -> np.ndarray:
    """The values of a Tensor or number as an array (checks only read values, never record)."""
    if hasattr(value, "detach"):
        return value.detach().numpy()
    return np.asarray(value)


def _out(mask: np.ndarray):
    import tinygrad_course as tc

    return tc.from_numpy(np.asarray(mask, dtype=np.bool_))


class Constraint:
    """A region of values: ``check(value)`` says where ``value`` lies inside it.

    ``is_discrete`` marks integer-valued supports; ``event_dim`` how many rightmost dims form one
    event (1 for a simplex)."""

    is_discrete = False
    event_dim = 0

    def check(self, value):
        """A bool Tensor: True where ``value`` satisfies the constraint."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__.lstrip('_')}()"


class _Dependent(Constraint):
    """A constraint that depends on other parameters and cannot be checked on its own."""

    def __init__(self, *, is_discrete: bool = False, event_dim: int = 0):
        self.is_discrete = is_discrete
        self.event_dim = event_dim

    def __call__(self, *, is_discrete: bool = False, event_dim: int = 0) -> "_Dependent":
        return _Dependent(is_discrete=is_discrete, event_dim=event_dim)

    def check(self, value):
        raise ValueError("Cannot determine validity of dependent constraint")


def is_dependent(constraint) -> bool:
    """True if ``constraint`` is ``dependent`` (skipped by argument validation)."""
    return isinstance(constraint, _Dependent)


class dependent_property(property, _Dependent):
    """A property whose value is a constraint computed from the instance (e.g. ``Uniform.support``)."""

    def __init__(self, fn=None, *, is_discrete: bool = False, event_dim: int = 0):
        property.__init__(self, fn)
        _Dependent.__init__(self, is_discrete=is_discrete, event_dim=event_dim)

    def __call__(self, fn):
        return dependent_property(fn, is_discrete=self.is_discrete, event_dim=self.event_dim)


class _Real(Constraint):
    def check(self, value):
        v = _np(value)
        return _out(v == v)  # NaN is the only value not equal to itself


class _IndependentReal(Constraint):
    event_dim = 1

    def check(self, value):
        v = _np(value)
        return _out((v == v).all(-1))

    def __repr__(self) -> str:
        return "IndependentConstraint(Real(), 1)"


class _GreaterThan(Constraint):
    def __init__(self, lower_bound):
        self.lower_bound = lower_bound

    def check(self, value):
        return _out(_np(self.lower_bound) < _np(value))

    def __repr__(self) -> str:
        return f"GreaterThan(lower_bound={self.lower_bound})"


class _LessThan(Constraint):
    def __init__(self, upper_bound):
        self.upper_bound = upper_bound

    def check(self, value):
        return _out(_np(value) < _np(self.upper_bound))

    def __repr__(self) -> str:
        return f"LessThan(upper_bound={self.upper_bound})"


class _Interval(Constraint):
    def __init__(self, lower_bound, upper_bound):
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def check(self, value):
        v = _np(value)
        return _out((_np(self.lower_bound) <= v) & (v <= _np(self.upper_bound)))

    def __repr__(self) -> str:
        return f"Interval(lower_bound={self.lower_bound}, upper_bound={self.upper_bound})"


class _IntegerInterval(Constraint):
    is_discrete = True

    def __init__(self, lower_bound, upper_bound):
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def check(self, value):
        v = _np(value)
        return _out((v % 1 == 0) & (self.lower_bound <= v) & (v <= self.upper_bound))

    def __repr__(self) -> str:
        return f"IntegerInterval(lower_bound={self.lower_bound}, upper_bound={self.upper_bound})"


class _Boolean(Constraint):
    is_discrete = True

    def check(self, value):
        v = _np(value)
        return _out((v == 0) | (v == 1))


class _Simplex(Constraint):
    event_dim = 1

    def check(self, value):
        v = _np(value)
        return _out((v >= 0).all(-1) & (np.abs(v.sum(-1) - 1) < 1e-6))


dependent = _Dependent()
real = _Real()
real_vector = _IndependentReal()
positive = _GreaterThan(0.0)
greater_than = _GreaterThan
less_than = _LessThan
interval = _Interval
unit_interval = _Interval(0.0, 1.0)
integer_interval = _IntegerInterval
boolean = _Boolean()
simplex = _Simplex()
