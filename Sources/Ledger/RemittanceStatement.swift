import Foundation
import RecoupCore

/// How the agency pays a client what it collected.
public enum RemitMethod: String, Sendable, CaseIterable, Codable {
    /// The agency keeps its fee and remits the client's share.
    case net
    /// The agency remits everything collected and invoices its fee.
    case gross
}

/// One payment or reversal on a remittance statement.
public struct RemittanceLine: Hashable, Sendable {
    public var postedOn: LocalDate
    public var accountNumber: String
    public var reference: String
    /// `payment`, or `reversal` for money returned (negative amounts).
    public var kind: String
    public var collected: Int64
    public var split: RemittanceSplit

    public init(postedOn: LocalDate, accountNumber: String, reference: String, kind: String, collected: Int64, split: RemittanceSplit) {
        self.postedOn = postedOn
        self.accountNumber = accountNumber
        self.reference = reference
        self.kind = kind
        self.collected = collected
        self.split = split
    }
}

/// A client's remittance statement for a period: every dollar collected, split into the client's share and the
/// agency's fee, and what is remitted by the client's method. The totals are the lines' sums, so the statement
/// reconciles to the cent by construction.
public struct RemittanceStatement: Hashable, Sendable {
    public var client: String
    public var from: LocalDate
    public var to: LocalDate
    public var currency: Currency
    public var method: RemitMethod
    public var lines: [RemittanceLine]

    public init(client: String, from: LocalDate, to: LocalDate, currency: Currency, method: RemitMethod, lines: [RemittanceLine]) {
        self.client = client
        self.from = from
        self.to = to
        self.currency = currency
        self.method = method
        self.lines = lines
    }

    public var collected: Int64 { lines.reduce(0) { $0 + $1.collected } }
    public var totals: RemittanceSplit { lines.reduce(.zero) { $0 + $1.split } }
    /// What the agency pays the client: the share (net), or all that was collected (gross; the fee is invoiced).
    public var remitted: Int64 { method == .net ? totals.clientShare : collected }
    /// What the client owes the agency afterwards: nothing when net, the fee when gross.
    public var invoiced: Int64 { method == .net ? 0 : totals.agencyFee }

    /// The statement as CSV (RFC 4180), one row per line and a total row, amounts as decimals.
    public var csv: String {
        func amount(_ minor: Int64) -> String { Money(minorUnits: minor, currency: currency).decimalString }
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        var rows = ["posted_on,account_number,reference,kind,collected,client_share,agency_fee"]
        rows += lines.map { line in
            [line.postedOn.iso, field(line.accountNumber), line.reference, line.kind, amount(line.collected), amount(line.split.clientShare),
             amount(line.split.agencyFee)].joined(separator: ",")
        }
        rows.append(["total", "", "", "", amount(collected), amount(totals.clientShare), amount(totals.agencyFee)].joined(separator: ","))
        return rows.joined(separator: "\r\n") + "\r\n"
    }
}
