"""The tape: ``Function``, ``backward``, ``grad``, gradient checking, anomaly detection."""
from .function import Function, Node
from .storage import _array, _bump_version, _set_array, _wrap  # noqa: F401  (internal accessors for the floors above)
from .engine_api import backward, grad
from .grad_mode import no_grad, enable_grad, set_grad_enabled, is_grad_enabled, inference_mode
from .anomaly import detect_anomaly, set_detect_anomaly, is_anomaly_enabled, is_anomaly_check_nan_enabled
from .backward_steps import BackwardStep, backward_steps
from . import functional  # noqa: F401
from .gradcheck import gradcheck, gradgradcheck  # noqa: F401
from .gradcheck_graph import gradcheck_graph, GradcheckError  # noqa: F401
from .legacy import Variable  # noqa: F401  (legacy: every Tensor is a Variable)

__all__ = [
    "Function", "Node", "backward", "grad", "no_grad", "enable_grad", "set_grad_enabled",
    "is_grad_enabled", "inference_mode", "detect_anomaly", "set_detect_anomaly",
    "is_anomaly_enabled", "is_anomaly_check_nan_enabled", "backward_steps", "BackwardStep", "functional", "gradcheck", "gradgradcheck",
    "gradcheck_graph", "GradcheckError", "Variable",
]
