"""``tc.onnx``: ``tc.onnx.export(model, args, f, ...)`` writes a model as ONNX (as ``torch.onnx.export``).

The exporter lives in ``tinygrad_course.interchange.onnx_export``; it needs the optional ``onnx``
package (``pip install tinygrad_course[onnx]``), imported only when ``export`` runs.
"""
from .interchange.onnx_export import UnsupportedOperatorError, export, supported_modules

__all__ = ["export", "UnsupportedOperatorError", "supported_modules"]
