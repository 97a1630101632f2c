import RecoupCore

/// The validation period of 12 CFR 1006.34(b)(5): it starts when the collector provides the validation
/// information and ends 30 days after the consumer receives it, where receipt may be assumed on any date at least
/// five days after providing, excluding Saturdays, Sundays and the legal public holidays of 5 U.S.C. 6103(a).
///
/// The five days exclude the holidays on their actual dates, as 6103(a) identifies them (docs/compliance-check.md
/// convention 6): an observed substitute such as Friday 2026-07-03 counts as a business day. A collector may
/// always state a later end date; this is the earliest lawful one.
public struct ValidationPeriod: Sendable, Equatable {
    public let providedDate: LocalDate
    public let assumedReceiptDate: LocalDate
    /// The earliest end date a notice may state; any later date is also lawful.
    public let earliestEndDate: LocalDate
    /// Holidays skipped while counting the five days.
    public let excludedHolidays: [LocalDate]

    public init(providedOn provided: LocalDate, ruleSet: RuleSet = .current, calendar: BusinessCalendar = .usFederal) {
        providedDate = provided
        // Counted on day numbers, without building calendar dates (every snapshot with a notice on file counts
        // these days).
        var dayNumber = provided.dayNumber, counted = 0, skipped: [LocalDate] = []
        while counted < ruleSet.assumedReceiptBusinessDays {
            dayNumber += 1
            if LocalDate.isoWeekday(ofDayNumber: dayNumber) >= 6 { continue }
            if calendar.isActualHoliday(dayNumber: dayNumber) {
                skipped.append(LocalDate(dayNumber: dayNumber))
            } else {
                counted += 1
            }
        }
        let day = LocalDate(dayNumber: dayNumber)
        assumedReceiptDate = day
        earliestEndDate = day.adding(days: ruleSet.validationPeriodDays)
        excludedHolidays = skipped
    }
}
