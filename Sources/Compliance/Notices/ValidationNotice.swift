import RecoupCore

/// The validation information of 12 CFR 1006.34(c) for one debt, as values: what a notice must say, decided here
/// once so that every renderer (HTML, PDF, any language) says the same thing and none can leave a required
/// element out. Model Form B-1 is the layout the renderers follow.
public struct ValidationNotice: Sendable, Equatable {
    public struct Party: Sendable, Equatable {
        public var name: String
        public var mailingAddress: [String]
        public init(name: String, mailingAddress: [String]) {
            self.name = name
            self.mailingAddress = mailingAddress
        }
    }

    /// (c)(1), (c)(2)(i): who is collecting and where disputes go.
    public var collector: Party
    public var collectorPhone: String?
    /// (c)(2)(ii): the consumer and their mailing address.
    public var consumer: Party
    /// (c)(2)(iii): the creditor on the itemization date; (c)(2)(v): the current creditor.
    public var creditorOnItemizationDate: String
    public var currentCreditor: String
    /// (c)(2)(iv): the account number, truncated to its last four characters.
    public var accountNumber: String
    /// (c)(2)(vi)-(ix): the itemization date, its type, and the itemization since it; zeros are shown.
    public var itemization: Itemization
    /// (c)(3): the date the collector will consider the end of the validation period.
    public var validationPeriod: ValidationPeriod
    /// (c)(3)(iv): the CFPB statement applies to debts from consumer financial products.
    public var isConsumerFinancialProduct: Bool
    /// State-required statements (time-barred notices, licence numbers, Massachusetts' rights notice).
    public var stateNotices: [StateNotice]
    public var language: NoticeLanguage

    public init(
        collector: Party, collectorPhone: String?, consumer: Party, creditorOnItemizationDate: String,
        currentCreditor: String, accountNumber: String, itemization: Itemization, validationPeriod: ValidationPeriod, isConsumerFinancialProduct: Bool,
        stateNotices: [StateNotice], language: NoticeLanguage
    ) {
        self.collector = collector
        self.collectorPhone = collectorPhone
        self.consumer = consumer
        self.creditorOnItemizationDate = creditorOnItemizationDate
        self.currentCreditor = currentCreditor
        self.accountNumber = Self.truncated(accountNumber)
        self.itemization = itemization
        self.validationPeriod = validationPeriod
        self.isConsumerFinancialProduct = isConsumerFinancialProduct
        self.stateNotices = stateNotices
        self.language = language
    }

    /// The end date every rights statement uses.
    public var endDate: LocalDate { validationPeriod.earliestEndDate }

    /// `****1234`: enough for the consumer to recognise the account, not enough to misuse it.
    static func truncated(_ number: String) -> String {
        number.count <= 4 ? number : String(repeating: "*", count: 4) + number.suffix(4)
    }

    /// Debt types that arise from consumer financial products or services (12 U.S.C. 5481(5)).
    public static func isConsumerFinancialProduct(_ type: DebtType) -> Bool {
        switch type {
        case .creditCard, .studentLoan, .autoDeficiency, .personalLoan, .mortgage: true
        case .medical, .utility, .telecom, .other: false
        }
    }
}

/// The languages notices are written in; a Spanish notice goes with an English one (1006.34(f)).
public enum NoticeLanguage: String, Sendable, CaseIterable {
    case english = "en", spanish = "es"
}

/// A statement a state requires in the notice, with the rule that requires it.
public struct StateNotice: Sendable, Equatable {
    public var rule: RuleID
    public var text: String
    public init(rule: RuleID, text: String) {
        self.rule = rule
        self.text = text
    }

    /// The state statements for a consumer's state and the debt's limitation status.
    public static func required(
        state: USState?, collectorName: String, californiaLicense: String?, timeBarred: Bool, pastObsolescence: Bool,
        language: NoticeLanguage
    ) -> [StateNotice] {
        var notices: [StateNotice] = []
        let text = Disclosures.texts(language)
        if state == .CA, let licence = californiaLicense {
            notices.append(StateNotice(rule: "CA-1788.11f-LICNUM", text: text.californiaLicense(licence)))
        }
        if timeBarred {
            switch state {
            case .CA: notices.append(StateNotice(rule: "CA-1788.14d-TIMEBARRED", text: text.timeBarred(collectorName, pastObsolescence)))
            case .WV: notices.append(StateNotice(rule: "WV-46A-2-128f-TIMEBARRED", text: text.timeBarred(collectorName, pastObsolescence)))
            case .TX: notices.append(StateNotice(rule: "TX-392.307-TIMEBARRED", text: text.timeBarredTexas(collectorName)))
            case .NY: notices.append(StateNotice(rule: "NYC-TIMEBARRED", text: text.timeBarred(collectorName, pastObsolescence)))
            default: break
            }
        }
        if state == .MA { notices.append(StateNotice(rule: "MA-209CMR18.16-1d-FREQ", text: text.massachusettsRights)) }
        return notices
    }
}
