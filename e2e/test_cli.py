"""The `recoup` command as an operator uses it: set-up, a messy placement file, exit statuses, recall, and the
audit chain verified and then tampered with."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

from conftest import serving

HEADER = (
    "client_account_number,original_creditor,debt_type,itemization_date,itemization_date_type,"
    "balance_at_itemization,interest_since_itemization,fees_since_itemization,payments_since_itemization,"
    "current_balance,first_name,last_name,date_of_birth,ssn,address_line1,address_line2,city,state,zip,"
    "phone1,phone1_type,phone1_consent,email1,language,Branch"
)

# A file the way creditors really send them: BOM, CRLF, quoted commas and a line break inside an address,
# a blank line, an unknown column, and rows that are wrong in the ways files are wrong.
MESSY = "\ufeff" + "\r\n".join([
    HEADER,
    'A-1,Big Bank,credit_card,2025-06-30,charge_off,1200.00,40.00,0,5.44,1234.56,Pat,Doe,1980-02-29,123-45-6789,"1 Main St, Apt 2",,Austin,TX,78701,(512) 555-0100,cell,yes,pat@example.com,en,B1',
    'A-2,Big Bank,credit_card,2025-06-30,charge_off,100.00,0,0,0,100.01,Lee,Kim,1975-05-05,,"22 Oak Ave\nRear",,Miami,FL,33101,305-555-0101,landline,unknown,,es,B2',
    "",
    "A-3,Big Bank,medical,06/30/2025,charge_off,50.00,0,0,0,50.00,Sam,Roe,,,3 Elm St,,Denver,CO,8020,555-0100,mobile,maybe,sam@,en,B3",
    "A-4,Big Bank,medical,2025-06-30,charge_off,75.50,0,0,0,75.50,Ana,Díaz,1990-01-01,,4 Pine St,,Chicago,IL,60601,3125550102,cell,no,ana@example.org,es,B4",
    "A-5,,utility,2025-06-30,last_statement,10.00,0,0,0,10.00,Bo,,,,5 Lake Rd,,Boston,ZZ,02108,,,,,en,B5",
]) + "\r\n"


def ids(recoup) -> tuple[str, str]:
    tenant = recoup("tenant", "create", "--name", "Acme Recovery").stdout.strip()
    client = recoup("client", "create", "--tenant", tenant, "--name", "Big Bank").stdout.strip()
    return tenant, client


def get(base: str, path: str, secret: str | None, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    """One GET over a real socket: status, headers and body, errors included."""
    request = urllib.request.Request(base + path, headers=dict(headers or {}, **({"Authorization": f"Bearer {secret}"} if secret else {})))
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_a_key_rotated_from_the_command_line_hands_over_to_its_successor(recoup, recoup_bin: Path) -> None:
    tenant, _ = ids(recoup)
    old = json.loads(recoup("apikey", "create", "--tenant", tenant, "--role", "manager", "--json").stdout)
    with serving(recoup_bin, recoup.env) as server:
        assert get(server.base, "/v1/accounts", old["key"])[0] == 200
        rotated = json.loads(recoup("apikey", "rotate", "--tenant", tenant, "--key", old["id"], "--grace-hours", "0", "--json").stdout)
        assert rotated["role"] == "manager" and rotated["id"] != old["id"] and rotated["key"] != old["key"]
        status, _, body = get(server.base, "/v1/accounts", old["key"])
        assert status == 401 and "expired" in body, "no grace: the old key stops at once"
        assert get(server.base, "/v1/accounts", rotated["key"])[0] == 200
    listed = {k["id"]: k for k in json.loads(recoup("apikey", "list", "--tenant", tenant, "--json").stdout)["items"]}
    assert listed[old["id"]]["last_used_at"] is not None and listed[old["id"]]["expires_at"] == rotated["old_key"]["expires_at"]
    assert "last used" in recoup("apikey", "list", "--tenant", tenant).stdout
    again = recoup("apikey", "rotate", "--tenant", tenant, "--key", old["id"], check=False)
    assert again.returncode != 0 and "not found" in again.stderr + again.stdout


def test_an_address_guessing_keys_is_locked_out_and_a_forged_forwarded_for_does_not_help(recoup, recoup_bin: Path) -> None:
    tenant, _ = ids(recoup)
    secret = json.loads(recoup("apikey", "create", "--tenant", tenant, "--role", "agent", "--json").stdout)["key"]
    with serving(recoup_bin, dict(recoup.env, RECOUP_API_LOCKOUT="3/600")) as server:
        assert get(server.base, "/v1/accounts", secret)[0] == 200
        for guess in range(3):
            assert get(server.base, "/v1/accounts", f"rk_guess{guess}", {"X-Forwarded-For": f"198.51.100.{guess}"})[0] == 401
        status, headers, body = get(server.base, "/v1/accounts", secret, {"X-Forwarded-For": "203.0.113.77"})
        assert status == 429 and headers["Retry-After"] in ("599", "600"), body
        assert json.loads(body)["detail"].startswith("too many refused API keys from this address")
        metrics = get(server.base, "/metrics", None)[2]
        assert 'recoup_api_auth_failures_total{reason="unknown"} 3' in metrics
        assert 'recoup_api_auth_failures_total{reason="locked_out"} 1' in metrics
    with serving(recoup_bin, dict(recoup.env, RECOUP_API_LOCKOUT="2/600", RECOUP_TRUSTED_PROXIES="127.0.0.1")) as server:
        # Behind a trusted proxy each forwarded caller has its own count.
        for guess in range(2):
            assert get(server.base, "/v1/accounts", f"rk_guess{guess}", {"X-Forwarded-For": "198.51.100.1"})[0] == 401
        assert get(server.base, "/v1/accounts", secret, {"X-Forwarded-For": "198.51.100.1"})[0] == 429
        assert get(server.base, "/v1/accounts", secret, {"X-Forwarded-For": "198.51.100.2"})[0] == 200
    refused = subprocess.run([str(recoup_bin), "migrate"], env=dict(recoup.env, RECOUP_API_LOCKOUT="many", RECOUP_API_KEY_RATE="fast"),
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0
    assert "RECOUP_API_LOCKOUT must be N/S or off" in refused.stderr and "RECOUP_API_KEY_RATE must be R, R/BURST or off" in refused.stderr


def test_keys_from_the_environment_are_used_and_checked(recoup, recoup_bin: Path, tmp_path: Path) -> None:
    """RECOUP_MASTER_KEY and RECOUP_AUDIT_KEY replace the generated key file; a malformed one stops every command with
    the variable's name; --data-dir wins over RECOUP_DATA_DIR."""
    import base64
    import subprocess

    data = tmp_path / "flag-data"
    env = dict(recoup.env, RECOUP_MASTER_KEY=base64.b64encode(bytes(range(32))).decode(),
               RECOUP_AUDIT_KEY=base64.b64encode(bytes(range(32, 64))).decode())

    def run(*args: str, environment: dict[str, str] = env) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(recoup_bin), *args, "--data-dir", str(data)], env=environment, capture_output=True, text=True, timeout=120)

    tenant = run("tenant", "create", "--name", "Env Keys").stdout.strip()
    assert len(tenant) == 36
    assert (data / "recoup.sqlite").exists() and not (data / "master.key").exists(), "the environment's key, no file"
    assert not Path(recoup.env["RECOUP_DATA_DIR"], "recoup.sqlite").exists(), "--data-dir wins over RECOUP_DATA_DIR"
    assert json.loads(run("audit", "verify", "--json").stdout)["intact"] is True
    other_audit_key = dict(env, RECOUP_AUDIT_KEY=base64.b64encode(bytes(32)).decode())
    forged = run("audit", "verify", "--json", environment=other_audit_key)
    assert forged.returncode == 1, "checkpoints signed with another audit key do not verify"
    for variable in ("RECOUP_MASTER_KEY", "RECOUP_AUDIT_KEY"):
        broken = run("tenant", "create", "--name", "X", environment=dict(env, **{variable: "c2hvcnQ="}))
        assert broken.returncode != 0 and f"{variable} must be 32 bytes, base64-encoded" in broken.stderr, broken.stderr


