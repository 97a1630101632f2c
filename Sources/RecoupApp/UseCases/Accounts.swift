import Foundation
import RecoupCore

/// An opaque position in a list: base64url of `v1:<last id>`. Clients must not build one themselves, and a
/// malformed one is a 400, not an empty page.
public enum ListCursor {
    public static func encode(_ text: String) -> String {
        Data("v1:\(text)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ cursor: String, field: String = "cursor") throws -> String {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard cursor.utf8.count <= 200, let data = Data(base64Encoded: base64),
              let text = String(data: data, encoding: .utf8), text.hasPrefix("v1:")
        else { throw RecoupError.invalid([FieldProblem(field: field, reason: "not a cursor this API issued")]) }
        return String(text.dropFirst(3))
    }
}

/// One page of a list and where the next one starts.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// Reading and recalling accounts within a caller's scope.
public struct AccountService: Sendable {
    let accounts: any AccountRepository
    let clock: any Clock

    public static let maxPageSize = 500

    public init(accounts: any AccountRepository, clock: any Clock) {
        self.accounts = accounts
        self.clock = clock
    }

    public func list(scope: AccessScope, filter: AccountFilter, limit: Int, cursor: String?) async throws
        -> Page<AccountSummary>
    {
        guard (1...Self.maxPageSize).contains(limit) else {
            throw RecoupError.invalid([FieldProblem(field: "limit", reason: "must be between 1 and \(Self.maxPageSize)")])
        }
        var after: AccountID?
        if let cursor {
            guard let id = AccountID(try ListCursor.decode(cursor)) else {
                throw RecoupError.invalid([FieldProblem(field: "cursor", reason: "not a cursor this API issued")])
            }
            after = id
        }
        if let last4 = filter.ssnLastFour, last4.count != 4 || !last4.allSatisfy(\.isNumber) {
            throw RecoupError.invalid([FieldProblem(field: "ssn_last4", reason: "must be four digits")])
        }
        let rows = try await accounts.accounts(scope: scope, filter: filter, after: after, limit: limit + 1)
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { ListCursor.encode($0.id.description) } : nil
        return Page(items: items, nextCursor: next)
    }

    public func account(_ id: AccountID, scope: AccessScope) async throws -> Account {
        guard let account = try await accounts.account(id, scope: scope) else { throw RecoupError.notFound("account \(id)") }
        return account
    }

    /// An account in scope and the consumer it is collected from, unredacted: for the agency's own decisions,
    /// records and letters, never to show a client key (``consumer(_:scope:)`` redacts for those).
    public func accountWithPrimaryConsumer(_ id: AccountID, scope: AccessScope) async throws -> (Account, Consumer) {
        let account = try await account(id, scope: scope)
        guard let party = account.primaryParty,
              let (consumer, _) = try await accounts.consumer(party.consumerID, scope: AccessScope(tenantID: scope.tenantID))
        else { throw RecoupError.notFound("consumer of account \(id)") }
        return (account, consumer)
    }

    /// A consumer and the in-scope accounts they are party to.
    ///
    /// Consumers are shared across an agency's clients (one person, several creditors), so a creditor client's view
    /// is redacted to the name and language: contact points, date of birth and SSN may have come from another
    /// creditor's file and are not that client's to see.
    public func consumer(_ id: ConsumerID, scope: AccessScope) async throws -> (Consumer, [AccountID]) {
        guard let (found, accountIDs) = try await accounts.consumer(id, scope: scope) else {
            throw RecoupError.notFound("consumer \(id)")
        }
        var consumer = found
        if scope.clientID != nil {
            consumer.contactPoints = []
            consumer.dateOfBirth = nil
            consumer.ssn = nil
        }
        return (consumer, accountIDs)
    }

    /// Recalls accounts by id or by the client's account number. Recalling twice is harmless: the second call
    /// changes nothing and writes no event.
    public func recall(
        ids: [AccountID], clientAccountNumbers: [String] = [], scope: AccessScope, actor: String, reason: String?
    ) async throws -> RecallOutcome {
        if let reason, reason.count > 500 {
            throw RecoupError.invalid([FieldProblem(field: "reason", reason: "at most 500 characters")])
        }
        return try await accounts.recall(
            ids, clientAccountNumbers: clientAccountNumbers, scope: scope, actor: actor, reason: reason,
            at: clock.now())
    }
}
