import ArgumentParser
import Foundation
import Ledger
import Payments
import RecoupCore

/// `recoup bench ledger`: posts payments across accounts through the ledger (allocation in the client's order,
/// every bucket checked) and writes a NACHA file of debits, with a yardstick measured in the same run: the same
/// amounts added into per-account totals with no allocation and no checks.
struct LedgerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Post payments across accounts with allocation and write a NACHA file; print entries/s against a bare-sum yardstick.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Accounts opened from placed amounts.") var accounts = 100_000
    @Option(help: "Payments posted, each to a random account.") var payments = 1_000_000
    @Option(help: "Debits in the NACHA file.") var nachaEntries = 100_000
    @Option(help: "Write the NACHA file here.") var nachaOut: String?
    @Option(help: "Seed of the generated amounts.") var seed: UInt64 = 1

    func run() async throws {
        var random = SeededGenerator(seed: seed)
        let itemized = LocalDate(year: 2025, month: 6, day: 30)!
        let policies = [AllocationPolicy.feesInterestPrincipal, .principalFirst]
        var ledgers = try (0..<accounts).map { _ in
            let balance = Int64.random(in: 50_00...20_000_00, using: &random)
            let (interest, fees) = (Int64.random(in: 0...balance / 10, using: &random), Int64.random(in: 0...5_000, using: &random))
            func usd(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: .usd) }
            return try AccountLedger.opening(Itemization(
                itemizationDate: itemized, itemizationDateType: .chargeOff, balanceAtItemization: usd(balance), interestSinceItemization: usd(interest),
                feesSinceItemization: usd(fees), paymentsSinceItemization: usd(0), creditsSinceItemization: usd(0),
                currentBalance: usd(balance + interest + fees)), policy: .feesInterestPrincipal)
        }
        let postings = (0..<payments).map { _ in (Int.random(in: 0..<accounts, using: &random), Int64.random(in: 1...2_500, using: &random)) }

        // Yardstick: the same amounts summed per account, no allocation, no checks.
        var totals = [Int64](repeating: 0, count: accounts)
        let bareStart = DispatchTime.now()
        for (index, cents) in postings { totals[index] &+= cents }
        let bare = LedgerBench.seconds(since: bareStart)

        let start = DispatchTime.now()
        var posted = 0
        for (number, (index, cents)) in postings.enumerated() {
            let ledger = ledgers[index]
            let amount = min(cents, ledger.balance.total)
            guard amount > 0 else { continue }
            let day = itemized.adding(days: 1 + number % 365)
            ledgers[index] = try ledger.appending(
                ledger.payment(Money(minorUnits: amount, currency: .usd), on: day, policy: policies[index % 2], id: UUID(uuid: Self.uuid(number))))
            posted += 1
        }
        let posting = LedgerBench.seconds(since: start)
        let reconciled = ledgers.allSatisfy { $0.balance.isNonNegative }

        let routings = ["011000015", "021000021", "091000019", "026009593", "111000025", "121000248"]
        let debits = (0..<nachaEntries).map { number in
            NACHADebit(
                routing: routings[number % routings.count], accountNumber: String(100_000_000 + number), account: number % 5 == 0 ? .savings : .checking,
                amount: Money(minorUnits: Int64.random(in: 1_00...900_00, using: &random), currency: .usd), individualID: ReferenceCode.of(AccountID()),
                individualName: "Consumer \(number)", entryClass: number % 3 == 0 ? .web : .ppd, recurring: number % 2 == 0)
        }
        let originator = NACHAOriginator(
            destinationRouting: "091000019", destinationName: "Bench Bank", originID: "1234567890", originName: "Recoup Bench",
            companyName: "Recoup Bench", companyID: "1234567890", originatingDFI: "09100001")
        let nachaStart = DispatchTime.now()
        let file = try NACHAFile.write(debits, originator: originator, effectiveDate: itemized.adding(days: 200), createdAt: Date())
        let nacha = LedgerBench.seconds(since: nachaStart)
        if let nachaOut { try file.text.write(toFile: nachaOut, atomically: true, encoding: .ascii) }

        let text = [
            "\(accounts) accounts, \(posted) payments posted with allocation in \(String(format: "%.2f", posting)) s: "
                + "\(Int(Double(posted) / posting)) entries/s (every bucket non-negative: \(reconciled))",
            "  yardstick (the same amounts summed per account, no allocation or checks): \(Int(Double(payments) / max(bare, 1e-9))) entries/s",
            "NACHA: \(file.entryCount) debits in \(file.batchCount) batches written in \(String(format: "%.2f", nacha)) s: \(Int(Double(file.entryCount) / nacha)) entries/s",
        ].joined(separator: "\n")
        Output.emit(options, text: text, json: [
            "posted": posted, "posting_seconds": posting, "entries_per_second": Double(posted) / posting, "reconciled": reconciled,
            "nacha": ["entries": file.entryCount, "batches": file.batchCount, "total_debit": file.totalDebit, "entry_hash": file.entryHash,
                      "seconds": nacha, "first_trace": file.traceNumbers.min() ?? "", "last_trace": file.traceNumbers.max() ?? ""] as [String: Any],
        ])
    }

    static func seconds(since start: DispatchTime) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }

    /// Entry ids from the posting number: generating random ones would time the system's random source.
    static func uuid(_ number: Int) -> uuid_t {
        var bytes = [UInt8](repeating: 0, count: 16)
        withUnsafeBytes(of: UInt64(number).bigEndian) { for (offset, byte) in $0.enumerated() { bytes[8 + offset] = byte } }
        return (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10], bytes[11],
                bytes[12], bytes[13], bytes[14], bytes[15])
    }
}
