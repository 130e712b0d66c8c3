"""Facts of convolution arithmetic stated in words (symconv.check.conv_words), on small documents
of our own: a right version is confirmed, a mistaken one caught (or at least never confirmed), one
the checker cannot decide stays unverified; the truths are compared with loops that compute a
strided, padded correlation's input gradient (no symconv)."""

from __future__ import annotations

import itertools
import random

import pytest

from symconv.check.conv_facts import ConvWordFacts
from symconv.check.runner import check_text


def worded(document: str, kind: str = "md") -> list[tuple[int, str, str]]:
    """``(line, verdict, message)`` of each fact read from words."""
    report = check_text(document, kind=kind)
    return [
        (j.claim.line, j.verdict, j.message)
        for j in report.judgements
        if isinstance(j.claim.facts, ConvWordFacts)
    ]


def verdict_of(document: str, kind: str = "md") -> str:
    (found,) = worded(document, kind)
    return found[1]


# ----------------------------------------------------------------------------------------------
# Naive references: the input gradient of a 1-D strided, padded correlation
# ----------------------------------------------------------------------------------------------
def correlation(x: list[int], w: list[int], stride: int, padding: int) -> list[int]:
    padded = [0] * padding + x + [0] * padding
    k = len(w)
    outputs = (len(padded) - k) // stride + 1
    return [sum(w[t] * padded[j * stride + t] for t in range(k)) for j in range(outputs)]


def input_gradient(n: int, w: list[int], g: list[int], stride: int, padding: int) -> list[int]:
    """∂(Σ_j g_j y_j)/∂x_i by the chain rule over every window that reads x_i."""
    k = len(w)
    found = [0] * n
    for j, gj in enumerate(g):
        for t in range(k):
            i = j * stride + t - padding
            if 0 <= i < n:
                found[i] += gj * w[t]
    return found


def backward_by_correlation(
    n: int, w: list[int], g: list[int], zeros: int, around: int
) -> list[int] | None:
    """The flipped kernel correlated with ``g`` stretched by ``zeros`` between entries and
    padded by ``around`` before (and after, as far as needed): the first n outputs."""
    stretched: list[int] = []
    for index, value in enumerate(g):
        if index:
            stretched.extend([0] * zeros)
        stretched.append(value)
    if around < 0:
        return None
    padded = [0] * around + stretched + [0] * (around + len(w))
    flipped = w[::-1]
    k = len(w)
    if len(padded) - k + 1 < n:
        return None
    return [sum(flipped[t] * padded[i + t] for t in range(k)) for i in range(n)]


def reference_backward(n: int, k: int, stride: int, padding: int) -> tuple[int, int]:
    """The padding around and the zeros between the gradient's entries that make the correlation
    of the flipped kernel the input gradient (found by trying them, on random numbers)."""
    rng = random.Random(n * 1000 + k * 100 + stride * 10 + padding)
    w = [rng.randint(1, 9) for _ in range(k)]
    x = [rng.randint(1, 9) for _ in range(n)]
    outputs = len(correlation(x, w, stride, padding))
    g = [rng.randint(1, 9) for _ in range(outputs)]
    truth = input_gradient(n, w, g, stride, padding)
    for zeros, around in itertools.product(range(0, 4), range(0, 6)):
        if backward_by_correlation(n, w, g, zeros, around) == truth:
            return around, zeros
    raise AssertionError("no padding reproduces the gradient")


GEOMETRIES = [
    (n, k, s, p)
    for n, k, s, p in itertools.product((6, 7), (2, 3, 5), (1, 2, 3), (0, 1))
    if p < k and n + 2 * p >= k
]


@pytest.mark.parametrize("n,k,s,p", GEOMETRIES)
def test_the_backward_padding_and_stretch_are_those_of_loops(n, k, s, p):
    around, zeros = reference_backward(n, k, s, p)
    data = (
        f"We convolve a ${n} \\times {n}$ input with a ${k} \\times {k}$ kernel, a padding of "
        f"{p} and a stride of {s}.\n\n"
    )
    said = data + f"In the backward pass the gradient is padded with {around} zeros on each side.\n"
    assert verdict_of(said) == "right"
    for other in (around + 1, around + 2, max(around - 1, 0)):
        if other == around:
            continue
        verdict = verdict_of(
            data + f"In the backward pass the gradient is padded with {other} zeros on each side.\n"
        )
        # k − 1 is the gradient of the padded input (then cropped): not a mistake, not proved
        assert verdict == ("unverified" if other == k - 1 and p else "wrong")
    if s > 1 and (n + 2 * p - k) // s >= 1:  # two outputs at least: entries to put zeros between
        stretched = data + f"The gradient's entries get {zeros} zeros between them.\n"
        assert verdict_of(stretched) == "right"
        wrong = data + f"The gradient's entries get {zeros + 1} zeros between them.\n"
        assert verdict_of(wrong) == "wrong"


