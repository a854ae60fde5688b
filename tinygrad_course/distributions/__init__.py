"""Probability distributions, as ``torch.distributions``: ``Normal``, ``Bernoulli``, ``Categorical``,
``Multinomial``, ``Uniform``, ``kl_divergence``.

Log-densities, entropies and reparameterised samples are composed of differentiable tc ops,
so they differentiate twice; every sample comes from the library's generator
(``tc.manual_seed`` makes it reproducible).

Example
-------
>>> import tinygrad_course as tc
>>> d = tc.distributions.Normal(tc.tensor(0.0), tc.tensor(1.0))
>>> d.log_prob(tc.tensor(0.0))  # -log(2 pi) / 2
tensor(-0.9189)
"""
from . import constraints
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .kl import kl_divergence, register_kl
from .multinomial import Multinomial
from .normal import Normal
from .uniform import Uniform

__all__ = [
    "Distribution", "Normal", "Bernoulli", "Categorical", "Multinomial", "Uniform", "kl_divergence", "register_kl",
    "constraints",
]
