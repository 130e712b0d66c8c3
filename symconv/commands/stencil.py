"""symconv stencil: a finite-difference stencil, exact, with its error term and kernel.

    symconv stencil --derivative N [--accuracy P]
                    [--scheme central|forward|backward | --offsets ...]
                    [--dims D | --partial A1 A2 ...] [--box R] [--spacing H] [--member NAME]
                    [--op correlation|convolution] [--layout ij|cartesian] [--show-moments]
                    [--format md|tex|json]

--derivative 2 --dims 2 is the 2-D Laplacian (even orders in D dims are powers of it);
--partial 1 1 is ∂²/∂x∂y. 1-D offsets are numbers or fractions (-1 0 1, -1/2 1/2) or signed
spacing names (--offsets=-h_m,0,h_p: a name starting with - needs the = form); N-D offsets are
points x,y separated by ; (--offsets="0,0;1,0;-1,0;0,1;0,-1"), or the full grid of radius R
with --box R. The JSON is DESIGN.md's contract: exact weights without the 1/hⁿ scale, the scale,
the accuracy, τ, free parameters, layout and LaTeX. The Taylor table T and the moment system
T w = b are shown only with --show-moments (in JSON, as "moments").
"""

from __future__ import annotations

import argparse
import re
from fractions import Fraction
from typing import Any

from symconv.commands.output import print_json, tex_display
from symconv.core.patterns import lazy_compile

NAME = lazy_compile(r"^([+-]?)([A-Za-z][A-Za-z0-9_]*)$")
NEGATIVE_NUMBER = lazy_compile(r"^-\d+$|^-\d*\.\d+$|^-\d+/\d+$")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "stencil",
        help="finite-difference stencil: exact weights, accuracy, error term, kernel",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--derivative", type=int, metavar="N", help="order of the derivative")
    parser.add_argument("--accuracy", type=int, metavar="P", help="order of accuracy")
    parser.add_argument("--scheme", choices=("central", "forward", "backward"), default="central")
    parser.add_argument("--offsets", nargs="+", metavar="O", help="explicit offsets (see above)")
    parser.add_argument("--box", type=int, metavar="R", help="all offsets with |o_i| <= R (N-D)")
    parser.add_argument("--dims", type=int, default=1, metavar="D", help="dimensions (default 1)")
    parser.add_argument(
        "--partial", nargs="+", type=int, metavar="A", help="a mixed partial as a multi-index"
    )
    parser.add_argument("--spacing", metavar="H", help="grid spacing: a name (h) or a number")
    parser.add_argument("--member", metavar="NAME", help="a named member of a family")
    parser.add_argument("--op", choices=("correlation", "convolution"), default="correlation")
    parser.add_argument("--layout", choices=("ij", "cartesian"), default="ij")
    parser.add_argument(
        "--show-moments",
        action="store_true",
        help="show the Taylor table T and the moment system T w = b the weights solve",
    )
    parser.add_argument("--format", choices=("md", "tex", "json"), default="md")
    parser.set_defaults(run=run)
    # Let argparse read negative fractions (``--offsets -1/2 1/2``) as values, as it already reads
    # ``-1`` and ``-0.5``: its matcher for negative numbers is the one private knob for that.
    if hasattr(parser, "_negative_number_matcher"):
        parser._negative_number_matcher = NEGATIVE_NUMBER


def _number_or_name(token: str) -> Any:
    import sympy as sp

    from symconv.errors import ParseError

    match = NAME.match(token)
    if match:
        symbol = sp.Symbol(match.group(2))
        return -symbol if match.group(1) == "-" else symbol
    try:
        return Fraction(token)
    except (ValueError, ZeroDivisionError):
        raise ParseError(
            f"offset {token!r}: expected an integer, a fraction such as -1/2, or a name such as "
            "h_p (with an optional sign)"
        ) from None


