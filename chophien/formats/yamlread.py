"""How standard YAML parsers read a plain scalar: YAML 1.2 core (the CMS), YAML 1.1 (PyYAML, GitHub).

The strict loader (chophien/formats/strictyaml.py) reads every value as text. Every other tool a
volunteer meets reads YAML with a standard parser: the CMS (Decap uses the npm `yaml` package,
YAML 1.2 core schema), GitHub, editors, scripts (PyYAML and Ruby's Psych: YAML 1.1). Those give
a plain `450.000` the number 450, `0912345678` the number 912345678, `yes` the value true (1.1)
or the text "yes" (1.2). The writer (yamlwrite) writes text plain only when `reads_as_text`;
the catalogue's canonical forms (chophien/catalogue/canonical.py) compare these readings with
the loader's.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import yaml

# YAML 1.2 core schema, as the npm `yaml` package (Decap CMS's parser, v1 and v2) resolves it;
# tests/catalogue/test_canonical.py checks these against that package under Node.js.
_NULL_12 = re.compile(r"~|null|Null|NULL|")
_BOOL_12 = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_OCT_12 = re.compile(r"0o([0-7]+)")
_INT_12 = re.compile(r"[-+]?[0-9]+")
_HEX_12 = re.compile(r"0x([0-9a-fA-F]+)")
_FLOAT_12 = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INF_12 = re.compile(r"([-+]?)\.(?:inf|Inf|INF)")
_NAN_12 = re.compile(r"\.(?:nan|NaN|NAN)")


def read_12(text: str):
    """The value a YAML 1.2 core-schema parser gives the plain scalar *text*."""
    if _NULL_12.fullmatch(text):
        return None
    if text in _BOOL_12:
        return _BOOL_12[text]
    for pattern, base in ((_OCT_12, 8), (_HEX_12, 16)):
        match = pattern.fullmatch(text)
        if match:
            return int(match.group(1), base)
    if _INT_12.fullmatch(text):
        return int(text)
    match = _INF_12.fullmatch(text)
    if match:
        return -math.inf if match.group(1) == "-" else math.inf
    if _NAN_12.fullmatch(text):
        return math.nan
    if _FLOAT_12.fullmatch(text):
        return float(text)
    return text


# Decap CMS adds one tag of its own to the core schema (decap-cms-core src/formats/yaml.ts).
_DECAP_TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2}(\.[0-9]+)?)Z"
)


def read_cms(text: str):
    """The value Decap CMS gives the plain scalar *text*: YAML 1.2 core, and UTC timestamps as dates."""
    if _DECAP_TIMESTAMP.fullmatch(text):
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return read_12(text)


_RESOLVER_11 = yaml.resolver.Resolver()


def read_11(text: str):
    """The value a YAML 1.1 parser (PyYAML's safe loader, as GitHub and scripts use) gives *text*."""
    tag = _RESOLVER_11.resolve(yaml.ScalarNode, text, (True, False))
    if tag == "tag:yaml.org,2002:str":
        return text
    node = yaml.ScalarNode(tag, text)
    try:
        return yaml.SafeLoader("").construct_object(node)
    except (yaml.YAMLError, ValueError):
        return text


def reads_as_text(text: str) -> bool:
    """True when every standard parser reads the plain scalar *text* as that same text."""
    return read_cms(text) == text and read_11(text) == text
