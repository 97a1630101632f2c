import Foundation
import RecoupApp
import RecoupCore

/// One line of the statement of the agency's ACH clearing account at its bank: a settlement credit (the money a
/// NACHA batch or file collected) or a return debit (an entry the consumer's bank sent back), by amount and day.
public struct BankStatementLine: Hashable, Sendable {
    public enum Kind: String, Sendable { case settlement, `return` }
    public var date: LocalDate
    public var kind: Kind
    /// Positive minor units, whatever the direction.
    public var amount: Int64
    /// The bank's reference: for a return, the trace number of the returned entry.
    public var reference: String
    public var line: Int
}

/// What reconciling the bank statement against the filed ACH debits found.
public struct BankReconciliationReport: Sendable {
    /// Settlement credits matched to a filed batch or file, and their total.
    public var settled = 0
    public var settledAmount: Int64 = 0
    /// Return debits matched to a debit Recoup holds as returned, and their total.
    public var returned = 0
    public var returnedAmount: Int64 = 0
    /// Money the bank moved that no filed batch, file or returned debit explains: by line, with why.
    public var atBankOnly: [(line: Int, reason: String)] = []
    /// Filed batches the bank has not credited within the settlement window.
    public var unsettled: [(file: UUID, batch: Int, amount: Int64)] = []
    /// Debits Recoup took back on a return file that the statement does not show.
    public var unreportedReturns: [Payment] = []
    /// Lines the parser could not read.
    public var problems: [(line: Int, reason: String)] = []

    public var isClean: Bool { atBankOnly.isEmpty && unsettled.isEmpty && unreportedReturns.isEmpty && problems.isEmpty }
}

/// The bank side of the daily reconciliation: every NACHA file Recoup filed should come back as credits, and every
/// return Recoup posted as a debit, on the clearing account's statement. Pure: the caller reads the files, the
/// payments and the statement.
///
/// Banks credit an ACH origination either once per batch or once per file, on the effective entry date, or on a
/// later business day when that date is not one (or the file was late); so a credit matches a batch's or a
/// whole file's debit total settling from the effective date to ``settlementWindow`` business days after it.
/// Returns are matched by the returned entry's trace number.
public enum BankReconciliation {
    /// Business days after the effective date a credit may still arrive.
    public static let settlementWindow = 2

    /// Reads the statement: CSV with a header naming `date` (YYYY-MM-DD), `amount` (a decimal), `type`
    /// (`settlement`/`credit`, `return`/`debit`) and `reference`. Unreadable lines are named; the rest is kept.
    public static func parse(_ text: String) -> (lines: [BankStatementLine], problems: [(line: Int, reason: String)]) {
        let (header, rows) = ReportCSV.rows(text)
        guard let header else { return ([], [(1, "the statement is empty")]) }
        guard let date = header.firstIndex(of: "date"), let amount = header.firstIndex(of: "amount"),
              let type = header.firstIndex(of: "type"), let reference = header.firstIndex(of: "reference")
        else { return ([], [(1, "the header must name date, amount, type and reference")]) }
        var lines: [BankStatementLine] = []
        var problems: [(line: Int, reason: String)] = []
        for (number, row) in rows {
            guard row.count > max(date, amount, type, reference) else { problems.append((number, "has \(row.count) fields")); continue }
            guard let day = LocalDate(iso: row[date]) else { problems.append((number, "date \(row[date]) is not YYYY-MM-DD")); continue }
            guard let money = ReportCSV.amount(row[amount]) else {
                problems.append((number, "amount \(row[amount]) is not an amount"))
                continue
            }
            let kind: BankStatementLine.Kind
            switch row[type].lowercased() {
            case "settlement", "credit": kind = .settlement
            case "return", "debit": kind = .return
            default: problems.append((number, "type \(row[type]) is not settlement or return")); continue
            }
            lines.append(BankStatementLine(date: day, kind: kind, amount: money, reference: row[reference].lowercased(), line: number))
        }
        return (lines, problems)
    }

    /// The debit total of each batch of a NACHA file, in file order, from its batch control records.
    public static func batchTotals(_ file: ACHFileRecord) -> [Int64] {
        file.text.split(separator: "\n").filter { $0.hasPrefix("8") && $0.count == 94 }.compactMap { record in
            Int64(record.dropFirst(20).prefix(12))
        }
    }