def test_demo_adds_portfolios_to_the_one_demo_tenant(recoup) -> None:
    first = json.loads(recoup("demo", "--accounts", "30", "--seed", "1", "--json").stdout)
    assert first["imported"] == 30 and first["unchanged"] == 0
    key_file = Path(first["admin_key_file"])
    assert key_file.stat().st_mode & 0o777 == 0o600
    again = json.loads(recoup("demo", "--accounts", "30", "--seed", "1", "--json").stdout)
    assert (again["tenant_id"], again["imported"], again["updated"]) == (first["tenant_id"], 0, 0), "the same seed changes nothing"
    assert again["unchanged"] >= 30
    more = json.loads(recoup("demo", "--accounts", "20", "--seed", "2", "--json").stdout)
    assert (more["tenant_id"], more["imported"]) == (first["tenant_id"], 20), "another seed adds another client's portfolio"
    key_file.unlink()
    after = json.loads(recoup("demo", "--accounts", "5", "--seed", "3", "--json").stdout)
    assert after["tenant_id"] == first["tenant_id"], "a lost key file gets a new key, not a second demo tenant"
    secret = key_file.read_text().strip()
    listed = json.loads(recoup("apikey", "list", "--tenant", first["tenant_id"], "--json").stdout)["items"]
    assert len(listed) == 2 and secret.startswith("rk_")


