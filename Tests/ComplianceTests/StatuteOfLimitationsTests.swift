@testable import Compliance
import Foundation
import RecoupCore
import Testing

private func day(_ iso: String) -> LocalDate {
    guard let date = LocalDate(iso: iso) else { fatalError("bad test date \(iso)") }
    return date
}

private func shipped() throws -> StatuteOfLimitations { try StatuteOfLimitations.bundled() }

/// The shipped file as a mutable JSON tree, to break in one place.
private func shippedTree() throws -> [String: Any] {
    guard let url = StatuteOfLimitations.resourceURL else { throw CocoaError(.fileNoSuchFile) }
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    guard let tree = object as? [String: Any] else { throw CocoaError(.fileReadCorruptFile) }
    return tree
}

private func refusal(_ tree: [String: Any]) throws -> StatuteOfLimitations.InvalidData? {
    let data = try JSONSerialization.data(withJSONObject: tree)
    do {
        _ = try StatuteOfLimitations(json: data)
        return nil
    } catch {
        return error
    }
}

// MARK: - The shipped data

@Test func shippedDataCoversAllFiftyStatesAndDC() throws {
    let sol = try shipped()
    #expect(StatuteOfLimitations.requiredStates.count == 51)
    #expect(StatuteOfLimitations.requiredStates.contains(.DC))
    #expect(!StatuteOfLimitations.requiredStates.contains(.PR))
    for state in StatuteOfLimitations.requiredStates {
        let entry = try #require(sol.entry(for: state), "no entry for \(state)")
        #expect(!entry.citation.isEmpty, "\(state) has no citation")
        for kind in LimitationKind.allCases {
            if let years = entry.periods.years(for: kind) {
                #expect(StatuteOfLimitations.validYears.contains(years), "\(state) \(kind) = \(years)")
            }
        }
    }
    #expect(sol.source.retrieved == day("2026-11-29"))
    #expect(sol.source.url.hasPrefix("https://"))
}

/// The debt-type mapping sends service debts to the open-account period on the promise that it is never the
/// longer one; the data must keep that promise.
@Test func openAccountIsNeverLongerThanWrittenContract() throws {
    let sol = try shipped()
    for state in StatuteOfLimitations.requiredStates {
        let periods = try #require(sol.periods(for: state))
        if let open = periods.openAccount, let written = periods.writtenContract {
            #expect(open <= written, "\(state): open account \(open) > written contract \(written)")
        }
    }
}

@Test func newYorkCreditCardIsThreeYearsWithoutRevival() throws {
    let status = try shipped().isTimeBarred(state: .NY, debtType: .creditCard, accrualDate: day("2022-05-10"), asOf: day("2024-01-01"))
    #expect(status.kind == .openAccount)
    #expect(status.periodYears == 3)
    #expect(status.expiresOn == day("2025-05-10"))
    #expect(status.expired == false)
    #expect(status.revivalByPayment == false)
    #expect(status.basis.contains("CPLR 214-i"))
    #expect(status.basis.contains("NY credit_card → open_account"))
    // Every kind is 3 in New York: a personal loan is consumer credit too.
    #expect(try shipped().periods(for: .NY) == StatuteOfLimitations.Periods(
        writtenContract: 3, oralContract: 3, promissoryNote: 3, openAccount: 3))
}

@Test func texasIsFourYearsAndPaymentDoesNotRevive() throws {
    let sol = try shipped()
    for debtType in DebtType.allCases {
        let status = sol.isTimeBarred(state: .TX, debtType: debtType, accrualDate: day("2020-01-15"), asOf: day("2024-01-15"))
        #expect(status.periodYears == 4, "\(debtType)")
        #expect(status.expired == true, "\(debtType)")
    }
    #expect(sol.entry(for: .TX)?.revivalByPayment == false)
    #expect(sol.entry(for: .TX)?.citation.contains("16.004") == true)
}

@Test func californiaWrittenIsFourOralIsTwo() throws {
    let periods = try #require(try shipped().periods(for: .CA))
    #expect(periods.writtenContract == 4)
    #expect(periods.oralContract == 2)
    #expect(periods.openAccount == 4)
    let status = try shipped().isTimeBarred(state: .CA, debtType: .personalLoan, accrualDate: day("2021-06-30"), asOf: day("2025-06-29"))
    #expect(status.kind == .writtenContract)
    #expect(status.periodYears == 4)
    #expect(status.basis.contains("337"))
}

