import Compliance
import Foundation
import RecoupCore

/// The consumer's email receipt for a card payment that posts.
///
/// It is composed and checked before the posting, as any message is (the engine must allow an email to the consumer
/// now; a consumer without an email address, or who asked for no email, gets none), and queued in the posting's own
/// transaction: a payment never posts without its receipt, and no receipt goes out for a payment that did not post.
/// Its idempotency key is the payment's, so nothing posts or queues it twice.
public struct PaymentReceipts: Sendable {
    let messages: MessageService
    /// The agency's name for a tenant, as messages are signed.
    let agencyName: @Sendable (TenantID) async throws -> String

    public init(messages: MessageService, agencyName: @escaping @Sendable (TenantID) async throws -> String) {
        self.messages = messages
        self.agencyName = agencyName
    }

    /// The receipt for `payment`, received `date`, or nil when none may be sent.
    func receipt(for payment: Payment, account: Account, on date: LocalDate) async throws -> QueuedMessage? {
        let scope = AccessScope(tenantID: account.tenantID)
        let (_, consumer) = try await messages.snapshots.accounts.accountWithPrimaryConsumer(account.id, scope: scope)
        let (subject, text) = Self.words(payment.amount, on: date, reference: account.referenceCode,
                                         language: consumer.language == "es" ? .spanish : .english)
        let composed: MessageService.Composed
        do {
            composed = try await messages.compose(.email, account: account.id, subject: subject, text: text, scope: scope,
                                                  collectorName: try await agencyName(account.tenantID))
        } catch RecoupError.invalid {
            return nil  // no email address on file
        }
        guard case let .composed(message) = composed else { return nil }
        return QueuedMessage(message: message, idempotencyKey: "receipt:" + payment.id.lowercasedString, actor: "system")
    }

    /// The receipt's subject and words in the consumer's language.
    static func words(_ amount: Money, on date: LocalDate, reference: String, language: NoticeLanguage) -> (subject: String, text: String) {
        let day = LocalizedDate.text(date, language)
        switch language {
        case .english:
            return ("Payment received", "Thank you. We received your payment of \(amount.formatted(.enUS)) on \(day). Reference \(reference).")
        case .spanish:
            return ("Pago recibido", "Gracias. Recibimos su pago de \(amount.formatted(.esUS)) el \(day). Referencia \(reference).")
        }
    }
}