def test_messy_file_imports_with_precise_row_errors(recoup, tmp_path: Path) -> None:
    tenant, client = ids(recoup)
    placement = tmp_path / "messy.csv"
    placement.write_text(MESSY, encoding="utf-8", newline="")
    errors = tmp_path / "errors.csv"
    result = recoup("import", "placements", "--tenant", tenant, "--client", client, "--file", str(placement),
                    "--errors", str(errors), "--json")
    summary = json.loads(result.stdout)
    assert summary["rows"] == 5
    assert summary["imported"] == 2
    assert summary["rejected"] == 3
    assert summary["ignored_columns"] == ["Branch"]
    report = list(csv.DictReader(io.StringIO(errors.read_text(encoding="utf-8"))))
    assert list(report[0].keys()) == ["row", "column", "value", "reason"]
    found = {(r["row"], r["column"]) for r in report}
    assert ("2", "current_balance") in found           # 100.00 ≠ 100.01
    assert {("3", "itemization_date"), ("3", "zip"), ("3", "phone1"), ("3", "phone1_type"),
            ("3", "phone1_consent"), ("3", "email1")} <= found
    assert {("5", "original_creditor"), ("5", "last_name"), ("5", "state")} <= found
    assert not any(r["row"] in ("1", "4") for r in report)

    # The same file again: nothing new, nothing duplicated.
    again = json.loads(recoup("import", "placements", "--tenant", tenant, "--client", client,
                              "--file", str(placement), "--json").stdout)
    assert (again["imported"], again["unchanged"], again["rejected"]) == (0, 2, 3)

    # all-or-nothing rejects the file (exit 1) and stores no account.
    rejected = recoup("import", "placements", "--tenant", tenant, "--client", client, "--file", str(placement),
                      "--mode", "all-or-nothing", check=False)
    assert rejected.returncode == 1