# ----------------------------------------------------------------------------------------------
# Zeros around the gradient
# ----------------------------------------------------------------------------------------------
KERNEL = "We convolve a $5 \\times 5$ input with a $3 \\times 3$ kernel at stride 1.\n\n"


def test_backward_padding_of_the_kernel_in_force_is_confirmed():
    document = KERNEL + "In the backward pass the output gradient is zero-padded with 2 zeros."
    ((line, verdict, message),) = worded(document)
    assert (line, verdict) == (3, "right")
    assert "3 × 3 kernel of line 1" in message


def test_backward_padding_in_letters():
    assert verdict_of("Pad the gradient with $k - 1$ zeros on each side.\n") == "right"
    assert verdict_of("Pad the gradient with $k - p - 1$ zeros on each side.\n") == "right"
    assert verdict_of("Pad the gradient with $k$ zeros on each side.\n") == "wrong"
    assert verdict_of("Pad the gradient with $k + 1$ zeros on each side.\n") == "wrong"


def test_rows_and_columns_of_a_filter_named_in_letters():
    document = (
        "- Flip the $k_h \\times k_w$ filter.\n"
        "- Zero-pad the derivative w.r.t. $Z$ by adding $k_h - 1$ rows on top and bottom and "
        "$k_w - 1$ columns on the left and right.\n"
    )
    assert worded(document)[0][:2] == (2, "right")
    swapped = document.replace("$k_h - 1$ rows", "$k_w - 1$ rows").replace(
        "$k_w - 1$ columns", "$k_h - 1$ columns"
    )
    assert worded(swapped)[0][1] == "wrong"


def test_too_many_zeros_is_wrong_and_too_few_needs_the_forward_padding():
    assert verdict_of(KERNEL + "In the backward pass the gradient is padded with 3 zeros.") == (
        "wrong"
    )
    too_few = KERNEL + "In the backward pass the gradient is padded with 1 zero."
    ((_, verdict, message),) = worded(too_few)
    assert verdict == "unverified" and "forward padding" in message
    stated = KERNEL.replace("at stride 1", "at stride 1 with no padding")
    assert verdict_of(stated + "In the backward pass the gradient is padded with 1 zero.") == (
        "wrong"
    )


def test_a_padding_without_a_kernel_stays_unverified():
    ((_, verdict, message),) = worded("In the backward pass the gradient is padded with 2 zeros.")
    assert verdict == "unverified" and "kernel size" in message


def test_a_full_convolution_pads_k_minus_one():
    assert verdict_of("A 'full' convolution pads the input with $k - 1$ zeros.\n") == "right"
    assert verdict_of("A 'full' convolution pads the input with $k$ zeros.\n") == "wrong"


def test_padding_sentences_that_are_not_the_backward_pass_state_nothing():
    assert not worded(
        KERNEL + "We pad the input image with 3 zeros so that the gradients reach the border."
    )
    assert not worded(
        KERNEL + "We pad the input image with 3 zeros on each side before the forward pass."
    )
    assert not worded(
        KERNEL + "The gradient of a convolution with a padding of 4 is another convolution."
    )
    assert not worded(KERNEL + "The transposed convolution with padding 1 doubles the size.")


# ----------------------------------------------------------------------------------------------
# Zeros between the entries
# ----------------------------------------------------------------------------------------------
def test_zeros_between_the_gradient_entries_follow_the_stride():
    strided = "The forward convolution has stride 2.\n\n"
    assert (
        verdict_of(strided + "In the backward pass one zero goes between the gradient's entries.")
        == "right"
    )
    assert (
        verdict_of(strided.replace("2", "3") + "We insert one zero between the gradient's entries.")
        == "wrong"
    )
    assert (
        verdict_of("For a stride $s$, insert $s - 1$ zeros between the gradient's entries.")
        == "right"
    )
    assert (
        verdict_of("For a stride $s$, insert $s$ zeros between the gradient's entries.") == "wrong"
    )
    assert (
        verdict_of("In the backward pass we insert zeros between the gradient's entries.")
        == "unverified"
    )


