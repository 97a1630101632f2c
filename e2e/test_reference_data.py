"""Cross-check Recoup's reference data against independent references, through the built CLI.

* The business calendar (`recoup calendar holidays`) against the `holidays` package's US federal holidays,
  2020–2035: the actual dates, the observed dates, and the names.
* The area-code time zones (`recoup timezones area-codes`) against Google's libphonenumber (`phonenumbers`):
  every geographic area code of the US and its territories must be in our table, and every zone libphonenumber
  gives for a valid number of that area code (area-code level and every NPA-NXX prefix it distinguishes) must
  be among ours. Ours may hold more zones (we also add zones the ZIP data shows), never fewer.

The binary is RECOUP_BIN, default `.build/debug/recoup` under the repository root. When it is missing the tests
fail in CI (CI=true) and are skipped locally, with the reason printed.

Deliberate differences, none silent:
* Names: 5 U.S.C. 6103(a) says "Birthday of Martin Luther King, Jr."; the `holidays` package says "Martin
  Luther King Jr. Day". NAME_ALIASES maps ours to theirs; every other name must match exactly.
* Inauguration Day (5 U.S.C. 6103(c)) is not a 6103(a) legal public holiday; the `holidays` package only has it
  for the DC subdivision, and the plain US calendar compared here has none. Nothing is filtered out.
* Zone names: ours are canonical IANA names; libphonenumber's are mapped to canonical names through the
  links in /usr/share/zoneinfo/tzdata.zi before comparing (e.g. an alias such as Pacific/Samoa).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import subprocess
from collections import defaultdict
from pathlib import Path

import holidays  # e2e/requirements.txt: the independent references are required, never skipped
import phonenumbers
import pytest
from conftest import unavailable
from phonenumbers import timezone as pn_timezone
from phonenumbers import tzdata as pn_tzdata

ROOT = Path(__file__).resolve().parent.parent
FIRST_YEAR, LAST_YEAR = 2020, 2035
US_REGIONS = {"US", "PR", "GU", "VI", "AS", "MP"}
NAME_ALIASES = {"Birthday of Martin Luther King, Jr.": "Martin Luther King Jr. Day"}
OBSERVED_SUFFIX = " (observed)"


@pytest.fixture(scope="module")
def recoup() -> Path:
    path = Path(os.environ.get("RECOUP_BIN", ROOT / ".build" / "debug" / "recoup"))
    if not path.is_absolute():
        path = ROOT / path
    if not path.exists():
        unavailable(f"recoup binary not found at {path}: build it (swift build) or set RECOUP_BIN")
    return path


def run_json(binary: Path, *args: str):
    result = subprocess.run([str(binary), *args], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, f"recoup {' '.join(args)} exited {result.returncode}: {result.stderr}"
    return json.loads(result.stdout)


# MARK: - Holidays


@pytest.fixture(scope="module")
def ours(recoup: Path) -> list[dict]:
    # One year either side so that an observed date crossing a year boundary is not lost; compared in the window.
    return run_json(recoup, "calendar", "holidays", "--from", str(FIRST_YEAR - 1), "--to", str(LAST_YEAR + 1))


def in_window(day: dt.date) -> bool:
    return dt.date(FIRST_YEAR, 1, 1) <= day <= dt.date(LAST_YEAR, 12, 31)


def reference(observed: bool) -> dict[dt.date, str]:
    table = holidays.country_holidays("US", years=range(FIRST_YEAR, LAST_YEAR + 1), observed=observed)
    return {day: name for day, name in table.items() if in_window(day)}


def test_actual_dates_and_names_match_holidays_package(ours: list[dict]) -> None:
    mine = {dt.date.fromisoformat(h["actual"]): NAME_ALIASES.get(h["name"], h["name"]) for h in ours}
    mine = {day: name for day, name in mine.items() if in_window(day)}
    theirs = reference(observed=False)
    assert len(theirs) >= 16 * 10
    assert sorted(set(mine) - set(theirs)) == [], "dates only Recoup has"
    assert sorted(set(theirs) - set(mine)) == [], "dates only the holidays package has"
    assert {d: n for d, n in mine.items() if theirs[d] != n} == {}, "names differ"


def test_observed_dates_match_holidays_package(ours: list[dict]) -> None:
    theirs = reference(observed=True)
    # The package lists the actual date and, when it differs, an extra "<name> (observed)" entry.
    their_observed = {d: n.removesuffix(OBSERVED_SUFFIX) for d, n in theirs.items() if n.endswith(OBSERVED_SUFFIX)}
    mine_observed = {
        dt.date.fromisoformat(h["observed"]): NAME_ALIASES.get(h["name"], h["name"])
        for h in ours
        if h["observed"] != h["actual"]
    }
    mine_observed = {d: n for d, n in mine_observed.items() if in_window(d)}
    assert mine_observed == their_observed
    # And the whole set of days off: every actual and observed date.
    mine_all = {dt.date.fromisoformat(h[k]) for h in ours for k in ("actual", "observed")}
    assert sorted(d for d in mine_all if in_window(d)) == sorted(theirs)


def test_known_observances(ours: list[dict]) -> None:
    by_key = {(h["name"], h["actual"]): h["observed"] for h in ours}
    assert by_key[("New Year's Day", "2022-01-01")] == "2021-12-31"
    assert by_key[("Juneteenth National Independence Day", "2021-06-19")] == "2021-06-18"
    assert by_key[("Independence Day", "2026-07-04")] == "2026-07-03"
    assert all(h["name"] != "Juneteenth National Independence Day" for h in ours if h["actual"] < "2021")


# MARK: - Area-code time zones


def tz_links() -> dict[str, str]:
    links: dict[str, str] = {}
    path = Path("/usr/share/zoneinfo/tzdata.zi")
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[0] == "L":
                links[parts[2]] = parts[1]
    return links


LINKS = tz_links()


def canonical(zone: str) -> str:
    seen: set[str] = set()
    while zone in LINKS and zone not in seen:
        seen.add(zone)
        zone = LINKS[zone]
    return zone


SUBSCRIBERS = ["2345678", "4567890", "3456789", "7654321", "8675309", "9876543", "6543210", "5550123", "2002000"]


@functools.cache
def numbers_by_area_code() -> dict[str, list]:
    """Valid numbers of US/territory geographic area codes: one per area code, plus one per NPA-NXX prefix
    libphonenumber's time-zone data distinguishes."""
    exchanges: dict[str, list[str]] = defaultdict(list)
    for prefix in pn_tzdata.TIMEZONE_DATA:
        if prefix.startswith("1") and len(prefix) == 7:
            exchanges[prefix[1:4]].append(prefix[4:7] + "1234")
    for region in US_REGIONS:
        example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.FIXED_LINE)
        if example is not None:
            national = str(example.national_number)
            exchanges[national[:3]].append(national[3:])
    result: dict[str, list] = {}
    for npa in range(200, 1000):
        valid = []
        for subscriber in SUBSCRIBERS + exchanges.get(str(npa), []):
            number = phonenumbers.parse(f"+1{npa}{subscriber}")
            if phonenumbers.is_valid_number(number) and phonenumbers.region_code_for_number(number) in US_REGIONS:
                valid.append(number)
        # Toll-free and personal (5XX) numbers are not geographical; libphonenumber gives them every NANP zone.
        zoned = [
            n
            for n in valid
            if phonenumbers.is_number_geographical(n)
            and pn_timezone.time_zones_for_number(n) != (pn_timezone.UNKNOWN_TIMEZONE,)
        ]
        if zoned:
            result[str(npa)] = zoned
    return result


