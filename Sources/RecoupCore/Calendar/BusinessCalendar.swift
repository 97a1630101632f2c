import Foundation

/// The US federal business calendar: the legal public holidays of 5 U.S.C. 6103(a), the days on which they are
/// observed, and business-day arithmetic over them.
///
/// Why federal holidays: Regulation F counts the days of consumer deadlines by this calendar. The validation
/// period of 12 CFR 1006.34(b)(5) ends 30 days after the consumer receives (or is assumed to receive) the
/// validation information, and receipt may be assumed no earlier than five days after it is provided,
/// "excluding legal public holidays identified in 5 U.S.C. 6103(a), Saturdays, and Sundays". A collector that counts a holiday as a business day ends a period too early and acts against a consumer who
/// still has time, so the calendar errs toward more non-business days, never fewer.
///
/// The rules are those in force today (Juneteenth only from 2021, when Pub. L. 117-17 added it); years before
/// 1986 (the first Birthday of Martin Luther King, Jr.) are computed with the same rules and are not
/// historically exact. Inauguration Day (5 U.S.C. 6103(c)) is deliberately absent: it is a holiday only for
/// federal employees in and around the District of Columbia, not a legal public holiday under 6103(a).
/// One-off closures by executive order (e.g. a day after Christmas) are not legal public holidays either.
public struct BusinessCalendar: Sendable {
    /// One legal public holiday in a given year.
    public struct Holiday: Hashable, Sendable, Codable, CustomStringConvertible {
        /// The name 5 U.S.C. 6103(a) gives the holiday (e.g. "Washington's Birthday", not "Presidents' Day").
        public let name: String
        /// The date 6103(a) names (July 4, the third Monday in January, …), possibly a Saturday or Sunday.
        public let actual: LocalDate
        /// The day it is observed: a Saturday holiday on the preceding Friday, a Sunday holiday on the
        /// following Monday (5 U.S.C. 6103(b); Executive Order 11582). New Year's Day on a Saturday is observed
        /// on December 31 of the *previous* year.
        public let observed: LocalDate

        public init(name: String, actual: LocalDate, observed: LocalDate) {
            self.name = name
            self.actual = actual
            self.observed = observed
        }

        public var description: String {
            actual == observed ? "\(name) \(actual)" : "\(name) \(actual) (observed \(observed))"
        }
    }

    /// The federal calendar of 5 U.S.C. 6103(a) with the observance rule of 6103(b).
    public static let usFederal = BusinessCalendar()

    /// The federal calendar; the same as ``usFederal``.
    public init() {}

    /// The legal public holidays whose *actual* date falls in `year`, in calendar order. An observed date may
    /// lie in the previous year (New Year's Day on a Saturday is observed on the Friday, December 31).
    public func holidays(in year: Int) -> [Holiday] {
        if Self.tabulatedYears.contains(year) { return Self.table[year - Self.tabulatedYears.lowerBound] }
        return Self.computeHolidays(in: year)
    }

    /// Years whose holidays are computed once per process: business-day counting asks for the same years again
    /// and again (every validation period, every decision).
    static let tabulatedYears = 1900...2200
    private static let table: [[Holiday]] = tabulatedYears.map(computeHolidays(in:))

    private static func computeHolidays(in year: Int) -> [Holiday] {
        guard (1...9999).contains(year) else { return [] }
        func date(_ month: Int, _ day: Int) -> LocalDate {
            // Every (month, day) used below exists in every year.
            LocalDate(year: year, month: month, day: day) ?? LocalDate(dayNumber: 0)
        }
        var result: [(String, LocalDate)] = [
            ("New Year's Day", date(1, 1)),
            ("Birthday of Martin Luther King, Jr.", nth(3, weekday: 1, month: 1, year: year)),
            ("Washington's Birthday", nth(3, weekday: 1, month: 2, year: year)),
            ("Memorial Day", last(weekday: 1, month: 5, year: year)),
        ]
        if year >= 2021 {
            result.append(("Juneteenth National Independence Day", date(6, 19)))
        }
        result += [
            ("Independence Day", date(7, 4)),
            ("Labor Day", nth(1, weekday: 1, month: 9, year: year)),
            ("Columbus Day", nth(2, weekday: 1, month: 10, year: year)),
            ("Veterans Day", date(11, 11)),
            ("Thanksgiving Day", nth(4, weekday: 4, month: 11, year: year)),
            ("Christmas Day", date(12, 25)),
        ]
        return result.map { Holiday(name: $0.0, actual: $0.1, observed: observed($0.1)) }
    }

    /// Whether a legal public holiday's actual date (as 6103(a) names it, weekend or not) is the day with this
    /// number: a search of one sorted table, for counts that walk day by day (every validation period).
    public func isActualHoliday(dayNumber: Int) -> Bool {
        guard Self.tabulatedDayNumbers.contains(dayNumber) else {
            return holidays(in: LocalDate(dayNumber: dayNumber).year).contains { $0.actual.dayNumber == dayNumber }
        }
        let table = Self.actualDayNumbers
        var low = 0, high = table.count
        while low < high {
            let middle = (low + high) / 2
            if table[middle] < dayNumber { low = middle + 1 } else { high = middle }
        }
        return low < table.count && table[low] == dayNumber
    }

