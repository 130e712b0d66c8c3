"""The rule table (:mod:`symconv.rules.table`): every operation's index-form forward, its
backward passes (derived, stored readable, proven) and LaTeX; the families live in
:mod:`~symconv.rules.conv`, :mod:`~symconv.rules.pooling`, :mod:`~symconv.rules.structural`,
:mod:`~symconv.rules.normalization`, :mod:`~symconv.rules.activations` and
:mod:`~symconv.rules.losses`.

    >>> from symconv.rules import all_rules
    >>> len(all_rules()) >= 30
    True
"""

from symconv.rules.activations import softmax_jacobian_derivation
from symconv.rules.conv import (
    conv_gradients,
    conv_rule,
    forward_backward_transpose_derivation,
)
from symconv.rules.pooling import argmax_gradient_derivation, max_gradient_derivation
from symconv.rules.table import DOMAINS, FAMILIES, RULES, Rule, all_rules, get_rule, register

__all__ = [
    "DOMAINS",
    "FAMILIES",
    "RULES",
    "Rule",
    "all_rules",
    "argmax_gradient_derivation",
    "conv_gradients",
    "conv_rule",
    "forward_backward_transpose_derivation",
    "get_rule",
    "max_gradient_derivation",
    "register",
    "softmax_jacobian_derivation",
]
