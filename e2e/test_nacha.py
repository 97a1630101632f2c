"""NACHA files checked by an independent parser: `recoup bench ledger` posts payments through the ledger and writes a
file of consumer debits (PPD and WEB batches); achkit, a NACHA parser and validator from PyPI, must find every
record well formed, the controls, entry hash and blocking right, and read back the figures Recoup reports."""

from __future__ import annotations

import json

from achkit.parse import parse
from achkit.validate import validate


def test_the_nacha_file_passes_an_independent_parser(recoup, tmp_path) -> None:
    out = tmp_path / "debits.ach"
    report = json.loads(recoup("bench", "ledger", "--accounts", "500", "--payments", "5000", "--nacha-entries", "1234",
                               "--nacha-out", str(out), "--json").stdout)
    assert report["reconciled"] is True and report["posted"] > 0

    text = out.read_text(encoding="ascii")
    checked = validate(text)
    assert checked == {"ok": True, "errors": []}, checked

    parsed = parse(text)
    nacha = report["nacha"]
    control = parsed["control"]
    assert control["entry_addenda_count"] == nacha["entries"] == 1234
    assert control["batch_count"] == nacha["batches"] == 2
    assert control["total_debit"] == nacha["total_debit"] and control["total_credit"] == 0
    assert int(control["entry_hash"]) == nacha["entry_hash"]
    assert control["block_count"] * 10 == len(text.splitlines())
    assert [batch["sec"] for batch in parsed["batches"]] == ["PPD", "WEB"]
    entries = [entry for batch in parsed["batches"] for entry in batch["entries"]]
    assert all(entry["txn_code"] in (27, 37) and entry["amount_cents"] > 0 for entry in entries)
    assert entries[0]["trace_number"] == nacha["first_trace"] and entries[-1]["trace_number"] == nacha["last_trace"]
    assert len({entry["trace_number"] for entry in entries}) == len(entries), "trace numbers are unique"