def test_a_hypothetical_stride_is_every_stride_above_one():
    document = (
        "The stride of our convolution is 1. If we had used a different stride, the transposed "
        "convolution would change: we would also add zeros in between the elements of the "
        "gradient.\n"
    )
    ((_, verdict, message),) = worded(document)
    assert verdict == "right" and "s ≥ 2" in message
    # what the stride in force (1) would say is not what this sentence says
    counted = document.replace("add zeros", "add two zeros")
    assert verdict_of(counted) == "unverified"


def test_a_stride_of_one_beside_zeros_between_is_the_fractional_convolution():
    document = (
        "The stride is 2. The transposed convolution has zeros between the entries of its input, "
        "and we slide the kernel over them with a stride of 1.\n"
    )
    assert verdict_of(document) == "right"


def test_holes_of_a_dilated_kernel():
    assert (
        verdict_of("With a dilation of 2, one zero goes between neighbouring kernel entries.")
        == "right"
    )
    assert (
        verdict_of("With a dilation of 3, one zero goes between neighbouring kernel entries.")
        == "wrong"
    )
    assert not worded("One zero goes between neighbouring kernel entries.")


# ----------------------------------------------------------------------------------------------
# What a padding adds
# ----------------------------------------------------------------------------------------------
def test_what_a_padding_adds():
    assert verdict_of("If the padding is 2 you add 4 to the height and to the width.") == "right"
    assert verdict_of("A padding of 1 adds 1 to each side.") == "right"
    assert verdict_of("A padding $p$ adds $2p$ to the height and the width.") == "right"
    assert verdict_of("If the padding is 2 you add 8 to the width.") == "wrong"
    # p on a size: right only if the padding counts both sides, as the document's formula says
    assert verdict_of("If the padding is 2 you add 2 to the height.") == "unverified"
    formula = "The output size is $\\lfloor (n + 2p - k)/s \\rfloor + 1$.\n\n"
    assert verdict_of(formula + "If the padding is 2 you add 2 to the height.") == "wrong"


# ----------------------------------------------------------------------------------------------
# "same" padding
# ----------------------------------------------------------------------------------------------
def test_same_padding_in_general():
    assert verdict_of("With 'same' padding the output size is $\\lceil n/s \\rceil$.") == "right"
    assert verdict_of("With 'same' padding the output size is $\\lfloor n/s \\rfloor$.") == "wrong"
    assert verdict_of('With "same" padding the output size is INPUT_SIZE/STRIDE.') == "unverified"


SAME_TABLE = (
    "## Layers\n\n"
    "|        | type      | kernel size | stride | padding |\n"
    "|--------|-----------|-------------|--------|---------|\n"
    '| conv1  | Conv2D    | (3,3)       | (1,1)  | "same" |\n'
    '| pool1  | MaxPool2D | (2,2)       | (2,2)  | "same" |\n'
    '| conv2  | Conv2D    | (3,3)       | (1,1)  | "same" |\n\n'
    "### Sizes\n\n"
    'As the padding is "same", each output size is INPUT_SIZE/STRIDE_SIZE.\n\n'
    "|        | Input size | Output size |\n"
    "|--------|------------|-------------|\n"
    "| conv1  | ({n},{n})  | ({n},{n})   |\n"
    "| pool1  | ({n},{n})  | ({m},{m})   |\n"
    "| conv2  | ({m},{m})  | ({m},{m})   |\n"
)


def test_same_padding_for_the_layers_of_the_document():
    exact = SAME_TABLE.format(n=32, m=16)
    ((_, verdict, message),) = worded(exact)
    assert verdict == "right" and "32/2 = 16" in message
    odd = SAME_TABLE.format(n=31, m=16)
    ((_, verdict, message),) = worded(odd)
    assert verdict == "wrong" and "⌈31/2⌉ = 16" in message


# ----------------------------------------------------------------------------------------------
# Rounding
# ----------------------------------------------------------------------------------------------
def test_rounding_of_an_output_size():
    assert verdict_of("If the output width is not an integer, it is floored.") == "right"
    assert verdict_of("If the output width is not an integer, it is rounded up.") == "wrong"
    assert verdict_of("The output size is rounded to the nearest integer if it is a fraction.") == (
        "wrong"
    )
    assert verdict_of("For pooling, an output size that is not an integer is rounded up.") == (
        "unverified"
    )


