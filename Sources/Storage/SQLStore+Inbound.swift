import Compliance
import Foundation
import RecoupApp
import RecoupCore
import SQLKit

extension SQLStore: InboundRepository {
    public func owners(phone: String, tenantID: TenantID) async throws -> [PhoneOwner] {
        let rows = try await db.readSQL.raw("""
            SELECT ap.account_id, p.consumer_id, p.id AS point_id, c.language
            FROM contact_points p JOIN account_parties ap ON ap.consumer_id = p.consumer_id AND ap.tenant_id = p.tenant_id
            JOIN consumers c ON c.id = p.consumer_id AND c.tenant_id = p.tenant_id
            WHERE p.tenant_id = \(bind: tenantID.description) AND p.kind = 'phone' AND p.value = \(bind: phone)
            ORDER BY ap.account_id
            """).all()
        return try rows.map { row in
            PhoneOwner(accountID: try Self.id(row, "account_id"), consumerID: try Self.id(row, "consumer_id"),
                       contactPointID: try Self.id(row, "point_id"), language: try row.decode(column: "language", as: String.self))
        }
    }

    public func accounts(reference: String, tenantID: TenantID) async throws -> [AccountID] {
        try await db.readSQL.select().column("id").from("accounts")
            .where("tenant_id", .equal, tenantID.description).where("reference_code", .equal, reference)
            .orderBy("id").all().map { try Self.id($0, "id") }
    }

    public func receive(_ record: InboundRecord) async throws -> Bool {
        let message = record.message
        let tenant = message.tenantID.description
        return try await transaction { sql in
            let repeated = try await sql.select().column("id").from("inbound_messages")
                .where("tenant_id", .equal, tenant).where("provider_id", .equal, message.providerID).first()
            guard repeated == nil else { return false }
            try await sql.insert(into: "inbound_messages")
                .columns("id", "tenant_id", "channel", "provider_id", "sender", "recipient", "body", "intent", "account_ids", "reply",
                         "status", "received_at")
                .values(
                    SQLBind(message.id.lowercasedString), SQLBind(tenant), SQLBind(message.channel.rawValue),
                    SQLBind(message.providerID), SQLBind(message.sender), SQLBind(message.recipient), SQLBind(message.body),
                    SQLBind(message.intent), SQLBind(message.accountIDs.map(\.description).joined(separator: ",")),
                    SQLBind(message.reply), SQLBind(message.status.rawValue), SQLBind(message.receivedAt))
                .run()
            try await self.append([record.audit], tenantID: message.tenantID, at: message.receivedAt, on: sql)
            for contact in record.contacts {
                try await self.insert(contact, idempotencyKey: nil, tenantID: message.tenantID, at: message.receivedAt, on: sql)
            }
            for fact in record.facts { try await self.insert(fact, tenantID: message.tenantID, on: sql) }
            if let change = record.suppression { try await self.apply(change, tenantID: message.tenantID, at: message.receivedAt, on: sql) }
            if !record.engagement.isEmpty, let last = try await sql.select().column(SQLLiteral.all).from("outbox_messages")
                .where("tenant_id", .equal, tenant).where("channel", .equal, ProposedChannel.sms.rawValue)
                .where("recipient", .equal, message.sender).where("status", .equal, OutboxStatus.sent.rawValue)
                .orderBy("sent_at", .descending).limit(1).first()
            {
                let sent = try Self.outboxMessage(last)
                for kind in record.engagement {
                    try await self.insertEngagement(kind, message: sent, detail: message.intent, at: message.receivedAt, actor: "consumer:sms", on: sql)
                }
            }
            return true
        }
    }

    /// Adds a number to the do-not-text list (replacing an older entry) or takes it off, with its audit event.
    func apply(_ change: SuppressionChange, tenantID: TenantID, at: Date, on sql: any SQLDatabase) async throws {
        let tenant = tenantID.description
        let number = switch change {
        case let .add(suppression): suppression.number
        case let .remove(number): number
        }
        let existed = try await sql.select().column("number").from("text_suppressions")
            .where("tenant_id", .equal, tenant).where("number", .equal, number).first() != nil
        try await sql.delete(from: "text_suppressions").where("tenant_id", .equal, tenant).where("number", .equal, number).run()
        let action: String
        switch change {
        case let .add(suppression):
            try await sql.insert(into: "text_suppressions").columns("tenant_id", "number", "since", "statement", "per_se")
                .values(SQLBind(tenant), SQLBind(number), SQLBind(suppression.since), SQLBind(suppression.statement), SQLBind(suppression.perSe))
                .run()
            action = "number.suppressed"
        case .remove:
            guard existed else { return }
            action = "number.unsuppressed"
        }
        try await append([AuditEntry(actor: "consumer:sms", action: action, subjectType: "phone_number", subjectID: number, details: [:])],
                         tenantID: tenantID, at: at, on: sql)
    }

    public func inbox(status: InboxStatus, tenantID: TenantID, limit: Int) async throws -> [InboundMessage] {
        try await db.readSQL.select().column(SQLLiteral.all).from("inbound_messages")
            .where("tenant_id", .equal, tenantID.description).where("status", .equal, status.rawValue)
            .orderBy("received_at", .descending).limit(limit).all().map { row in
                guard let id = UUID(text: try row.decode(column: "id", as: String.self)) else {
                    throw StorageError.corrupt("inbound_messages.id is not a UUID")
                }
                let accounts = try row.decode(column: "account_ids", as: String.self)
                return InboundMessage(
                    id: id, tenantID: try Self.id(row, "tenant_id"), channel: try Self.enumValue(row, "channel"),
                    providerID: try row.decode(column: "provider_id", as: String.self), sender: try row.decode(column: "sender", as: String.self),
                    recipient: try row.decode(column: "recipient", as: String.self), body: try row.decode(column: "body", as: String.self),
                    intent: try row.decode(column: "intent", as: String.self),
                    accountIDs: try accounts.split(separator: ",").map { text in
                        guard let account = AccountID(String(text)) else { throw StorageError.corrupt("inbound_messages.account_ids") }
                        return account
                    },
                    reply: try row.decode(column: "reply", as: String?.self), status: try Self.enumValue(row, "status"),
                    receivedAt: try row.decode(column: "received_at", as: Date.self))
            }
    }

    public func close(inbound id: UUID, tenantID: TenantID, actor: String, at: Date) async throws -> Bool {
        try await transaction { sql in
            let closed = try await sql.raw("""
                UPDATE inbound_messages SET status = \(bind: InboxStatus.handled.rawValue)
                WHERE tenant_id = \(bind: tenantID.description) AND id = \(bind: id.lowercasedString)
                  AND status = \(bind: InboxStatus.open.rawValue)
                RETURNING id
                """).all()
            guard !closed.isEmpty else { return false }
            try await self.append(
                [AuditEntry(actor: actor, action: "message.inbox_closed", subjectType: "inbound_message", subjectID: id.lowercasedString)],
                tenantID: tenantID, at: at, on: sql)
            return true
        }
    }
}
