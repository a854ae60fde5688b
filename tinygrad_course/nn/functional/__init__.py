"""``tinygrad_course.nn.functional`` (``F``): the function form of every layer, activation and loss."""
from .activations import (elu, erf, gelu, hardtanh, leaky_relu, log_softmax, logsigmoid, relu, relu6, sigmoid, silu,
                          softmax, softmin, softplus, tanh)
from .attention import multi_head_attention_forward, scaled_dot_product_attention
from .conv import conv1d, conv2d, fold, unfold
from .losses import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, huber_loss, kl_div,
                     l1_loss, mse_loss, nll_loss, smooth_l1_loss)
from .misc import dropout, embedding, flatten, linear, one_hot, pad
from .normalization import batch_norm, group_norm, layer_norm
from .pooling import (adaptive_avg_pool1d, adaptive_avg_pool2d, avg_pool1d, avg_pool2d, max_pool1d, max_pool2d)
from .adaptive_max_pool import (adaptive_max_pool1d, adaptive_max_pool1d_with_indices, adaptive_max_pool2d,
                                adaptive_max_pool2d_with_indices)
from .conv_transpose import conv_transpose1d, conv_transpose2d
from .dropout_channels import alpha_dropout, dropout1d, dropout2d, feature_alpha_dropout
from .instance_norm import instance_norm
from .interpolate import interpolate, upsample, upsample_bilinear, upsample_nearest
from .prelu import prelu

__all__ = [
    "linear", "conv1d", "conv2d", "unfold", "fold", "max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d",
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "dropout", "batch_norm", "layer_norm", "group_norm", "embedding",
    "pad", "one_hot", "flatten", "relu", "relu6", "hardtanh", "leaky_relu", "elu", "gelu", "sigmoid", "tanh",
    "softplus", "silu", "logsigmoid", "softmax", "softmin", "log_softmax", "erf", "mse_loss", "l1_loss", "huber_loss",
    "smooth_l1_loss", "cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "kl_div", "scaled_dot_product_attention", "multi_head_attention_forward",
]
__all__ += [
    "conv_transpose1d", "conv_transpose2d", "dropout1d", "dropout2d", "alpha_dropout", "feature_alpha_dropout",
    "interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "prelu", "instance_norm",
    "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d_with_indices",
]