# ----------------------------------------------------------------------------------------------
# Names of one quantity
# ----------------------------------------------------------------------------------------------
def test_names_of_one_quantity():
    assert verdict_of("out_channels = number of filters = output depth\n") == "right"
    assert verdict_of("The number of output channels is equal to the number of filters.") == "right"
    assert verdict_of("in_channels = number of filters\n") == "wrong"
    assert verdict_of("The output depth is equal to the input depth.") == "wrong"
    assert not worded("in_channels = 3, out_channels = 16\n")  # this layer's values, not names
    assert not worded("out_channels = number of filters / something else\n")
    # equal under "same" padding, in a pooling or depthwise layer: no names of one quantity
    assert not worded("input size = output size\n")
    assert not worded(
        "A pooling layer works per channel. The output depth is equal to the input depth."
    )
    assert not worded("In a depthwise convolution the output depth is equal to the input depth.")


# ----------------------------------------------------------------------------------------------
# The size of the backward convolution a section describes
# ----------------------------------------------------------------------------------------------
PROCEDURE = (
    "- Flip the $k_h \\times k_w$ filter.\n"
    "- Zero-pad the derivative w.r.t. $Z$ by adding $k_h - 1$ rows on top and bottom and "
    "$k_w - 1$ columns on the left and right.\n\n"
    "Then convolve with stride 1. The size of the $X$ derivative map is SIZE, where $m_h$ and "
    "$m_w$ are the height and width of the $Z$ map.\n"
)


def test_the_size_of_the_backward_convolution():
    right = PROCEDURE.replace("SIZE", "$(m_h + k_h - 1) \\times (m_w + k_w - 1)$")
    assert worded(right)[-1][:2] == (4, "right")
    wrong = PROCEDURE.replace("SIZE", "$(m_h + k_h) \\times (m_w + k_w)$")
    assert worded(wrong)[-1][:2] == (4, "wrong")
    strideless = right.replace("Then convolve with stride 1. ", "")
    assert worded(strideless)[-1][:2] == (4, "unverified")
    other_map = right.replace("of the $Z$ map", "of the $X$ map")
    assert len(worded(other_map)) == 1  # only the padding: the size is of another map


# ----------------------------------------------------------------------------------------------
# The gradient a strided convolution's backward pass stretches
# ----------------------------------------------------------------------------------------------
NAMES = (
    "The $3 \\times 3$ filter $K$ slides over the input map $X$ and gives the output map $O$.\n\n"
    "For stride > 1 we adjust the backward pass as follows:\n\n"
)


def test_the_output_gradient_is_upsampled_never_the_kernel_gradient():
    assert verdict_of(NAMES + "- Upsample the $O$ derivatives.\n") == "right"
    assert verdict_of(NAMES + "- Insert zeros in the empty slots.\n") == "right"
    ((_, verdict, message),) = worded(
        NAMES + "- $\\frac{\\partial L}{\\partial K}$ must be upsampled.\n"
    )
    assert verdict == "wrong" and "kernel's size" in message
    # a name the document gives no role
    assert verdict_of(NAMES + "- Upsample the $Q$ derivatives.\n") == "unverified"
    # at stride 1 nothing is stretched: not claimed right
    unstrided = NAMES.replace("For stride > 1 we", "With stride 1 we")
    assert verdict_of(unstrided + "- Upsample the $O$ derivatives.\n") == "unverified"


def test_upsampling_without_a_gradient_states_nothing():
    assert not worded("The decoder upsamples the feature maps by a factor of 2.\n")


# ----------------------------------------------------------------------------------------------
# A dilated kernel's extent, a stack's receptive field
# ----------------------------------------------------------------------------------------------
def span_of_taps(k: int, d: int) -> int:
    """The columns a k-tap kernel with d − 1 holes between taps touches, counted."""
    touched = {d * tap for tap in range(k)}
    return max(touched) - min(touched) + 1


def field_of_stack(kernels_and_strides: list[tuple[int, int]]) -> int:
    """The inputs one output of a stack sees: follow its window back layer by layer."""
    low = high = 0
    for k, s in reversed(kernels_and_strides):
        low, high = low * s, high * s + k - 1
    return high - low + 1