@Test func catalogueStatesComeFromTheData() throws {
    let sol = try shipped()
    #expect(sol.periods(for: .WV)?.writtenContract == 10)
    #expect(sol.periods(for: .WV)?.openAccount == 5)
    #expect(sol.periods(for: .MA)?.writtenContract == 6)
    #expect(sol.periods(for: .WA)?.writtenContract == 6)
    #expect(sol.periods(for: .WA)?.oralContract == 3)
    // Colorado: sources disagree (3 under 13-80-101, 6 under 13-80-103.5); the shorter is shipped.
    #expect(sol.periods(for: .CO)?.openAccount == 3)
    #expect(sol.entry(for: .CO)?.notes.contains("13-80-103.5") == true)
}

// MARK: - The date arithmetic

@Test func oneDayBeforeOnAndAfterExpiry() throws {
    let sol = try shipped()
    let accrual = day("2021-03-15")
    func status(_ asOf: String) -> TimeBarStatus {
        sol.isTimeBarred(state: .TX, debtType: .creditCard, accrualDate: accrual, asOf: day(asOf))
    }
    #expect(status("2025-03-14").expired == false)
    #expect(status("2025-03-15").expiresOn == day("2025-03-15"))
    #expect(status("2025-03-15").expired == true)  // barred on the anniversary (one day conservative)
    #expect(status("2025-03-16").expired == true)
    #expect(status("2019-01-01").expired == false)  // as-of before accrual
}

@Test func leapDayAccrualFallsToFebruary28InCommonYears() throws {
    let sol = try shipped()
    let accrual = day("2024-02-29")
    let newYork = sol.isTimeBarred(state: .NY, debtType: .creditCard, accrualDate: accrual, asOf: day("2027-02-27"))
    #expect(newYork.expiresOn == day("2027-02-28"))
    #expect(newYork.expired == false)
    #expect(sol.isTimeBarred(state: .NY, debtType: .creditCard, accrualDate: accrual, asOf: day("2027-02-28")).expired == true)
    // Four years on is a leap year again.
    let texas = sol.isTimeBarred(state: .TX, debtType: .creditCard, accrualDate: accrual, asOf: day("2028-02-28"))
    #expect(texas.expiresOn == day("2028-02-29"))
    #expect(texas.expired == false)
    #expect(StatuteOfLimitations.adding(years: 1, to: day("2023-12-31")) == day("2024-12-31"))
    #expect(StatuteOfLimitations.adding(years: 20, to: day("9990-01-01")) == nil)
}

// MARK: - Debt types, overrides, unknowns

@Test func debtTypesMapToKinds() {
    for debtType: DebtType in [.creditCard, .medical, .utility, .telecom] {
        #expect(LimitationKind.governing(debtType) == .openAccount, "\(debtType)")
    }
    for debtType: DebtType in [.autoDeficiency, .personalLoan, .studentLoan, .mortgage, .other] {
        #expect(LimitationKind.governing(debtType) == .writtenContract, "\(debtType)")
    }
}

@Test func tenantOverrideWinsFieldByField() throws {
    let sol = try shipped()
    let override = try StatuteOfLimitations.Periods(writtenContract: nil, oralContract: nil, promissoryNote: nil, openAccount: 6)
    let tenant = sol.overriding([.CO: override])

    let card = tenant.isTimeBarred(state: .CO, debtType: .creditCard, accrualDate: day("2020-01-01"), asOf: day("2024-06-01"))
    #expect(card.periodYears == 6)
    #expect(card.expired == false)
    #expect(card.isOverride)
    #expect(card.basis.contains("tenant override"))

    // Fields the override leaves nil keep the shipped period, and say so.
    let loan = tenant.isTimeBarred(state: .CO, debtType: .personalLoan, accrualDate: day("2020-01-01"), asOf: day("2024-06-01"))
    #expect(loan.periodYears == sol.periods(for: .CO)?.writtenContract)
    #expect(!loan.isOverride)

    // The original is untouched, other states too.
    #expect(sol.isTimeBarred(state: .CO, debtType: .creditCard, accrualDate: day("2020-01-01"), asOf: day("2024-06-01")).expired == true)
    #expect(tenant.periods(for: .NY) == sol.periods(for: .NY))
}

