import Compliance
import Foundation
import RecoupApp
import RecoupCore
import SQLKit

extension SQLStore: OutboxRepository {
    public func enqueue(_ message: OutboxMessage, idempotencyKey: String?, audit: AuditEntry) async throws
        -> (OutboxMessage, created: Bool)
    {
        try await transaction { sql in try await self.enqueue(message, idempotencyKey: idempotencyKey, audit: audit, on: sql) }
    }

    /// Queues a message inside the caller's transaction (the decision that caused it commits with it, or neither does).
    func enqueue(_ message: OutboxMessage, idempotencyKey: String?, audit: AuditEntry, on sql: any SQLDatabase) async throws
        -> (OutboxMessage, created: Bool)
    {
        if let idempotencyKey, let existing = try await sql.select().column(SQLLiteral.all).from("outbox_messages")
            .where("tenant_id", .equal, message.tenantID.description).where("idempotency_key", .equal, idempotencyKey).first()
        {
            return (try Self.outboxMessage(existing), false)
        }
        try await sql.insert(into: "outbox_messages")
            .columns("id", "tenant_id", "account_id", "consumer_id", "channel", "destination_id", "recipient", "language",
                     "subject", "body", "status", "due_at", "attempts", "idempotency_key", "created_at")
            .values(
                SQLBind(message.id.lowercasedString), SQLBind(message.tenantID.description),
                SQLBind(message.accountID.description), SQLBind(message.consumerID.description), SQLBind(message.channel.rawValue),
                SQLBind(message.destinationID.description), SQLBind(message.recipient), SQLBind(message.language),
                SQLBind(message.subject), SQLBind(message.body), SQLBind(message.status.rawValue), SQLBind(message.dueAt),
                SQLBind(message.attempts), SQLBind(idempotencyKey), SQLBind(message.createdAt))
            .run()
        try await self.append([audit], tenantID: message.tenantID, at: message.createdAt, on: sql)
        return (message, true)
    }

    public func claimDue(now: Date, limit: Int, lease: TimeInterval, worker: String, channels: Set<ProposedChannel>) async throws
        -> [OutboxMessage]
    {
        guard !channels.isEmpty else { return [] }
        let claim = claimStatement(now: now, limit: limit, lease: lease, worker: worker, channels: channels)
        let rows = try await session { sql in try await sql.raw(claim).all() }
        return try rows.map(Self.outboxMessage).sorted { $0.dueAt < $1.dueAt }
    }

    /// The claim, one statement. The candidates are picked once (a materialized CTE; on PostgreSQL locked with SKIP
    /// LOCKED, so concurrent claims pass each other instead of waiting), and the row conditions are checked again on
    /// the update itself, so a row another dispatcher claimed meanwhile is skipped (SQLite runs one writer at a
    /// time). Expired leases and due messages are picked by two index range scans, each already in order: one
    /// query with OR would collect and sort every due message on each claim. On SQLite the update's re-check reads
    /// `+status`, which keeps the planner from answering it with those two range scans (every queued message)
    /// instead of looking up the picked ids.
    func claimStatement(now: Date, limit: Int, lease: TimeInterval, worker: String, channels: Set<ProposedChannel>) -> SQLQueryString {
        let names = channels.map(\.rawValue).sorted()
        let skipLocked: SQLQueryString = db.location.isSQLite ? "" : " FOR UPDATE SKIP LOCKED"
        let status: SQLQueryString = db.location.isSQLite ? "+status" : "status"
        return """
            WITH picked AS MATERIALIZED (
                SELECT id FROM (SELECT id FROM outbox_messages WHERE status = 'sending' AND claimed_until < \(bind: now)
                                AND channel IN (\(binds: names)) ORDER BY claimed_until LIMIT \(literal: limit)\(skipLocked)) AS expired
                UNION ALL
                SELECT id FROM (SELECT id FROM outbox_messages WHERE status = 'queued' AND due_at <= \(bind: now)
                                AND channel IN (\(binds: names)) ORDER BY due_at LIMIT \(literal: limit)\(skipLocked)) AS due
            )
            UPDATE outbox_messages
            SET status = 'sending', claimed_by = \(bind: worker), claimed_until = \(bind: now + lease), attempts = attempts + 1
            WHERE id IN (SELECT id FROM picked LIMIT \(literal: limit))
              AND ((\(status) = 'queued' AND due_at <= \(bind: now)) OR (\(status) = 'sending' AND claimed_until < \(bind: now)))
            RETURNING *
            """
    }