@pytest.mark.parametrize("k,d", [(3, 2), (3, 3), (5, 2), (2, 4)])
def test_a_dilated_kernels_extent_is_the_span_of_its_taps(k, d):
    span = span_of_taps(k, d)
    said = f"A ${k} \\times {k}$ kernel with dilation {d} covers a ${{e}} \\times {{e}}$ region."
    assert verdict_of(said.format(e=span)) == "right"
    assert verdict_of(said.format(e=span + 1)) == "wrong"
    assert verdict_of(said.format(e=k * d)) == ("right" if k * d == span else "wrong")


def test_an_extent_without_a_dilation_value_states_nothing():
    assert not worded("A dilated $3 \\times 3$ kernel covers a larger region than a plain one.")


@pytest.mark.parametrize("layers,k", [(2, 3), (3, 3), (2, 5), (4, 2)])
def test_a_stacks_receptive_field_is_what_its_windows_see(layers, k):
    field = field_of_stack([(k, 1)] * layers)
    words = {2: "Two", 3: "Three", 4: "Four"}[layers]
    said = f"{words} stacked {k}x{k} convolutions have a receptive field of {{r}}x{{r}}."
    assert verdict_of(said.format(r=field)) == "right"
    assert verdict_of(said.format(r=field - 1)) == "wrong"  # strides only widen it
    # a wider field is that of larger strides: with no stride stated, not decided
    strided = field_of_stack([(k, 2)] * (layers - 1) + [(k, 1)])
    assert verdict_of(said.format(r=strided)) == "unverified"
    pinned = said.replace("convolutions have", "convolutions with stride 1 have")
    assert verdict_of(pinned.format(r=strided)) == "wrong"


def test_the_same_receptive_field_as_one_larger_kernel():
    assert verdict_of(
        "Two stacked 3×3 convolutions have the same receptive field as one 5×5 convolution."
    ) == ("right")
    assert verdict_of(
        "Two stacked 3×3 convolutions have the same receptive field as one 7×7 convolution."
    ) == ("unverified")  # 7 is the field of a stride of 2 between them
    assert verdict_of("Stacking two 3×3 layers gives a receptive field of 6×6.") == "wrong"


def test_each_count_of_a_stack_said_in_one_sentence_is_judged():
    said = (
        "Two stacked 3×3 convolutions (stride 1) have a receptive field of 5×5, and three have {r}."
    )
    assert [v for _, v, _ in worded(said.format(r="7×7"))] == ["right", "right"]
    assert [v for _, v, _ in worded(said.format(r="9×9"))] == ["right", "wrong"]
    chinese = "两层 $3\\times3$ 卷积\uff08步长 1\uff09的感受野是 $5\\times5$\uff0c三层是 ${r}$。"
    assert [v for _, v, _ in worded(chinese.format(r="7\\times7"))] == ["right", "right"]
    assert [v for _, v, _ in worded(chinese.format(r="8\\times8"))] == ["right", "wrong"]
    assert verdict_of("三层 $3\\times3$ 卷积的感受野是 $7\\times7$。") == "right"
    assert verdict_of("Three stacked 3×3 convs: receptive field 7×7.") == "right"
    # 第二层: the second layer, not two of them
    assert not worded("第二层 $3\\times3$ 卷积的感受野是 $5\\times5$。")


def test_a_stacks_field_as_a_formula_in_its_number_of_layers():
    said = "The receptive field of $L$ stacked 3×3 convolutions is ${f}$."
    assert verdict_of(said.format(f="2L+1")) == "right"
    assert verdict_of(said.format(f="1 + 2L")) == "right"
    assert verdict_of(said.format(f="3L")) == "wrong"  # L = 2: 6, which no strides give
    # 2L + 3 is what strides above 1 give at each count tried: not decided without a stride
    assert verdict_of(said.format(f="4L-1")) == "unverified"
    pinned = said.replace("convolutions is", "convolutions with stride 1 is")
    assert verdict_of(pinned.format(f="4L-1")) == "wrong"
    # a kernel in letters is a formula's (the receptive field formula's reader), not this one's
    assert not worded(
        "The receptive field of $L$ stacked $K \\times K$ convolutions is $1 + L(K-1)$."
    )


