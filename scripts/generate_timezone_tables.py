#!/usr/bin/env python3
"""Regenerate the committed time-zone tables under Sources/RecoupCore/TimeZones/.

RecoupCore is pure (Foundation only, no I/O), so the data that TimeZoneResolver needs is committed as Swift
source. This script rebuilds it from PyPI packages that ship their data offline:

* ``zipcodes``       — every US ZIP code with its state and coordinates (and the area codes that serve it);
* ``timezonefinder`` — the IANA zone at a coordinate (from the timezone-boundary-builder polygons);
* ``phonenumbers``   — Google's libphonenumber: valid NANP area codes per region and their time zones;
* ``us``             — the zones each state spans.

Usage (from the repository root)::

    python3 -m venv /tmp/tzvenv
    /tmp/tzvenv/bin/pip install zipcodes timezonefinder phonenumbers us
    /tmp/tzvenv/bin/python scripts/generate_timezone_tables.py

Rules, so that a regeneration can be reviewed:

* Zones are normalised to the canonical names of the IANA tzdata installed on the machine
  (``/usr/share/zoneinfo/tzdata.zi``: a ``L TARGET LINK`` line maps the alias LINK to TARGET), e.g.
  ``America/Indianapolis`` → ``America/Indiana/Indianapolis``, ``Pacific/Samoa`` → ``Pacific/Pago_Pago``.
* ZIP → zone: ``timezonefinder`` at the ZIP's coordinates; where that gives nothing or an ``Etc/`` zone (a ZIP
  with missing or wrong coordinates) the zone that ``zipcodes`` itself records is used instead. Only ZIPs of
  states and territories in ``USState`` are kept (no military APO/FPO, no freely associated states).
  Sorted ZIPs are collapsed into ranges ``low-high`` wherever consecutive known ZIPs share a zone.
* State → zones: the zones ``us`` lists for the state, plus every zone any of its ZIPs resolves to.
* Area code → zones: the union of libphonenumber's zones over every prefix of that area code (area code and
  NPA-NXX prefixes), plus a zone the ZIP data shows for the area code when at least ``MIN_ZIPS`` ZIPs and at
  least ``MIN_SHARE`` of the ZIPs listing the area code are in that zone (libphonenumber gives, for example,
  only America/New_York for 364, the overlay of western Kentucky's 270). Only area codes for which
  libphonenumber has a valid number in US, PR, GU, VI, AS or MP and some time zone are kept (so no toll-free
  or other non-geographic codes).
"""

from __future__ import annotations

import datetime
import importlib.metadata
import os
import sys
from collections import Counter, defaultdict

import phonenumbers
import us
import zipcodes
from phonenumbers import tzdata as pn_tzdata
from timezonefinder import TimezoneFinder

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Sources", "RecoupCore", "TimeZones")
TZDATA_ZI = "/usr/share/zoneinfo/tzdata.zi"

# USState's cases (Sources/RecoupCore/Model/USState.swift).
STATES = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "DC",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
    "PR",
    "GU",
    "VI",
    "AS",
    "MP",
]
PHONE_REGIONS = {"US", "PR", "GU", "VI", "AS", "MP"}
MIN_ZIPS = 3
MIN_SHARE = 0.05


