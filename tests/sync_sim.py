"""A simulated device for sync tests: an outbox of mutations, a Lamport clock, a cursor, and
the case snapshots it last pulled, talking to the real API over HTTP (TestClient)."""

import uuid
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient


@dataclass
class SimDevice:
    client: TestClient
    headers: dict[str, str]
    device_id: str
    clock: int = 0
    seq: int = 0
    cursor: str | None = None
    outbox: list[dict[str, Any]] = field(default_factory=list)
    cases: dict[str, dict[str, Any]] = field(default_factory=dict)
    notices: list[dict[str, Any]] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)
    local_notes: dict[str, list[str]] = field(default_factory=dict)  # made here, not yet pulled

    def _mutation(self, type_: str, case_id: str, **args: Any) -> dict[str, Any]:
        self.clock += 1
        self.seq += 1
        mutation = {"id": str(uuid.uuid4()), "seq": self.seq, "type": type_,
                    "case_id": case_id, "clock": self.clock, **args}  # fmt: skip
        self.outbox.append(mutation)
        return mutation

    # -- offline edits, based on what this device last saw ------------------------------------

    def set_item(self, case_id: str, checklist_id: str, key: str, done: bool) -> dict[str, Any]:
        seen = self.cases.get(case_id, {})
        state = next(
            (c["items"].get(key) for c in seen.get("checklists", []) if c["id"] == checklist_id),
            None,
        )
        return self._mutation(
            "set_item", case_id, checklist_id=checklist_id, item_key=key, done=done,
            base_version=state["version"] if state else 0,
        )  # fmt: skip

    def add_note(self, case_id: str, body: str) -> dict[str, Any]:
        note_id = str(uuid.uuid4())
        self.local_notes.setdefault(case_id, []).append(note_id)
        return self._mutation("add_note", case_id, note_id=note_id, body=body)

    def edit_note(self, case_id: str, note_id: str, body: str) -> dict[str, Any]:
        seen = {n["id"]: n for n in self.cases.get(case_id, {}).get("notes", [])}
        base = seen[note_id]["version"] if note_id in seen else 1
        return self._mutation("edit_note", case_id, note_id=note_id, body=body, base_version=base)

    def set_stage(self, case_id: str, stage: str) -> dict[str, Any]:
        register = self.cases.get(case_id, {}).get("clocks", {}).get("stage", [0])
        return self._mutation("update_case", case_id, stage=stage, base_version=register[0])

    def known_notes(self, case_id: str) -> list[str]:
        pulled = [n["id"] for n in self.cases.get(case_id, {}).get("notes", [])]
        return pulled + [n for n in self.local_notes.get(case_id, []) if n not in pulled]

    # -- sync -----------------------------------------------------------------------------------

    def push(self, *, drop_response: bool = False) -> list[dict[str, Any]]:
        if not self.outbox:
            return []
        response = self.client.post(
            "/api/v1/sync/cases",
            json={"device_id": self.device_id, "mutations": self.outbox},
            headers=self.headers,
        )
        assert response.status_code == 200, response.text
        if drop_response:  # the server committed, but the answer never reached the phone
            return []
        results = response.json()["results"]
        self.results.extend(results)
        # Every answered mutation leaves the outbox; rejected ones are shown to the worker.
        done = {r["mutation_id"] for r in results}
        self.outbox = [m for m in self.outbox if m["id"] not in done]
        return results

    def pull(self) -> None:
        while True:
            params = {"limit": 2, **({"since": self.cursor} if self.cursor else {})}
            response = self.client.get("/api/v1/sync/cases", params=params, headers=self.headers)
            assert response.status_code == 200, response.text
            page = response.json()
            for case in page["cases"]:
                self.cases[case["id"]] = case
                self.clock = max(self.clock, _max_clock(case))
            for case_id in page["purge"]:
                self.cases.pop(case_id, None)
            self.notices.extend(page["notices"])
            self.cursor = page["cursor"]
            if not page["has_more"]:
                return


def _max_clock(case: dict[str, Any]) -> int:
    clocks = [int(case["clocks"].get("max", 0))]
    clocks += [s["clock"] for c in case["checklists"] for s in c["items"].values()]
    return max(clocks)
