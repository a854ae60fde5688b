"""``kl_divergence(p, q)``: closed-form KL(p || q) for registered pairs, ``register_kl`` to add more."""
import math

import tinygrad_course as tc

from .bernoulli import Bernoulli
from .categorical import Categorical
from .normal import Normal
from .uniform import Uniform

__all__ = ["kl_divergence", "register_kl"]

_KL_REGISTRY = {}


def register_kl(type_p, type_q):
    """Decorator registering ``fn(p, q)`` as KL(p || q) for instances of ``type_p`` and ``type_q``.

    Example
    -------
    >>> @register_kl(MyDist, MyDist)
    ... def _kl_my(p, q): ...
    """
    def decorator(fn):
        _KL_REGISTRY[type_p, type_q] = fn
        return fn

    return decorator


def _lookup(tp, tq):
    fn = _KL_REGISTRY.get((tp, tq))
    if fn is not None:
        return fn
    # Most specific registered pair whose types the arguments are instances of (by MRO distance).
    best, best_rank = None, None
    for (rp, rq), f in _KL_REGISTRY.items():
        if issubclass(tp, rp) and issubclass(tq, rq):
            rank = (tp.__mro__.index(rp), tq.__mro__.index(rq))
            if best_rank is None or rank < best_rank:
                best, best_rank = f, rank
    return best


def kl_divergence(p, q):
    """KL(p || q) = E_p[log p(x) - log q(x)], batched, differentiable in both parameter sets.

    Closed forms for Normal/Normal, Bernoulli/Bernoulli, Categorical/Categorical and
    Uniform/Uniform; any other pair raises ``NotImplementedError`` (as in PyTorch).

    Example
    -------
    >>> kl_divergence(Normal(0.0, 1.0), Normal(1.0, 1.0))  # (0 - 1)^2 / 2
    tensor(0.5000)
    """
    fn = _lookup(type(p), type(q))
    if fn is None:
        raise NotImplementedError(
            f"No KL(p || q) is implemented for p of type {type(p).__name__} and q of type {type(q).__name__}"
        )
    return fn(p, q)


@register_kl(Normal, Normal)
def _kl_normal_normal(p, q):
    # 1/2 (s_p^2/s_q^2 + (m_p - m_q)^2/s_q^2 - 1 - log(s_p^2/s_q^2))
    var_ratio = (p.scale / q.scale).pow(2)
    t1 = ((p.loc - q.loc) / q.scale).pow(2)
    return 0.5 * (var_ratio + t1 - 1 - tc.log(var_ratio))


@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(p, q):
    # p log(p/q) + (1-p) log((1-p)/(1-q)) through softplus of logits (stable); the 0 log 0 = 0 and
    # x log(x/0) = inf edge cases as PyTorch sets them.
    inf, F = math.inf, tc.nn.functional
    t1 = p.probs * (F.softplus(-q.logits) - F.softplus(-p.logits))
    t1 = tc.where(q.probs == 0, tc.full_like(t1, inf), t1)
    t1 = tc.where(p.probs == 0, tc.zeros_like(t1), t1)
    t2 = (1 - p.probs) * (F.softplus(q.logits) - F.softplus(p.logits))
    t2 = tc.where(q.probs == 1, tc.full_like(t2, inf), t2)
    t2 = tc.where(p.probs == 1, tc.zeros_like(t2), t2)
    return t1 + t2


@register_kl(Categorical, Categorical)
def _kl_categorical_categorical(p, q):
    # sum_k p_k (log p_k - log q_k), with 0 log 0 = 0 and p_k log(p_k/0) = inf.
    t = p.probs * (p.logits - q.logits)
    t = tc.where((q.probs == 0).expand_as(t), tc.full_like(t, math.inf), t)
    t = tc.where((p.probs == 0).expand_as(t), tc.zeros_like(t), t)
    return t.sum(-1)


@register_kl(Uniform, Uniform)
def _kl_uniform_uniform(p, q):
    # log((h_q - l_q) / (h_p - l_p)) if [l_p, h_p] lies inside [l_q, h_q], else inf.
    result = tc.log((q.high - q.low) / (p.high - p.low))
    outside = (q.low > p.low) | (q.high < p.high)
    return tc.where(outside, tc.full_like(result, math.inf), result)