def test_unusable_input_exits_2_with_a_clear_message(recoup, tmp_path: Path) -> None:
    tenant, client = ids(recoup)
    cases = {
        "empty.csv": (b"", "empty"),
        "latin1.csv": ((HEADER + "\n").encode() + "A-1,Caf\xe9".encode("latin-1") + b"\n", "UTF-8"),
        "quote.csv": ((HEADER + '\nA-1,"Big Bank\n').encode(), "quote"),
        "columns.csv": (b"account,balance\n1,2\n", "client_account_number"),
    }
    for name, (content, expected) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        result = recoup("import", "placements", "--tenant", tenant, "--client", client, "--file", str(path),
                        check=False)
        assert result.returncode == 2, (name, result.stdout, result.stderr)
        assert expected.lower() in result.stderr.lower(), (name, result.stderr)
    strict = tmp_path / "strict.csv"
    strict.write_text(MESSY, encoding="utf-8")
    report = tmp_path / "strict-errors.csv"
    result = recoup("import", "placements", "--tenant", tenant, "--client", client, "--file", str(strict),
                    "--strict", "--errors", str(report), check=False)
    assert result.returncode == 2 and "Branch" in result.stderr
    rows = list(csv.DictReader(io.StringIO(report.read_text(encoding="utf-8"))))
    assert [(r["row"], r["column"]) for r in rows] == [("0", "Branch")], "file-level problems are reported on row 0"
    missing = tmp_path / "missing-errors.csv"
    recoup("import", "placements", "--tenant", tenant, "--client", client, "--file", str(tmp_path / "columns.csv"),
           "--errors", str(missing), check=False)
    reported = list(csv.DictReader(io.StringIO(missing.read_text(encoding="utf-8"))))
    assert "client_account_number" in {r["column"] for r in reported} and {r["row"] for r in reported} == {"0"}


def test_recall_and_audit_chain_detects_tampering(recoup, tmp_path: Path) -> None:
    tenant, client = ids(recoup)
    placement = tmp_path / "p.csv"
    placement.write_text(MESSY, encoding="utf-8")
    recoup("import", "placements", "--tenant", tenant, "--client", client, "--file", str(placement))
    recalled = json.loads(recoup("recall", "--tenant", tenant, "--client", client, "--account", "A-1",
                                 "--reason", "paid direct", "--json").stdout)
    assert len(recalled["recalled"]) == 1
    unknown = recoup("recall", "--tenant", tenant, "--client", client, "--account", "NOPE", check=False)
    assert unknown.returncode == 1 and "NOPE" in unknown.stdout
    # A client's recall file: a header, a blank line, an account number, an account id, and a number never placed.
    with sqlite3.connect(recoup.data_dir / "recoup.sqlite") as db:
        a1, a4 = (db.execute("SELECT id FROM accounts WHERE client_account_number = ?", (n,)).fetchone()[0] for n in ("A-1", "A-4"))
    recall_file = tmp_path / "recall.csv"
    recall_file.write_text(f"client_account_number\r\nA-4\r\n\r\n{a1}\r\nA-2\r\n")
    from_file = recoup("recall", "--tenant", tenant, "--client", client, "--file", str(recall_file), "--json", check=False)
    assert from_file.returncode == 1, "a number that is not on file is reported"
    assert json.loads(from_file.stdout) == {"recalled": [a4], "already_recalled": [a1], "not_found": ["A-2"]}
    with sqlite3.connect(recoup.data_dir / "recoup.sqlite") as db:
        recalled_numbers = {row[0] for row in db.execute("SELECT client_account_number FROM accounts WHERE status = 'recalled'")}
    assert recalled_numbers == {"A-1", "A-4"}

    verified = json.loads(recoup("audit", "verify", "--json").stdout)
    assert verified["intact"] is True
    events = verified["tenants"][0]["events"]
    assert events >= 4  # tenant, client, placement, recall

    export = tmp_path / "audit.jsonl"
    recoup("audit", "export", "--tenant", tenant, "--out", str(export))
    assert json.loads(recoup("audit", "verify", "--export", str(export), "--json").stdout)["intact"] is True

    database = recoup.data_dir / "recoup.sqlite"
    with sqlite3.connect(database) as db:
        db.execute("UPDATE audit_events SET actor = 'someone-else' WHERE sequence = 3 AND tenant_id = ?", (tenant,))
    tampered = recoup("audit", "verify", check=False)
    assert tampered.returncode == 1
    assert "event 3" in tampered.stdout and "edited" in tampered.stdout

    # The export still verifies (it was taken before), and a tampered export fails the same way offline.
    lines = export.read_text().splitlines()
    lines[2] = lines[2].replace('"action":"client.created"', '"action":"client.deleted"')
    export.write_text("\n".join(lines) + "\n")
    offline = recoup("audit", "verify", "--export", str(export), check=False)
    assert offline.returncode == 1 and "event 2" in offline.stdout


