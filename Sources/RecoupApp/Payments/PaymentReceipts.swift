import Compliance
import Foundation
import RecoupCore

/// The consumer's receipt for a payment that posts: a card payment when the processor says it succeeded, a bank debit
/// when it goes into an ACH file.
///
/// It goes by email, or by text to a consumer with no email address Recoup may write to (none on file, or email
/// refused), or by post to one Recoup may neither email nor text (a letter in the daily print batch). It is composed and checked before the posting, as any message is, and queued in the posting's own
/// transaction: a payment never posts without its receipt, and no receipt goes out for a payment that did not post.
/// A receipt the engine allows only later (a payment taken by phone at 10 p.m. in the consumer's zone) is due at the
/// next lawful instant. Its idempotency key is the payment's, so nothing posts or queues it twice.
public struct PaymentReceipts: Sendable {
    let messages: MessageService
    /// The agency's name for a tenant, as messages are signed.
    let agencyName: @Sendable (TenantID) async throws -> String

    public init(messages: MessageService, agencyName: @escaping @Sendable (TenantID) async throws -> String) {
        self.messages = messages
        self.agencyName = agencyName
    }

    /// The receipt for `payment`, posting now, or nil when none may be sent by any medium. Its date is the
    /// consumer's day (a payment at 10:30 p.m. in Austin is received that day, whatever the day is in UTC).
    func receipt(for payment: Payment, account: Account) async throws -> QueuedMessage? {
        let scope = AccessScope(tenantID: account.tenantID)
        let collectorName = try await agencyName(account.tenantID)
        let (consumer, zone) = try await messages.primaryConsumer(account: account.id, scope: scope, collectorName: collectorName)
        let day = zone.local(Instant(messages.clock.now())).day
        let (subject, text) = Self.words(payment.amount, rail: payment.rail, on: day, reference: account.referenceCode,
                                         language: consumer.language == "es" ? .spanish : .english)
        // Owed whenever it may go.
        var message = try await messages.composeByEmailOrText(
            account: account.id, subject: subject, text: text, scope: scope, collectorName: collectorName, deferringUntil: .distantFuture)
        if message == nil { message = try await mailed(text, account: account, scope: scope, collectorName: collectorName) }
        guard let message else { return nil }
        return QueuedMessage(message: message, idempotencyKey: "receipt:" + payment.id.lowercasedString, actor: "system")
    }

    /// The receipt as a letter, or nil when there is no mailing address Recoup may use (none on file, or mail came back).
    private func mailed(_ text: String, account: Account, scope: AccessScope, collectorName: String) async throws -> OutboxMessage? {
        do {
            guard case let .composed(letter) = try await messages.compose(
                .letter, account: account.id, subject: nil, text: text, letter: .receipt, scope: scope, collectorName: collectorName,
                deferringUntil: .distantFuture)
            else { return nil }
            return letter
        } catch RecoupError.invalid {
            return nil
        }
    }

    /// The receipt's subject and words in the consumer's language: a card payment was received; a bank debit was
    /// sent to the consumer's bank (it may still come back, so neither says it was received).
    static func words(_ amount: Money, rail: PaymentRail, on date: LocalDate, reference: String, language: NoticeLanguage)
        -> (subject: String, text: String)
    {
        let day = LocalizedDate.text(date, language)
        switch (language, rail) {
        case (.english, .card):
            return ("Payment received", "Thank you. We received your payment of \(amount.formatted(.enUS)) on \(day). Reference \(reference).")
        case (.english, .ach):
            return ("Bank payment sent", "Thank you. We sent your bank payment of \(amount.formatted(.enUS)) to your bank on \(day). Reference \(reference).")
        case (.spanish, .card):
            return ("Pago recibido", "Gracias. Recibimos su pago de \(amount.formatted(.esUS)) el \(day). Referencia \(reference).")
        case (.spanish, .ach):
            return ("Pago bancario enviado", "Gracias. Enviamos su pago bancario de \(amount.formatted(.esUS)) a su banco el \(day). Referencia \(reference).")
        }
    }
}
