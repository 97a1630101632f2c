import Compliance
import Foundation
import RecoupCore

/// The days of an account's consumer: a promise or an installment falls due, and is paid, on the consumer's calendar
/// (at 8:30 p.m. in Austin it is already the next day in UTC). Their zone is the one the compliance engine counts
/// their days in (``MessageService/primaryConsumer(account:scope:collectorName:)``).
public struct ConsumerDays: Sendable {
    let messages: MessageService

    public init(messages: MessageService) { self.messages = messages }

    /// The calendar day of an instant for the account's consumer.
    func day(account: AccountID, scope: AccessScope) async throws -> @Sendable (Date) -> LocalDate {
        let zone = try await messages.primaryConsumer(account: account, scope: scope, collectorName: "").1
        return { zone.local(Instant($0)).day }
    }
}

extension ConsumerDays? {
    /// The consumer's days, or UTC days without a calendar to ask.
    func day(account: AccountID, scope: AccessScope) async throws -> @Sendable (Date) -> LocalDate {
        guard let self else { return LocalDate.init(utc:) }
        return try await self.day(account: account, scope: scope)
    }
}
