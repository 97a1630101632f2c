import Foundation
import RecoupCore

/// The variables a template may use, typed, and the values one message fills them with. A template naming anything
/// else is rejected when saved.
///
/// `{{consumer_name}}`, `{{consumer_first_name}}`, `{{creditor}}`, `{{original_creditor}}`, `{{balance}}`,
/// `{{itemization.date}}`, `{{itemization.at_itemization}}`, `{{itemization.interest}}`, `{{itemization.fees}}`,
/// `{{itemization.payments}}`, `{{itemization.credits}}`, `{{portal_link}}`, `{{#payment_options}}{{label}}
/// {{amount}}{{/payment_options}}`, `{{agent_name}}`, `{{agency_name}}`, `{{agency_phone}}`, `{{reference}}`,
/// `{{account_number}}`.
public struct TemplateValues: Sendable, Equatable {
    public struct PaymentOption: Sendable, Equatable {
        public var label: String
        public var amount: Money

        public init(label: String, amount: Money) {
            self.label = label
            self.amount = amount
        }
    }

    public var consumerName: String
    public var consumerFirstName: String
    public var creditor: String
    public var originalCreditor: String
    public var itemization: Itemization
    public var portalLink: String
    public var paymentOptions: [PaymentOption]
    public var agentName: String
    public var agencyName: String
    public var agencyPhone: String
    public var reference: String
    public var accountNumber: String

    public init(
        consumerName: String, consumerFirstName: String, creditor: String, originalCreditor: String, itemization: Itemization,
        portalLink: String, paymentOptions: [PaymentOption], agentName: String, agencyName: String, agencyPhone: String,
        reference: String, accountNumber: String
    ) {
        self.consumerName = consumerName
        self.consumerFirstName = consumerFirstName
        self.creditor = creditor
        self.originalCreditor = originalCreditor
        self.itemization = itemization
        self.portalLink = portalLink
        self.paymentOptions = paymentOptions
        self.agentName = agentName
        self.agencyName = agencyName
        self.agencyPhone = agencyPhone
        self.reference = reference
        self.accountNumber = accountNumber
    }

    /// The names templates may use (sections' inner names under their section).
    public static let names: Set<String> = [
        "consumer_name", "consumer_first_name", "creditor", "original_creditor", "balance", "itemization", "itemization.date",
        "itemization.at_itemization", "itemization.interest", "itemization.fees", "itemization.payments", "itemization.credits",
        "portal_link", "payment_options", "payment_options.label", "payment_options.amount", "agent_name", "agency_name",
        "agency_phone", "reference", "account_number",
    ]

    /// The values as the renderer reads them, money formatted for the language.
    func context(language: String) -> [String: Any] {
        let locale: DisplayLocale = language == "es" ? .esUS : .enUS
        return [
            "consumer_name": consumerName, "consumer_first_name": consumerFirstName, "creditor": creditor,
            "original_creditor": originalCreditor, "balance": itemization.currentBalance.formatted(locale),
            "itemization": [
                "date": itemization.itemizationDate.iso, "at_itemization": itemization.balanceAtItemization.formatted(locale),
                "interest": itemization.interestSinceItemization.formatted(locale), "fees": itemization.feesSinceItemization.formatted(locale),
                "payments": itemization.paymentsSinceItemization.formatted(locale), "credits": itemization.creditsSinceItemization.formatted(locale),
            ] as [String: Any],
            "portal_link": portalLink,
            "payment_options": paymentOptions.map { ["label": $0.label, "amount": $0.amount.formatted(locale)] as [String: Any] },
            "agent_name": agentName, "agency_name": agencyName, "agency_phone": agencyPhone, "reference": reference,
            "account_number": accountNumber,
        ]
    }

    /// Values for previews: a fictitious consumer and debt.
    public static let sample: TemplateValues = {
        let usd = Currency.usd
        func money(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: usd) }
        return TemplateValues(
            consumerName: "Pat Doe", consumerFirstName: "Pat", creditor: "Big Bank", originalCreditor: "Big Bank",
            itemization: Itemization(
                itemizationDate: LocalDate(year: 2025, month: 6, day: 30)!, itemizationDateType: .chargeOff,
                balanceAtItemization: money(123_456), interestSinceItemization: money(0), feesSinceItemization: money(0),
                paymentsSinceItemization: money(10_000), creditsSinceItemization: money(0), currentBalance: money(113_456)),
            portalLink: "https://pay.example.com/r/7093386246",
            paymentOptions: [PaymentOption(label: "Pay in full", amount: money(113_456)),
                             PaymentOption(label: "Six monthly payments of", amount: money(18_910))],
            agentName: "Jordan Lee", agencyName: "Acme Partners", agencyPhone: "(512) 555-0199", reference: "7093386246",
            accountNumber: "****4821")
    }()
}
