"""Forward + backward (dX and dW) of a conv layer: symconv against PyTorch autograd and SciPy.

Layer (the brief's size): N=8 images, C=64 → M=64 channels, 56×56, 3×3 kernel, padding 1,
stride 1, NCHW/OIHW, correlation. One step is the forward pass and the gradients of
``L = ⟨Z, δ⟩`` for a fixed ``δ``. Peers, side by side in one process:

* ``torch``: ``conv2d`` then ``Z.backward(δ)`` with ``x`` and ``w`` requiring gradients, on the
  CPU with ``torch.set_num_threads(THREADS)`` (autograd computes dX and dW);
* ``scipy``: the same three sums with ``scipy.signal``: ``Z = correlate(Xp, W_m, 'valid')``,
  ``dXp += convolve(δ_m, W_m, 'full')``, ``dW_m += correlate(Xp, δ_m, 'valid')`` — one call of
  each per image and filter, timed on one image and 8 filters and scaled by N·M/8 (linear cost);
* ``symconv``: ``conv_forward`` then ``conv_backward`` (algorithm 'auto': shift for stride 1),
  and both with 'im2col'.

The peers take turns for ``--repeats`` rounds; in its turn a peer runs once untimed, then three
timed calls back to back (as in bench_conv_forward.py). The best time is kept.
Targets: symconv/torch ≤ 1.0 in float64 and ≤ 2.0 in float32. Run
``python benchmarks/bench_conv_backward.py [--repeats R] [--threads T]``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy
import scipy.signal
from bench_conv_forward import (
    KERNEL,
    PADDING,
    SIZE,
    C,
    M,
    N,
    load_average,
    print_table,
    race,
    setup,
)

from symconv.conv.geometry import ConvSpec
from symconv.conv.numeric import conv_backward, conv_forward


def scipy_step_part(
    x: np.ndarray, w: np.ndarray, delta: np.ndarray, images: int, filters: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(Z, dX, dW) restricted to the first images and filters, by scipy.signal calls."""
    pads = [(0, 0), (PADDING, PADDING), (PADDING, PADDING)]
    z = np.empty((images, filters, SIZE, SIZE), x.dtype)
    dx = np.zeros((images, C, SIZE, SIZE), x.dtype)
    dw = np.zeros((filters, C, KERNEL, KERNEL), x.dtype)
    interior = (slice(None), slice(PADDING, PADDING + SIZE), slice(PADDING, PADDING + SIZE))
    for i in range(images):
        padded = np.pad(x[i], pads)
        for m in range(filters):
            z[i, m] = scipy.signal.correlate(padded, w[m], mode="valid")[0]
            delta_m = delta[i, m][np.newaxis]
            dx[i] += scipy.signal.convolve(delta_m, w[m], mode="full")[interior]
            dw[m] += scipy.signal.correlate(padded, delta_m, mode="valid")
    return z, dx, dw


def main() -> None:
    args, torch = setup(
        __doc__, repeats=10, method="one step = forward + dX + dW; best of {} rounds × 3 calls"
    )
    F = torch.nn.functional if torch is not None else None

    spec = ConvSpec.make(KERNEL, dims=2, padding=PADDING)
    scipy_images, scipy_filters = 1, 8
    scale = (N * M) / (scipy_images * scipy_filters)
    rows = []
    for dtype in (np.float64, np.float32):
        rng = np.random.default_rng(0)
        x = rng.standard_normal((N, C, SIZE, SIZE)).astype(dtype)
        w = rng.standard_normal((M, C, KERNEL, KERNEL)).astype(dtype)
        delta = rng.standard_normal((N, M, SIZE, SIZE)).astype(dtype)
        tolerance = 1e-9 if dtype == np.float64 else 5e-3

        def ours(algorithm: str, x=x, w=w, delta=delta) -> tuple[np.ndarray, ...]:
            z = conv_forward(spec, x, w, algorithm=algorithm)
            return (z, *conv_backward(spec, x, w, delta, algorithm=algorithm))

        z, dx, dw, _ = ours("auto")
        assert {z.dtype, dx.dtype, dw.dtype} == {np.dtype(dtype)}
        peers: dict[str, Callable[[], Any]] = {
            "symconv": lambda: ours("auto"),
            "symconv im2col": lambda: ours("im2col"),
        }
        if torch is not None:
            tx = torch.from_numpy(x).clone().requires_grad_()
            tw = torch.from_numpy(w).clone().requires_grad_()
            t_delta = torch.from_numpy(delta)

            def torch_step(tx=tx, tw=tw, t_delta=t_delta) -> None:
                tx.grad, tw.grad = None, None
                F.conv2d(tx, tw, padding=PADDING).backward(t_delta)

            torch_step()
            scale_dx = float(np.max(np.abs(dx)))
            np.testing.assert_allclose(dx, tx.grad.numpy(), atol=tolerance * scale_dx)
            scale_dw = float(np.max(np.abs(dw)))
            np.testing.assert_allclose(dw, tw.grad.numpy(), atol=tolerance * scale_dw)
            peers["torch"] = torch_step
        best = race(peers, args.repeats)
        part_z, part_dx, part_dw = scipy_step_part(x, w, delta, scipy_images, scipy_filters)
        np.testing.assert_allclose(
            part_z, z[:scipy_images, :scipy_filters], rtol=tolerance, atol=tolerance
        )
        partial_dx = conv_backward(
            spec, x[:scipy_images], w[:scipy_filters], delta[:scipy_images, :scipy_filters]
        )[0]
        np.testing.assert_allclose(part_dx, partial_dx, rtol=tolerance, atol=tolerance * 10)
        scipy_best = race(
            {
                "scipy": lambda x=x, w=w, delta=delta: scipy_step_part(
                    x, w, delta, scipy_images, scipy_filters
                )
            },
            repeats=1,
        )
        best["scipy (scaled)"] = scipy_best["scipy"] * scale
        rows.append((np.dtype(dtype).name, best))
        del part_dw
    print(f"after: {load_average()}\n")
    print_table(rows, ["symconv", "symconv im2col"], targets="≤ 1.0 (float64), ≤ 2.0 (float32)")


if __name__ == "__main__":
    main()