    /// Matches `lines` (a statement of `days`) against the `files` that may settle in those days, and the returns
    /// against the payments their trace numbers name (`byTrace`); names the batches whose window closed unsettled and
    /// the `returnedPayments` (debits taken back during those days) the statement lacks. A batch whose window runs
    /// past the statement may still be credited on the next one: it is matched if credited, never reported missing.
    public static func reconcile(
        _ lines: [BankStatementLine], days: ClosedRange<LocalDate>, files: [ACHFileRecord], byTrace: [Payment],
        returnedPayments: [Payment], calendar: BusinessCalendar = .usFederal
    ) -> BankReconciliationReport {
        var report = BankReconciliationReport()
        func window(_ file: ACHFileRecord) -> ClosedRange<LocalDate> {
            let first = calendar.isBusinessDay(file.effectiveDate) ? file.effectiveDate : calendar.adding(businessDays: 1, to: file.effectiveDate)
            return first...calendar.adding(businessDays: settlementWindow, to: file.effectiveDate)
        }
        // Every batch that may settle in the statement's days, and whether a credit has been matched to it.
        struct Expected {
            var file: ACHFileRecord
            var batch: Int
            var amount: Int64
            var settled = false
        }
        let filed = files.filter { $0.status == .ready && window($0).overlaps(days) }.sorted { $0.effectiveDate < $1.effectiveDate }
        var expected = filed.flatMap { file in
            batchTotals(file).enumerated().map { Expected(file: file, batch: $0.offset + 1, amount: $0.element) }
        }
        for line in lines.filter({ $0.kind == .settlement }).sorted(by: { $0.date < $1.date }) {
            let open = expected.indices.filter { !expected[$0].settled && window(expected[$0].file).contains(line.date) }
            if let batch = open.first(where: { expected[$0].amount == line.amount }) {
                expected[batch].settled = true
            } else if let file = Set(open.map { expected[$0].file.id }).first(where: { id in
                open.filter { expected[$0].file.id == id }.reduce(0) { $0 + expected[$1].amount } == line.amount
            }) {
                for index in open where expected[index].file.id == file { expected[index].settled = true }
            } else {
                report.atBankOnly.append((line.line, "a credit of \(line.amount) minor units on \(line.date.iso) matches no batch or file filed to settle that day"))
                continue
            }
            report.settled += 1
            report.settledAmount += line.amount
        }
        report.unsettled = expected.filter { !$0.settled && window($0.file).upperBound <= days.upperBound }
            .map { ($0.file.id, $0.batch, $0.amount) }

        let payments = Dictionary(byTrace.compactMap { payment in payment.processorRef.map { ($0, payment) } }) { first, _ in first }
        var seen: Set<String> = []
        for line in lines where line.kind == .return {
            guard let payment = payments[line.reference], payment.rail == .ach else {
                report.atBankOnly.append((line.line, "a return of \(line.amount) minor units names trace \(line.reference), no debit of this tenant"))
                continue
            }
            guard payment.charged.minorUnits == line.amount else {
                report.atBankOnly.append((line.line, "trace \(line.reference): \(line.amount) minor units at the bank, \(payment.charged.minorUnits) debited by Recoup"))
                continue
            }
            guard payment.status == .returned else {
                report.atBankOnly.append((line.line, "trace \(line.reference) was returned at the bank, but Recoup holds the debit as \(payment.status.rawValue): import the return file"))
                continue
            }
            seen.insert(line.reference)
            report.returned += 1
            report.returnedAmount += line.amount
        }
        report.unreportedReturns = returnedPayments.filter { !seen.contains($0.processorRef ?? "") }
        return report
    }
}

/// The CSV shape both settlement reports share: a header, then comma-separated fields, trimmed and unquoted. The
/// header's names are lower-cased; values keep their case (a processor's charge ids are mixed-case: `pi_3MtwBw…`),
/// and callers fold the type names they compare.
enum ReportCSV {
    /// The header and each data row with its 1-based line number.
    static func rows(_ text: String) -> (header: [String]?, rows: [(line: Int, fields: [String])]) {
        let rows = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\"")))
        } }
        return (rows.first?.map { $0.lowercased() }, rows.enumerated().dropFirst().map { ($0.offset + 1, $0.element) })
    }

    /// A positive decimal amount in minor units (a leading minus is the report's direction, not the amount's).
    static func amount(_ text: String) -> Int64? {
        guard let money = Money(decimal: text.replacingOccurrences(of: "-", with: ""), currency: .usd), money.minorUnits > 0 else { return nil }
        return money.minorUnits
    }
}
