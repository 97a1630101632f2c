import Foundation
import Payments
import RecoupCore
import Testing

/// The NACHA writer's records, field by field where the bank's parser looks. `e2e/test_nacha.py` feeds a larger
/// file to an independent parser (achkit) and compares its figures.
struct NACHAFileTests {
    let originator = NACHAOriginator(
        destinationRouting: "091000019", destinationName: "Wells Fargo", originID: "1234567890", originName: "Acme Collections",
        companyName: "Acme Collections", companyID: "1234567890", originatingDFI: "09100001")

    func debit(_ routing: String, _ cents: Int64, _ name: String, _ entryClass: StandardEntryClass = .ppd, recurring: Bool = false) -> NACHADebit {
        NACHADebit(routing: routing, accountNumber: "000123456789", account: .checking, amount: Money(minorUnits: cents, currency: .usd),
                   individualID: "7093386246", individualName: name, entryClass: entryClass, recurring: recurring)
    }

    @Test func aFileHasItsRecordsControlsAndBlocking() throws {
        let debits = [debit("011000015", 12_345, "Pat Doe"), debit("021000021", 50_000, "José Núñez"),
                      debit("011000015", 1, "Sam Lee", .web, recurring: true), debit("091000019", 99_999_99, "Ana Ruiz", .web)]
        let written = try NACHAFile.write(
            debits, originator: originator, effectiveDate: LocalDate(year: 2026, month: 12, day: 1)!,
            createdAt: Date(timeIntervalSince1970: 1_795_000_000))
        let lines = written.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(lines.allSatisfy { $0.count == 94 }, "every record is 94 characters")
        #expect(lines.count == 10, "1 header, 2 batches of header + entries + control, 1 file control, padding to 10")
        #expect(lines[0].hasPrefix("101 09100001912345678902611181106A094101WELLS FARGO"))
        #expect(lines[1].hasPrefix("5225ACME COLLECTIONS") && lines[1].dropFirst(50).hasPrefix("PPDPAYMENT"))
        #expect(lines[1].dropFirst(69).hasPrefix("261201") && lines[1].hasSuffix("091000010000001"))
        #expect(lines[3] == "627021000021000123456789     0000050000" + "7093386246     " + "JOSE NUNEZ            " + "  0" + "091000010000002")
        // Entry hash: 01100001 + 02100002 = 3200003; totals in cents.
        #expect(lines[4] == "8225000002" + "0003200003" + "000000062345" + "000000000000" + "1234567890" + String(repeating: " ", count: 25)
            + "091000010000001")
        #expect(lines[6].dropFirst(76).hasPrefix("R 0") && lines[7].dropFirst(76).hasPrefix("S 0"), "WEB entries say recurring or single")
        #expect(lines[9].hasPrefix("9000002000001000000040013400005000010062345000000000000"), "entry hash 01100001 + 02100002 + 01100001 + 09100001")
        #expect(written.traceNumbers == ["091000010000001", "091000010000002", "091000010000003", "091000010000004"])
        #expect(written.totalDebit == 10_062_345 && written.entryCount == 4 && written.batchCount == 2)
    }

    @Test func badEntriesAreNamedAndNothingIsWritten() {
        #expect(throws: NACHAError.badRouting(index: 1, "011000016")) {
            try NACHAFile.write([debit("011000015", 100, "A"), debit("011000016", 100, "B")], originator: originator,
                                effectiveDate: LocalDate(year: 2026, month: 12, day: 1)!, createdAt: Date())
        }
        #expect(throws: NACHAError.badAmount(index: 0)) {
            try NACHAFile.write([debit("011000015", 0, "A")], originator: originator, effectiveDate: LocalDate(year: 2026, month: 12, day: 1)!,
                                createdAt: Date())
        }
        #expect(RoutingNumber.isValid("011000015") && !RoutingNumber.isValid("01100001") && !RoutingNumber.isValid("0110000a5"))
    }
}
