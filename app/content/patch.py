"""Field-level patches between two resolved views of one entity (issue #13): what a phone that
holds the previous view needs to make the new one, instead of the whole new view.

A patch is a JSON list of ops, applied in order; ``path`` is a list of dict keys (strings)
and list indices (integers) from the document's root, and must already exist:

- ``[path, value]``: replace the value at ``path`` with ``value`` (``[]`` replaces the root).
- ``[path, at, delete, insert, length]``: one splice of the string at ``path``: the text was
  ``length`` long; ``delete`` characters from ``at`` are replaced by ``insert``. Lengths and
  positions count UTF-16 code units, as JavaScript strings do.

Dicts with the same keys and lists of the same length are compared member by member;
anything else that differs is replaced whole. A string gets a splice (its common prefix and
suffix trimmed) when that is shorter than the new string. The applier (the PWA's
``frontend/js/delta.js`` ``applyPatch``) refuses a path that is missing or of another type,
and a splice whose text is not ``length`` long or whose span is beyond it: then the phone
downloads the bundle again. Applied to the new view instead of the previous one (a phone
that already got it), a patch either gives the new view again or is refused: replacements
are idempotent, and a splice either changes the length (refused) or writes the same span
again.
"""

import json
from typing import Any

Path = list[str | int]
Op = list[Any]


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def dumps(value: Any) -> str:
    """Compact JSON, as stored and (before compression) as sent."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _splice(path: Path, old: str, new: str) -> Op:
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0  # common suffix, not overlapping the prefix
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    deleted, inserted = old[start : len(old) - end], new[start : len(new) - end]
    return [path, _utf16(old[:start]), _utf16(deleted), inserted, _utf16(old)]


def _diff(old: Any, new: Any, path: Path, ops: list[Op]) -> None:
    if isinstance(old, dict) and isinstance(new, dict) and old.keys() == new.keys():
        for key in new:
            _diff(old[key], new[key], [*path, key], ops)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            _diff(a, b, [*path, index], ops)
    elif type(old) is type(new) and old == new:  # True == 1 in Python, not in JSON
        return
    elif isinstance(old, str) and isinstance(new, str):
        splice = _splice(path, old, new)
        ops.append(splice if len(dumps(splice)) < len(dumps([path, new])) else [path, new])
    else:
        ops.append([path, new])


def make_patch(old: Any, new: Any) -> list[Op]:
    """The ops that turn ``old`` into ``new`` (both JSON-like: dict, list, str, int, float,
    bool, None); ``[]`` when they are equal."""
    ops: list[Op] = []
    _diff(old, new, [], ops)
    return ops