def parse_offsets(tokens: list[str], dims: int) -> list[Any]:
    """1-D: numbers, fractions or signed names (commas or spaces between); N-D: ``x,y`` points
    separated by ``;`` or spaces."""
    from symconv.errors import ParseError

    text = " ".join(tokens)
    if dims == 1:
        return [_number_or_name(t) for t in re.split(r"[\s,;]+", text.strip()) if t]
    points = []
    for chunk in re.split(r"[\s;]+", text.strip()):
        if not chunk:
            continue
        parts = chunk.strip("()").split(",")
        if len(parts) != dims:
            raise ParseError(f"offset {chunk!r}: expected {dims} coordinates separated by ','")
        point = []
        for part in parts:
            value = _number_or_name(part)
            if not isinstance(value, Fraction):
                raise ParseError(f"offset {chunk!r}: N-D offsets must be numbers")
            point.append(value)
        points.append(tuple(point))
    return points


def _spacing(text: str | None) -> Any:
    if text is None:
        return None
    value = _number_or_name(text)
    if not isinstance(value, Fraction) and value.could_extract_minus_sign():
        from symconv.errors import ConventionError

        raise ConventionError(f"--spacing {text}: a spacing is positive")
    return value


def build(args: argparse.Namespace) -> Any:
    """The stencil the arguments describe (a family, or its ``--member``)."""
    from symconv.errors import ConventionError
    from symconv.stencils.nd import box
    from symconv.stencils.weights import stencil

    if args.partial is not None:
        if args.derivative is not None and args.derivative != sum(args.partial):
            raise ConventionError(
                f"--derivative {args.derivative} and --partial {args.partial} (order "
                f"{sum(args.partial)}) disagree"
            )
        derivative: Any = tuple(args.partial)
        dims = len(args.partial)
    elif args.derivative is None:
        raise ConventionError("give --derivative N (or --partial A1 A2 ... for a mixed partial)")
    else:
        derivative, dims = args.derivative, args.dims
    if args.offsets is not None and args.box is not None:
        raise ConventionError("--offsets and --box both give the offsets: drop one")
    offsets = None
    if args.box is not None:
        offsets = box(args.box, dims)
    elif args.offsets is not None:
        offsets = parse_offsets(args.offsets, dims)
    scheme = args.scheme
    if offsets is not None and scheme != "central":
        raise ConventionError(f"--scheme {scheme} and explicit offsets both given: drop one")
    result = stencil(
        derivative,
        args.accuracy,
        scheme=scheme,
        offsets=offsets,
        dims=dims,
        spacing=_spacing(args.spacing),
    )
    if args.member is not None:
        result = result.member(args.member)
    return result


def _kernel_latex(result: Any, args: argparse.Namespace) -> str | None:
    if result.absolute:
        return None
    return str(result.as_kernel(args.op, args.layout).latex())


def render_markdown(result: Any, args: argparse.Namespace) -> str:
    derivation = result.derivation(show_moments=args.show_moments)
    report = derivation.check()
    lines = [f"$$\n{result.formula_latex()}\n$$", "", derivation.markdown(report)]
    kernel = _kernel_latex(result, args)
    if kernel is not None:
        lines += ["**Kernel:**", "", f"$$\n{kernel}\n$$", ""]
    if result.free_parameters:
        lines += ["**Named members:**", ""]
        for name, member in result.members.items():
            values = ", ".join(f"{k} = {v}" for k, v in member.values.items())
            lines.append(f"- *{name}* ({member.definition}): {values or 'the whole family'}")
        lines.append("")
    return "\n".join(lines)


def render_tex(result: Any, args: argparse.Namespace) -> str:
    derivation = result.derivation(show_moments=args.show_moments)
    blocks = [result.formula_latex(), derivation.latex()]
    kernel = _kernel_latex(result, args)
    if kernel is not None:
        blocks.append(kernel)
    return tex_display(*blocks)


def run(args: argparse.Namespace) -> int:
    from symconv.errors import VerificationError

    result = build(args)
    if args.format == "json":
        payload = result.to_json()
        if not result.absolute and (args.op != "correlation" or args.layout != "ij"):
            payload["kernel"] = result.as_kernel(args.op, args.layout).to_json()
        if args.show_moments:
            from symconv.stencils.latex import moments_json

            payload["moments"] = moments_json(result)
        print_json(payload)
        return 0
    if args.format == "tex":
        print(render_tex(result, args), end="")
        return 0
    text = render_markdown(result, args)
    print(text)
    if "✗" in text:
        raise VerificationError("a check of the stencil failed (see the report above)")
    return 0
