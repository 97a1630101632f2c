import Foundation
import RecoupCore
import Testing

private func day(_ iso: String) -> LocalDate {
    guard let date = LocalDate(iso: iso) else { fatalError("bad test date \(iso)") }
    return date
}

private let calendar = BusinessCalendar.usFederal

/// (name, actual, observed) for every holiday of a year, as published by OPM.
private func expected(_ rows: [(String, String, String)]) -> [BusinessCalendar.Holiday] {
    rows.map { BusinessCalendar.Holiday(name: $0.0, actual: day($0.1), observed: day($0.2)) }
}

@Test func holidays2021IncludeFirstJuneteenthObservedFriday() {
    #expect(calendar.holidays(in: 2021) == expected([
        ("New Year's Day", "2021-01-01", "2021-01-01"),
        ("Birthday of Martin Luther King, Jr.", "2021-01-18", "2021-01-18"),
        ("Washington's Birthday", "2021-02-15", "2021-02-15"),
        ("Memorial Day", "2021-05-31", "2021-05-31"),
        ("Juneteenth National Independence Day", "2021-06-19", "2021-06-18"),
        ("Independence Day", "2021-07-04", "2021-07-05"),
        ("Labor Day", "2021-09-06", "2021-09-06"),
        ("Columbus Day", "2021-10-11", "2021-10-11"),
        ("Veterans Day", "2021-11-11", "2021-11-11"),
        ("Thanksgiving Day", "2021-11-25", "2021-11-25"),
        ("Christmas Day", "2021-12-25", "2021-12-24"),
    ]))
}

@Test func holidays2022NewYearObservedInPreviousYear() {
    #expect(calendar.holidays(in: 2022) == expected([
        ("New Year's Day", "2022-01-01", "2021-12-31"),
        ("Birthday of Martin Luther King, Jr.", "2022-01-17", "2022-01-17"),
        ("Washington's Birthday", "2022-02-21", "2022-02-21"),
        ("Memorial Day", "2022-05-30", "2022-05-30"),
        ("Juneteenth National Independence Day", "2022-06-19", "2022-06-20"),
        ("Independence Day", "2022-07-04", "2022-07-04"),
        ("Labor Day", "2022-09-05", "2022-09-05"),
        ("Columbus Day", "2022-10-10", "2022-10-10"),
        ("Veterans Day", "2022-11-11", "2022-11-11"),
        ("Thanksgiving Day", "2022-11-24", "2022-11-24"),
        ("Christmas Day", "2022-12-25", "2022-12-26"),
    ]))
    #expect(calendar.isHoliday(day("2021-12-31")))
    #expect(!calendar.isBusinessDay(day("2021-12-31")))
    #expect(calendar.holiday(on: day("2021-12-31"))?.name == "New Year's Day")
    #expect(calendar.holiday(on: day("2022-01-01"))?.name == "New Year's Day")
}

@Test func holidays2023() {
    #expect(calendar.holidays(in: 2023) == expected([
        ("New Year's Day", "2023-01-01", "2023-01-02"),
        ("Birthday of Martin Luther King, Jr.", "2023-01-16", "2023-01-16"),
        ("Washington's Birthday", "2023-02-20", "2023-02-20"),
        ("Memorial Day", "2023-05-29", "2023-05-29"),
        ("Juneteenth National Independence Day", "2023-06-19", "2023-06-19"),
        ("Independence Day", "2023-07-04", "2023-07-04"),
        ("Labor Day", "2023-09-04", "2023-09-04"),
        ("Columbus Day", "2023-10-09", "2023-10-09"),
        ("Veterans Day", "2023-11-11", "2023-11-10"),
        ("Thanksgiving Day", "2023-11-23", "2023-11-23"),
        ("Christmas Day", "2023-12-25", "2023-12-25"),
    ]))
}

@Test func holidays2026IndependenceDayOnSaturday() {
    #expect(calendar.holidays(in: 2026) == expected([
        ("New Year's Day", "2026-01-01", "2026-01-01"),
        ("Birthday of Martin Luther King, Jr.", "2026-01-19", "2026-01-19"),
        ("Washington's Birthday", "2026-02-16", "2026-02-16"),
        ("Memorial Day", "2026-05-25", "2026-05-25"),
        ("Juneteenth National Independence Day", "2026-06-19", "2026-06-19"),
        ("Independence Day", "2026-07-04", "2026-07-03"),
        ("Labor Day", "2026-09-07", "2026-09-07"),
        ("Columbus Day", "2026-10-12", "2026-10-12"),
        ("Veterans Day", "2026-11-11", "2026-11-11"),
        ("Thanksgiving Day", "2026-11-26", "2026-11-26"),
        ("Christmas Day", "2026-12-25", "2026-12-25"),
    ]))
    #expect(calendar.isHoliday(day("2026-07-03")))
    #expect(!calendar.isHoliday(day("2026-07-04")), "a Saturday actual date is not an observed day")
    #expect(calendar.holiday(on: day("2026-07-04"))?.observed == day("2026-07-03"))
}

@Test func noJuneteenthBefore2021() {
    for year in 1990...2020 {
        let names = calendar.holidays(in: year).map(\.name)
        #expect(names.count == 10)
        #expect(!names.contains("Juneteenth National Independence Day"))
    }
    #expect(calendar.isBusinessDay(day("2020-06-19")))
    #expect(!calendar.isBusinessDay(day("2021-06-18")))
    for year in 2021...2040 {
        #expect(calendar.holidays(in: year).count == 11)
    }
}

