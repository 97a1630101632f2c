import Foundation
import RecoupCore
import Testing

struct MoneyTests {
    let usd = Currency.usd

    @Test(arguments: [
        ("1234.56", 123_456), ("0.5", 50), ("3", 300), ("-0.05", -5), ("0.00", 0), ("999999999.99", 99_999_999_999),
    ] as [(String, Int64)])
    func parsesDecimalAmounts(_ text: String, _ minor: Int64) {
        #expect(Money(decimal: text, currency: usd)?.minorUnits == minor)
    }

    @Test(arguments: ["", ".", "1.", ".5x", "1.234", "1,234.56", "$12", "1e3", "--1", "1.2.3", " 12", "12 "])
    func rejectsAnythingElse(_ text: String) {
        #expect(Money(decimal: text, currency: usd) == nil)
    }

    @Test func roundTripsThroughTheDecimalForm() {
        for minor: Int64 in [0, 1, 9, 10, 99, 100, 101, 123_456, -1, -100, -123_456] {
            let money = Money(minorUnits: minor, currency: usd)
            #expect(Money(decimal: money.decimalString, currency: usd) == money)
        }
    }

    @Test func refusesToMixCurrencies() throws {
        let eur = try #require(Currency(code: "EUR"))
        #expect(throws: Money.ArithmeticError.currencyMismatch(usd, eur)) {
            try Money(minorUnits: 1, currency: usd).adding(Money(minorUnits: 1, currency: eur))
        }
        #expect(throws: Money.ArithmeticError.overflow) {
            try Money(minorUnits: .max, currency: usd).adding(Money(minorUnits: 1, currency: usd))
        }
    }

    @Test func zeroDecimalCurrenciesHaveNoFraction() throws {
        let yen = try #require(Currency(code: "jpy"))
        #expect(yen.minorUnitDigits == 0)
        #expect(Money(decimal: "1500", currency: yen)?.minorUnits == 1500)
        #expect(Money(decimal: "15.5", currency: yen) == nil)
        #expect(Money(minorUnits: 1500, currency: yen).formatted(.enUS) == "1,500 JPY")
    }

    @Test(arguments: [
        (123_456, "$1,234.56"), (5, "$0.05"), (-250_000, "-$2,500.00"), (100_000_000, "$1,000,000.00"), (0, "$0.00"),
    ] as [(Int64, String)])
    func formatsForConsumersInBothLanguages(_ minor: Int64, _ expected: String) {
        let money = Money(minorUnits: minor, currency: usd)
        #expect(money.formatted(.enUS) == expected)
        #expect(money.formatted(.esUS) == expected)
    }
}

struct LocalDateTests {
    @Test func convertsToAndFromDayNumbers() {
        #expect(LocalDate(iso: "1970-01-01")?.dayNumber == 0)
        #expect(LocalDate(iso: "2000-03-01")?.dayNumber == 11_017)
        var date = LocalDate(iso: "1899-12-25")!
        for _ in 0..<60_000 {
            #expect(LocalDate(dayNumber: date.dayNumber) == date)
            date = date.adding(days: 1)
        }
    }

    @Test(arguments: ["2025-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "24-01-01", "2024/01/01", "2024-1-1", ""])
    func rejectsImpossibleOrMalformedDates(_ text: String) {
        #expect(LocalDate(iso: text) == nil)
    }

    @Test func knowsWeekdaysAndLeapYears() {
        #expect(LocalDate(iso: "2024-02-29")?.isoWeekday == 4)  // Thursday
        #expect(LocalDate(iso: "2026-11-29")?.isoWeekday == 7)  // Sunday
        #expect(LocalDate(iso: "2026-11-29")?.isWeekend == true)
        #expect(LocalDate(iso: "1900-02-29") == nil)
        #expect(LocalDate(iso: "2000-02-29") != nil)
        #expect(LocalDate(iso: "2024-12-31")!.days(until: LocalDate(iso: "2025-03-01")!) == 60)
    }
}

struct IdentityTests {
    @Test func ssnRejectsNumbersNeverIssued() {
        #expect(SSN("123-45-6789")?.digits == "123456789")
        #expect(SSN("123456789")?.lastFour == "6789")
        for bad in ["000-12-3456", "666-12-3456", "900-12-3456", "123-00-4567", "123-45-0000", "12-345-678", "abc-de-fghi"] {
            #expect(SSN(bad) == nil, "\(bad)")
        }
        #expect("\(SSN("123-45-6789")!)" == "***-**-6789")
    }

    @Test func identifiersPrintLowerCaseAndParseAnyCase() {
        let id = AccountID()
        #expect(AccountID(id.description.uppercased()) == id)
        #expect(AccountID("not-a-uuid") == nil)
        for _ in 0..<100 {
            let uuid = UUID()
            #expect(AccountID(uuid).description == uuid.uuidString.lowercased())
        }
    }
}