    /// One statement: the schedule's next free slot moves on by `count` slots from itself or from now, whichever is
    /// later, on the database's clock (the processes' clocks may disagree; the database's is one). The row lock of
    /// the upsert (PostgreSQL) or SQLite's one writer makes concurrent bookings queue.
    public func bookSlots(_ bucket: String, count: Int, interval: TimeInterval) async throws -> TimeInterval {
        let now: SQLQueryString = db.location.isSQLite
            ? "((julianday('now') - 2440587.5) * 86400.0)" : "EXTRACT(EPOCH FROM statement_timestamp())::float8"
        let later: SQLQueryString = db.location.isSQLite ? "max" : "GREATEST"
        let span = Double(count) * interval
        let row = try await session { sql in
            try await sql.raw("""
                INSERT INTO handoff_schedules (tenant_id, bucket, next_free) VALUES ('*', \(bind: bucket), \(now) + \(bind: span))
                ON CONFLICT (tenant_id, bucket) DO UPDATE SET next_free = \(later)(handoff_schedules.next_free, \(now)) + \(bind: span)
                RETURNING next_free - \(now) AS ahead
                """).first()
        }
        guard let row else { throw StorageError.corrupt("hand-off schedule \(bucket) vanished") }
        return max(0, try row.decode(column: "ahead", as: Double.self) - span)
    }

    public func resolve(_ items: [(OutboxMessage, OutboxResolution)], worker: String, at: Date) async throws -> [Bool] {
        guard !items.isEmpty else { return [] }
        return try await transaction { sql in
            var results = [Bool](repeating: false, count: items.count)
            var audit: [TenantID: [AuditEntry]] = [:]
            var contacts: [TenantID: [(RecordedContact, String)]] = [:]
            // One UPDATE per tenant for the whole group, whatever became of each message.
            for (tenant, indices) in Dictionary(grouping: items.indices, by: { items[$0].0.tenantID }) {
                let won = try await self.markResolved(indices.map { items[$0] }, tenantID: tenant, worker: worker, at: at, on: sql)
                for index in indices where won.contains(items[index].0.id) {
                    results[index] = true
                    switch items[index].1 {
                    case let .sent(contact, entry, _):
                        contacts[tenant, default: []].append((contact, "outbox:" + items[index].0.id.lowercasedString))
                        audit[tenant, default: []] += [Self.audit(contact), entry]
                    case let .closed(_, _, _, entry): audit[tenant, default: []].append(entry)
                    case .deferred, .retry: break
                    }
                }
            }
            for (tenant, rows) in contacts { try await self.insertRows(rows, tenantID: tenant, at: at, on: sql) }
            // One append per tenant: the chain is extended once for the whole group.
            for (tenant, entries) in audit.sorted(by: { $0.key < $1.key }) {
                try await self.append(entries, tenantID: tenant, at: at, on: sql)
            }
            return results
        }
    }