@Test func overrideCanCoverATerritory() throws {
    let sol = try shipped()
    let unknown = sol.isTimeBarred(state: .PR, debtType: .creditCard, accrualDate: day("2010-01-01"), asOf: day("2024-01-01"))
    #expect(unknown.expired == nil)
    #expect(unknown.periodYears == nil)
    #expect(unknown.basis.contains("no period on record"))

    let tenant = sol.overriding([.PR: try StatuteOfLimitations.Periods(
        writtenContract: 15, oralContract: nil, promissoryNote: nil, openAccount: 15)])
    let known = tenant.isTimeBarred(state: .PR, debtType: .creditCard, accrualDate: day("2010-01-01"), asOf: day("2024-01-01"))
    #expect(known.expired == false)
    #expect(known.expiresOn == day("2025-01-01"))
}

@Test func periodsRefuseImpossibleYears() {
    #expect(throws: StatuteOfLimitations.InvalidData.self) {
        _ = try StatuteOfLimitations.Periods(writtenContract: 0, oralContract: nil, promissoryNote: nil, openAccount: nil)
    }
    do {
        _ = try StatuteOfLimitations.Periods(writtenContract: 6, oralContract: nil, promissoryNote: nil, openAccount: 21)
        Issue.record("21 years was accepted")
    } catch {
        #expect(error.problems == ["open_account: 21 is outside 1...20 years (use nil when unknown)"])
    }
}

// MARK: - Refusing bad data

@Test func missingStateIsRefusedByName() throws {
    var tree = try shippedTree()
    var states = try #require(tree["states"] as? [String: Any])
    states["WY"] = nil
    tree["states"] = states
    let error = try #require(try refusal(tree))
    #expect(error.problems == ["WY: missing"])
    #expect(error.description.contains("WY: missing"))
}

@Test func zeroYearsIsRefusedNamingStateAndField() throws {
    var tree = try shippedTree()
    var states = try #require(tree["states"] as? [String: Any])
    var alabama = try #require(states["AL"] as? [String: Any])
    alabama["written_contract"] = 0
    states["AL"] = alabama
    tree["states"] = states
    let error = try #require(try refusal(tree))
    #expect(error.problems == ["AL.written_contract: 0 is outside 1...20 years (use null when unknown)"])
}

@Test func otherFaultsAreAllReported() throws {
    var tree = try shippedTree()
    var states = try #require(tree["states"] as? [String: Any])
    var georgia = try #require(states["GA"] as? [String: Any])
    georgia["open_account"] = nil  // key absent, not null
    georgia["oral_contract"] = 4.5
    georgia["promissory_note"] = "six"
    georgia["revival_by_payment"] = "yes"
    georgia["citation"] = ""
    states["GA"] = georgia
    states["ZZ"] = georgia
    tree["states"] = states
    var source = try #require(tree["source"] as? [String: Any])
    source["retrieved"] = "29/11/2026"
    tree["source"] = source
    let problems = try #require(try refusal(tree)).problems
    #expect(problems.contains("GA.open_account: missing (use null when the period is unknown)"))
    #expect(problems.contains("GA.oral_contract: 4.5 is not a whole number of years"))
    #expect(problems.contains("GA.promissory_note: must be a whole number of years or null (is a string)"))
    #expect(problems.contains("GA.revival_by_payment: must be true, false or null (is a string)"))
    #expect(problems.contains("GA.citation: must be a non-empty string"))
    #expect(problems.contains("ZZ: not a USPS state code"))
    #expect(problems.contains("source.retrieved: must be YYYY-MM-DD"))
}

@Test func nullPeriodIsAcceptedAndAnswersUnknown() throws {
    var tree = try shippedTree()
    var states = try #require(tree["states"] as? [String: Any])
    var ohio = try #require(states["OH"] as? [String: Any])
    ohio["open_account"] = NSNull()
    states["OH"] = ohio
    tree["states"] = states
    let sol = try StatuteOfLimitations(json: JSONSerialization.data(withJSONObject: tree))
    let status = sol.isTimeBarred(state: .OH, debtType: .medical, accrualDate: day("2001-01-01"), asOf: day("2024-01-01"))
    #expect(status.expired == nil)
    #expect(status.periodYears == nil)
}

@Test func notJSONIsRefused() {
    do {
        _ = try StatuteOfLimitations(json: Data("{ not json".utf8))
        Issue.record("garbage was accepted")
    } catch {
        #expect(error.problems.first?.hasPrefix("not valid JSON") == true)
    }
}
