import RecoupCore

/// How long 12 CFR 1006.100 keeps each kind of record: three years after the last collection activity on the
/// debt, and call recordings three years after each call. A purge deletes nothing whose `retainUntil` has not
/// passed.
public struct RecordRetention: Sendable {
    public enum RecordKind: String, Sendable, CaseIterable {
        case accountRecords = "account_records"
        case callRecording = "call_recording"
        case contactAttempt = "contact_attempt"
        case letter
        case auditEvent = "audit_event"
    }

    let years: Int

    public init(ruleSet: RuleSet = .current) { years = ruleSet.retentionYears }

    /// The last day a record must be kept: `years` after the date that starts its clock (the last collection
    /// activity on the debt; for a recording, the call), on the same calendar day (Feb 29 → Feb 28).
    public func retainUntil(_ kind: RecordKind, lastActivity: LocalDate) -> LocalDate {
        let year = lastActivity.year + years
        let day = min(lastActivity.day, LocalDate.daysInMonth(year: year, month: lastActivity.month))
        return LocalDate(year: year, month: lastActivity.month, day: day) ?? lastActivity
    }
}
