"""Issue #13: field-level patches between two resolved views (app/content/patch.py), and the
PWA's applier (frontend/js/delta.js applyPatch) agreeing with them on random documents."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.content.patch import dumps, make_patch
from app.core.config import PROJECT_ROOT


class Unapplied(Exception):
    pass


def _utf16(text: str) -> str:
    return text.encode("utf-16-le").decode("latin-1")  # two "characters" per code unit


def _at(doc: Any, path: list[Any], change: Any) -> Any:
    """``doc`` with the value at ``path`` replaced by ``change(value)``, as delta.js does."""
    if not path:
        return change(doc)
    key, rest = path[0], path[1:]
    if isinstance(doc, list) and type(key) is int and 0 <= key < len(doc):
        return [*doc[:key], _at(doc[key], rest, change), *doc[key + 1 :]]
    if isinstance(doc, dict) and isinstance(key, str) and key in doc:
        return {**doc, key: _at(doc[key], rest, change)}
    raise Unapplied(path)


def _splice(text: Any, at: int, delete: int, insert: str, length: int) -> str:
    if not isinstance(text, str) or len(_utf16(text)) != 2 * length or at + delete > length:
        raise Unapplied(text)
    units = _utf16(text)
    out = units[: 2 * at] + _utf16(insert) + units[2 * (at + delete) :]
    return out.encode("latin-1").decode("utf-16-le")


def apply_patch(doc: Any, ops: list[Any]) -> Any:
    """A reference applier for the server's tests (the phone's is delta.js applyPatch)."""
    for op in ops:
        if len(op) == 2:
            doc = _at(doc, op[0], lambda _old, new=op[1]: new)
        else:
            doc = _at(doc, op[0], lambda text, op=op: _splice(text, *op[1:]))
    return doc


# --- the patch maker ----------------------------------------------------------------------

BODY = "<p>" + "Lorem ipsum dolor sit amet. " * 100 + "Stay at least 30 days.</p>" + "x" * 400


def test_a_changed_figure_in_a_long_body_costs_a_few_bytes() -> None:
    old = {"slug": "tool-7-1", "title": "What happens next", "body_html": BODY, "order": 3}
    new = {**old, "body_html": BODY.replace("30 days", "45 days")}
    ops = make_patch(old, new)
    at = BODY.index("30 days")
    assert ops == [[["body_html"], at, 2, "45", len(BODY)]]
    assert len(dumps(ops)) < 40
    assert apply_patch(old, ops) == new


def test_equal_documents_give_no_ops_and_types_are_never_confused() -> None:
    doc = {"a": [1, True, None, "x", {"b": 0}]}
    assert make_patch(doc, json.loads(json.dumps(doc))) == []
    # True == 1 and 0 == False in Python; JSON tells them apart.
    assert make_patch({"a": 1, "b": 0}, {"a": True, "b": False}) == [[["a"], True], [["b"], False]]
    assert make_patch({"a": 1}, {"a": 1.0}) == [[["a"], 1.0]]


def test_dicts_and_lists_of_the_same_shape_are_compared_member_by_member() -> None:
    old = {"items": [{"k": "a", "v": 1}, {"k": "b", "v": 2}], "tags": ["x", "y"]}
    new = {"items": [{"k": "a", "v": 1}, {"k": "b", "v": 3}], "tags": ["x", "y", "z"]}
    assert make_patch(old, new) == [[["items", 1, "v"], 3], [["tags"], ["x", "y", "z"]]]
    # Another set of keys: the dict is replaced whole (a patch never adds or removes a key).
    assert make_patch({"a": {"x": 1}}, {"a": {"y": 1}}) == [[["a"], {"y": 1}]]
    assert make_patch([1], {"a": 1}) == [[[], {"a": 1}]]


def test_short_strings_are_replaced_long_ones_spliced() -> None:
    assert make_patch({"t": "ab"}, {"t": "ac"}) == [[["t"], "ac"]]
    long = "What happens next, and what you can do about it"
    assert make_patch({"t": long}, {"t": long + " (revised)"}) == [
        [["t"], len(long), 0, " (revised)", len(long)]
    ]
    # Repeated letters: the prefix and the suffix never overlap.
    assert make_patch({"t": "aaaaaaaaaaaaaaaa"}, {"t": "aaaaaaaaaaaaaaaaa"}) == [
        [["t"], 16, 0, "a", 16]
    ]


def test_positions_count_utf16_code_units_as_javascript_does() -> None:
    old = "😀 Ở lại ít nhất 30 ngày, 😀 rồi đăng ký lại với chính quyền địa phương"
    new = old.replace("30", "45")
    (op,) = make_patch({"t": old}, {"t": new})
    assert op[1] == old.index("30") + 1 and op[4] == len(old) + 2  # two emoji: two pairs
    assert apply_patch({"t": old}, [op]) == {"t": new}


# --- the same documents through the PWA's applier --------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.text(max_size=8)
    | st.text(min_size=16, max_size=80)
)
values = st.recursive(
    scalars,
    lambda kids: (
        st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=4), kids, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def edited(draw: st.DrawFn, value: Any) -> Any:
    """Something like ``value``, with a few small edits (what a publish usually makes)."""
    if draw(st.integers(0, 5)) == 0:
        return draw(values)
    if isinstance(value, str):
        start = draw(st.integers(0, len(value)))
        end = draw(st.integers(start, len(value)))
        return value[:start] + draw(st.text(max_size=6)) + value[end:]
    if isinstance(value, dict):
        return {key: draw(edited(member)) for key, member in value.items()}
    if isinstance(value, list):
        return [draw(edited(member)) for member in value]
    return value


@st.composite
def pairs(draw: st.DrawFn) -> tuple[Any, Any]:
    old = draw(values)
    return old, draw(edited(old) | values)


APPLY = """
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
const { applyPatch, PatchError } = await import(process.argv[1]);
const out = [];
for (const [old, ops, now] of JSON.parse(readFileSync(process.argv[2], 'utf8'))) {
  const once = applyPatch(old, ops);
  let twice;  // applied to the new document instead: the same, or refused
  try { twice = isDeepStrictEqual(applyPatch(now, ops), now); }
  catch (e) { twice = e instanceof PatchError ? 'refused' : String(e); }
  out.push([isDeepStrictEqual(once, now), twice]);
}
console.log(JSON.stringify(out));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_random_patches_made_here_are_applied_by_the_pwa_to_the_same_document(
    tmp_path: Path,
) -> None:
    cases: list[tuple[Any, Any, Any]] = []

    @settings(
        max_examples=400, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(pairs())
    def collect(pair: tuple[Any, Any]) -> None:
        old, new = pair
        ops = make_patch(old, new)
        assert apply_patch(old, ops) == new
        assert (ops == []) == (dumps(old) == dumps(new))
        cases.append((old, ops, new))

    collect()
    file = tmp_path / "cases.json"
    file.write_text(dumps(cases))
    delta = (PROJECT_ROOT / "frontend" / "js" / "delta.js").as_uri()
    done = subprocess.run(
        ["node", "--input-type=module", "-e", APPLY, delta, str(file)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    results = json.loads(done.stdout)
    assert len(results) == len(cases) >= 300
    wrong = [(case, result) for case, result in zip(cases, results, strict=True) if not result[0]]
    assert wrong == []
    twice = [
        (case, result)
        for case, result in zip(cases, results, strict=True)
        if result[1] not in (True, "refused")
    ]
    assert twice == []
    assert sum(1 for case in cases for op in case[1] if len(op) == 5) > 10  # splices were tried