    /// Writes a tenant's resolutions in one statement, each only while the claim is still this worker's (same
    /// attempt, lease not taken over); returns the ids it wrote. Sent messages get their sending instant and the
    /// provider's reference; retries their next due instant; every message not sent its reason and rule.
    private func markResolved(
        _ items: [(OutboxMessage, OutboxResolution)], tenantID: TenantID, worker: String, at: Date, on sql: any SQLDatabase
    ) async throws -> Set<UUID> {
        var marked: Set<UUID> = []
        for chunk in items.chunks(of: 100) {
            /// `CASE id WHEN <id> THEN <value> … ELSE <otherwise> END`: `value` answers nil for a message left to
            /// `otherwise`, and `.some(nil)` for one set to NULL. One value for every message is bound once, and
            /// `otherwise` stands alone when every message is left to it: a group of sent texts binds each id twice
            /// (the list and its provider reference) instead of seven times.
            func cases<T: Encodable & Sendable & Equatable>(
                else otherwise: SQLQueryString = "NULL", _ value: (OutboxMessage, OutboxResolution) -> T??
            ) -> SQLQueryString {
                let answered = chunk.compactMap { message, resolution in value(message, resolution).map { (message.id, $0) } }
                guard let first = answered.first else { return otherwise }
                if answered.count == chunk.count, answered.allSatisfy({ $0.1 == first.1 }) { return "\(bind: first.1)" }
                var text: SQLQueryString = "CASE id"
                for (id, value) in answered {
                    text.appendLiteral(" WHEN ")
                    text.appendInterpolation(bind: id.lowercasedString)
                    text.appendLiteral(" THEN ")
                    text.appendInterpolation(bind: value)
                }
                text.appendLiteral(" ELSE ")
                text.appendInterpolation(otherwise)
                text.appendLiteral(" END")
                return text
            }
            let status = cases { _, resolution -> String?? in
                switch resolution {
                case .sent: OutboxStatus.sent.rawValue
                case .deferred, .retry: OutboxStatus.queued.rawValue
                case let .closed(final, _, _, _): final.rawValue
                }
            }
            let reasons = cases { _, resolution -> String?? in
                switch resolution {
                case .sent: nil
                case let .deferred(_, reason, _), let .retry(_, reason), let .closed(_, reason, _, _): reason
                }
            }
            let rules = cases { _, resolution -> String?? in
                switch resolution {
                case .sent: nil
                case .retry: .some(nil)
                case let .deferred(_, _, rule), let .closed(_, _, rule, _): .some(rule)
                }
            }
            let dueAt = cases(else: "due_at") { _, resolution -> Date?? in
                switch resolution {
                case let .deferred(next, _, _), let .retry(next, _): next
                case .sent, .closed: nil
                }
            }
            let attempts = cases(else: "attempts") { message, resolution -> Int?? in
                if case .deferred = resolution { message.attempts - 1 } else { nil }
            }
            let sentAt = cases(else: "sent_at") { _, resolution -> Date?? in if case .sent = resolution { at } else { nil } }
            let references = cases(else: "provider_ref") { _, resolution -> String?? in
                if case let .sent(_, _, reference) = resolution { .some(reference) } else { nil }
            }
            let ids = SQLBind.group(chunk.map { $0.0.id.lowercasedString })
            let rows = try await sql.raw("""
                UPDATE outbox_messages
                SET status = \(status), last_error = \(reasons), rule = \(rules), due_at = \(dueAt), sent_at = \(sentAt), attempts = \(attempts),
                    provider_ref = \(references), claimed_by = NULL, claimed_until = NULL
                WHERE tenant_id = \(bind: tenantID.description) AND id IN \(ids) AND status = 'sending' AND claimed_by = \(bind: worker)
                  AND attempts = \(cases { message, _ -> Int?? in message.attempts })
                RETURNING id
                """).all()
            for row in rows {
                if let id = UUID(text: try row.decode(column: "id", as: String.self)) { marked.insert(id) }
            }
        }
        return marked
    }

    public func message(id: UUID) async throws -> OutboxMessage? {
        try await db.readSQL.select().column(SQLLiteral.all).from("outbox_messages")
            .where("id", .equal, id.lowercasedString).first().map(Self.outboxMessage)
    }

    public func messages(account: AccountID, tenantID: TenantID) async throws -> [OutboxMessage] {
        try await db.readSQL.select().column(SQLLiteral.all).from("outbox_messages")
            .where("tenant_id", .equal, tenantID.description).where("account_id", .equal, account.description)
            .orderBy("created_at", .descending).all().map(Self.outboxMessage)
    }

    public func messages(status: OutboxStatus, tenantID: TenantID, limit: Int) async throws -> [OutboxMessage] {
        try await db.readSQL.select().column(SQLLiteral.all).from("outbox_messages")
            .where("tenant_id", .equal, tenantID.description).where("status", .equal, status.rawValue)
            .orderBy("created_at").limit(limit).all().map(Self.outboxMessage)
    }

