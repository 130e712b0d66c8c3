"""symconv derive: the backward pass of a layer you write as an index formula.

    symconv derive "FORMULA" --wrt X [--upstream J] [--notation bracket|subscript]
                   [--format md|tex|json]

FORMULA is the forward pass in index form, as the NYU course writes it, with sum(...) over the
indices that appear only on the right:

    symconv derive "Z[i,j1,j2,m] = sum(W[k1,k2,n,m] * X[i,j1+k1,j2+k2,n]) + b[m]" --wrt W
    symconv derive "U[i,j] = sigmoid(Z[i,j])" --wrt Z --format json

The answer is dJ/dX[...] in closed index form: the chain rule over every entry of the output,
the derivative of one entry by another as Kronecker deltas, the deltas eliminated. It is checked
twice before it is printed, exactly against sympy.diff of the explicit forward pass at small
sizes and numerically against central differences; a failed check is printed in the report and
the command exits 1. A formula that cannot be read, or a --wrt the formula does not read, is bad
usage: a message that quotes the input, exit 2.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from symconv.commands.output import DERIVATION_FORMATS
from symconv.core.patterns import lazy_compile

if TYPE_CHECKING:
    from symconv.errors import SymconvError

#: What ``--upstream`` accepts: the name of the loss (J, L, loss_1).
LOSS_NAME = lazy_compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "derive",
        help="derive the backward pass of an index formula (checked exactly and numerically)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("formula", metavar="FORMULA", help='the forward pass, "Z[...] = ..."')
    parser.add_argument(
        "--wrt", required=True, metavar="X", help="the tensor to differentiate with respect to"
    )
    parser.add_argument(
        "--upstream", default="J", metavar="J", help="the name of the loss (J: dJ/dZ is given)"
    )
    parser.add_argument(
        "--notation",
        choices=("bracket", "subscript"),
        default="bracket",
        help="X[i, j + k] (bracket, the default) or X_{i,j + k} (subscript)",
    )
    parser.add_argument(
        "--format", choices=DERIVATION_FORMATS, default="md", help="output format (md)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from symconv.commands.output import emit_derivation
    from symconv.errors import ParseError, SymconvError
    from symconv.grad.differentiate import derive_backward
    from symconv.grad.formula import as_index_formula

    if not LOSS_NAME.match(args.upstream):
        raise ParseError(
            f"--upstream {args.upstream!r}: expected the name of the loss, a letter followed by "
            "letters, digits or _ (J, L, loss)"
        )
    try:
        formula = as_index_formula(args.formula)
    except ParseError as error:
        raise ParseError(f"FORMULA {args.formula!r}: {error}") from error
    try:
        derivation = derive_backward(formula, args.wrt, upstream=args.upstream)
    except SymconvError as error:
        raise _with_input(error, f"FORMULA {args.formula!r} --wrt {args.wrt}") from error
    return emit_derivation(derivation, args.format, notation=args.notation)


def _with_input(error: SymconvError, where: str) -> SymconvError:
    """The same kind of error, its message prefixed with the user's input."""
    message = f"{where}: {error}"
    try:
        return type(error)(message)
    except TypeError:  # an error class whose constructor takes more than a message
        from symconv.errors import ParseError

        return ParseError(message)
