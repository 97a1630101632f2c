import RecoupCore

/// How many days a year has for simple daily interest, as the client's agreement says.
public enum DayCount: String, CaseIterable, Sendable, Codable {
    /// Actual days elapsed over 365 (leap years too): the usual consumer convention.
    case actual365 = "actual/365"
    /// Actual days elapsed over 360.
    case actual360 = "actual/360"

    var daysPerYear: Int64 { self == .actual365 ? 365 : 360 }
}

/// A client's permission to charge interest after placement: none unless it gives one.
public struct InterestTerms: Hashable, Sendable {
    /// The annual rate in basis points (1,800 = 18.00 %).
    public var annualRateBasisPoints: Int64
    public var dayCount: DayCount

    public init(annualRateBasisPoints: Int64, dayCount: DayCount) {
        self.annualRateBasisPoints = annualRateBasisPoints
        self.dayCount = dayCount
    }
}

extension AccountLedger {
    /// The simple daily interest on the principal from the day after the last accrual (or `start`, by default the
    /// itemization date) through `date`, following the principal as entries changed it, as one entry; nil when none
    /// is due. Computed exactly (128-bit) for the whole period and rounded once to the minor unit, half up.
    public func interestAccrual(through date: LocalDate, terms: InterestTerms, from start: LocalDate? = nil) -> LedgerEntry? {
        let since = max(entries.filter { $0.kind == .interestAccrual }.map(\.postedOn).max() ?? itemizationDate, start ?? itemizationDate)
        guard date > since, terms.annualRateBasisPoints > 0 else { return nil }
        // Principal at the end of each day: entries count from the day they are posted.
        let changes = entries.sorted { $0.postedOn < $1.postedOn }
        var principal: Int64 = 0
        var index = 0
        while index < changes.count, changes[index].postedOn <= since {
            principal += changes[index].amounts.principal
            index += 1
        }
        // Σ principal × days, exactly.
        var principalDays = (high: Int64(0), low: UInt64(0))
        var day = since
        func add(_ principal: Int64, days: Int64) {
            let product = principal.multipliedFullWidth(by: days)
            let (low, carry) = principalDays.low.addingReportingOverflow(product.low)
            principalDays = (principalDays.high + product.high + (carry ? 1 : 0), low)
        }
        while day < date {
            let next = index < changes.count ? min(changes[index].postedOn, date) : date
            add(max(0, principal), days: Int64(day.days(until: next)))
            day = next
            while index < changes.count, changes[index].postedOn <= day {
                principal += changes[index].amounts.principal
                index += 1
            }
        }
        // interest = principalDays × rate / (10,000 × daysPerYear), half up.
        let divisor = 10_000 * terms.dayCount.daysPerYear
        let scaled = Self.multiply(principalDays, by: terms.annualRateBasisPoints)
        let (quotient, remainder) = divisor.dividingFullWidth(scaled)
        let interest = quotient + (remainder * 2 >= divisor ? 1 : 0)
        guard interest > 0 else { return nil }
        return LedgerEntry(postedOn: date, kind: .interestAccrual, amounts: BucketAmounts(interest: interest),
                           memo: "\(terms.annualRateBasisPoints) bp, \(terms.dayCount.rawValue), \(since.iso)–\(date.iso)")
    }

    /// A 128-bit value times a small positive factor (the product stays within 128 bits for any real balance).
    private static func multiply(_ value: (high: Int64, low: UInt64), by factor: Int64) -> (high: Int64, low: UInt64) {
        let low = value.low.multipliedFullWidth(by: UInt64(factor))
        return (value.high * factor + Int64(bitPattern: low.high), low.low)
    }
}