@pytest.fixture(scope="module")
def area_codes(recoup: Path) -> dict[str, list[str]]:
    return run_json(recoup, "timezones", "area-codes")


def test_every_reference_area_code_is_known(area_codes: dict[str, list[str]]) -> None:
    reference_codes = set(numbers_by_area_code())
    assert len(reference_codes) >= 330
    assert sorted(reference_codes - set(area_codes)) == []


def test_every_reference_zone_is_among_ours(area_codes: dict[str, list[str]]) -> None:
    missing: dict[str, set[str]] = {}
    for npa, numbers in numbers_by_area_code().items():
        reference_zones = {canonical(z) for n in numbers for z in pn_timezone.time_zones_for_number(n)}
        lacking = reference_zones - set(area_codes.get(npa, []))
        if lacking:
            missing[npa] = lacking
    assert missing == {}


def test_our_area_codes_are_valid_us_codes(area_codes: dict[str, list[str]]) -> None:
    reference = numbers_by_area_code()
    assert sorted(set(area_codes) - set(reference)) == [], "area codes libphonenumber does not know as US"
    assert all(zones and zones == sorted(zones) for zones in area_codes.values())


def test_resolve_combines_address_and_phone(recoup: Path) -> None:
    zones = run_json(recoup, "timezones", "resolve", "--state", "CA", "--zip", "94105", "--phone", "+12125550100")
    assert zones == ["America/Los_Angeles", "America/New_York"]
    assert run_json(recoup, "timezones", "zip", "32501") == ["America/Chicago"]
    assert run_json(recoup, "timezones", "zip", "79901") == ["America/Denver"]
