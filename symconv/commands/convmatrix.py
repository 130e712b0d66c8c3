"""symconv convmatrix: the convolution matrix C of a layer, vec(z) = C vec(x), derived.

    symconv convmatrix --input H W --kernel KH KW [--stride S] [--padding P|valid|same|full]
                       [--dilation D] [--op correlation|convolution] [--base 1|0]
                       [--max-matrix N] [--format md|tex|json]

--input lists the spatial sizes of one single-channel input (1, 2 or 3 axes) and --kernel the
window per axis; one value of --kernel, --stride, --padding or --dilation applies to every axis.
The kernel entries are named w_{11}, w_{12}, ... (1-based, as the nndl book writes them; --base 0
for w_{00}, Dumoulin and Visin), vec is row-major. The derivation gives the entry rule of C (the
index form differentiated), C itself and the product C vec(x), and is checked exactly (C vec(x)
equals the explicit forward pass) and numerically (against the NumPy convolution) before it is
printed. Matrices with more than --max-matrix rows or columns (default 12) are printed elided;
C may have at most 1,000,000 entries here (symconv.conv.matrix.conv_matrix_sparse, from Python,
builds larger ones).

    symconv convmatrix --input 3 3 --kernel 2 2          # nndl exercise 5-5
    symconv convmatrix --input 4 4 --kernel 3 3 --base 0 --format tex
"""

from __future__ import annotations

import argparse
from typing import Any

from symconv.commands.output import DERIVATION_FORMATS
from symconv.commands.shapes import padding_value

#: The most entries (rows × columns) of a C the command line derives and prints.
MAX_ENTRIES = 1_000_000

#: What fixes the number of axes, for the message of a per-axis option with too many values.
INPUT_SIZES = "--input lists {dims} spatial size{s}"

#: Matrices wider or taller than this are printed elided unless --max-matrix says otherwise.
DEFAULT_MAX_MATRIX = 12


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "convmatrix",
        help="the convolution matrix C with vec(z) = C vec(x), derived and checked",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--input", nargs="+", type=int, required=True, metavar="N", help="spatial sizes: H W"
    )
    parser.add_argument(
        "--kernel", nargs="+", type=int, required=True, metavar="K", help="window size per axis"
    )
    parser.add_argument("--stride", nargs="+", type=int, default=[1], metavar="S", help="(1)")
    parser.add_argument(
        "--padding",
        nargs="+",
        type=padding_value,
        default=[0],
        metavar="P",
        help="zeros on each side, per axis, or valid|same|full (0)",
    )
    parser.add_argument("--dilation", nargs="+", type=int, default=[1], metavar="D", help="(1)")
    parser.add_argument(
        "--op",
        choices=("correlation", "convolution"),
        default="correlation",
        help="correlation (no flip, what deep-learning libraries compute) or convolution",
    )
    parser.add_argument(
        "--base", type=int, choices=(0, 1), default=1, help="index base of entry names (1)"
    )
    parser.add_argument(
        "--max-matrix",
        type=int,
        default=DEFAULT_MAX_MATRIX,
        metavar="N",
        help=f"elide matrices with more than N rows or columns ({DEFAULT_MAX_MATRIX})",
    )
    parser.add_argument(
        "--format", choices=DERIVATION_FORMATS, default="md", help="output format (md)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from symconv.commands.output import emit_derivation
    from symconv.commands.shapes import per_axis, single_padding_word
    from symconv.conv.matrix import conv_matrix_derivation, conv_matrix_geometry
    from symconv.errors import ConventionError, ShapeError

    dims = len(args.input)
    kernel = tuple(per_axis(args.kernel, dims, "--kernel", None, source=INPUT_SIZES))
    word = single_padding_word(args.padding)
    options: dict[str, Any] = {
        "stride": per_axis(args.stride, dims, "--stride", 1, source=INPUT_SIZES),
        "dilation": per_axis(args.dilation, dims, "--dilation", 1, source=INPUT_SIZES),
        "op": args.op,
    }
    if word is None:
        options["padding"] = per_axis(args.padding, dims, "--padding", 0, source=INPUT_SIZES)
    else:
        options["mode"] = word
    if args.max_matrix < 3:
        raise ConventionError(f"--max-matrix {args.max_matrix}: keep at least 3 rows/columns")
    geometry = conv_matrix_geometry(tuple(args.input), kernel, **options)
    entries = geometry.rows * geometry.cols
    if entries > MAX_ENTRIES:
        raise ShapeError(
            f"--input {' '.join(map(str, args.input))} --kernel {' '.join(map(str, kernel))}: "
            f"C would be {geometry.rows}×{geometry.cols} = {entries} entries, more than the "
            f"{MAX_ENTRIES} the command line derives; from Python, "
            "symconv.conv.matrix.conv_matrix_sparse builds it numerically"
        )
    derivation = conv_matrix_derivation(tuple(args.input), kernel, base=args.base, **options)
    return emit_derivation(derivation, args.format, max_matrix_size=args.max_matrix)
