"""Forward pass of a conv layer: ``symconv.conv.numeric.conv_forward`` against PyTorch and SciPy.

Layer (the brief's size): N=8 images, C=64 → M=64 channels, 56×56, 3×3 kernel, padding 1,
stride 1, NCHW/OIHW, correlation, no bias. Peers, side by side in one process:

* ``torch``: ``torch.nn.functional.conv2d`` on the CPU with ``torch.set_num_threads(THREADS)``;
* ``scipy``: ``scipy.signal.correlate`` of each padded image (C, H, W) with each filter (C, 3, 3),
  mode 'valid' (one call per image and filter). It is timed on one image and 8 filters and
  scaled by N·M/8 — its cost is linear in the number of (image, filter) pairs;
* ``einsum``: the sliding-window view contracted by ``np.einsum`` (what symconv did before);
* ``symconv``: ``conv_forward`` (algorithm 'auto': shift for stride 1), and 'im2col'.

The peers take turns for ``--repeats`` rounds (so a busy machine slows them alike); in its turn
a peer runs once untimed and then three timed calls back to back (its worker threads awake, as in
a training loop). The best time is kept. Targets: symconv/torch ≤ 1.0 in float64 and
≤ 1.5 in float32. Run ``python benchmarks/bench_conv_forward.py [--repeats R] [--threads T]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy
import scipy.signal

from symconv.conv.geometry import ConvSpec
from symconv.conv.numeric import conv_forward

N, C, M, SIZE, KERNEL, PADDING = 8, 64, 64, 56, 3, 1


def thread_settings(threads: int) -> str:
    """The thread counts each peer will use, as one printable block."""
    lines = [f"cpu_count={os.cpu_count()}  requested threads={threads}"]
    try:
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            lines.append(
                f"  {pool['internal_api']} ({pool['prefix']}): num_threads={pool['num_threads']}"
            )
    except ImportError:
        variables = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
        shown = ", ".join(f"{v}={os.environ.get(v, 'unset')}" for v in variables)
        lines.append(f"  threadpoolctl not installed; {shown}")
    try:
        import torch

        lines.append(f"  torch.get_num_threads()={torch.get_num_threads()}")
    except ImportError:
        pass
    return "\n".join(lines)


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages (other processes slow every peer, torch most)."""
    try:
        return "load average " + ", ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:  # pragma: no cover - not on every platform
        return "load average unavailable"


def race(peers: dict[str, Callable[[], Any]], repeats: int, burst: int = 3) -> dict[str, float]:
    """Best time (seconds) per peer over ``repeats`` rounds in which the peers take turns.

    In its turn a peer runs once untimed, then ``burst`` timed calls back to back: its worker
    threads (OpenMP for torch, OpenBLAS for NumPy) are awake, as in a training loop, and the
    turns spread any load from other processes over all peers alike.
    """
    best = dict.fromkeys(peers, float("inf"))
    for _ in range(repeats):
        for name, function in peers.items():
            function()
            for _ in range(burst):
                start = time.perf_counter()
                function()
                best[name] = min(best[name], time.perf_counter() - start)
    return best


