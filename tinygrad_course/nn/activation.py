"""Activation modules: ReLU LeakyReLU ELU GELU Sigmoid Tanh Softmax LogSoftmax Softplus SiLU ..."""
from . import functional as F
from .module import Module

__all__ = ["ReLU", "ReLU6", "Hardtanh", "LeakyReLU", "ELU", "GELU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax",
           "Softmin", "Softplus", "SiLU", "LogSigmoid"]


class ReLU(Module):
    """max(x, 0).

    >>> nn.ReLU()(tc.tensor([-2., 0., 2.]))
    tensor([0., 0., 2.])
    """

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class ReLU6(ReLU):
    """min(max(x, 0), 6).

    >>> nn.ReLU6()(tc.tensor([-2., 0., 2.]))
    tensor([0., 0., 2.])
    """

    def forward(self, input):
        return F.relu6(input)


class Hardtanh(Module):
    """clamp(x, min_val, max_val).

    >>> nn.Hardtanh()(tc.tensor([-2., 0., 2.]))
    tensor([-1., 0., 1.])
    """

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        super().__init__()
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}" + (", inplace=True" if self.inplace else "")


class LeakyReLU(Module):
    """x if x > 0 else negative_slope * x.

    >>> nn.LeakyReLU(0.1)(tc.tensor([-2., 0., 2.]))
    tensor([-0.2000,  0.0000,  2.0000])
    """

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class ELU(Module):
    """x if x > 0 else alpha (e^x - 1).

    >>> nn.ELU()(tc.tensor([-2., 0., 2.]))
    tensor([-0.8647,  0.0000,  2.0000])
    """

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        return F.elu(input, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class GELU(Module):
    """x Phi(x) (approximate='tanh': the tanh approximation).

    >>> nn.GELU()(tc.tensor([-2., 0., 2.]))
    tensor([-0.0455,  0.0000,  1.9545])
    """

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Sigmoid(Module):
    """1 / (1 + e^-x).

    >>> nn.Sigmoid()(tc.tensor([-2., 0., 2.]))
    tensor([0.1192, 0.5000, 0.8808])
    """

    def forward(self, input):
        return input.sigmoid()


class Tanh(Module):
    """tanh x.

    >>> nn.Tanh()(tc.tensor([-2., 0., 2.]))
    tensor([-0.9640,  0.0000,  0.9640])
    """

    def forward(self, input):
        return input.tanh()


class SiLU(Module):
    """x sigmoid(x).

    >>> nn.SiLU()(tc.tensor([-2., 0., 2.]))
    tensor([-0.2384,  0.0000,  1.7616])
    """

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.silu(input)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class LogSigmoid(Module):
    """log sigmoid(x).

    >>> nn.LogSigmoid()(tc.tensor([-2., 0., 2.]))
    tensor([-2.1269, -0.6931, -0.1269])
    """

    def forward(self, input):
        return F.logsigmoid(input)


class Softplus(Module):
    """log(1 + e^(beta x)) / beta (linear above threshold).

    >>> nn.Softplus()(tc.tensor([-2., 0., 2.]))
    tensor([0.1269, 0.6931, 2.1269])
    """

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Softmax(Module):
    """exp(x_i) / sum_j exp(x_j) along dim.

    >>> nn.Softmax(dim=0)(tc.tensor([-2., 0., 2.]))
    tensor([0.0159, 0.1173, 0.8668])
    """

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.softmax(input, self.dim, _stacklevel=5)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmin(Softmax):
    """softmax(-x) along dim.

    >>> nn.Softmin(dim=0)(tc.tensor([-2., 0., 2.]))
    tensor([0.8668, 0.1173, 0.0159])
    """

    def forward(self, input):
        return F.softmin(input, self.dim, _stacklevel=5)


class LogSoftmax(Softmax):
    """log softmax(x) along dim.

    >>> nn.LogSoftmax(dim=0)(tc.tensor([-2., 0., 2.]))
    tensor([-4.1429, -2.1429, -0.1429])
    """

    def forward(self, input):
        return F.log_softmax(input, self.dim, _stacklevel=5)
