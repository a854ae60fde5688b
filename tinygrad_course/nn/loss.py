"""Loss modules: MSELoss L1Loss HuberLoss SmoothL1Loss CrossEntropyLoss NLLLoss BCELoss BCEWithLogitsLoss KLDivLoss."""
from . import functional as F
from .functional._utils import legacy_reduction
from .module import Module

__all__ = ["MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
           "BCEWithLogitsLoss", "KLDivLoss"]


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__()
        self.reduction = legacy_reduction(size_average, reduce, reduction)


class _WeightedLoss(_Loss):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        # a buffer, as in PyTorch: it appears in state_dict when given
        self.register_buffer("weight", weight)


class MSELoss(_Loss):
    """mean((x - y)^2) (reduction 'mean' | 'sum' | 'none'); differing shapes raise ValueError.

    >>> nn.MSELoss()(tc.tensor([1., 2.]), tc.tensor([1., 4.]))
    tensor(2.)
    """

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """mean(|x - y|).

    >>> nn.L1Loss()(tc.tensor([1., 2.]), tc.tensor([1., 4.]))
    tensor(1.)
    """

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class HuberLoss(_Loss):
    """0.5 d^2 for |d| < delta, delta (|d| - delta/2) beyond.

    >>> nn.HuberLoss(delta=1.0)(tc.tensor([1., 2.]), tc.tensor([1., 4.]))
    tensor(0.7500)
    """

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class SmoothL1Loss(_Loss):
    """0.5 d^2 / beta for |d| < beta, |d| - beta/2 beyond.

    >>> nn.SmoothL1Loss()(tc.tensor([1., 2.]), tc.tensor([1., 4.]))
    tensor(0.7500)
    """

    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class NLLLoss(_WeightedLoss):
    """-w[y] * input[y] for log-probabilities (N, C, ...) and class indices y.

    >>> nn.NLLLoss()(tc.tensor([[-0.1, -2.3], [-1.2, -0.4]]), tc.tensor([0, 1]))
    tensor(0.2500)
    """

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index, reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """nll_loss(log_softmax(logits)) with class indices or class probabilities; label_smoothing.

    >>> nn.CrossEntropyLoss()(tc.tensor([[2., 0., 0.], [0., 0., 3.]]), tc.tensor([0, 2]))
    tensor(0.1672)
    """

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                 label_smoothing=0.0):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class BCELoss(_WeightedLoss):
    """-w (y log x + (1 - y) log(1 - x)) for probabilities x.

    >>> nn.BCELoss()(tc.tensor([0.9, 0.2]), tc.tensor([1., 0.]))
    tensor(0.1643)
    """

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + BCE in one numerically stable expression; pos_weight weighs positives.

    >>> nn.BCEWithLogitsLoss()(tc.tensor([2., -1.]), tc.tensor([1., 0.]))
    tensor(0.2201)
    """

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.weight, pos_weight=self.pos_weight,
                                                  reduction=self.reduction)


class KLDivLoss(_Loss):
    """target (log target - input) for log-probability input.

    >>> nn.KLDivLoss(reduction='batchmean')(tc.tensor([[-0.7, -0.7]]), tc.tensor([[0.5, 0.5]]))
    tensor(0.0069)
    """

    def __init__(self, size_average=None, reduce=None, reduction="mean", log_target=False):
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input, target):
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)
