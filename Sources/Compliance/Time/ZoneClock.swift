import Foundation
import RecoupCore
import Synchronization

/// A time zone's UTC offsets as a sorted list of transitions, read once from the system's zone data and then
/// answered by binary search: Foundation's `TimeZone` calls cost microseconds each on Linux, and one decision asks
/// dozens of local-time questions.
///
/// The table is held by one reference, so handing a clock to every decision and rule retains one object.
public struct ZoneClock: Sendable, Hashable {
    private let table: Table
    public var identifier: String { table.identifier }

    private final class Table: Sendable {
        let identifier: String
        /// Instants (seconds since 1970) at which the offset changes, ascending; `offsets[i]` holds from
        /// `transitions[i]` on, `initialOffset` before the first.
        let transitions: [Int64]
        let offsets: [Int32]
        let initialOffset: Int32

        init(identifier: String, transitions: [Int64], offsets: [Int32], initialOffset: Int32) {
            self.identifier = identifier
            self.transitions = transitions
            self.offsets = offsets
            self.initialOffset = initialOffset
        }
    }

    /// The years the table covers; outside them the offset of the nearest covered instant applies.
    static let coveredYears = 1970...2100

    private static let cache = Mutex<[String: ZoneClock]>([:])

    /// The clock for an IANA zone identifier, or nil when the system does not know it.
    public static func named(_ identifier: String) -> ZoneClock? {
        if let cached = cache.withLock({ $0[identifier] }) { return cached }
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        var transitions: [Int64] = [], offsets: [Int32] = []
        let start = Date(timeIntervalSince1970: 0)
        let end = Date(timeIntervalSince1970: 4_133_980_800)  // 2101-01-01
        var cursor = start
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next < end {
            transitions.append(Int64(next.timeIntervalSince1970))
            offsets.append(Int32(zone.secondsFromGMT(for: next)))
            cursor = next
        }
        let clock = ZoneClock(table: Table(
            identifier: identifier, transitions: transitions, offsets: offsets,
            initialOffset: Int32(zone.secondsFromGMT(for: start))))
        cache.withLock { $0[identifier] = clock }
        return clock
    }

    /// Seconds east of UTC at an instant.
    public func offset(at seconds: Int64) -> Int { Int(period(at: Instant(secondsSince1970: seconds)).offset) }

    /// The local calendar day and second of that day at an instant.
    public func local(_ instant: Instant) -> (day: LocalDate, secondOfDay: Int) {
        let (day, second) = localDayAndSecond(instant)
        return (LocalDate(dayNumber: day), second)
    }

    /// The second of the local day at an instant, without building a calendar date: all the call window asks.
    public func secondOfDay(_ instant: Instant) -> Int { localDayAndSecond(instant).second }

    /// A stretch of time with one UTC offset: answering for many nearby instants (a snapshot's history, oldest
    /// first) from the stretch saves a search of the transitions for each.
    public struct Period: Sendable {
        let from: Int64, until: Int64, offset: Int64

        public func contains(_ instant: Instant) -> Bool { instant.secondsSince1970 >= from && instant.secondsSince1970 < until }

        /// The local day number of an instant inside the period.
        public func dayNumber(_ instant: Instant) -> Int { localDayAndSecond(instant).day }

        func localDayAndSecond(_ instant: Instant) -> (day: Int, second: Int) {
            let local = instant.secondsSince1970 + offset
            let day = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
            return (Int(day), Int(local - day * 86_400))
        }
    }

    /// The period of constant offset an instant falls in.
    public func period(at instant: Instant) -> Period {
        let seconds = instant.secondsSince1970
        let transitions = table.transitions
        var low = 0, high = transitions.count
        while low < high {
            let middle = (low + high) / 2
            if transitions[middle] <= seconds { low = middle + 1 } else { high = middle }
        }
        return Period(
            from: low == 0 ? .min : transitions[low - 1], until: low == transitions.count ? .max : transitions[low],
            offset: Int64(low == 0 ? table.initialOffset : table.offsets[low - 1]))
    }

    /// The local day number (days since 1970-01-01 on the local calendar), without building a calendar date.
    public func dayNumber(_ instant: Instant) -> Int { localDayAndSecond(instant).day }

    /// The local day number and second of that day at an instant.
    func localDayAndSecond(_ instant: Instant) -> (day: Int, second: Int) {
        period(at: instant).localDayAndSecond(instant)
    }

    /// The instant a local wall-clock time happens. A time skipped by a spring-forward gap maps to the same
    /// distance after the gap; a repeated time in a fall-back overlap maps to its first occurrence.
    public func instant(day: LocalDate, secondOfDay: Int) -> Instant {
        instant(dayNumber: day.dayNumber, secondOfDay: secondOfDay)
    }

    /// ``instant(day:secondOfDay:)`` for a local day number.
    func instant(dayNumber: Int, secondOfDay: Int) -> Instant {
        let local = Int64(dayNumber) * 86_400 + Int64(secondOfDay)
        // Try the offsets in force a day either side; the earliest consistent one is the first occurrence.
        // (The largest consistent offset gives the earliest instant; no collection built, this runs in every
        // next-lawful search step.)
        var consistent: Int?
        for candidate in [offset(at: local - 86_400), offset(at: local + 86_400), offset(at: local)]
        where offset(at: local - Int64(candidate)) == candidate && candidate > (consistent ?? .min) {
            consistent = candidate
        }
        if let consistent { return Instant(secondsSince1970: local - Int64(consistent)) }
        // In a gap: use the offset before it (so 02:30 on a spring-forward day becomes 03:30 local).
        return Instant(secondsSince1970: local - Int64(offset(at: local - 86_400)))
    }

    /// `2025-10-13T08:00:00-04:00`: an instant as the zone writes it.
    public func iso8601(_ instant: Instant) -> String {
        let offset = offset(at: instant.secondsSince1970)
        let (day, second) = local(instant)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        let zone = offset == 0 ? "Z" : "\(sign)\(two(magnitude / 3600)):\(two(magnitude / 60 % 60))"
        return "\(day.iso)T\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))\(zone)"
    }

    public static func == (lhs: ZoneClock, rhs: ZoneClock) -> Bool { lhs.table === rhs.table || lhs.identifier == rhs.identifier }
    public func hash(into hasher: inout Hasher) { hasher.combine(identifier) }
}