    static func outboxMessage(_ row: any SQLRow) throws -> OutboxMessage {
        guard let id = UUID(text: try row.decode(column: "id", as: String.self)) else {
            throw StorageError.corrupt("outbox_messages.id is not a UUID")
        }
        return OutboxMessage(
            id: id, tenantID: try Self.id(row, "tenant_id"), accountID: try Self.id(row, "account_id"),
            consumerID: try Self.id(row, "consumer_id"), channel: try Self.enumValue(row, "channel"),
            destinationID: try Self.id(row, "destination_id"), recipient: try row.decode(column: "recipient", as: String.self),
            language: try row.decode(column: "language", as: String.self), subject: try row.decode(column: "subject", as: String.self),
            body: try row.decode(column: "body", as: String.self), status: try Self.enumValue(row, "status"),
            dueAt: try row.decode(column: "due_at", as: Date.self), attempts: try row.decode(column: "attempts", as: Int.self),
            lastError: try row.decode(column: "last_error", as: String?.self), rule: try row.decode(column: "rule", as: String?.self),
            createdAt: try row.decode(column: "created_at", as: Date.self), sentAt: try row.decode(column: "sent_at", as: Date?.self),
            providerRef: try row.decode(column: "provider_ref", as: String?.self))
    }

    public func recordEngagement(_ kind: EngagementKind, of target: EngagementTarget, detail: String?, at: Date) async throws
        -> OutboxMessage?
    {
        try await transaction { sql in
            var query = sql.select().column(SQLLiteral.all).from("outbox_messages")
            switch target {
            case let .provider(ref, tenant): query = query.where("tenant_id", .equal, tenant.description).where("provider_ref", .equal, ref)
            case let .message(id, tenant):
                query = query.where("tenant_id", .equal, tenant.description).where("id", .equal, id.lowercasedString)
            case let .signed(id): query = query.where("id", .equal, id.lowercasedString)
            }
            guard let row = try await query.first() else { return nil }
            let message = try Self.outboxMessage(row)
            let actor = if case .signed = target { "consumer:tracking-link" } else { "provider" }
            try await self.insertEngagement(kind, message: message, detail: detail, at: at, actor: actor, on: sql)
            return message
        }
    }

    /// Records one engagement event and its audit event, unless the message already has one of that kind.
    func insertEngagement(_ kind: EngagementKind, message: OutboxMessage, detail: String?, at: Date, actor: String, on sql: any SQLDatabase)
        async throws
    {
        let id = message.id.lowercasedString
        let existing = try await sql.select().column("id").from("engagement_events")
            .where("message_id", .equal, id).where("kind", .equal, kind.rawValue).first()
        guard existing == nil else { return }
        try await sql.insert(into: "engagement_events")
            .columns("id", "tenant_id", "message_id", "kind", "occurred_at", "detail")
            .values(SQLBind(UUID.timeOrdered(at: at).lowercasedString), SQLBind(message.tenantID.description), SQLBind(id), SQLBind(kind.rawValue),
                    SQLBind(at), SQLBind(detail))
            .run()
        var details = ["message_id": id, "channel": message.channel.rawValue, "kind": kind.rawValue]
        details["detail"] = detail
        try await self.append(
            [AuditEntry(actor: actor, action: "message.\(kind.rawValue)", subjectType: "account", subjectID: message.accountID.description,
                        details: details)],
            tenantID: message.tenantID, at: at, on: sql)
    }

    public func engagement(messages: [UUID], tenantID: TenantID) async throws -> [UUID: [EngagementEvent]] {
        guard !messages.isEmpty else { return [:] }
        var events: [UUID: [EngagementEvent]] = [:]
        for chunk in stride(from: 0, to: messages.count, by: 500).map({ Array(messages[$0..<min($0 + 500, messages.count)]) }) {
            let rows = try await db.readSQL.select().column(SQLLiteral.all).from("engagement_events")
                .where("tenant_id", .equal, tenantID.description)
                .where("message_id", .in, chunk.map { $0.lowercasedString }).orderBy("occurred_at").all()
            for row in rows {
                guard let id = UUID(text: try row.decode(column: "message_id", as: String.self)) else {
                    throw StorageError.corrupt("engagement_events.message_id is not a UUID")
                }
                events[id, default: []].append(EngagementEvent(
                    kind: try Self.enumValue(row, "kind"), occurredAt: try row.decode(column: "occurred_at", as: Date.self),
                    detail: try row.decode(column: "detail", as: String?.self)))
            }
        }
        return events
    }
}
