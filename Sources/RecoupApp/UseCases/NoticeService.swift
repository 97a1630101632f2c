import Compliance
import Foundation
import RecoupCore

/// Who sends the agency's letters: the collector's name, the mailing address disputes go to, a phone number and
/// licence numbers. A validation notice without the dispute address is not a notice, so it is required.
public struct CollectorDetails: Sendable {
    public var name: String
    public var mailingAddress: [String]
    public var phone: String?
    public var californiaLicense: String?

    public init(name: String, mailingAddress: [String], phone: String? = nil, californiaLicense: String? = nil) {
        self.name = name
        self.mailingAddress = mailingAddress
        self.phone = phone
        self.californiaLicense = californiaLicense
    }
}

/// Builds the validation notice of an account from its placement data: the itemization the client placed, the
/// consumer's name and mailing address, the validation period for the day it is provided, and the state notices
/// the consumer's state and the debt's limitation status call for.
public struct NoticeService: Sendable {
    let accounts: AccountService
    let limitations: StatuteOfLimitations

    public init(accounts: AccountService, limitations: StatuteOfLimitations = .current) {
        self.accounts = accounts
        self.limitations = limitations
    }

    public func validationNotice(
        _ id: AccountID, scope: AccessScope, language: NoticeLanguage, providedOn: LocalDate, collector: CollectorDetails
    ) async throws -> ValidationNotice {
        guard !collector.mailingAddress.isEmpty else {
            throw RecoupError.invalid([FieldProblem(field: "collector_address", reason: "the collector's mailing address for disputes is not configured (RECOUP_COLLECTOR_ADDRESS)")])
        }
        let (account, consumer) = try await accounts.accountWithPrimaryConsumer(id, scope: scope)
        guard let address = consumer.contactPoints.lazy.compactMap({ point -> PostalAddress? in
            if case let .postal(address) = point.kind { address } else { nil }
        }).first else {
            throw RecoupError.invalid([FieldProblem(field: "consumer", reason: "the consumer has no mailing address")])
        }
        let name = [consumer.name.first, consumer.name.middle, consumer.name.last].compactMap { $0 }.joined(separator: " ")
        let accrual = account.lastPaymentDate ?? account.chargeOffDate
        let status = accrual.map {
            limitations.isTimeBarred(state: address.state, debtType: account.debtType, accrualDate: $0, asOf: providedOn)
        }
        let owner = account.currentCreditor ?? account.originalCreditor
        // FCRA 605(a): reporting ends seven years after the 180th day past the charge-off.
        let obsolete = account.chargeOffDate.map { $0.adding(days: 180 + 2_557) < providedOn } ?? false
        return ValidationNotice(
            collector: .init(name: collector.name, mailingAddress: collector.mailingAddress), collectorPhone: collector.phone,
            consumer: .init(name: name, mailingAddress: [address.line1, address.line2].compactMap { $0 } + ["\(address.city), \(address.state.rawValue) \(address.zip)"]),
            creditorOnItemizationDate: account.originalCreditor, currentCreditor: owner,
            accountNumber: account.clientAccountNumber, itemization: account.itemization,
            validationPeriod: ValidationPeriod(providedOn: providedOn),
            isConsumerFinancialProduct: ValidationNotice.isConsumerFinancialProduct(account.debtType),
            stateNotices: StateNotice.required(
                state: address.state, collectorName: owner, californiaLicense: collector.californiaLicense,
                timeBarred: status?.expired == true, pastObsolescence: obsolete, language: language),
            language: language)
    }
}
