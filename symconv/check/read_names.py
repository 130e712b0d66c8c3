"""Names, subscripts, superscripts, and application versus product.

* ``x_{11}`` (digits) is the entry *name* ``x_{11}`` (as :func:`symconv.core.tensors.entries` names
  it); ``x_i``, ``x_{ij}``, ``x_{i,j}``, ``x_{t-k+1}`` are *indexing*; ``C_{in}`` and
  ``x_{\\text{out}}`` are names; ``\\delta_{ij}`` is Kronecker's delta; a declared scalar is never
  indexed (``h_m`` is a name when ``h`` is a scalar);
* ``x^T`` transposes, ``f^{(4)}(x)`` and primes differentiate an application, ``x'`` and
  ``x^{(l)}`` alone are names, ``e^{-z}`` is ``exp(-z)``;
* a name followed by parentheses is an application if the name is a function (declared,
  conventional, or shown to be one in the same segment by ``f(x, y)`` or ``f'(x)``), a product
  if it is a quantity, and otherwise *ambiguous*: both readings are built and reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import reduce
from typing import Any

import sympy as sp
from lark import Token, Tree

from symconv.check import nodes
from symconv.check.read_base import Item, ReaderBase, holds_relation
from symconv.check.symbols import greek_name
from symconv.check.vocabulary import (
    BUILTIN_FUNCTIONS,
    FUNCTION_SPELLING,
    NAME_SUBSCRIPTS,
    TRANSPOSE_MARKS,
    number_value,
    subscripted,
)
from symconv.core.patterns import lazy_compile
from symconv.errors import ParseError


def in_radians(angle: Any) -> Any:
    """An angle written in degrees (``45^\\circ``), in radians: ``45 π/180 = π/4``.

    >>> in_radians(sp.Integer(45))
    pi/4
    """
    return angle * sp.pi / 180


#: An index's name: a lower-case letter, then subscripts or primes (``i``, ``k_{in}``, ``i'``).
_INDEX_NAME = lazy_compile(r"^[a-z](?:_\{?[a-z0-9]+\}?|'+|\s)*$")


def indices_only(arguments: Sequence[Any]) -> bool:
    """Arguments written as indices (``i, j, k_{in}``, ``i s_h + i'``), not quantities
    (``J(W, b; Y, X)``): each an integer or built of index names.

    >>> i, s = sp.Symbol("i"), sp.Symbol("s_h")
    >>> indices_only((i * s + 1, sp.Integer(2))), indices_only((sp.Symbol("W"), i))
    (True, False)
    """
    for argument in arguments:
        if getattr(argument, "is_Integer", False):
            continue
        symbols: set[Any] = getattr(argument, "free_symbols", set())
        if not symbols or not all(_INDEX_NAME.match(str(s)) for s in symbols):
            return False
    return True


#: Words that are never an index name, even as a position of a subscript list (``x_{i,max}``).
_NOT_INDEX_WORDS = frozenset({"max", "min", "exp", "log", "sin", "cos", "tan", "det", "dim", "sup",
                              "inf", "arg", "lim", "sgn", "mod"})  # fmt: skip

#: Multi-letter index names deep-learning writers use for channels and kernel axes: written as
#: the whole subscript too (``b_{oc}``) they are still one index, where ``y_{ij}`` is two.
_CHANNEL_WORDS = frozenset({"ch", "oc", "ic", "co", "ci", "kh", "kw", "in", "out", "cin", "cout"})

#: A big operator right before a subscript (its bound indices, not an entry's).
_BIGOP_BEFORE = lazy_compile(r"\\(?:sum|prod|max|min|argmax|argmin|limits|nolimits)\s*$")


def _subscripts(text: str) -> list[tuple[str, bool]]:
    """Each braced subscript of ``text``: its inside, and whether a big operator binds it."""
    found = []
    for match in re.finditer(r"_\s*\{", text):
        depth, stop = 1, match.end()
        while stop < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[stop], 0)
            stop += 1
        if depth:
            continue
        bound = _BIGOP_BEFORE.search(text[: match.start()]) is not None
        found.append((text[match.end() : stop - 1], bound))
    return found


def _positions(inside: str) -> list[str]:
    """The top-level comma-separated positions of a subscript, spaces taken out."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in inside:
        depth += {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [re.sub(r"\s+|\\[,;:! ]", "", part) for part in parts]


def index_words(texts: Sequence[str]) -> frozenset[str]:
    """The multi-letter index names of a document's formulas: a run of two or three lower-case
    letters written as a whole position of a subscript list (``W_{f,ch,r,c}``,
    ``X_{ch,(i-1)s+r,(j-1)s+c}``, ``\\sum_{ch,r,c}``) — deep-learning notes name channels and
    kernel axes so (``ch``, ``ic``, ``oc``, ``kh``, ``kw``, ``in``, ``out``), and a list of
    positions separated by commas names one index per position. A word the document also writes
    as the whole subscript of an entry (``x_{kl}``, ``\\partial y_{ij}``) may be a run of one-letter
    indices there (``J_{ij,kl}``, the Jacobian's pairs), so it is no index name anywhere, unless it
    is a channel's or kernel axis's name (``oc``, ``kh``) that a list shows beside a one-letter
    position (``Y_{oc,i,j}`` with ``b_{oc}``).

    >>> sorted(index_words([r"O_{f,i,j} = \\sum_{ch=1}^{C} W_{f,ch,r,c} X_{ch,i+r,j+c}"]))
    ['ch']
    >>> sorted(index_words([r"J_{ij,kl} = \\frac{\\partial y_{ij}}{\\partial x_{kl}}"]))
    []
    >>> sorted(index_words([r"X_{c,ij} = y_{ij}"])), sorted(index_words([r"X_{c,ij} = y_{c}"]))
    ([], ['ij'])
    >>> sorted(index_words([r"x_{i,max} + a_{ab}"])), sorted(index_words([r"s_{ab} x_{i,jk}"]))
    ([], ['jk'])
    >>> sorted(index_words([r"Y_{oc,i,j} = \\sum_{ic,kh,kw} W_{oc,ic,kh,kw} X_{ic,i+kh} + b_{oc}"]))
    ['ic', 'kh', 'kw', 'oc']
    """
    listed: set[str] = set()
    mixed: set[str] = set()  # beside a one-letter position (Y_{oc,i,j}): never a pair of indices
    whole: set[str] = set()
    for text in texts:
        for inside, bound in _subscripts(text):
            positions = _positions(inside)
            if len(positions) > 1:
                words = {
                    p
                    for p in positions
                    if re.fullmatch(r"[a-z]{2,3}", p) and p not in _NOT_INDEX_WORDS
                }
                listed |= words
                if any(re.fullmatch(r"[a-z]", p) for p in positions):
                    mixed |= words
            elif not bound:
                whole.add(positions[0])
    return frozenset((listed - whole) | (mixed & _CHANNEL_WORDS))


#: The letters that name a model's parameters in a subscript (``p_\\theta(x)``).
_PARAMETER_LETTERS = frozenset({"theta", "Theta", "phi", "Phi", "psi", "Psi"})


def parameters_only(subscript: Sequence[Any]) -> bool:
    """A subscript that lists a model's parameters, not an entry's indices: ``h_{W,b}(X)``,
    ``f_\\theta(x)``, ``p_{\\phi}(z)`` — the hypothesis, a function of its argument with the
    parameters it is computed with (Ng, *CS229 notes*, §1: ``h_\\theta(x)``). Read so when every
    entry is a name and the list is one conventional parameter letter (θ, φ, ψ), or several
    names led by a capital or a parameter letter (``W``, ``\\theta``), which no index list is:
    ``y_N(1 - y_N)`` (one capital), ``a_{i,j}(x)`` and ``x_{i,N}(x)`` (led by an index) stay
    entries.

    >>> W, b, theta, i, N = sp.symbols("W b theta i N")
    >>> parameters_only((W, b)), parameters_only((theta,)), parameters_only((N,))
    (True, True, False)
    >>> parameters_only((i, sp.Symbol("j"))), parameters_only((i + 1, W)), parameters_only((i, N))
    (False, False, False)
    """
    if not subscript or not all(isinstance(entry, sp.Symbol) for entry in subscript):
        return False
    names = [entry.name for entry in subscript]
    if len(names) == 1:
        return names[0] in _PARAMETER_LETTERS
    return names[0][0].isupper() or names[0] in _PARAMETER_LETTERS


#: Letters that name a variable of calculus (x, y, z, t), not an index: ``u(t)_i`` is the i-th
#: component of u at t; with a layer superscript (``w(x)^{l}_i``) it is a tag all the same.
_VARIABLE_LETTERS = frozenset("xyzt")


#: The steps of a grid as finite-difference texts name them: h (h_i), dx, dt, Δx, Δt, δt.
_STEP_NAME = lazy_compile(r"^(?:h(?:_.*)?|d[xyzt]|\\?[Dd]elta\s*[xyzt]?)$")


def point_arguments(arguments: Sequence[Any]) -> bool:
    """Arguments written as points of a space-time domain, not indices: ``u(x + h, t)``,
    ``u(x_j, t_n)``, ``f(x_i)``, ``u(x, t)`` — the notation of numerical PDEs, where one name
    is both the function ``u(x, t)`` and its grid samples ``u_j^n`` (LeVeque, *Finite Difference
    Methods*, §2.1: ``U_j^n ≈ u(x_j, t_n)``). Each argument is built of the variables x, y, z,
    t (bare, numbered ``x_0``, or a grid point ``x_j``) and steps (``h``, ``Δx``, ``Δt``), and
    the arguments hold a step or a grid point, or are variables among which is the time t;
    ``I(x, y)`` (an image's pixel) and ``Y(i, j, k)`` are not read so.

    >>> x, t, h, j = sp.symbols("x t h j")
    >>> point_arguments((x + h, t)), point_arguments((sp.IndexedBase("x")[j],))
    (True, True)
    >>> point_arguments((x, t)), point_arguments((x, sp.Symbol("y"))), point_arguments((x - j, t))
    (True, False, False)
    """
    shown = False
    variables: set[str] = set()
    for argument in arguments:
        if getattr(argument, "is_Integer", False):
            continue
        if not isinstance(argument, sp.Expr) or not argument.free_symbols:
            return False
        for indexed in argument.atoms(sp.Indexed):
            if str(indexed.base.label) not in _VARIABLE_LETTERS:
                return False
            shown = True
        plain = argument.subs({e: sp.Integer(0) for e in argument.atoms(sp.Indexed)})
        for symbol in getattr(plain, "free_symbols", set()):
            name = str(symbol)
            if _STEP_NAME.match(name):
                shown = True
            elif name[0] in _VARIABLE_LETTERS and re.fullmatch(r"[xyzt](?:_\{?\w+\}?)?", name):
                variables.add(name[0])
            else:
                return False
    return shown or ("t" in variables and len(variables) > 1)


def point_stem(argument: Any) -> str | None:
    """The variable a point is a value of: ``x`` for ``x``, ``x_0``, ``x_j``, ``x + h``,
    ``x_0 - 2h``; ``t`` for ``t_n + Δt``; None for anything else (``y - t``, ``2``, ``i``).

    >>> x, h, j = sp.symbols("x h j")
    >>> point_stem(x + h), point_stem(sp.IndexedBase("t")[j]), point_stem(sp.Symbol("x_0") - h)
    ('x', 't', 'x')
    >>> point_stem(x - sp.Symbol("y")), point_stem(sp.Integer(2)), point_stem(h)
    (None, None, None)
    """
    if not isinstance(argument, sp.Expr):
        return None
    stems: set[str] = set()
    for indexed in argument.atoms(sp.Indexed):
        stems.add(str(indexed.base.label))
    plain = argument.subs({e: sp.Integer(0) for e in argument.atoms(sp.Indexed)})
    for symbol in getattr(plain, "free_symbols", set()):
        name = str(symbol)
        if _STEP_NAME.match(name):
            continue
        stem = re.sub(r"_\{?\w+\}?$", "", name)
        if not re.fullmatch(r"[a-zA-Z]", stem):
            return None
        stems.add(stem)
    return stems.pop() if len(stems) == 1 else None


def _without_scripts(item: Item) -> Item:
    """The bracket ``item`` with its subscript and superscript taken (read into the entry)."""
    return Item(**{**item.__dict__, "subs": [], "sups": []})


#: The sizes of a layer along an axis, as deep-learning courses write them: n_H, n_W, n_C (the
#: height, width, channels of a volume), f_h, f_w (a filter's), s_h, s_w (strides), p_h (padding):
#: a name, never the entry H of a tensor n.
_SIZE_BASES = frozenset({"n", "f", "s", "p"})
_AXIS_SUBSCRIPTS = frozenset({"H", "W", "C", "D", "h", "w", "c"})


#: Names of difference operators written with a sign for subscript (``D_+``, ``\delta_-``).
_OPERATOR_STEMS = frozenset({"D", "delta", "Delta", "nabla"})


class NameReader(ReaderBase):
    """Names and what follows them (scripts, primes, arguments)."""

    def _number(self, token: Any) -> Any:
        return number_value(token.value)

    def _word_items(self, token: Token) -> list[Item]:
        """``sk`` is s·k; ``k1`` is the name k_1; a declared multi-letter name stays whole."""
        word = token.value
        start = token.start_pos or 0
        if (len(word) > 1 and self.table.kind_of(word) is not None) or (
            self._script_depth and word in self.table.index_words
        ):
            return [Item("name", start, start + len(word), name=word, raw=word)]
        items = []
        for match in re.finditer(r"[A-Za-z]\d*", word):
            piece = match.group()
            letter, digits = piece[0], piece[1:]
            name = letter if not digits else subscripted(letter, digits)
            items.append(
                Item("name", start + match.start(), start + match.end(), name=name, raw=piece)
            )
        return items

    def _font(self, tree: Any) -> Item:
        command_token, arg = tree.children
        command = command_token.value.lstrip("\\")
        start, end = self._span(tree)
        inner = self._inner(arg)
        if command == "mathbb":
            sets = {"R": sp.Reals, "Z": sp.Integers, "N": sp.Naturals0, "Q": sp.Rationals,
                    "C": sp.Complexes}  # fmt: skip
            if inner not in sets:
                raise ParseError(f"\\mathbb{{{inner}}} is not a number set (in {self.text!r})")
            return Item("value", start, end, raw=inner, value=sets[inner])
        if inner.isdigit():
            return Item("number", start, end, raw=inner, value=sp.Integer(int(inner)))
        name = self._plain_name(inner)
        if command in ("mathbf", "boldsymbol", "bm", "pmb", "vec", "mathit"):
            if name is None:
                raise ParseError(f"\\{command}{{{inner}}}: expected a name (in {self.text!r})")
            return Item("name", start, end, name=name, raw=inner)
        if command in ("mathrm", "mathsf", "mathtt"):
            if name is None:
                raise ParseError(f"\\{command}{{{inner}}}: expected a name (in {self.text!r})")
            spelled = FUNCTION_SPELLING.get(name, name)
            if spelled in BUILTIN_FUNCTIONS or spelled in ("softmax", "relu", "sigmoid", "rot180"):
                return Item("func", start, end, name=spelled, raw=inner)
            return Item("name", start, end, name=name, raw=inner, roman=len(name) > 1)
        if command == "mathcal" and inner == "O":
            # \mathcal{O}(h^4) is the order term, as O(h^4) is (never a quantity times h^4)
            return Item("func", start, end, name="O", raw=f"\\{command}{{{inner}}}")
        # \hat{y}, \mathcal{L}, \bar{x}: a name of its own, printed as written
        return Item("name", start, end, name=f"\\{command}{{{inner}}}", raw=inner)

    def _plain_name(self, inner: str) -> str | None:
        """``y`` for ``y``, ``sigma`` for ``\\sigma``, None for anything more complex."""
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", inner):
            return inner
        match = re.fullmatch(r"\\([A-Za-z]+)", inner)
        if match:
            return match.group(1)
        if len(inner) == 1 and not inner.isascii():
            try:
                return greek_name(inner)
            except KeyError:
                return None
        return None

    def _number_unit(self, items: list[Item], index: int) -> tuple[Any, int]:
        """Digits set apart by spaces render together (``5 898 240`` is 5898240)."""
        item = items[index]
        stop = index + 1
        if item.raw.isdigit():
            raw = item.raw
            while (
                stop < len(items)
                and not items[stop - 1].has_postfix
                and items[stop].kind == "number"
                and items[stop].raw.isdigit()
            ):
                raw += items[stop].raw
                stop += 1
            if stop > index + 1:
                value = sp.Integer(int(raw))
                return self._postfix_value(value, items[stop - 1]), stop
        return self._postfix_value(item.value, item), stop

    def _name_unit(
        self, item: Item, following: Item | None, index: int, operand: bool = False
    ) -> tuple[Any, int]:
        name, indices = self._subscripted_name(item)
        sups = [self._classify_sup(sup) for sup in item.sups]
        orders = [payload for kind, payload in sups if kind == "order"]
        # u_{xxxx}(x, t): four letters name no tensor's entry but the derivative, as u_{xx} does
        partial = self._subscript_derivative(
            item.name if self.table.kind_of(name) is None else name, item, following
        )
        if partial is not None and following is not None:
            return self._postfix_value(partial, _without_scripts(following)), index + 2
        hypothesis = False  # h_{W,b}(X): a function named with its parameters, applied
        if (
            following is not None
            and following.kind == "paren"
            and indices is not None
            and len(item.subs) == 1
        ):
            # f_a'(x): the derivative of the function f_a (an activation), never x · f'[a];
            # then f_a(x) is that function applied
            whole = subscripted(name, re.sub(r"\s+", "", self._inner(item.subs[0])))
            evidence = f"function:{whole}"
            hypothesis = parameters_only(indices) and self.table.kind_of(name) not in (
                "scalar",
                "tensor",
            )
            if (
                item.primes
                or self.table.kind_of(whole) == "function"
                or evidence in self.evidence
                or evidence in self.found
                or hypothesis
            ):
                name, indices = whole, None
        tagged = self._tagged_entry(name, indices, item, following)
        if tagged is not None and following is not None:
            return self._postfix_value(tagged, _without_scripts(following)), index + 2
        if (
            following is not None
            and following.kind == "paren"
            and indices is None
            and not (item.primes or orders or operand)
            and len(self._args(following)) > 1
            and not point_arguments(self._args(following))  # u(x + h, t) beside u_j^n
            and (
                self._shown_tensor(name)
                or (
                    self.table.is_entry_call(name, len(self._args(following)))
                    and indices_only(self._args(following))
                )
            )
        ):
            # Y(i, j, k_{in}) once the document differentiates by Z(i, j, k) or indexes Y: the
            # entry of a tensor written with function-style indices
            value = self._name_value(name, tuple(self._args(following)))
            return self._postfix_value(value, following), index + 2
        if following is not None and following.kind == "paren" and indices is None:
            forced = bool(item.primes or orders or operand or hypothesis)
            if self._is_call(name, following, forced, item):
                # f^{(4)}(x) has order 4, f^{(n)}(x) the symbolic order n
                order = item.primes + sum(
                    (sp.Integer(int(o)) if o.isdigit() else self._symbol(o) for o in orders),
                    sp.Integer(0),
                )
                value = self._apply_name(name, self._args(following), order, item)
                value = self._apply_sups(value, [s for s in sups if s[0] != "order"], item)
                return self._postfix_value(value, following), index + 2
        if (
            following is not None
            and following.kind == "bracket"
            and indices is not None
            and len(item.subs) == 1
            and not holds_relation(following.tree.children[1])
            and not (item.primes or item.sups or item.bang)
        ):
            # z_t[0], a_{l}[i, j]: the subscript is part of the name and the bracket indexes
            # it (an entry of the tensor z_t), never z[t] times a one-entry list
            compact = re.sub(r"\s+", "", self._inner(item.subs[0]))
            name, indices = subscripted(name, compact), None
        if (
            following is not None
            and following.kind == "bracket"
            and indices is None
            and not holds_relation(following.tree.children[1])  # x_1 [x_1 \ge x_2]: Iverson
            and not (item.primes or item.sups or item.bang)
            and self.table.kind_of(name) != "scalar"
        ):
            indices = tuple(self._args(following))
            value = self._name_value(name, indices)
            return self._postfix_value(value, following), index + 2
        for kind, payload in sups:
            if kind == "order":
                name = f"{name}^{{({payload})}}"
            elif kind == "extend":
                name = f"{name}^{{{payload}}}"
        if item.primes:
            name += "'" * item.primes
        value = self._name_value(name, indices)
        rest = [s for s in sups if s[0] not in ("order", "extend")]
        value = self._apply_sups(value, rest, item)
        if item.bang:
            value = self._factorial(value)
        if item.degree:
            value = in_radians(value)
        if item.percent:
            value = self._scalar(value, "a percentage") / 100
        return value, index + 1

    def _subscript_derivative(self, name: str, item: Item, following: Item | None) -> Any:
        """``u_t(x,t)``, ``u_{xx}(x,t)``, ``f_{xy}(x, y)``: a partial derivative in subscript
        notation, as texts on PDEs and finite differences write it — the subscript's letters
        are each one of the arguments (bare variables), and ``u`` is a function of two or more
        arguments in the same formula (``u(x, t + Δt)``); None otherwise (``W_{ij}(x, y)``
        with i, j no arguments, ``h_θ(x)``: a function named with its parameters)."""
        if (
            following is None
            or following.kind != "paren"
            or len(item.subs) != 1
            or item.primes
            or item.sups
            or self.table.kind_of(name) not in (None, "function", "tensor")
        ):
            return None
        if self.table.kind_of(name) == "tensor" and not point_arguments(self._args(following)):
            return None  # u_x(x, t) beside u_j^n: still the function u
        letters = re.sub(r"\s+", "", self._inner(item.subs[0]))
        if not re.fullmatch(r"[a-z]{1,4}", letters):
            return None
        args = self._args(following)
        counts = [(sp.Symbol(v), letters.count(v)) for v in dict.fromkeys(letters)]
        names = [a.name for a in args if isinstance(a, sp.Symbol)]
        if len(names) != len(args):
            # u_t(x_j, t_n), u_x(x + h, t): at grid points, each argument a point of one
            # variable (its stem) — the derivative by the variable at that point, as
            # \frac{\partial u}{\partial t}(x_j, t_n) reads
            stems = [point_stem(a) for a in args]
            if (
                len(args) < 2
                or None in stems
                or len(set(stems)) != len(stems)
                or any(letter not in stems for letter in letters)
                or f"function:{name}" not in self.evidence | self.found
            ):
                return None
            return self.derivative_at(sp.Derivative(sp.Symbol(name), *counts), following)
        if len(args) < 2 or len(set(names)) != len(names):
            return None
        if any(letter not in names for letter in letters):
            return None
        evidence = f"function:{name}"
        if not (evidence in self.evidence or evidence in self.found):
            return None
        function = sp.Function(name)(*args)
        return sp.Derivative(function, *counts, evaluate=False)

    def derivative_at(self, value: Any, paren: Item) -> Any:
        """The derivative ``value`` evaluated at the point in ``paren`` (the calculus reader
        reads it); None here."""
        return None

    def _tagged_entry(
        self, name: str, indices: tuple[Any, ...] | None, item: Item, following: Item | None
    ) -> Any:
        """``w(f)^{l+1}_{i,j,c}``, ``b(f)^{l}``, ``W(k)_{ij}``: a tensor with a tag in parentheses
        (the f-th kernel), a layer in the superscript and the entry's indices in the subscript,
        as notes on convolutional layers write a kernel's weight: one tensor ``w^{l+1}`` whose
        entry is ``w^{l+1}[f, i, j, c]`` (the tag first, then the subscript), never a function
        ``w`` applied to ``f`` and raised to the power ``l+1``.

        Read so when the parentheses hold indices only (``f``, ``k_{in}``, ``2``) and carry a
        layer superscript (a function's value has no layer) or a subscript of indices, and the
        name is no function (declared, conventional — ``\\sigma(z)_i`` is an entry of
        ``\\sigma(z)`` — or shown to be one in the segment); None otherwise."""
        if (
            following is None
            or following.kind != "paren"
            or indices is not None
            or item.primes
            or item.sups
            or item.bang
            or following.primes
            or len(following.subs) > 1
            or len(following.sups) > 1
            or self.table.kind_of(name) in ("function", "scalar", "operator")
            or f"function:{name}" in self.evidence
            or f"function:{name}" in self.found
        ):
            return None
        layer = None
        if following.sups:
            kind, payload = self._classify_sup(following.sups[0])
            if kind == "extend":
                layer = f"{name}^{{{payload}}}"
            elif kind == "order":
                layer = f"{name}^{{({payload})}}"
            else:
                return None
        if layer is None and not following.subs:
            return None
        args = self._args(following)
        if not indices_only(args):
            return None
        if layer is None and not all(a.is_Integer or a.is_Symbol for a in args):
            return None  # a(b + c)_i: a product, or an entry of a(b + c)
        if layer is None and any(str(a)[0] in _VARIABLE_LETTERS for a in args if a.is_Symbol):
            return None  # \psi(x)_i, u(t)_i: a component of a function of a variable
        # u(t)_i with du/dt in the segment: t is a variable, u(t) a function's value
        variables = {f"variable:{s}" for a in args for s in a.free_symbols}
        self.missing.update(variables)
        if variables & (self.evidence | self.found):
            return None
        label = layer or name
        subscript: tuple[Any, ...] = ()
        if following.subs:
            kind, payload = self._subscript(label, following.subs[0])
            if kind != "index":
                return None
            subscript = tuple(payload)
        return self._name_value(label, (*args, *subscript))

    def _shown_tensor(self, name: str) -> bool:
        evidence = f"tensor:{name}"
        return self.table.kind_of(name) == "tensor" or (
            self.table.kind_of(name) is None
            and (evidence in self.evidence or evidence in self.found)
        )

    def _subscripted_name(self, item: Item) -> tuple[str, tuple[Any, ...] | None]:
        name = item.name
        indices: tuple[Any, ...] | None = None
        for sub in item.subs:
            if indices is not None:
                raise ParseError(f"two subscripts on {name} in {self.text!r}")
            kind, payload = self._subscript(name, sub)
            if kind == "name":
                name = payload
            else:
                indices = payload
        return name, indices

    def _subscript(self, name: str, sub: Any) -> tuple[str, Any]:
        inner = self._inner(sub)
        compact = re.sub(r"\s+", "", inner)
        if compact.isdigit():
            return "name", subscripted(name, compact)
        if compact in ("+", "-", "\u2212") and name in _OPERATOR_STEMS:
            # D_+ f, D_- f, \delta_+ u: the forward and backward difference operators
            return "name", f"{name}_{'+' if compact == '+' else '-'}"
        if re.fullmatch(r"\d+(,\d+)+", compact):
            return "name", f"{name}_{{{compact}}}"
        declared_whole = self.table.kind_of(subscripted(name, compact)) is not None
        if declared_whole or self.table.kind_of(name) == "scalar":
            return "name", subscripted(name, compact)
        if name in _SIZE_BASES and compact in _AXIS_SUBSCRIPTS:
            return "name", subscripted(name, compact)  # n_H, f_w, s_h: a size along an axis
        if re.fullmatch(r"[A-Za-z]+", compact):
            if compact in NAME_SUBSCRIPTS or len(compact) > 3:
                return "name", f"{name}_{{{compact}}}"
            if compact in self.table.index_words:
                return "index", (self._symbol(compact),)  # b_{oc}: the document's index oc
            return "index", tuple(self._symbol(letter) for letter in compact)
        if compact.startswith(("\\text", "\\mathrm", "\\operatorname", "\\mathit", "\\textrm")):
            return "name", f"{name}_{{{compact}}}"
        pair = self._delta_pair(name, sub)
        if pair is not None:
            return "index", pair
        values = self._script_values(sub)
        return "index", tuple(values)

    def _delta_pair(self, name: str, sub: Any) -> tuple[Any, Any] | None:
        """``\\delta_{i i'}``, ``\\delta_{j'_{1} j_{1}}``: two indices set apart by a space are
        Kronecker's delta of the two (as symconv's own write-ups print it), not ``δ[i·i']``."""
        if name != "delta" or self.table.kind_of("delta") is not None:
            return None
        if not (isinstance(sub, Tree) and sub.data == "group"):
            return None
        chains = [c for c in sub.children[1].children if isinstance(c, Tree)]
        if len(chains) != 1 or len(chains[0].children) != 1:
            return None
        expr = chains[0].children[0].children[0]
        if expr.data not in ("piece", "factor"):
            return None
        items = self._items_of(expr)
        if len(items) != 2 or any(item.kind != "name" or item.sups or item.bang for item in items):
            return None
        first, second = (self._juxt([item]) for item in items)
        return first, second

    def _name_value(self, name: str, indices: tuple[Any, ...] | None) -> Any:
        if indices is not None:
            if name == "delta" and len(indices) == 2 and self.table.kind_of("delta") is None:
                return sp.KroneckerDelta(*indices)
            base = self.table.object_for(name)
            if not isinstance(base, sp.IndexedBase):
                base = sp.IndexedBase(name)
            self.found.add(f"tensor:{name}")
            return base[indices]
        known = self.table.object_for(name)
        if isinstance(known, sp.Basic) and not isinstance(known, (sp.FunctionClass, sp.Lambda)):
            return known
        if self.table.kind_of(name) is None:
            if name == "e":
                return sp.E
            if name == "pi":
                return sp.pi
        return self._symbol(name)

    def _classify_sup(self, sup: Any) -> tuple[str, Any]:
        if isinstance(sup, Token) and sup.type == "SUP_CHAR":
            if sup.value == "ᵀ":
                return "transpose", None
            return "power", sp.Integer("⁰¹²³⁴⁵⁶⁷⁸⁹".index(sup.value))
        inner = re.sub(r"\s+", "", self._inner(sup))
        if inner in TRANSPOSE_MARKS and self.table.kind_of("T") is None:
            return "transpose", None
        if re.fullmatch(r"(\\prime)+", inner):
            return "primes", inner.count("\\prime")
        order = re.fullmatch(r"\((\d+|[A-Za-z])\)", inner)
        if order:
            return "order", order.group(1)
        if re.fullmatch(r"\([^()]*[A-Za-z][^()]*\)", inner):
            return "extend", inner  # a layer, x^{(l+1)}: part of the name, never a power
        if re.fullmatch(r"[lL](?:[+-]\d+)?", inner) and self.table.kind_of("l") is None:
            return "extend", inner  # a layer written bare, δ^{l+1}, w^l: never a power
        if inner.startswith("[") and inner.endswith("]"):
            return "extend", inner
        if isinstance(sup, Tree) and sup.data == "script_op":
            return "extend", inner
        if inner in ("*", "\\ast", "\\star", "\\dagger", "+", "-"):
            return "extend", inner
        if isinstance(sup, Tree) and sup.data == "group":
            chains = [c for c in sup.children[1].children if isinstance(c, Tree)]
            if len(chains) == 1 and len(chains[0].children) == 1:
                factors = self._shape_factors(chains[0].children[0].children[0])
                if factors is not None:  # R^{m \\times n}
                    return "space", factors
        return "power", self._script_value(sup)

    def _apply_sups(self, value: Any, sups: Sequence[tuple[str, Any]], item: Item) -> Any:
        for kind, payload in sups:
            if kind == "transpose":
                value = self._transpose(value)
            elif kind == "power" and isinstance(value, sp.Set):
                value = nodes.TensorSpace(value, sp.Tuple(payload))
            elif kind == "space":
                if isinstance(value, sp.Set):
                    value = nodes.TensorSpace(value, sp.Tuple(*payload))
                else:
                    value = self._power(value, reduce(self._mul, payload))
            elif kind == "power":
                value = self._power(value, payload)
            elif kind == "primes":
                raise ParseError(f"^\\prime on {value} (not a function) in {self.text!r}")
            elif kind in ("order", "extend"):
                raise ParseError(
                    f"superscript ({payload}) on {value} at column {item.start + 1} of "
                    f"{self.text!r}"
                )
        return value

    def _int_sup(self, item: Item, default: int) -> int:
        if not item.sups:
            return default
        if len(item.sups) > 1:
            raise ParseError(f"two superscripts at column {item.start + 1} of {self.text!r}")
        value = self._script_value(item.sups[0])
        if not (isinstance(value, sp.Integer) and value > 0):
            raise ParseError(f"an order {value} that is not a positive integer in {self.text!r}")
        return int(value)

    def _is_call(self, name: str, paren: Item, forced: bool, item: Item) -> bool:
        kind = self.table.kind_of(name)
        count = len(self._args(paren))
        if kind == "function" or forced or item.roman:
            self.found.add(f"function:{name}")
            return True
        if kind == "tensor" and point_arguments(self._args(paren)):
            # u(x_j, t_n), f(x_i) beside the samples u_j^n, f_i: the function they sample
            self.found.add(f"function:{name}")
            return True
        if kind in ("scalar", "tensor", "operator"):
            if count > 1:
                raise ParseError(
                    f"{name} is declared a {kind} but is applied to {count} arguments in "
                    f"{self.text!r}"
                )
            return False
        if name in ("e", "pi"):
            return False
        if count > 1:
            self.found.add(f"function:{name}")
            return True
        evidence = f"function:{name}"
        if evidence in self.evidence or evidence in self.found:
            return True
        # a name indexed (W[k]) or differentiated by (∂J/∂U) in the segment is a quantity
        quantity = (f"tensor:{name}", f"variable:{name}")
        if any(q in self.evidence or q in self.found for q in quantity):
            return False
        self.missing.update((evidence, *quantity))
        key = f"call:{name}"
        written = self.text[item.start : paren.end]
        self.ambiguities[key] = (
            f"{written!r}: {name} applied to ({self._inner_paren(paren)}), or {name} times it? "
            f"Declare {name} as a function or as a quantity"
        )
        return self.choices.get(key, 0) == 0

    def _inner_paren(self, paren: Item) -> str:
        return self.text[paren.start + 1 : paren.end - 1].strip()

    def _args(self, item: Item) -> list[Any]:
        if item.value is not None and isinstance(item.value, list):
            return list(item.value)
        content = item.tree.children[1]
        values = self._content_values(content, allow_relations=False)
        if not values:
            raise ParseError(f"empty brackets at column {item.start + 1} of {self.text!r}")
        values = self._split_comma_number(content, values)
        item.value = values
        return list(values)

    def _apply_name(self, name: str, args: list[Any], order: Any, item: Item) -> Any:
        spelled = FUNCTION_SPELLING.get(name, name)
        known = self.table.object_for(name)
        if known is not None and (
            isinstance(known, (sp.FunctionClass, sp.Lambda)) or callable(known)
        ):
            function: Any = known
        elif spelled in BUILTIN_FUNCTIONS and self.table.kind_of(name) in (None, "function"):
            function = BUILTIN_FUNCTIONS[spelled]
        else:
            function = sp.Function(name)
        return self._call_value(function, args, order, item)

    def _apply_func_item(self, item: Item, args: list[Any]) -> Any:
        name = item.name
        function: Any = BUILTIN_FUNCTIONS.get(name) or sp.Function(name)
        if name in ("log", "lg", "ln") and item.subs:
            base = self._script_value(item.subs[0])
            if len(args) != 1:
                raise ParseError(f"\\log_{{{base}}} of {len(args)} arguments in {self.text!r}")
            value = sp.log(args[0], base)
        else:
            value = self._call_value(function, args, item.primes, item)
        sups = [self._classify_sup(sup) for sup in item.sups]
        return self._apply_sups(value, sups, item)

    def _call_value(self, function: Any, args: list[Any], order: Any, item: Item) -> Any:
        for arg in args:
            self._check_final(arg, None)
        name = getattr(function, "__name__", str(function))
        args = [
            self._computable(self._arithmetic(arg, f"{name}(...)"), f"{name}(...)") for arg in args
        ]
        try:
            if order == 0:
                return function(*args)
            if len(args) != 1:
                raise ParseError(
                    f"a derivative of order {order} of a function of {len(args)} arguments at "
                    f"column {item.start + 1} of {self.text!r}: which argument?"
                )
            (arg,) = args
            if isinstance(arg, sp.Symbol):
                return sp.Derivative(function(arg), (arg, order), evaluate=False)
            dummy = sp.Dummy("xi")
            return sp.Subs(sp.Derivative(function(dummy), (dummy, order)), dummy, arg)
        except ParseError:
            raise
        except (TypeError, ValueError, AttributeError) as error:
            raise ParseError(
                f"cannot apply {function} to {args} at column {item.start + 1} of {self.text!r}: "
                f"{error}"
            ) from None

    def _postfix_value(self, value: Any, item: Item) -> Any:
        """Apply the superscripts and ``!`` written after a bracket or atom: ``(a+b)^2``."""
        if item.subs:
            if isinstance(value, nodes.Norm) and len(item.subs) == 1:
                return self._apply_sups(
                    nodes.Norm(value.args[0], self._script_value(item.subs[0])),
                    [self._classify_sup(s) for s in item.sups],
                    item,
                )
            entry = self._entry_of(value, item)
            if entry is None:
                raise ParseError(
                    f"a subscript on {value} at column {item.start + 1} of {self.text!r}"
                )
            value = entry
        if item.primes:
            raise ParseError(f"a prime on {value} at column {item.start + 1} of {self.text!r}")
        sups = [self._classify_sup(s) for s in item.sups]
        value = self._apply_sups(value, sups, item)
        if item.bang:
            value = self._factorial(value)
        if item.degree:
            value = in_radians(value)
        if item.percent:
            value = self._scalar(value, "a percentage") / 100
        return value

    def _entry_of(self, value: Any, item: Item) -> Any:
        """``(W * X)_{ij}``, ``(\\mathrm{rot180}(W) \\tilde{\\otimes} X)_{i,j}``: an entry of a
        bracketed formula (a convolution, a product, a sum of tensors), as nndl writes the
        definition of a convolution; None for a subscript on a number, a name in brackets, a
        tuple or a set."""
        if (
            len(item.subs) != 1
            or not isinstance(value, sp.Expr)
            or value.is_Atom
            or value.is_number
            or isinstance(value, (nodes.ListPattern, nodes.Entry, sp.Tuple))
        ):
            return None
        sub = item.subs[0]
        compact = re.sub(r"\s+", "", self._inner(sub))
        if re.fullmatch(r"[A-Za-z]{1,3}", compact):
            indices = [self._symbol(letter) for letter in compact]
        else:
            indices = self._script_values(sub)
        return nodes.Entry(value, *indices)

    def _script_values(self, script: Any) -> list[Any]:
        self._script_depth += 1
        try:
            if isinstance(script, Tree) and script.data == "group":
                return self._content_values(script.children[1], allow_relations=False)
            return [self._script_value(script)]
        finally:
            self._script_depth -= 1

    def _script_value(self, script: Any) -> Any:
        self._script_depth += 1
        try:
            return self._one_script_value(script)
        finally:
            self._script_depth -= 1

    def _one_script_value(self, script: Any) -> Any:
        if isinstance(script, Tree) and script.data == "group":
            values = self._content_values(script.children[1], allow_relations=False)
            if len(values) != 1:
                raise ParseError(f"expected one value in {self._raw(script)!r}")
            return values[0]
        if isinstance(script, Tree) and script.data == "script_op":
            raise ParseError(f"unexpected {self._raw(script)!r} in {self.text!r}")
        items = (
            self._atom_items(script)
            if isinstance(script, Token)
            else [self._font(script)]
            if script.data == "font"
            else self._atom_items(script)
        )
        return self._juxt(items)
