import Foundation
import Compliance
import RecoupCore

/// A letter about one account, as the print vendor mails it: the return address and the consumer's address placed for
/// a #10 double-window envelope (so only names and addresses show outside: nothing that says "debt"), then the date,
/// its title, the account, the balance, its words, the debt-collector disclosure and the reference to quote. A final
/// demand carries an agent's words; a receipt, for a consumer Recoup may neither email nor text, the receipt's.
public struct AccountLetter: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case finalDemand, receipt
    }

    public var kind: Kind
    public var collectorName: String
    public var collectorAddress: [String]
    public var collectorPhone: String?
    public var consumerName: String
    public var consumerAddress: [String]
    public var date: LocalDate
    public var creditor: String
    public var accountNumber: String
    public var reference: String
    public var balance: Money
    public var text: String
    public var californiaLicense: String?
    public var language: NoticeLanguage

    public init(
        _ kind: Kind, collectorName: String, collectorAddress: [String], collectorPhone: String?, consumerName: String, consumerAddress: [String],
        date: LocalDate, creditor: String, accountNumber: String, reference: String, balance: Money, text: String,
        californiaLicense: String?, language: NoticeLanguage
    ) {
        self.kind = kind
        self.collectorName = collectorName
        self.collectorAddress = collectorAddress
        self.collectorPhone = collectorPhone
        self.consumerName = consumerName
        self.consumerAddress = consumerAddress
        self.date = date
        self.creditor = creditor
        self.accountNumber = accountNumber
        self.reference = reference
        self.balance = balance
        self.text = text
        self.californiaLicense = californiaLicense
        self.language = language
    }
}

public enum AccountLetterLayout {
    public static func letter(_ demand: AccountLetter) -> Letter {
        let text = Disclosures.texts(demand.language)
        let spanish = demand.language == .spanish
        let title = switch (demand.kind, spanish) {
        case (.finalDemand, false): "Final notice"
        case (.finalDemand, true): "Aviso final"
        case (.receipt, false): "Payment receipt"
        case (.receipt, true): "Recibo de pago"
        }
        var blocks: [Block] = [
            // Return-address window: nothing that says "debt" shows outside.
            .envelope(
                returnAddress: Envelope.returnAddress(name: demand.collectorName, address: demand.collectorAddress),
                recipient: [demand.consumerName] + demand.consumerAddress),
            .paragraph(demand.collectorName + (demand.collectorPhone.map { " · " + $0 } ?? ""), bold: true),
            .paragraph(LocalizedDate.text(demand.date, demand.language)),
            .heading(title, level: .title),
            .table([
                TableRow(text.labels.currentCreditor, demand.creditor),
                TableRow(text.labels.account, demand.accountNumber),
                TableRow(text.labels.reference, demand.reference),
                TableRow(spanish ? "Saldo" : "Balance", demand.balance.formatted(spanish ? .esUS : .enUS), emphasized: true),
            ]),
        ]
        blocks += demand.text.components(separatedBy: "\n\n").map { Block.paragraph($0) }
        if let phone = demand.collectorPhone {
            blocks.append(.paragraph(spanish ? "Llámenos al \(phone) y mencione la referencia \(demand.reference)."
                                             : "Call us at \(phone) and quote reference \(demand.reference)."))
        }
        blocks.append(.paragraph(text.miniMirandaSubsequent, bold: true))
        if let license = demand.californiaLicense { blocks.append(.paragraph(text.californiaLicense(license), size: 12)) }
        return Letter(title: title + " — " + demand.reference,
                      pageNumbering: spanish ? .spanish : .english, blocks: blocks)
    }
}