@Test func everyObservedDateIsAWeekdayAndWithinADayOfTheActual() {
    for year in 2000...2100 {
        for holiday in calendar.holidays(in: year) {
            #expect(!holiday.observed.isWeekend, "\(holiday)")
            #expect(abs(holiday.actual.days(until: holiday.observed)) <= 1, "\(holiday)")
            #expect(calendar.isHoliday(holiday.observed), "\(holiday)")
            #expect(!calendar.isBusinessDay(holiday.actual), "\(holiday)")
            #expect(!calendar.isBusinessDay(holiday.observed), "\(holiday)")
        }
    }
}

@Test func weekendsAreNotBusinessDays() {
    #expect(!calendar.isBusinessDay(day("2025-11-29")))  // Saturday
    #expect(!calendar.isBusinessDay(day("2025-11-30")))  // Sunday
    #expect(calendar.isBusinessDay(day("2025-12-01")))   // Monday
    #expect(!calendar.isHoliday(day("2025-11-29")))
}

@Test func businessDaysAroundThanksgiving() {
    // Thanksgiving 2025 is Thursday, November 27.
    #expect(!calendar.isBusinessDay(day("2025-11-27")))
    #expect(calendar.isBusinessDay(day("2025-11-28")), "the Friday after Thanksgiving is not a 6103(a) holiday")
    #expect(calendar.adding(businessDays: 1, to: day("2025-11-26")) == day("2025-11-28"))
    #expect(calendar.adding(businessDays: 2, to: day("2025-11-26")) == day("2025-12-01"))
    // Validation information provided Monday, November 24: receipt may be assumed five business days later.
    #expect(calendar.adding(businessDays: 5, to: day("2025-11-24")) == day("2025-12-02"))
    #expect(calendar.businessDays(after: day("2025-11-24"), through: day("2025-12-02")) == 5)
    #expect(calendar.businessDays(after: day("2025-11-26"), through: day("2025-11-30")) == 1)
}

@Test func businessDaysAroundChristmasAndNewYear() {
    // 2025: Christmas Thursday, New Year's Day 2026 Thursday.
    #expect(calendar.adding(businessDays: 1, to: day("2025-12-24")) == day("2025-12-26"))
    #expect(calendar.adding(businessDays: 5, to: day("2025-12-24")) == day("2026-01-02"))
    #expect(calendar.businessDays(after: day("2025-12-24"), through: day("2026-01-02")) == 5)
    // 2021: Christmas observed Friday the 24th, New Year's Day 2022 observed Friday the 31st.
    #expect(calendar.adding(businessDays: 1, to: day("2021-12-23")) == day("2021-12-27"))
    #expect(calendar.adding(businessDays: 1, to: day("2021-12-30")) == day("2022-01-03"))
    #expect(calendar.businessDays(after: day("2021-12-23"), through: day("2022-01-03")) == 5)
}

@Test func addingZeroBusinessDaysRollsForwardOnlyWhenNeeded() {
    #expect(calendar.adding(businessDays: 0, to: day("2026-07-02")) == day("2026-07-02"))
    #expect(calendar.adding(businessDays: 0, to: day("2026-07-03")) == day("2026-07-06"))
    #expect(calendar.adding(businessDays: 0, to: day("2026-07-04")) == day("2026-07-06"))
    // Counting starts the day after, whether or not the start is a business day.
    #expect(calendar.adding(businessDays: 1, to: day("2026-07-04")) == day("2026-07-06"))
    #expect(calendar.adding(businessDays: -1, to: day("2026-07-06")) == day("2026-07-02"))
}

@Test func businessDaysCountIsInverseOfAdding() {
    var start = day("2020-01-01")
    while start < day("2031-01-01") {
        for n in [0, 1, 3, 5, 10, 30] {
            let end = calendar.adding(businessDays: n, to: start)
            if n > 0 {
                #expect(calendar.businessDays(after: start, through: end) == n, "\(start) + \(n)")
                #expect(calendar.isBusinessDay(end))
            }
        }
        start = start.adding(days: 13)
    }
    #expect(calendar.businessDays(after: day("2025-12-02"), through: day("2025-11-24")) == 0)
    #expect(calendar.businessDays(after: day("2025-12-02"), through: day("2025-12-02")) == 0)
}

@Test func holidayCodableRoundTrip() throws {
    let holiday = calendar.holidays(in: 2022)[0]
    let data = try JSONEncoder().encode(holiday)
    let json = String(decoding: data, as: UTF8.self)
    #expect(json.contains("\"observed\":\"2021-12-31\""))
    #expect(try JSONDecoder().decode(BusinessCalendar.Holiday.self, from: data) == holiday)
}

/// The day-number search answers exactly as the year lists do, inside the tabulated years and outside them.
@Test func actualHolidaysByDayNumberMatchTheYearLists() throws {
    for year in [1850, 1900, 1999, 2020, 2021, 2026, 2035, 2200, 2201, 2300] {
        let actual = Set(calendar.holidays(in: year).map(\.actual.dayNumber))
        let first = try #require(LocalDate(year: year, month: 1, day: 1)).dayNumber
        let last = try #require(LocalDate(year: year, month: 12, day: 31)).dayNumber
        for dayNumber in first...last {
            #expect(calendar.isActualHoliday(dayNumber: dayNumber) == actual.contains(dayNumber), "\(LocalDate(dayNumber: dayNumber))")
        }
    }
    // Saturday 2026-07-04 is the actual date; Friday 2026-07-03 is only observed.
    #expect(calendar.isActualHoliday(dayNumber: day("2026-07-04").dayNumber))
    #expect(!calendar.isActualHoliday(dayNumber: day("2026-07-03").dayNumber))
}
