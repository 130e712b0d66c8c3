"""symconv shapes: output shapes, parameters, multiplications and receptive fields.

    symconv shapes conv --input H W C --kernel KH KW --filters M [--stride S] [--padding P]
                        [--dilation D] [--groups G] [--no-bias] [--format text|json]
    symconv shapes pool --input H W C --kernel KH KW [--stride S] [--padding P] [--ceil-mode]
    symconv shapes transpose --input H W C --kernel KH KW --filters M [--output-padding A]
    symconv shapes receptive-field --layer K S [D] --layer K S [D] ...

--input is read in the order the NYU course states it: spatial sizes first, channels last
(48 64 10 is 48 × 64 with 10 channels). One value of --kernel, --stride, --padding or
--dilation applies to every spatial axis; --padding also takes valid, same or full. Numbers
are printed as plain integers, each with its LaTeX worked formula; parameter counts include the
bias unless --no-bias.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from symconv.commands.output import print_json
from symconv.core.safe import as_sympy

#: Version of the JSON this command writes (keep it stable; bump it on any change of keys).
SCHEMA_VERSION = 1

PADDING_WORDS = ("valid", "same", "full")


def padding_value(text: str) -> int | str:
    """One ``--padding`` value: an integer or one of :data:`PADDING_WORDS`."""
    if text in PADDING_WORDS:
        return text
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither an integer nor one of {', '.join(PADDING_WORDS)}"
        ) from None


def _common(parser: argparse.ArgumentParser, *, filters: bool) -> None:
    parser.add_argument(
        "--input",
        nargs="+",
        type=int,
        required=True,
        metavar="N",
        help="input shape, channels last: H W C (or L C, or D H W C)",
    )
    parser.add_argument(
        "--kernel", nargs="+", type=int, required=True, metavar="K", help="window size per axis"
    )
    if filters:
        parser.add_argument(
            "--filters", type=int, required=True, metavar="M", help="output channels"
        )
    parser.add_argument("--stride", nargs="+", type=int, metavar="S", help="stride per axis")
    parser.add_argument(
        "--padding",
        nargs="+",
        type=padding_value,
        default=[0],
        metavar="P",
        help="zeros on each side, per axis, or valid|same|full (default 0)",
    )
    parser.add_argument(
        "--dilation", nargs="+", type=int, default=[1], metavar="D", help="dilation per axis"
    )
    _output_options(parser)


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text", help="(text)")
    parser.add_argument(
        "--number-format",
        choices=("grouped", "scientific", "plain"),
        default="grouped",
        help="how the LaTeX prints large integers (grouped: 5{,}133{,}600)",
    )


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "shapes",
        help="output shapes, parameters, multiplications, receptive fields (worked formulas)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    operations = parser.add_subparsers(dest="operation", metavar="OPERATION", required=True)

    conv = operations.add_parser("conv", help="a convolution layer")
    _common(conv, filters=True)
    conv.add_argument("--groups", type=int, default=1, metavar="G", help="channel groups (1)")
    conv.add_argument("--no-bias", action="store_true", help="the layer has no bias")
    conv.set_defaults(run=run_conv)

    pool = operations.add_parser("pool", help="max or average pooling (PyTorch's rule)")
    _common(pool, filters=False)
    pool.add_argument("--ceil-mode", action="store_true", help="PyTorch's ceil_mode=True")
    pool.set_defaults(run=run_pool)

    transpose = operations.add_parser("transpose", help="a transposed convolution (PyTorch)")
    _common(transpose, filters=True)
    transpose.add_argument(
        "--output-padding", nargs="+", type=int, default=[0], metavar="A", help="(0)"
    )
    transpose.add_argument("--groups", type=int, default=1, metavar="G", help="(1)")
    transpose.add_argument("--no-bias", action="store_true", help="the layer has no bias")
    transpose.set_defaults(run=run_transpose)

    field = operations.add_parser("receptive-field", help="receptive field of a stack of layers")
    field.add_argument(
        "--layer",
        nargs="+",
        type=int,
        action="append",
        required=True,
        metavar="K S [D]",
        help="one layer, input side first: kernel, stride and optionally dilation",
    )
    _output_options(field)
    field.set_defaults(run=run_receptive_field)


# ----------------------------------------------------------------------------------------------
# Reading the arguments
# ----------------------------------------------------------------------------------------------
def _split_input(args: argparse.Namespace) -> tuple[list[int], int]:
    from symconv.errors import ShapeError

    if len(args.input) < 2:
        raise ShapeError(
            f"--input {' '.join(map(str, args.input))}: expected the spatial sizes and the "
            "channels, channels last (e.g. --input 48 64 10)"
        )
    return list(args.input[:-1]), int(args.input[-1])


def per_axis(
    values: Sequence[Any] | None,
    dims: int,
    option: str,
    default: Any,
    *,
    source: str = "--input lists {dims} spatial size{s} and then the channels",
) -> list[Any]:
    """One value of ``option`` per spatial axis: ``default`` when not given, a single value for
    every axis, or exactly ``dims`` values (``source`` says where ``dims`` came from)."""
    from symconv.errors import ShapeError

    if values is None:
        return [default] * dims
    if len(values) == 1:
        return list(values) * dims
    if len(values) != dims:
        expected = "1 value" if dims == 1 else f"1 or {dims} values"
        raise ShapeError(
            f"{option} {' '.join(map(str, values))}: expected {expected}, one per spatial axis; "
            + source.format(dims=dims, s="s" * (dims > 1))
        )
    return list(values)


def single_padding_word(values: Sequence[int | str]) -> str | None:
    """The word of ``--padding valid|same|full`` (None for numbers); a word stands alone."""
    from symconv.errors import ShapeError

    words = [value for value in values if isinstance(value, str)]
    if not words:
        return None
    if len(values) != 1:
        raise ShapeError(
            f"--padding {' '.join(map(str, values))}: a word ({', '.join(PADDING_WORDS)})"
            " stands alone"
        )
    return words[0]


def _padding(args: argparse.Namespace, dims: int) -> Any:
    word = single_padding_word(args.padding)
    return word if word is not None else per_axis(args.padding, dims, "--padding", 0)


def _axis_names(dims: int) -> tuple[str, ...]:
    from symconv.sizes.shapes import AXIS_NAMES

    return AXIS_NAMES.get(dims, tuple(str(axis + 1) for axis in range(dims)))


# ----------------------------------------------------------------------------------------------
# Printing
# ----------------------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    """An exact SymPy value as JSON: ints stay ints, tuples become lists, others strings."""
    import sympy as sp

    if isinstance(value, tuple | list | sp.Tuple):
        return [_plain(item) for item in value]
    value = as_sympy(value)
    return int(value) if value.is_Integer else str(value)


def _text_value(value: Any) -> str:
    plain = _plain(value)
    return " ".join(map(str, plain)) if isinstance(plain, list) else str(plain)


def _emit(
    args: argparse.Namespace,
    header: dict[str, Any],
    results: list[tuple[str, str, Any, Any]],
) -> int:
    """Print each (key, label, value, derivation) as text or one JSON object."""
    settings = {"number_format": args.number_format}
    if args.format == "json":
        document: dict[str, Any] = {"schema_version": SCHEMA_VERSION, **header}
        for key, _, value, _ in results:
            document[key] = _plain(value)
        document["derivations"] = {
            key: derivation.to_json(derivation.check(), **settings)
            for key, _, _, derivation in results
            if derivation is not None
        }
        print_json(document)
        return 0
    conventions: list[str] = []
    for _, label, value, derivation in results:
        print(f"{label}: {_text_value(value)}")
        if derivation is None:
            continue
        for line in derivation.latex(**settings).splitlines():
            print(f"    {line}")
        conventions += [c for c in derivation.conventions if c not in conventions]
    if conventions:
        print("conventions:")
        for convention in conventions:
            print(f"  - {convention}")
    return 0


# ----------------------------------------------------------------------------------------------
# The operations
# ----------------------------------------------------------------------------------------------
def _layer_geometry(args: argparse.Namespace) -> tuple[list[int], int, dict[str, Any]]:
    spatial, channels = _split_input(args)
    dims = len(spatial)
    geometry = {
        "kernel": per_axis(args.kernel, dims, "--kernel", None),
        "stride": per_axis(args.stride, dims, "--stride", 1),
        "padding": _padding(args, dims),
        "dilation": per_axis(args.dilation, dims, "--dilation", 1),
    }
    return spatial, channels, geometry


def _header(operation: str, args: argparse.Namespace, geometry: dict[str, Any]) -> dict[str, Any]:
    spatial_axes = _axis_names(len(args.input) - 1)
    return {
        "operation": operation,
        "input": {"shape": list(args.input), "axes": [*spatial_axes, "C"]},
        **geometry,
    }


def run_conv(args: argparse.Namespace) -> int:
    from symconv.sizes.costs import conv_additions, conv_multiplications, conv_params
    from symconv.sizes.shapes import conv_output_shape

    spatial, channels, geometry = _layer_geometry(args)
    shape = conv_output_shape(
        spatial,
        geometry["kernel"],
        geometry["stride"],
        geometry["padding"],
        geometry["dilation"],
        out_channels=args.filters,
    )
    output_spatial = list(shape.answer[:-1])
    bias = not args.no_bias
    params = conv_params(geometry["kernel"], channels, args.filters, args.groups, bias)
    mults = conv_multiplications(
        geometry["kernel"], channels, args.filters, output_spatial, groups=args.groups
    )
    adds = conv_additions(
        geometry["kernel"], channels, args.filters, output_spatial, groups=args.groups, bias=bias
    )
    header = _header("conv", args, geometry)
    header.update({"filters": args.filters, "groups": args.groups, "bias": bias})
    return _emit(
        args,
        header,
        [
            ("output_shape", "output shape", shape.answer, shape),
            ("parameters", "parameters", params.answer, params),
            ("weights", "weights", params.details["weights"], None),
            ("biases", "biases", params.details["biases"], None),
            ("multiplications", "multiplications", mults.answer, mults),
            ("additions", "additions", adds.answer, adds),
        ],
    )


def run_pool(args: argparse.Namespace) -> int:
    from symconv.errors import ShapeError
    from symconv.sizes.shapes import pool_output_shape

    spatial, channels, geometry = _layer_geometry(args)
    if isinstance(geometry["padding"], str):
        raise ShapeError(f"--padding {geometry['padding']}: pooling takes integer padding")
    if args.stride is None:
        geometry["stride"] = list(geometry["kernel"])  # PyTorch: stride defaults to the window
    shape = pool_output_shape(
        spatial,
        geometry["kernel"],
        geometry["stride"],
        geometry["padding"],
        geometry["dilation"],
        args.ceil_mode,
        channels=channels,
    )
    header = _header("pool", args, geometry)
    header["ceil_mode"] = args.ceil_mode
    return _emit(args, header, [("output_shape", "output shape", shape.answer, shape)])


def run_transpose(args: argparse.Namespace) -> int:
    from symconv.errors import ShapeError
    from symconv.sizes.costs import conv_params
    from symconv.sizes.shapes import transposed_output_shape

    spatial, channels, geometry = _layer_geometry(args)
    if isinstance(geometry["padding"], str):
        raise ShapeError(
            f"--padding {geometry['padding']}: a transposed convolution takes the forward "
            "convolution's integer padding p"
        )
    output_padding = per_axis(args.output_padding, len(spatial), "--output-padding", 0)
    shape = transposed_output_shape(
        spatial,
        geometry["kernel"],
        geometry["stride"],
        geometry["padding"],
        geometry["dilation"],
        output_padding,
        out_channels=args.filters,
    )
    bias = not args.no_bias
    params = conv_params(geometry["kernel"], channels, args.filters, args.groups, bias)
    header = _header("transpose", args, geometry)
    header.update(
        {
            "output_padding": output_padding,
            "filters": args.filters,
            "groups": args.groups,
            "bias": bias,
        }
    )
    return _emit(
        args,
        header,
        [
            ("output_shape", "output shape", shape.answer, shape),
            ("parameters", "parameters", params.answer, params),
        ],
    )


def run_receptive_field(args: argparse.Namespace) -> int:
    from symconv.errors import ShapeError
    from symconv.sizes.shapes import receptive_field

    for index, layer in enumerate(args.layer, start=1):
        if len(layer) not in (2, 3):
            raise ShapeError(
                f"--layer {' '.join(map(str, layer))} (layer {index}): expected K S or K S D"
            )
    field = receptive_field([tuple(layer) for layer in args.layer])
    header = {"operation": "receptive-field", "layers": [list(layer) for layer in args.layer]}
    return _emit(
        args,
        header,
        [
            ("receptive_field", "receptive field", field.answer, field),
            ("jump", "jump", field.details["jumps"][-1], None),
        ],
    )