def test_a_stacks_weights_are_judged_beside_its_field():
    said = (
        "Three stacked 3×3 convs: receptive field 7×7, with ${n}$ parameters against ${m}$ for "
        "a single 7×7 layer."
    )
    assert [v for _, v, _ in worded(said.format(n="27C^2", m="49C^2"))] == ["right"] * 3
    assert [v for _, v, _ in worded(said.format(n="18C^2", m="49C^2"))] == [
        "right", "wrong", "right"
    ]  # fmt: skip
    biased = worded(said.format(n="27C^2 + 3C", m="49C^2 + C"))
    assert [v for _, v, _ in biased] == ["right"] * 3
    # channels that change along the stack (C to 2C): the count is not C² per layer
    assert len(worded(said.format(n="27C^2", m="49C^2") + " It maps $C$ to $2C$ channels.")) == 3
    changed = "Three stacked 3×3 convs map $C$ to $2C$ channels with $54C^2$ parameters."
    assert [v for _, v, _ in worded(changed)] == []
    # in Chinese, and a stack's weights said without its field
    chinese = (
        "两个 $3\\times3$ 的卷积层的感受野是 $5\\times5$\uff0c参数量为 ${n}$\uff0c"
        "而一个 $5\\times5$ 卷积层的参数量为 ${m}$。"
    )
    assert [v for _, v, _ in worded(chinese.format(n="18C^2", m="25C^2"))] == ["right"] * 3
    assert [v for _, v, _ in worded(chinese.format(n="9C^2", m="25C^2"))] == [
        "right", "wrong", "right"
    ]  # fmt: skip
    assert verdict_of("三层 $3\\times3$ 卷积的参数量是 $27C^2$。") == "right"
    assert verdict_of("Three stacked 3×3 convolutions have $36C^2$ weights.") == "wrong"
    assert not worded("Three stacked 3×3 convolutions have $9C^2$ weights each.")


def test_the_fields_strides_reach_are_those_of_loops():
    from symconv.check.judges.conv_words import _strides_reach

    for layers, k in itertools.product((1, 2, 3), (1, 2, 3, 5)):
        reached = {
            field_of_stack([(k, s) for s in strides] + [(k, 1)])
            for strides in itertools.product(range(1, 41), repeat=layers - 1)
        }  # a field below 40 needs no stride above 39
        for field in range(1, 40):
            assert _strides_reach(field, k, layers) == (field in reached), (field, k, layers)


# ----------------------------------------------------------------------------------------------
# The sizes of a convolution said in one sentence, and of its transpose
# ----------------------------------------------------------------------------------------------
def valid_size(n: int, k: int, s: int) -> int:
    """The windows of k inputs, s apart, that fit in n inputs, counted."""
    return sum(1 for start in range(0, n, s) if start + k <= n)


def test_sizes_of_a_convolution_said_of_a_gradient_map():
    said = (
        "To get the ${r} \\times {r}$ result we convolve the $2 \\times 2$ matrix over the "
        "${n} \\times {n}$ input."
    )
    assert verdict_of(said.format(r=valid_size(4, 2, 1), n=4)) == "right"
    # another result needs a stride or a padding the sentence does not state
    assert verdict_of(said.format(r=valid_size(5, 2, 2), n=5)) == "unverified"
    strided = "The stride is 2.\n\n" + said
    assert verdict_of(strided.format(r=valid_size(5, 2, 2), n=5)) == "right"
    unpadded = "The stride is 1 and there is no padding.\n\n" + said
    assert verdict_of(unpadded.format(r=valid_size(5, 2, 1) + 1, n=5)) == "wrong"


TRANSPOSED = (
    "We use a ${k} \\times {k}$ kernel and stride {s}. If a convolution produces ${o} \\times {o}$"
    " maps given ${i} \\times {i}$ maps, the transposed convolution produces ${b} \\times {b}$ "
    "maps given ${o} \\times {o}$ maps.\n"
)


@pytest.mark.parametrize("i,k,s", [(4, 3, 1), (5, 3, 2), (6, 3, 2), (7, 2, 3)])
def test_a_transposed_convolution_maps_the_output_size_back(i, k, s):
    o = valid_size(i, k, s)
    assert verdict_of(TRANSPOSED.format(k=k, s=s, o=o, i=i, b=i)) == "right"
    assert verdict_of(TRANSPOSED.format(k=k, s=s, o=o, i=i, b=i + 1)) == "wrong"


def test_a_transposed_convolution_without_its_kernel_stays_unverified():
    without = TRANSPOSED.split(". ", 1)[1]
    assert verdict_of(without.format(o=2, i=4, b=4)) == "unverified"
