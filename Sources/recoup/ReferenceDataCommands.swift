import ArgumentParser
import Foundation
import RecoupCore

/// `recoup calendar …`: the federal business calendar that deadline arithmetic uses, printed as JSON so that
/// operators and CI can check it against independent references (e2e/test_reference_data.py).
struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "US federal legal public holidays (5 U.S.C. 6103) and business days.",
        subcommands: [Holidays.self, BusinessDays.self])

    /// `recoup calendar holidays --from 2020 --to 2035`.
    struct Holidays: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the holidays of a range of years as one JSON array of {name, actual, observed}.")

        @Option(help: "First year.") var from: Int
        @Option(help: "Last year (default: the first).") var to: Int?
        @Flag(help: "Print one JSON object per line instead of one array.") var jsonLines = false

        func validate() throws {
            let last = to ?? from
            guard (1...9998).contains(from), (1...9998).contains(last), from <= last, last - from < 1000 else {
                throw ValidationError("--from and --to must be years 1…9998, --from ≤ --to, at most 1000 years.")
            }
        }

        func run() async throws {
            let calendar = BusinessCalendar.usFederal
            let rows: [[String: String]] = (from...(to ?? from)).flatMap { year in
                calendar.holidays(in: year).map {
                    ["name": $0.name, "actual": $0.actual.iso, "observed": $0.observed.iso]
                }
            }
            if jsonLines {
                for row in rows { printReferenceJSON(row) }
            } else {
                printReferenceJSON(rows)
            }
        }
    }

    /// `recoup calendar business-days --date 2025-11-24 --add 5`.
    struct BusinessDays: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "business-days",
            abstract: "Print the date N business days after a date (N = 0: the date or the next business day).")

        @Option(help: "Start date, YYYY-MM-DD.") var date: String
        @Option(help: "Business days to add.") var add: Int = 0

        func validate() throws {
            guard LocalDate(iso: date) != nil else { throw ValidationError("--date must be YYYY-MM-DD.") }
        }

        func run() async throws {
            guard let start = LocalDate(iso: date) else { throw ValidationError("--date must be YYYY-MM-DD.") }
            let calendar = BusinessCalendar.usFederal
            let end = calendar.adding(businessDays: add, to: start)
            printReferenceJSON([
                "date": start.iso, "add": add, "result": end.iso, "isBusinessDay": calendar.isBusinessDay(start),
            ] as [String: Any])
        }
    }
}

/// `recoup timezones …`: the candidate-zone tables behind the FDCPA/Regulation F calling-hours check.
struct TimeZonesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timezones",
        abstract: "Time zones a consumer may be in, by state, ZIP and phone area code.",
        subcommands: [AreaCodes.self, ZIP.self, Resolve.self])

    /// `recoup timezones area-codes`: `{"201": ["America/New_York"], …}`.
    struct AreaCodes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "area-codes", abstract: "Print every known area code and its zones as one JSON object.")

        func run() async throws {
            let resolver = TimeZoneResolver.standard
            var table: [String: [String]] = [:]
            for code in TimeZoneResolver.areaCodes {
                table[code] = resolver.zones(forAreaCode: code).sorted()
            }
            printReferenceJSON(table)
        }
    }

    /// `recoup timezones zip 32501`: `["America/Chicago"]`, or `[]` for an unknown ZIP.
    struct ZIP: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "zip", abstract: "Print the zone of a ZIP code as a JSON array (empty if unknown).")

        @Argument(help: "ZIP code: 5 digits or ZIP+4.") var zip: String

        func run() async throws {
            let zone = TimeZoneResolver.standard.zone(forZIP: zip)
            printReferenceJSON(zone.map { [$0] } ?? [])
        }
    }

    /// `recoup timezones resolve --state TX --zip 79901 --phone +12125550100`.
    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the candidate zones of a consumer as a sorted JSON array.")

        @Option(help: "USPS state or territory code.") var state: String?
        @Option(help: "ZIP code: 5 digits or ZIP+4.") var zip: String?
        @Option(name: .customLong("phone"), help: "E.164 phone number; repeat for several.") var phones: [String] = []

        func validate() throws {
            if let state, USState(code: state) == nil { throw ValidationError("Unknown state \(state).") }
        }

        func run() async throws {
            let parsedState = state.flatMap { USState(code: $0) }
            let zones = TimeZoneResolver.standard.candidateZones(state: parsedState, zip: zip, phones: phones)
            printReferenceJSON(zones.sorted())
        }
    }
}

/// Prints a JSON value on one line with sorted keys (stable output for diffs and tests).
private func printReferenceJSON(_ value: Any) {
    let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]))
        ?? Data("null".utf8)
    print(String(decoding: data, as: UTF8.self))
}
