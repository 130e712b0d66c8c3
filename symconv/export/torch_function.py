"""An exported layer as a ``torch.autograd.Function`` whose backward is the derived formula.

PyTorch is optional: :func:`make_function` imports it and raises
:class:`~symconv.errors.UnsupportedError` (naming the install command) where it is absent. The
forward and backward run the generated NumPy passes on the tensors' data (CPU), so
``torch.autograd.gradcheck`` in float64 compares the *derived* backward with PyTorch's own finite
differences.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from symconv.errors import UnsupportedError

if TYPE_CHECKING:
    from symconv.export.layer import ExportedLayer


def torch_available() -> bool:
    """True when ``import torch`` works."""
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def make_function(layer: ExportedLayer) -> Any:
    """A ``torch.autograd.Function`` subclass for ``layer``; call ``.apply(*tensors)`` with the
    tensors in ``layer.inputs`` order. Inputs without a backward pass get no gradient."""
    try:
        import torch
    except ImportError as error:
        raise UnsupportedError(
            f"exporting {layer.name} to PyTorch needs torch (pip install torch)"
        ) from error

    def to_numpy(tensor: Any) -> np.ndarray:
        return tensor.detach().cpu().numpy()

    class DerivedFunction(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, *tensors: Any) -> Any:
            ctx.save_for_backward(*tensors)
            result = layer.forward(*(to_numpy(t) for t in tensors))
            return torch.from_numpy(np.ascontiguousarray(result)).to(tensors[0].dtype)

        @staticmethod
        def backward(ctx: Any, grad_output: Any) -> Any:
            tensors = ctx.saved_tensors
            gradients = layer.backward(to_numpy(grad_output), *(to_numpy(t) for t in tensors))
            result: list[Any] = []
            for position, name in enumerate(layer.inputs):
                if name in gradients and ctx.needs_input_grad[position]:
                    array = np.ascontiguousarray(gradients[name])
                    result.append(torch.from_numpy(array).to(tensors[position].dtype))
                else:
                    result.append(None)
            return tuple(result)

    DerivedFunction.__name__ = DerivedFunction.__qualname__ = _class_name(layer.name)
    return DerivedFunction


def _class_name(name: str) -> str:
    words = [w for w in "".join(c if c.isalnum() else " " for c in name).split() if w]
    return "".join(w[:1].upper() + w[1:] for w in words) + "Function" if words else "LayerFunction"
