"""`recoup check-contact` and `recoup notice validation` as an operator runs them."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, pdftotext_path

EXAMPLES = json.loads((ROOT / "Tests/ComplianceTests/Fixtures/examples.json").read_text())


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["id"] for e in EXAMPLES])
def test_check_contact_answers_each_reference_example(recoup, tmp_path: Path, example: dict) -> None:
    document = tmp_path / "check.json"
    document.write_text(json.dumps(example["input"]))
    answer = json.loads(recoup("check-contact", str(document)).stdout)
    assert answer["allowed"] == example["expected"]["allowed"]
    assert answer["rule"] == example["expected"]["rule"]
    for name, value in example["expected"].get("computed", {}).items():
        assert answer["computed"][name] == value
    assert all({"rule", "citation", "verdict", "message"} <= set(f) for f in answer["findings"])


def test_check_contact_reads_standard_input_and_names_the_bad_path(recoup_bin: Path) -> None:
    document = json.dumps(EXAMPLES[1]["input"])
    good = subprocess.run([str(recoup_bin), "check-contact", "-"], input=document, capture_output=True, text=True, timeout=60)
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["next_allowed_at"] == "2025-10-13T08:00:00-04:00"

    broken = EXAMPLES[1]["input"]
    broken["facts"]["contact_history"][3]["outcome"] = "no_anser"
    bad = subprocess.run([str(recoup_bin), "check-contact", "-"], input=json.dumps(broken), capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2
    assert "facts.contact_history[3].outcome" in bad.stderr
    assert bad.stdout == ""


def test_validation_notice_pdf_has_every_required_element(recoup, tmp_path: Path) -> None:
    recoup("demo", "--accounts", "3", "--seed", "5")
    database = sqlite3.connect(recoup.data_dir / "recoup.sqlite")
    tenant, account = database.execute("SELECT tenant_id, id FROM accounts LIMIT 1").fetchone()
    recoup.env["RECOUP_COLLECTOR_ADDRESS"] = "PO Box 1234|Austin, TX 78701"
    out = tmp_path / "notice.pdf"
    summary = json.loads(recoup("notice", "validation", "--tenant", tenant, "--account", account, "--out", str(out),
                                "--provided-on", "2025-11-03", "--json").stdout)
    assert summary["end_date"] == "2025-12-10" and summary["assumed_receipt_date"] == "2025-11-10"
    assert out.read_bytes().startswith(b"%PDF-1.4")
    pdftotext_path()
    text = " ".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout.split())
    for phrase in ["December 10, 2025", "attempting to collect a debt", "This is not my debt.", "The amount is wrong.",
                   "original creditor", "PO Box 1234", "Total amount of the debt now"]:
        assert phrase in text, phrase

    recoup.env.pop("RECOUP_COLLECTOR_ADDRESS")
    missing = recoup("notice", "validation", "--tenant", tenant, "--account", account, "--out", str(out), check=False)
    assert missing.returncode != 0 and "RECOUP_COLLECTOR_ADDRESS" in (missing.stderr + missing.stdout)