    /// The actual dates of every tabulated year's holidays, as ascending day numbers.
    private static let actualDayNumbers: [Int] = table.flatMap { $0.map(\.actual.dayNumber) }.sorted()
    private static let tabulatedDayNumbers: ClosedRange<Int> =
        LocalDate(year: tabulatedYears.lowerBound, month: 1, day: 1)!.dayNumber...LocalDate(year: tabulatedYears.upperBound, month: 12, day: 31)!.dayNumber

    /// The holiday actually falling, or observed, on `date`, if any.
    public func holiday(on date: LocalDate) -> Holiday? {
        // A date can be the observed day only of a holiday of its own year or of January 1 of the next.
        (holidays(in: date.year) + holidays(in: date.year + 1).prefix(1))
            .first { $0.observed == date || $0.actual == date }
    }

    /// Whether `date` is the *observed* day of a legal public holiday — the weekday on which federal offices
    /// close and which therefore is not a business day. A Saturday or Sunday actual date is not itself
    /// "observed" (it is a weekend anyway); use ``holiday(on:)`` to find holidays by either date.
    public func isHoliday(_ date: LocalDate) -> Bool {
        guard !date.isWeekend else { return false }
        if date.month == 12, date.day == 31 {
            return holidays(in: date.year + 1).first?.observed == date
        }
        return holidays(in: date.year).contains { $0.observed == date }
    }

    /// Whether `date` is a business day: not a Saturday or Sunday and not the observed day of a legal public
    /// holiday. Regulation F § 1006.34(b)(5) counts the days before assumed receipt excluding "legal public holidays identified in 5 U.S.C. 6103(a), Saturdays, and Sundays"; an actual date
    /// differs from its observed date only when it is a Saturday or Sunday, so excluding observed days plus
    /// weekends excludes the actual dates too, under either reading of the rule.
    public func isBusinessDay(_ date: LocalDate) -> Bool {
        !date.isWeekend && !isHoliday(date)
    }

    /// The business day `businessDays` business days after `date`.
    ///
    /// Convention: counting starts on the day after `date` (the day of an event does not count, as in
    /// Regulation F's "N days after"), so `adding(businessDays: 5, to: d)` is the fifth business day after `d`,
    /// whether or not `d` is itself a business day. For `businessDays == 0` the result is `date` if it is a
    /// business day, else the next business day (a deadline that falls on a non-business day rolls forward).
    /// A negative count goes backwards: `-n` gives the n-th business day before `date`.
    public func adding(businessDays: Int, to date: LocalDate) -> LocalDate {
        var current = date
        if businessDays == 0 {
            while !isBusinessDay(current) { current = current.adding(days: 1) }
            return current
        }
        let step = businessDays > 0 ? 1 : -1
        var remaining = abs(businessDays)
        while remaining > 0 {
            current = current.adding(days: step)
            if isBusinessDay(current) { remaining -= 1 }
        }
        return current
    }

    /// The number of business days `d` with `start < d ≤ end` (the start excluded, the end included, so that
    /// `businessDays(after: d, through: adding(businessDays: n, to: d)) == n`); 0 when `end ≤ start`.
    public func businessDays(after start: LocalDate, through end: LocalDate) -> Int {
        guard start < end else { return 0 }
        var count = 0
        var current = start.adding(days: 1)
        while current <= end {
            if isBusinessDay(current) { count += 1 }
            current = current.adding(days: 1)
        }
        return count
    }

    // MARK: - Date rules

    /// 6103(b): Saturday → preceding Friday, Sunday → following Monday.
    static func observed(_ date: LocalDate) -> LocalDate {
        switch date.isoWeekday {
        case 6: return date.adding(days: -1)
        case 7: return date.adding(days: 1)
        default: return date
        }
    }

    /// The `n`-th given ISO weekday (1 = Monday) of a month.
    static func nth(_ n: Int, weekday: Int, month: Int, year: Int) -> LocalDate {
        let first = LocalDate(year: year, month: month, day: 1) ?? LocalDate(dayNumber: 0)
        let offset = (weekday - first.isoWeekday + 7) % 7
        return first.adding(days: offset + 7 * (n - 1))
    }

    /// The last given ISO weekday of a month.
    static func last(weekday: Int, month: Int, year: Int) -> LocalDate {
        let lastDay = LocalDate(year: year, month: month, day: LocalDate.daysInMonth(year: year, month: month))
            ?? LocalDate(dayNumber: 0)
        let offset = (lastDay.isoWeekday - weekday + 7) % 7
        return lastDay.adding(days: -offset)
    }
}
