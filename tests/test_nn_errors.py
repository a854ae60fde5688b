"""nn bad input: PyTorch's exception kinds, messages naming the layer/op, expected and actual shapes."""
import numpy as np
import pytest

import tinygrad_course as tc
import tinygrad_course.nn.functional as F
from tinygrad_course import nn


@pytest.mark.parametrize("layer, x, words", [
    (nn.Linear(4, 2), tc.randn(2, 3), ["Linear(in_features=4, out_features=2, bias=True)", "last dimension 4",
                                       "(2, 3)"]),
    (nn.Conv2d(1, 8, 3), tc.randn(2, 3, 8, 8), ["Conv2d(1, 8, kernel_size=(3, 3)", "(N, 1, H, W)", "(2, 3, 8, 8)"]),
    (nn.Conv2d(1, 8, 3), tc.randn(8, 8), ["Conv2d(1, 8", "(8, 8)"]),
    (nn.Conv1d(2, 4, 3), tc.randn(2, 3, 9), ["Conv1d(2, 4", "(N, 2, L)", "(2, 3, 9)"]),
    (nn.BatchNorm1d(3), tc.randn(2, 4), ["BatchNorm1d(3", "(N, 3)", "(2, 4)"]),
    (nn.BatchNorm2d(3), tc.randn(2, 3, 4), ["BatchNorm2d(3", "(N, 3, H, W)", "(2, 3, 4)"]),
    (nn.LayerNorm(4), tc.randn(2, 3), ["LayerNorm((4,)", "(*, 4)", "(2, 3)"]),
    (nn.GroupNorm(2, 4), tc.randn(2, 3), ["GroupNorm(2, 4", "(2, 3)"]),
    (nn.MaxPool2d(2), tc.randn(4, 4), ["MaxPool2d(kernel_size=2", "(4, 4)"]),
    (nn.AvgPool2d(2), tc.randn(4, 4), ["AvgPool2d(kernel_size=2", "(4, 4)"]),
    (nn.AdaptiveAvgPool2d(2), tc.randn(4), ["AdaptiveAvgPool2d(output_size=2)", "(4,)"]),
    (nn.LSTM(3, 4), tc.randn(5, 2, 2), ["LSTM(3, 4)", "Expected 3, got 2", "(5, 2, 2)"]),
    (nn.GRU(3, 4, batch_first=True), tc.randn(5), ["GRU(3, 4, batch_first=True)", "(N, L, H_in)", "(5,)"]),
])
def test_layer_input_shape_errors_name_layer_expected_and_actual(layer, x, words):
    with pytest.raises(RuntimeError) as e:
        layer(x)
    for w in words:
        assert w in str(e.value), (w, str(e.value))


def test_embedding_layer_errors_name_the_layer():
    emb = nn.Embedding(10, 3)
    with pytest.raises(IndexError, match=r"Embedding\(10, 3\): index 12 is out of range"):
        emb(tc.tensor([1, 12]))
    with pytest.raises(RuntimeError, match=r"Embedding\(10, 3\): expected an integer"):
        emb(tc.tensor([1.0]))