def einsum_forward(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    padded = np.pad(x, [(0, 0), (0, 0), (PADDING, PADDING), (PADDING, PADDING)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, (KERNEL, KERNEL), axis=(2, 3))
    return np.einsum("ncpquv,mcuv->nmpq", windows, w, optimize=True)


def scipy_forward_part(x: np.ndarray, w: np.ndarray, images: int, filters: int) -> np.ndarray:
    """Outputs of the first ``images`` images and ``filters`` filters, by scipy.signal.correlate."""
    padded = np.pad(x[:images], [(0, 0), (0, 0), (PADDING, PADDING), (PADDING, PADDING)])
    out = np.empty((images, filters, SIZE, SIZE), x.dtype)
    for i in range(images):
        for m in range(filters):
            out[i, m] = scipy.signal.correlate(padded[i], w[m], mode="valid")[0]
    return out


def setup(doc: str | None, *, repeats: int, method: str) -> tuple[argparse.Namespace, Any]:
    """Parse ``--repeats``/``--threads``, set torch's threads, print the run's header.

    Returns the arguments and the torch module (``None`` when torch is not installed).
    """
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=repeats)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is optional
        torch = None
    if torch is not None:
        torch.set_num_threads(args.threads)
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"torch {torch.__version__ if torch is not None else 'not installed'}"
    )
    print(thread_settings(args.threads))
    print(f"before: {load_average()}")
    print(f"layer: N={N}, C={C} → M={M}, {SIZE}×{SIZE}, {KERNEL}×{KERNEL}, padding {PADDING}")
    print(method.format(args.repeats) + ", peers in turn\n")
    return args, torch


def main() -> None:
    args, torch = setup(__doc__, repeats=15, method="best of {} rounds × 3 back-to-back calls")
    F = torch.nn.functional if torch is not None else None

    spec = ConvSpec.make(KERNEL, dims=2, padding=PADDING)
    scipy_images, scipy_filters = 1, 8
    scale = (N * M) / (scipy_images * scipy_filters)
    rows = []
    for dtype in (np.float64, np.float32):
        rng = np.random.default_rng(0)
        x = rng.standard_normal((N, C, SIZE, SIZE)).astype(dtype)
        w = rng.standard_normal((M, C, KERNEL, KERNEL)).astype(dtype)
        z = conv_forward(spec, x, w)
        assert z.dtype == dtype
        peers: dict[str, Callable[[], Any]] = {
            "symconv": lambda x=x, w=w: conv_forward(spec, x, w),
            "symconv im2col": lambda x=x, w=w: conv_forward(spec, x, w, algorithm="im2col"),
            "einsum": lambda x=x, w=w: einsum_forward(x, w),
        }
        tolerance = 1e-9 if dtype == np.float64 else 2e-3
        if torch is not None:
            tx, tw = torch.from_numpy(x), torch.from_numpy(w)
            expected = F.conv2d(tx, tw, padding=PADDING).numpy()
            np.testing.assert_allclose(z, expected, rtol=tolerance, atol=tolerance)
            peers["torch"] = lambda tx=tx, tw=tw: F.conv2d(tx, tw, padding=PADDING)
        best = race(peers, args.repeats)
        part = scipy_forward_part(x, w, scipy_images, scipy_filters)
        np.testing.assert_allclose(
            part, z[:scipy_images, :scipy_filters], rtol=tolerance, atol=tolerance
        )
        scipy_best = race(
            {"scipy": lambda x=x, w=w: scipy_forward_part(x, w, scipy_images, scipy_filters)},
            repeats=1,
        )
        best["scipy (scaled)"] = scipy_best["scipy"] * scale
        rows.append((np.dtype(dtype).name, best))

    print(f"after: {load_average()}\n")
    print_table(rows, ["symconv", "symconv im2col"], targets="≤ 1.0 (float64), ≤ 1.5 (float32)")


def print_table(rows: list[tuple[str, dict[str, float]]], ours: list[str], targets: str) -> None:
    """Times per peer and dtype, then each of ours over each peer."""
    names = list(rows[0][1])
    print(f"{'peer':<20}" + "".join(f"{dtype + ' ms':>14}" for dtype, _ in rows))
    for name in names:
        print(f"{name:<20}" + "".join(f"{best[name] * 1e3:>14.2f}" for _, best in rows))
    print()
    for mine in ours:
        for name in names:
            if name in ours:
                continue
            label = f"{mine.replace('symconv ', '')}/{name.split()[0]}"
            print(f"{label:<20}" + "".join(f"{best[mine] / best[name]:>14.3f}" for _, best in rows))
    print(f"\ntargets: symconv/torch {targets}")


if __name__ == "__main__":
    main()