def test_personal_data_is_encrypted_at_rest(recoup, tmp_path: Path) -> None:
    tenant, client = ids(recoup)
    placement = tmp_path / "p.csv"
    placement.write_text(MESSY, encoding="utf-8")
    recoup("import", "placements", "--tenant", tenant, "--client", client, "--file", str(placement))
    raw = (recoup.data_dir / "recoup.sqlite").read_bytes()
    for wal in recoup.data_dir.glob("recoup.sqlite-wal"):
        raw += wal.read_bytes()
    assert b"123456789" not in raw and b"123-45-6789" not in raw and b"1980-02-29" not in raw
    key = recoup.data_dir / "master.key"
    assert key.stat().st_mode & 0o777 == 0o600


def test_serve_demo_gives_a_working_system_in_one_command(recoup_bin: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["RECOUP_DATA_DIR"] = str(tmp_path / "data")
    with serving(recoup_bin, env, "--demo") as server:
        with urllib.request.urlopen(server.base + "/health", timeout=5) as response:
            assert json.load(response)["status"] == "ok"
        key_file = tmp_path / "data" / "demo-admin.key"
        assert key_file.stat().st_mode & 0o777 == 0o600
        status, page = server.call("GET", "/v1/accounts?limit=5")
        assert status == 200 and len(page["items"]) == 5 and page["next_cursor"]
        with urllib.request.urlopen(server.base + "/openapi.yaml", timeout=5) as response:
            assert response.read().startswith(b"openapi: 3.1")


def test_audit_export_csv_for_an_examiner_with_a_date_range(recoup, tmp_path: Path) -> None:
    tenant = recoup("tenant", "create", "--name", "Acme").stdout.strip()
    recoup("client", "create", "--tenant", tenant, "--name", "Big Bank")
    everything = tmp_path / "all.csv"
    recoup("audit", "export", "--tenant", tenant, "--format", "csv", "--out", str(everything))
    rows = list(csv.DictReader(everything.open(newline="")))
    assert [row["action"] for row in rows] == ["tenant.created", "client.created"]
    assert rows[1]["previous_hash"] == rows[0]["hash"]
    past = tmp_path / "past.csv"
    recoup("audit", "export", "--tenant", tenant, "--format", "csv", "--from", "2000-01-01", "--to", "2000-12-31", "--out", str(past))
    assert past.read_text().strip().startswith("sequence,occurred_at") and len(past.read_text().strip().splitlines()) == 1
    refused = recoup("audit", "export", "--tenant", tenant, "--from", "2000-01-01", "--out", str(past), check=False)
    assert refused.returncode != 0 and "whole chain" in refused.stderr


def test_purge_keeps_records_until_retention_ends_and_never_deletes_ahead_of_time(recoup, tmp_path: Path) -> None:
    tenant, client = ids(recoup)
    placement = tmp_path / "p.csv"
    placement.write_text(MESSY, encoding="utf-8")
    recoup("import", "placements", "--tenant", tenant, "--client", client, "--file", str(placement))
    recoup("recall", "--tenant", tenant, "--client", client, "--account", "A-1")

    # Recalled today: kept for three years, and the engine's rule says so.
    now = json.loads(recoup("purge", "--tenant", tenant, "--json").stdout)
    assert now["considered"] == 1 and now["eligible"] == 0
    (kept,) = now["accounts"]
    assert kept["allowed"] is False and kept["rule"] == "REGF-1006.100-RECORDS" and "deleted" not in kept
    retain_through = kept["retain_through"]
    assert int(retain_through[:4]) >= 2029

    # A dry run may look past the retention date; a real purge may not.
    ahead = json.loads(recoup("purge", "--tenant", tenant, "--dry-run", "--as-of", "2099-01-01", "--json").stdout)
    assert ahead["eligible"] == 1 and "deleted" not in ahead["accounts"][0]
    refused = recoup("purge", "--tenant", tenant, "--as-of", "2099-01-01", check=False)
    assert refused.returncode != 0 and "--dry-run" in refused.stderr
    with sqlite3.connect(recoup.data_dir / "recoup.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM accounts WHERE status = 'recalled'").fetchone()[0] == 1
    assert json.loads(recoup("audit", "verify", "--json").stdout)["intact"] is True


def test_a_key_revoked_from_the_command_line_stops_working_on_the_running_server(recoup, recoup_bin: Path, tmp_path: Path) -> None:
    tenant, client = ids(recoup)
    created = json.loads(recoup("apikey", "create", "--tenant", tenant, "--role", "agent", "--json").stdout)
    secret, key_id = created["key"], created["id"]

    def accounts_status() -> int:
        request = urllib.request.Request(server.base + "/v1/accounts", headers={"Authorization": f"Bearer {secret}"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with serving(recoup_bin, recoup.env) as server:
        assert accounts_status() == 200
        listed = json.loads(recoup("apikey", "list", "--tenant", tenant, "--json").stdout)["items"]
        assert [(k["id"], k["role"], k["revoked_at"]) for k in listed] == [(key_id, "agent", None)]
        assert secret not in json.dumps(listed)

        revoked = recoup("apikey", "revoke", "--tenant", tenant, "--key", key_id)
        assert revoked.stdout.strip() == f"revoked {key_id} (agent)"
        assert accounts_status() == 401, "the server looks keys up on every request"

    listed = recoup("apikey", "list", "--tenant", tenant).stdout
    assert key_id in listed and "revoked 20" in listed
    expiring = json.loads(recoup("apikey", "create", "--tenant", tenant, "--role", "client", "--client", client,
                                 "--expires-in-days", "30", "--json").stdout)
    assert expiring["expires_at"].startswith("20")
    listed = json.loads(recoup("apikey", "list", "--tenant", tenant, "--json").stdout)["items"]
    assert [k["expires_at"] for k in listed] == [None, expiring["expires_at"]]
    never = recoup("apikey", "create", "--tenant", tenant, "--role", "agent", "--expires-in-days", "0", check=False)
    assert never.returncode != 0 and "--expires-in-days must be at least 1" in never.stderr
    other = recoup("tenant", "create", "--name", "Other Agency").stdout.strip()
    elsewhere = recoup("apikey", "revoke", "--tenant", other, "--key", key_id, check=False)
    assert elsewhere.returncode != 0 and "not found" in elsewhere.stderr + elsewhere.stdout
    export = tmp_path / "audit.jsonl"
    recoup("audit", "export", "--tenant", tenant, "--out", str(export))
    events = [line["event"] for line in map(json.loads, export.read_text().splitlines()) if "event" in line]
    revocations = [e for e in events if e["action"] == "apikey.revoked"]
    assert len(revocations) == 1 and revocations[0]["subject_id"] == key_id and revocations[0]["actor"].startswith("cli:")
    assert json.loads(recoup("audit", "verify", "--json").stdout)["intact"] is True
