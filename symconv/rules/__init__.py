"""The rule table (:mod:`symconv.rules.table`) and its families."""

from symconv.rules.table import DOMAINS, FAMILIES, RULES, Rule, all_rules, get_rule, register

__all__ = ["DOMAINS", "FAMILIES", "RULES", "Rule", "all_rules", "get_rule", "register"]
