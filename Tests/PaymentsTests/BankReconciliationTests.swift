import Foundation
import Payments
import RecoupApp
import RecoupCore
import Testing

/// The ACH clearing account's statement against the NACHA files filed and the returns posted: credits per batch or per
/// file inside the settlement window (holidays pushing it), returns by trace, and everything unexplained named.
struct BankReconciliationTests {
    static let tenant = TenantID()
    static let originator = NACHAOriginator(
        destinationRouting: "091000019", destinationName: "Wells Fargo", originID: "1234567890", originName: "Acme Collections",
        companyName: "Acme Collections", companyID: "1234567890", originatingDFI: "09100001")

    static func day(_ iso: String) -> LocalDate { LocalDate(iso: iso)! }

    /// A filed NACHA file of PPD and WEB debits of these amounts (minor units).
    static func file(_ effective: String, ppd: [Int64], web: [Int64] = [], status: ACHFileRecord.Status = .ready) throws -> ACHFileRecord {
        let debits = ppd.map { (StandardEntryClass.ppd, $0) } + web.map { (StandardEntryClass.web, $0) }
        let written = try NACHAFile.write(
            debits.map { entryClass, cents in
                NACHADebit(routing: "011000015", accountNumber: "000123456789", account: .checking,
                           amount: Money(minorUnits: cents, currency: .usd), individualID: "7093386246", individualName: "Pat Doe",
                           entryClass: entryClass, recurring: entryClass == .web)
            },
            originator: originator, effectiveDate: day(effective), createdAt: Date(timeIntervalSince1970: 1_795_000_000))
        return ACHFileRecord(
            tenantID: tenant, effectiveDate: day(effective), createdAt: Date(timeIntervalSince1970: 1_795_000_000), status: status,
            debits: written.traceNumbers.map { (UUID(), $0) }, totalMinor: written.totalDebit, text: written.text)
    }

    static func debit(_ trace: String, _ minor: Int64, _ status: PaymentStatus) -> Payment {
        Payment(tenantID: tenant, accountID: AccountID(), clientID: ClientID(), methodID: UUID(), rail: .ach,
                amount: Money(minorUnits: minor, currency: .usd), status: status, processorRef: trace, createdBy: "t",
                createdAt: Date(timeIntervalSince1970: 1_795_000_000), updatedAt: Date(timeIntervalSince1970: 1_795_000_000))
    }

    @Test func batchTotalsComeFromTheBatchControlRecords() throws {
        #expect(BankReconciliation.batchTotals(try Self.file("2026-12-01", ppd: [12_345, 50_000], web: [1, 1_000])) == [62_345, 1_001])
    }

    @Test func everyCreditBatchAndReturnIsAccountedFor() throws {
        // Thanksgiving (Thu 2026-11-26) is no business day: its file settles Fri 27th to Mon 30th, batch by batch.
        let thanksgiving = try Self.file("2026-11-26", ppd: [12_345, 50_000], web: [1, 1_000])
        // Credited as one line for the whole file.
        let wholeFile = try Self.file("2026-12-01", ppd: [15_000], web: [5_000])
        // Its window (Dec 2–4) closes inside the statement without a credit.
        let missing = try Self.file("2026-12-02", ppd: [7_500])
        // Its window runs past the statement: may be credited on the next one.
        let later = try Self.file("2026-12-03", ppd: [8_800])
        // Never finished: nothing to settle.
        let building = try Self.file("2026-12-01", ppd: [4_200], status: .building)
        let csv = """
            date,amount,type,reference,description
            2026-11-27,623.45,settlement,,ACH SETTLEMENT ACME COLLECTIONS
            2026-11-30,10.01,credit,,ACH SETTLEMENT
            2026-12-02,200.00,settlement,,ACH SETTLEMENT
            2026-12-03,99.99,settlement,,ACH SETTLEMENT
            2026-12-03,-123.45,return,091000010000001,R01
            2026-12-03,40.00,return,091000010000002,R02
            2026-12-04,5.00,return,091000019999999,R03
            2026-12-04,12.00,return,091000010000004,R01
            2026-12-32,1.00,settlement,,
            2026-12-04,1.00,fee,,
            """
        let (lines, problems) = BankReconciliation.parse(csv)
        #expect(problems.map(\.line) == [10, 11])
        #expect(problems[0].reason.contains("2026-12-32") && problems[1].reason.contains("fee"))
        let report = BankReconciliation.reconcile(
            lines, days: Self.day("2026-11-27")...Self.day("2026-12-04"), files: [thanksgiving, wholeFile, missing, later, building],
            byTrace: [Self.debit("091000010000001", 12_345, .returned), Self.debit("091000010000002", 4_000, .succeeded),
                      Self.debit("091000010000004", 1_100, .returned)],
            returnedPayments: [Self.debit("091000010000001", 12_345, .returned), Self.debit("091000010000003", 900, .returned)])
        #expect(report.settled == 3 && report.settledAmount == 62_345 + 1_001 + 20_000)
        #expect(report.returned == 1 && report.returnedAmount == 12_345)
        #expect(report.atBankOnly.map(\.line) == [5, 7, 8, 9])
        #expect(report.atBankOnly[0].reason.contains("9999 minor units on 2026-12-03 matches no batch or file"))
        #expect(report.atBankOnly[1].reason.contains("Recoup holds the debit as succeeded"), "the return file was not imported")
        #expect(report.atBankOnly[2].reason.contains("no debit of this tenant"))
        #expect(report.atBankOnly[3].reason.contains("1200 minor units at the bank, 1100 debited by Recoup"))
        #expect(report.unsettled.map(\.file) == [missing.id] && report.unsettled[0].amount == 7_500)
        #expect(report.unreportedReturns.map(\.processorRef) == ["091000010000003"])
        #expect(!report.isClean)
    }

    @Test func aCreditOutsideItsWindowMatchesNothing() throws {
        let file = try Self.file("2026-12-01", ppd: [10_000])
        let (early, _) = BankReconciliation.parse("date,amount,type,reference\n2026-11-30,100.00,settlement,x\n")
        let report = BankReconciliation.reconcile(early, days: Self.day("2026-11-30")...Self.day("2026-12-03"), files: [file], byTrace: [],
                                                  returnedPayments: [])
        #expect(report.atBankOnly.map(\.line) == [2] && report.unsettled.count == 1)
        let (onTime, _) = BankReconciliation.parse("date,amount,type,reference\n2026-12-03,100.00,settlement,x\n")
        #expect(BankReconciliation.reconcile(onTime, days: Self.day("2026-11-30")...Self.day("2026-12-03"), files: [file], byTrace: [],
                                             returnedPayments: []).isClean)
        #expect(BankReconciliation.parse("when,amount\n").problems.first?.reason.contains("header") == true)
    }
}