def test_recurrent_hidden_state_errors():
    lstm = nn.LSTM(3, 4, num_layers=2)
    x = tc.randn(5, 2, 3)
    with pytest.raises(RuntimeError, match=r"Expected hidden size \(2, 2, 4\), got \(1, 2, 4\)"):
        lstm(x, (tc.zeros(1, 2, 4), tc.zeros(2, 2, 4)))
    with pytest.raises(RuntimeError, match="tuple"):
        lstm(x, tc.zeros(2, 2, 4))
    with pytest.raises(ValueError, match="dropout should be a number in range"):
        nn.LSTM(3, 4, dropout=2)
    with pytest.raises(ValueError, match="Unknown nonlinearity 'sigmoid'"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        nn.GRU(3, 4, dropout=0.5)


def test_conv_errors():
    x = tc.randn(2, 3, 8, 8)
    with pytest.raises(RuntimeError, match=r"Given groups=1, weight of size \(8, 1, 3, 3\), expected input\(2, 3, 8, 8\) "
                                           r"to have 1 channels, but got 3 channels instead"):
        F.conv2d(x, tc.randn(8, 1, 3, 3))
    with pytest.raises(RuntimeError, match="Kernel size can't be greater than actual input size"):
        F.conv2d(tc.randn(1, 1, 2, 2), tc.randn(1, 1, 3, 3))
    with pytest.raises(RuntimeError, match="Expected 3D \\(unbatched\\) or 4D \\(batched\\) input to conv2d"):
        F.conv2d(tc.randn(3, 8), tc.randn(1, 1, 3, 3))
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="padding='same' is not supported for strided convolutions"):
        nn.Conv2d(3, 3, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="Invalid padding string 'full'"):
        nn.Conv2d(3, 3, 3, padding="full")
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        nn.Conv2d(3, 3, 3, padding_mode="mirror")
    with pytest.raises(RuntimeError, match="dtype"):
        F.conv2d(tc.randn(1, 1, 4, 4).double(), tc.randn(1, 1, 3, 3))


def test_pool_errors():
    with pytest.raises(RuntimeError, match=r"pad should be smaller than or equal to half of kernel size, but got "
                                           r"pad=\(2, 2\), kernel_size=\(2, 2\)"):
        F.max_pool2d(tc.randn(1, 1, 4, 4), 2, padding=2)
    with pytest.raises(RuntimeError, match="half of kernel size"):
        F.max_pool2d(tc.randn(1, 1, 5, 5), 3, padding=2, dilation=2)
    with pytest.raises(RuntimeError, match="half of kernel size"):
        F.avg_pool2d(tc.randn(1, 1, 5, 5), 3, padding=2)
    with pytest.raises(RuntimeError, match="lie entirely in the padding"):
        F.max_pool2d(tc.randn(1, 1, 1, 1), 2, padding=1, dilation=2)
    with pytest.raises(RuntimeError, match="Output size is too small"):
        F.max_pool2d(tc.randn(1, 1, 2, 2), 3)
    with pytest.raises(RuntimeError, match="output_size"):  # PyTorch's kind for a bad output_size
        F.adaptive_avg_pool2d(tc.randn(1, 1, 4, 4), (-1, 2))


def test_cross_entropy_and_nll_target_errors():
    x = tc.randn(3, 5)
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got Float"):
        F.cross_entropy(x, tc.randn(3))
    with pytest.raises(RuntimeError, match="but got Int"):
        F.cross_entropy(x, tc.tensor([1, 2, 3], dtype=tc.int32))
    with pytest.raises(IndexError, match="Target 7 is out of bounds"):
        F.cross_entropy(x, tc.tensor([1, 2, 7]))
    with pytest.raises(IndexError, match="Target -1 is out of bounds"):
        F.cross_entropy(x, tc.tensor([1, 2, -1]))
    with pytest.raises(ValueError, match=r"Expected input batch_size \(3\) to match target batch_size \(2\)"):
        F.cross_entropy(x, tc.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="multi-target not supported"):
        F.cross_entropy(x, tc.zeros(3, 4, dtype=tc.int64))
    with pytest.raises(RuntimeError, match=r"Expected target size \(2, 4\), got \(2, 5\)"):
        F.cross_entropy(tc.randn(2, 3, 4), tc.zeros(2, 5, dtype=tc.int64))
    with pytest.raises(RuntimeError, match="weight tensor should be defined either for all 5 classes"):
        F.cross_entropy(x, tc.tensor([1, 2, 3]), weight=tc.ones(4))
    with pytest.raises(RuntimeError, match="label_smoothing must be between 0.0 and 1.0"):
        F.cross_entropy(x, tc.tensor([1, 2, 3]), label_smoothing=1.5)
    with pytest.raises(ValueError, match="'avg' is not a valid value for reduction"):
        F.cross_entropy(x, tc.tensor([1, 2, 3]), reduction="avg")
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        nn.MSELoss(reduction="avg")(x, x)
    with pytest.raises(RuntimeError, match="expected target dtype to be Long"):
        F.nll_loss(x, tc.tensor([1.0, 2.0, 3.0]))
    # every target ignored: 0/0 = nan, like PyTorch (no exception)
    assert np.isnan(F.nll_loss(x, tc.tensor([-100, -100, -100])).item())


