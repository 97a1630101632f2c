import Foundation
import RecoupApp
import RecoupCore

/// One line of the processor's settlement (payout) report: a charge, a refund or a dispute, by the charge's id.
public struct SettlementReportLine: Hashable, Sendable {
    public enum Kind: String, Sendable { case charge, refund, chargeback }
    public var reference: String
    public var kind: Kind
    /// Positive minor units, whatever the direction.
    public var amount: Int64
    public var line: Int
}

/// What reconciling a processor report against the posted card payments found.
public struct ReconciliationReport: Sendable {
    /// Lines that match a payment in the state Recoup holds it in, and their total by direction.
    public var matched = 0
    public var matchedCollected: Int64 = 0
    public var matchedReturned: Int64 = 0
    /// The processor moved money Recoup has not posted (or posted differently): by line, with why.
    public var atProcessorOnly: [(line: Int, reason: String)] = []
    /// Recoup posted money the report does not show.
    public var inRecoupOnly: [Payment] = []
    /// Lines the parser could not read.
    public var problems: [(line: Int, reason: String)] = []

    public var isClean: Bool { atProcessorOnly.isEmpty && inRecoupOnly.isEmpty && problems.isEmpty }
}

/// The daily reconciliation of the processor's settlement report against the card payments Recoup posted: every
/// charge should be a succeeded (or since undone) payment of the same amount, every refund and dispute a refunded or
/// charged-back one, and every posted payment should appear. Pure: the caller reads the file and the payments.
public enum Reconciliation {
    /// Reads the report: CSV with a header naming `id` (or `payment_intent`), `amount` (a decimal) and `type`
    /// (`charge`/`payment`, `refund`, `dispute`/`chargeback`). Unreadable lines are named; the rest is kept.
    public static func parse(_ text: String) -> (lines: [SettlementReportLine], problems: [(line: Int, reason: String)]) {
        let (header, rows) = ReportCSV.rows(text)
        guard let header else { return ([], [(1, "the report is empty")]) }
        guard let id = header.firstIndex(where: { $0 == "id" || $0 == "payment_intent" }), let amount = header.firstIndex(of: "amount"),
              let type = header.firstIndex(of: "type")
        else { return ([], [(1, "the header must name id (or payment_intent), amount and type")]) }
        var lines: [SettlementReportLine] = []
        var problems: [(line: Int, reason: String)] = []
        for (number, row) in rows {
            guard row.count > max(id, amount, type) else { problems.append((number, "has \(row.count) fields")); continue }
            guard let money = ReportCSV.amount(row[amount]) else {
                problems.append((number, "amount \(row[amount]) is not an amount"))
                continue
            }
            let kind: SettlementReportLine.Kind
            switch row[type].lowercased() {
            case "charge", "payment": kind = .charge
            case "refund": kind = .refund
            case "dispute", "chargeback": kind = .chargeback
            default: problems.append((number, "type \(row[type]) is not charge, refund or dispute")); continue
            }
            lines.append(SettlementReportLine(reference: row[id], kind: kind, amount: money, line: number))
        }
        return (lines, problems)
    }

    /// Matches `lines` against the payments their charge ids name (`byReference`: whatever day they were taken, so a
    /// refund of an older charge matches), and names the tenant's card `payments` of the report's days it lacks.
    public static func reconcile(_ lines: [SettlementReportLine], byReference found: [Payment], payments: [Payment]) -> ReconciliationReport {
        var report = ReconciliationReport()
        let card = payments.filter { $0.rail == .card && $0.processorRef != nil }
        let byReference = Dictionary((found + card).compactMap { payment in payment.processorRef.map { ($0.lowercased(), payment) } }) { first, _ in first }
        var seen: Set<String> = []
        for line in lines {
            guard let payment = byReference[line.reference.lowercased()] else {
                report.atProcessorOnly.append((line.line, "\(line.kind.rawValue) \(line.reference) is no payment of this tenant"))
                continue
            }
            // The processor took the amount and any convenience fee together.
            guard payment.charged.minorUnits == line.amount else {
                report.atProcessorOnly.append((line.line, "\(line.reference): \(line.amount) minor units at the processor, \(payment.charged.minorUnits) in Recoup"))
                continue
            }
            let consistent: Bool = switch line.kind {
            case .charge: [.succeeded, .refunded, .chargedBack].contains(payment.status)
            case .refund: payment.status == .refunded
            case .chargeback: payment.status == .chargedBack
            }
            guard consistent else {
                report.atProcessorOnly.append((line.line, "\(line.kind.rawValue) \(line.reference), but Recoup holds the payment as \(payment.status.rawValue)"))
                continue
            }
            if line.kind == .charge { seen.insert(line.reference.lowercased()) }
            report.matched += 1
            if line.kind == .charge { report.matchedCollected += line.amount } else { report.matchedReturned += line.amount }
        }
        report.inRecoupOnly = card.filter {
            [.succeeded, .refunded, .chargedBack].contains($0.status) && !seen.contains($0.processorRef!.lowercased())
        }
        return report
    }
}
