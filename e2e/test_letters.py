"""Letters end to end: a validation notice and a final demand queued from the command line (compliance-checked),
filed by `recoup dispatch` in the day's print batch as PDFs with a manifest for the print-and-mail vendor, and
read back with pdftotext: the window-envelope addresses, the balance, the disclosure, the reference. Dispatching
again files nothing twice. The vendor's returns file marks letters returned, and no letter goes to those
addresses again."""

from __future__ import annotations

import csv
import json
import subprocess


from conftest import business_afternoon_offset, pdftotext_path


def test_letters_are_filed_once_in_the_days_print_batch(recoup) -> None:
    pdftotext_path()
    recoup.env["RECOUP_CLOCK_OFFSET"] = business_afternoon_offset()
    recoup.env["RECOUP_COLLECTOR_ADDRESS"] = "PO Box 1234|Austin, TX 78701"
    recoup.env["RECOUP_COLLECTOR_PHONE"] = "(512) 555-0199"
    out = recoup("demo", "--accounts", "30", "--seed", "5").stdout
    tenant = next(word for line in out.splitlines() if line.startswith("Demo tenant") for word in line.split()[2:3])

    notices = json.loads(recoup("send", "letter", "--tenant", tenant, "--all-active", "--kind", "validation_notice", "--json").stdout)
    assert notices["queued"] > 0 and not notices["failed"], notices
    demands = json.loads(recoup("send", "letter", "--tenant", tenant, "--all-active", "--kind", "final_demand",
                                "--text", "Your account remains unpaid.\n\nPlease call us to settle it.", "--json").stdout)
    assert demands["queued"] > 0, demands
    refused = recoup("send", "letter", "--tenant", tenant, "--all-active", "--kind", "final_demand", check=False)
    assert refused.returncode != 0 or "text" in refused.stdout + refused.stderr

    done = json.loads(recoup("dispatch", "--once", "--json").stdout)
    assert done["sent"] == notices["queued"] + demands["queued"] and done["dead"] == 0, done

    batches = list((recoup.data_dir / "print").iterdir())
    assert len(batches) == 1, "one batch for the day"
    with open(batches[0] / "manifest.csv", newline="") as manifest:
        rows = list(csv.DictReader(manifest))
    assert len(rows) == done["sent"] and len({row["message_id"] for row in rows}) == len(rows)
    assert {row["kind"] for row in rows} == {"validation_notice", "final_demand"}
    assert all(len(row["reference"]) == 10 and row["reference"].isdigit() and int(row["pages"]) >= 1 for row in rows)

    demand = next(row for row in rows if row["kind"] == "final_demand")
    text = " ".join(subprocess.run(["pdftotext", str(batches[0] / demand["file"]), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    # The windows: the return address without "Demo Collections Agency" (it says what the business is), then the consumer.
    assert text.startswith("PO Box 1234 Austin, TX 78701 " + demand["recipient"]), text[:200]
    assert "Demo Collections Agency" in text, "the agency's name is inside, below the windows"
    assert demand["address_line1"] in text and ("Final notice" in text or "Aviso final" in text)
    assert demand["reference"] in text and "Your account remains unpaid." in text
    assert "debt collector" in text or "cobrador de deudas" in text
    assert "$" in text

    notice = next(row for row in rows if row["kind"] == "validation_notice" and row["language"] == "en")
    text = " ".join(subprocess.run(["pdftotext", str(batches[0] / notice["file"]), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Notice of debt" in text and notice["recipient"] in text and "How can you dispute the debt?" in text

    again = json.loads(recoup("dispatch", "--once", "--json").stdout)
    assert again["sent"] == 0
    with open(batches[0] / "manifest.csv", newline="") as manifest:
        assert len(list(csv.DictReader(manifest))) == len(rows), "nothing is filed twice"

    # The vendor's returns file: two envelopes came back, one row has a reason the post office does not use, one names
    # a letter nobody mailed. The valid rows are recorded, the others named by row.
    returns = recoup.data_dir / "returns.csv"
    returned_notice, returned_demand = notice["message_id"], demand["message_id"]
    returns.write_text("message_id,reason\n"
                       f"{returned_notice},moved_left_no_address\n"
                       f"{returned_demand},vacant\n"
                       f"{notice['message_id']},lost in the mail\n"
                       "00000000-0000-4000-8000-000000000000,refused\n")
    answer = recoup("letters", "returned", "--tenant", tenant, "--file", str(returns), "--json", check=False)
    assert answer.returncode == 1, answer.stderr
    result = json.loads(answer.stdout)
    assert result["recorded"] == 2 and [(p["row"], p["field"]) for p in result["refused"]] == [(3, "reason"), (4, "message_id")], result
    again = recoup("letters", "returned", "--tenant", tenant, "--file", str(returns), "--json", check=False)
    assert json.loads(again.stdout)["recorded"] == 2, "recording a return again changes nothing and is not an error"
    refused = json.loads(recoup("send", "letter", "--tenant", tenant, "--account", demand["account_id"], "--kind", "final_demand",
                                "--text", "Please call us.", "--json").stdout)
    assert refused["queued"] == 0 and "came back undeliverable" in refused["failed"][0], refused
    assert json.loads(recoup("audit", "verify", "--tenant", tenant, "--json").stdout)["intact"] is True
