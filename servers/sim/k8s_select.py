"""Label and field selectors and `limit`/`continue` pagination, as the Kubernetes API server applies them.

Continue tokens are base64 JSON `{"v": "meta.k8s.io/v1", "rv": <resourceVersion>, "start": "<key>\\x00"}`
like the API server's; the list resumes after the key and is read at the token's resourceVersion, so every
page of a paginated list comes from the same snapshot.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from typing import Any

__all__ = ["SelectorError", "decode_continue", "encode_continue", "field_selector", "label_selector", "object_key"]

Predicate = Callable[[dict[str, Any]], bool]
_LABEL_TERM = re.compile(
    r"^\s*(?:(?P<notexists>!)\s*(?P<nk>[\w./-]+)|(?P<key>[\w./-]+)\s*(?:(?P<op>==|=|!=)\s*(?P<value>[\w./-]*)"
    r"|\s+(?P<setop>in|notin)\s*\((?P<values>[^)]*)\))?)\s*$"
)


class SelectorError(ValueError):
    """A malformed selector or continue token (HTTP 400 BadRequest)."""


def _split(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [*parts, current] if current.strip() else parts


def _label_test(m: re.Match[str]) -> Callable[[dict[str, str]], bool]:
    key = m["nk"] or m["key"]
    if m["notexists"]:
        return lambda labels: key not in labels
    if m["setop"]:
        values = {v.strip() for v in m["values"].split(",")}
        inside = m["setop"] == "in"
        return lambda labels: (labels.get(key) in values) == inside
    if m["op"]:
        value, equal = m["value"], m["op"] != "!="
        return lambda labels: (labels.get(key) == value) == equal
    return lambda labels: key in labels


def label_selector(text: str) -> Predicate:
    """A predicate on objects for `labelSelector` (=, ==, !=, in, notin, key, !key)."""
    tests = []
    for term in _split(text):
        m = _LABEL_TERM.match(term)
        if m is None:
            raise SelectorError(f"unable to parse requirement: found '{term.strip()}', expected: identifier")
        tests.append(_label_test(m))

    def match(obj: dict[str, Any]) -> bool:
        labels = obj.get("metadata", {}).get("labels") or {}
        return all(test(labels) for test in tests)

    return match


def _field(obj: dict[str, Any], path: str) -> str | None:
    value: Any = obj
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return None if isinstance(value, dict | list) else "" if value is None else str(value)


def field_selector(text: str, sample: dict[str, Any] | None) -> Predicate:
    """A predicate for `fieldSelector` (`path=value`, `path==value`, `path!=value`, comma-separated)."""
    tests: list[tuple[str, str, bool]] = []
    for term in _split(text):
        m = re.match(r"^\s*([\w.]+)\s*(==|=|!=)\s*(.*?)\s*$", term)
        if m is None:
            raise SelectorError(f"invalid selector: '{text}'; can't understand '{term}'")
        path = m[1]
        if sample is not None and path not in ("metadata.name", "metadata.namespace") and _field(sample, path) is None:
            raise SelectorError(f'"{path}" is not a known field selector: only "metadata.name", "metadata.namespace"')
        tests.append((path, m[3], m[2] != "!="))

    def match(obj: dict[str, Any]) -> bool:
        return all((_field(obj, path) == value) == equal for path, value, equal in tests)

    return match


def object_key(obj: dict[str, Any]) -> str:
    """The etcd-like sort key of an object: `namespace/name` (or `name`)."""
    m = obj["metadata"]
    return f"{m.get('namespace', '')}/{m['name']}" if m.get("namespace") else str(m["name"])


def encode_continue(rv: str, key: str) -> str:
    """A continue token resuming after `key` at resourceVersion `rv`."""
    body = json.dumps({"v": "meta.k8s.io/v1", "rv": int(rv), "start": key + "\x00"}, separators=(",", ":"))
    return base64.b64encode(body.encode()).decode()


def decode_continue(token: str) -> tuple[str, str]:
    """(resourceVersion, start key) of a continue token; raises `SelectorError` when it is not one."""
    try:
        body = json.loads(base64.b64decode(token, validate=True))
        if body.get("v") != "meta.k8s.io/v1" or not isinstance(body.get("rv"), int):
            raise ValueError("incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
        return str(body["rv"]), str(body["start"])
    except (binascii.Error, ValueError, TypeError, AttributeError, KeyError) as exc:
        raise SelectorError(f"continue key is not valid: {exc}") from None