def test_regression_and_bce_shape_errors():
    x = tc.randn(3, 5)
    with pytest.raises(ValueError, match=r"mse_loss\(\): target shape \(3, 1\) differs from input shape \(3, 5\)"):
        F.mse_loss(x, tc.randn(3, 1))
    with pytest.raises(ValueError, match="l1_loss"):
        nn.L1Loss()(x, tc.randn(5))
    with pytest.raises(ValueError, match="huber_loss"):
        nn.HuberLoss()(x, tc.randn(1, 5))
    with pytest.raises(RuntimeError, match="non-positive values for delta"):
        F.huber_loss(x, x, delta=0)
    with pytest.raises(RuntimeError, match="negative values for beta"):
        F.smooth_l1_loss(x, x, beta=-1)
    p = tc.rand(3)
    with pytest.raises(ValueError, match=r"Using a target size \(\(3, 1\)\) that is different to the input size"):
        F.binary_cross_entropy(p, tc.rand(3, 1))
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(tc.tensor([1.5, 0.2]), tc.tensor([1.0, 0.0]))
    with pytest.raises(ValueError, match=r"Target size \(\(3, 1\)\) must be the same as input size \(\(3,\)\)"):
        F.binary_cross_entropy_with_logits(p, tc.rand(3, 1))


def test_misc_functional_errors():
    with pytest.raises(RuntimeError, match="one_hot is only applicable to index tensor"):
        F.one_hot(tc.tensor([1.0]))
    with pytest.raises(RuntimeError, match="non-negative"):
        F.one_hot(tc.tensor([-1]))
    with pytest.raises(RuntimeError, match="smaller than num_classes"):
        F.one_hot(tc.tensor([3]), 3)
    with pytest.raises(IndexError, match="index 5 is out of range"):
        F.embedding(tc.tensor([5]), tc.randn(3, 2))
    with pytest.raises(RuntimeError, match="Long, Int"):
        F.embedding(tc.tensor([0.0]), tc.randn(3, 2))
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.dropout(tc.randn(3), p=-0.1)
    with pytest.raises(RuntimeError, match="Padding length must be divisible by 2"):
        F.pad(tc.randn(2, 2), (1,))
    with pytest.raises(RuntimeError, match="Padding size should be less than the corresponding input dimension"):
        F.pad(tc.randn(1, 1, 3), (3, 3), mode="reflect")
    with pytest.raises(NotImplementedError, match="Unrecognised padding mode"):  # as torch 2.13
        F.pad(tc.randn(1, 1, 3), (1, 1), mode="mirror")
    with pytest.raises(RuntimeError, match=r"Given normalized_shape=\[4\], expected input with shape \[\*, 4\], "
                                           r"but got input of size\[2, 3\]"):
        F.layer_norm(tc.randn(2, 3), (4,))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        nn.BatchNorm1d(3)(tc.randn(1, 3))
    with pytest.raises(RuntimeError, match="running_mean should contain 4 elements not 3"):
        F.batch_norm(tc.randn(2, 4), tc.zeros(3), tc.ones(3))
    with pytest.raises(RuntimeError, match="approximate argument must be either 'none' or 'tanh'"):
        F.gelu(tc.randn(2), approximate="erf")
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied|does not match"):
        F.linear(tc.randn(2, 3), tc.randn(2, 4))
    with pytest.raises(ValueError, match="num_channels .* must be divisible by num_groups"):
        nn.GroupNorm(3, 4)


def test_failed_forward_leaves_running_stats_untouched():
    bn = nn.BatchNorm2d(2)
    before = {k: v.numpy().copy() for k, v in bn.state_dict().items()}
    with pytest.raises(RuntimeError):
        bn(tc.randn(2, 3, 4, 4))
    for k, v in bn.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k], err_msg=k)