def load_links() -> tuple[dict[str, str], set[str]]:
    links: dict[str, str] = {}
    zones: set[str] = set()
    with open(TZDATA_ZI, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[0] == "L":
                links[parts[2]] = parts[1]
            elif len(parts) >= 2 and parts[0] == "Z":
                zones.add(parts[1])
    return links, zones


LINKS, CANONICAL = load_links()


def canonical(zone: str) -> str:
    seen = set()
    while zone in LINKS and zone not in seen:
        seen.add(zone)
        zone = LINKS[zone]
    if zone not in CANONICAL:
        raise SystemExit(f"zone {zone!r} is not a zone of {TZDATA_ZI}")
    return zone


def version(package: str) -> str:
    return importlib.metadata.version(package)


def zip_zones() -> tuple[dict[int, str], dict[str, str]]:
    """ZIP (as int) → canonical zone, and ZIP → state."""
    finder = TimezoneFinder()
    zones: dict[int, str] = {}
    states: dict[str, str] = {}
    for row in zipcodes.list_all():
        state = row["state"]
        if state not in STATES:
            continue
        zone = None
        try:
            lat, lng = float(row["lat"]), float(row["long"])
            if (lat, lng) != (0.0, 0.0):
                zone = finder.timezone_at(lng=lng, lat=lat)
        except (TypeError, ValueError):
            zone = None
        if not zone or zone.startswith("Etc/"):
            zone = row.get("timezone") or None
            if zone and "/" not in zone:
                zone = None
        if not zone:
            continue
        zones[int(row["zip_code"])] = canonical(zone)
        states[row["zip_code"]] = state
    return zones, states


def zip_ranges(zones: dict[int, str]) -> list[tuple[int, int, str]]:
    ranges: list[tuple[int, int, str]] = []
    for z in sorted(zones):
        zone = zones[z]
        if ranges and ranges[-1][2] == zone:
            ranges[-1] = (ranges[-1][0], z, zone)
        else:
            ranges.append((z, z, zone))
    return ranges


def state_zones(zones: dict[int, str], states: dict[str, str]) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {s: set() for s in STATES}
    for s in STATES:
        info = us.states.lookup(s)
        if info is not None and info.time_zones:
            result[s].update(canonical(z) for z in info.time_zones)
    for zip_code, s in states.items():
        result[s].add(zones[int(zip_code)])
    return result


def area_codes(zones: dict[int, str]) -> dict[str, set[str]]:
    subscribers = ["2345678", "4567890", "3456789", "7654321", "8675309", "9876543", "6543210", "5550123", "2002000"]
    npas = {k[1:4] for k in pn_tzdata.TIMEZONE_DATA if k.startswith("1") and len(k) >= 4}
    npas.update(str(n) for n in range(200, 1000))
    # Exchanges (NXX) that libphonenumber's own data names for an area code, and each region's example
    # numbers, catch area codes whose valid numbers the fixed subscriber list misses (e.g. American Samoa).
    exchanges: dict[str, list[str]] = defaultdict(list)
    for prefix in pn_tzdata.TIMEZONE_DATA:
        if prefix.startswith("1") and len(prefix) == 7:
            exchanges[prefix[1:4]].append(prefix[4:7] + "1234")
    for region in sorted(PHONE_REGIONS):
        for kind in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                national = str(example.national_number)
                exchanges[national[:3]].append(national[3:])
    valid: set[str] = set()
    for npa in sorted(npas):
        for sub in subscribers + exchanges.get(npa, []):
            number = phonenumbers.parse(f"+1{npa}{sub}")
            if phonenumbers.is_valid_number(number):
                if phonenumbers.region_code_for_number(number) in PHONE_REGIONS:
                    valid.add(npa)
                break
    result: dict[str, set[str]] = defaultdict(set)
    for prefix, tzs in pn_tzdata.TIMEZONE_DATA.items():
        if prefix.startswith("1") and len(prefix) >= 4 and prefix[1:4] in valid:
            result[prefix[1:4]].update(canonical(z) for z in tzs if z != "Etc/Unknown")
    # Zones the ZIP data shows for each area code.
    by_code: dict[str, Counter[str]] = defaultdict(Counter)
    for row in zipcodes.list_all():
        if row["state"] not in STATES:
            continue
        zone = zones.get(int(row["zip_code"]))
        if zone is None:
            continue
        for code in row.get("area_codes") or []:
            by_code[code][zone] += 1
    for code, counts in by_code.items():
        if code not in result or not result[code]:
            continue
        total = sum(counts.values())
        for zone, count in counts.items():
            if count >= MIN_ZIPS and count / total >= MIN_SHARE:
                result[code].add(zone)
    return {code: tzs for code, tzs in result.items() if tzs}


def header(sources: str, today: str) -> str:
    return (
        "// GENERATED FILE — DO NOT EDIT BY HAND.\n"
        "// Generated by scripts/generate_timezone_tables.py on " + today + " from " + sources + ",\n"
        "// zone names normalised to the canonical names of IANA tzdata " + tzdata_version() + ".\n"
        "// Change the script (or the package versions) and run it again instead of editing this file.\n\n"
    )


def tzdata_version() -> str:
    try:
        with open(TZDATA_ZI, encoding="utf-8") as f:
            first = f.readline().strip()
        return first.split()[-1] if first.startswith("# version") else "unknown"
    except OSError:
        return "unknown"


def write(name: str, text: str) -> None:
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {path}", file=sys.stderr)


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    today = datetime.date.today().isoformat()
    zones, states = zip_zones()
    ranges = zip_ranges(zones)
    names = sorted({r[2] for r in ranges})
    index = {z: i for i, z in enumerate(names)}

    pkg_zip = f"zipcodes {version('zipcodes')}, timezonefinder {version('timezonefinder')}"
    try:
        pkg_zip += f" (timezonefinder-data {version('timezonefinder-data')})"
    except importlib.metadata.PackageNotFoundError:
        pass

    lines = [
        "extension TimeZoneTables {",
        f"    /// Zone names that `zipRanges` refers to by index ({len(names)}).",
        "    static let zipZoneNames: [String] = [",
    ]
    lines += [f'        "{z}",' for z in names]
    lines += [
        "    ]",
        "",
        f"    /// {len(ranges)} ZIP ranges `LLLLL-HHHHH I`, sorted: ZIPs LLLLL through HHHHH are in zone",
        f"    /// `zipZoneNames[I]`; {len(zones)} known ZIPs collapsed where consecutive ZIPs share a zone.",
        '    static let zipRanges = """',
    ]
    lines += [f"{lo:05d}-{hi:05d} {index[z]}" for lo, hi, z in ranges]
    lines += ['"""', "}", ""]
    write("ZIPZoneRanges.swift", header(pkg_zip, today) + "\n".join(lines))

    sz = state_zones(zones, states)
    lines = [
        "extension TimeZoneTables {",
        "    /// `ST zone zone…` per state or territory: every zone the state spans.",
        '    static let stateZones = """',
    ]
    lines += [f"{s} {' '.join(sorted(sz[s]))}" for s in STATES]
    lines += ['"""', "}", ""]
    write("StateZones.swift", header(f"us {version('us')}, {pkg_zip}", today) + "\n".join(lines))

    ac = area_codes(zones)
    lines = [
        "extension TimeZoneTables {",
        f"    /// `NPA zone zone…` for each of {len(ac)} geographic area codes of the US and its territories.",
        '    static let areaCodeZones = """',
    ]
    lines += [f"{code} {' '.join(sorted(ac[code]))}" for code in sorted(ac)]
    lines += ['"""', "}", ""]
    write(
        "AreaCodeZones.swift",
        header(f"phonenumbers {version('phonenumbers')} (libphonenumber), {pkg_zip}", today) + "\n".join(lines),
    )


if __name__ == "__main__":
    main()
