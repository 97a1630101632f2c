import Ledger
import RecoupCore

/// A remittance statement as the client receives it: the period, the totals (collected, the client's share, the
/// agency's fee, what is remitted and what is invoiced), then every payment and reversal.
public enum RemittanceStatementLetter {
    public static func letter(_ statement: RemittanceStatement, agency: String) -> Letter {
        func amount(_ minor: Int64) -> String { Money(minorUnits: minor, currency: statement.currency).formatted(.enUS) }
        let totals = statement.totals
        var summary = [
            TableRow("Collected", amount(statement.collected)),
            TableRow("Client share", amount(totals.clientShare)),
            TableRow("Agency fee", amount(totals.agencyFee)),
            TableRow(statement.method == .net ? "Remitted (net of fees)" : "Remitted (gross)", amount(statement.remitted), emphasized: true),
        ]
        if statement.invoiced > 0 { summary.append(TableRow("Fee invoiced", amount(statement.invoiced))) }
        let lines = statement.lines.map { line in
            TableRow("\(line.postedOn.iso)  \(line.accountNumber)  \(line.reference)  \(line.kind)",
                     "\(amount(line.collected))   client \(amount(line.split.clientShare))   fee \(amount(line.split.agencyFee))")
        }
        return Letter(title: "Remittance statement \(statement.client) \(statement.from.iso) to \(statement.to.iso)", blocks: [
            .paragraph(agency, bold: true),
            .heading("Remittance statement", level: .title),
            .table([TableRow("Client", statement.client), TableRow("Period", "\(statement.from.iso) to \(statement.to.iso)"),
                    TableRow("Payments and reversals", "\(statement.lines.count)")]),
            .heading("Totals", level: .section),
            .table(summary),
            .heading("Payments and reversals", level: .section),
            lines.isEmpty ? .paragraph("Nothing was collected in this period.") : .table(lines),
        ])
    }
}
