import Compliance
import Foundation
import RecoupApp
import RecoupCore
import SQLKit

extension SQLStore: DecisionLog {
    public func store(_ decisions: [StoredDecision], tenantID: TenantID) async throws {
        guard !decisions.isEmpty else { return }
        var insert = db.sql.insert(into: "compliance_decisions").columns(
            "id", "tenant_id", "account_id", "decided_at", "channel", "destination_id", "allowed", "rule", "next_allowed_at",
            "rule_set_version", "inputs_digest", "document", "answer")
        for decision in decisions {
            insert = insert.values(
                SQLBind(decision.id.lowercasedString), SQLBind(tenantID.description), SQLBind(decision.accountID.description),
                SQLBind(decision.decidedAt), SQLBind(decision.channel), SQLBind(decision.destinationID), SQLBind(decision.allowed),
                SQLBind(decision.rule), SQLBind(decision.nextAllowedAt), SQLBind(decision.ruleSetVersion),
                SQLBind(decision.inputsDigest), SQLBind(String(decoding: decision.document, as: UTF8.self)),
                SQLBind(String(decoding: decision.answer, as: UTF8.self)))
        }
        try await insert.run()
    }
}

extension SQLStore: FactRepository {
    public func record(_ fact: RecordedFact, tenantID: TenantID) async throws {
        try await transaction { sql in try await self.insert(fact, tenantID: tenantID, on: sql) }
    }

    /// Writes a fact and its audit event inside the caller's transaction.
    func insert(_ fact: RecordedFact, tenantID: TenantID, on sql: any SQLDatabase) async throws {
        try await sql.insert(into: "consumer_facts")
            .columns("id", "tenant_id", "consumer_id", "account_id", "kind", "fact", "recorded_at", "recorded_by")
            .values(
                SQLBind(fact.id.lowercasedString), SQLBind(tenantID.description), SQLBind(fact.consumerID.description),
                SQLBind(fact.accountID.description), SQLBind(fact.kind.rawValue), SQLBind(String(decoding: fact.fact, as: UTF8.self)),
                SQLBind(fact.recordedAt), SQLBind(fact.recordedBy))
            .run()
        try await self.append(
            [AuditEntry(
                actor: fact.recordedBy, action: "\(fact.kind.rawValue).recorded", subjectType: "consumer",
                subjectID: fact.consumerID.description, afterDigest: AuditChain.hexDigest(fact.fact),
                details: ["account_id": fact.accountID.description, "fact_id": fact.id.lowercasedString,
                          "hold": fact.kind.isHold ? "yes" : "no"])],
            tenantID: tenantID, at: fact.recordedAt, on: sql)
    }

    public func facts(consumer: ConsumerID, tenantID: TenantID) async throws -> [RecordedFact] {
        try await db.readSQL.select().column(SQLLiteral.all).from("consumer_facts")
            .where("tenant_id", .equal, tenantID.description).where("consumer_id", .equal, consumer.description)
            .orderBy("recorded_at").all().map(Self.fact)
    }

    public func textSuppressions(numbers: [String], tenantID: TenantID) async throws -> [TextSuppression] {
        guard !numbers.isEmpty else { return [] }
        return try await db.readSQL.select().column(SQLLiteral.all).from("text_suppressions")
            .where("tenant_id", .equal, tenantID.description).where("number", .in, SQLBind.group(numbers))
            .all().map(Self.suppression)
    }

    static func suppression(_ row: any SQLRow) throws -> TextSuppression {
        TextSuppression(
            number: try row.decode(column: "number", as: String.self), since: try row.decode(column: "since", as: Date.self),
            statement: try row.decode(column: "statement", as: String.self), perSe: try row.decode(column: "per_se", as: Bool.self))
    }

    static func fact(_ row: any SQLRow) throws -> RecordedFact {
        guard let id = UUID(text: try row.decode(column: "id", as: String.self)) else {
            throw StorageError.corrupt("consumer_facts.id is not a UUID")
        }
        return RecordedFact(
            id: id, consumerID: try Self.id(row, "consumer_id"), accountID: try Self.id(row, "account_id"),
            kind: try Self.enumValue(row, "kind"), fact: Data(try row.decode(column: "fact", as: String.self).utf8),
            recordedAt: try row.decode(column: "recorded_at", as: Date.self),
            recordedBy: try row.decode(column: "recorded_by", as: String.self))
    }
}

extension SQLStore: ContactRepository {
    public func record(_ contact: RecordedContact, idempotencyKey: String?, tenantID: TenantID, at: Date) async throws
        -> (contact: RecordedContact, created: Bool)
    {
        try await transaction { sql in
            if let idempotencyKey, let existing = try await sql.select().column(SQLLiteral.all).from("contact_events")
                .where("tenant_id", .equal, tenantID.description).where("idempotency_key", .equal, idempotencyKey).first()
            {
                return (try Self.contact(existing), false)
            }
            try await self.insert(contact, idempotencyKey: idempotencyKey, tenantID: tenantID, at: at, on: sql)
            return (contact, true)
        }
    }

    /// Writes a contact and its `contact.recorded` audit event inside the caller's transaction.
    func insert(_ contact: RecordedContact, idempotencyKey: String?, tenantID: TenantID, at: Date, on sql: any SQLDatabase) async throws {
        try await insertRow(contact, idempotencyKey: idempotencyKey, tenantID: tenantID, at: at, on: sql)
        try await self.append([Self.audit(contact)], tenantID: tenantID, at: at, on: sql)
    }

    /// Writes a contact's row only; the caller appends ``audit(_:)`` to the chain in the same transaction.
    func insertRow(_ contact: RecordedContact, idempotencyKey: String?, tenantID: TenantID, at: Date, on sql: any SQLDatabase) async throws {
        try await insertRows([(contact, idempotencyKey)], tenantID: tenantID, at: at, on: sql)
    }

    /// Writes contacts' rows; the caller appends their audit events.
    func insertRows(_ contacts: [(RecordedContact, String?)], tenantID: TenantID, at: Date, on sql: any SQLDatabase) async throws {
        try await BulkInserter(sql: sql).insert(
            into: "contact_events",
            columns: ["id", "tenant_id", "account_id", "consumer_id", "occurred_at", "direction", "channel", "destination_id",
                      "dialing_method", "outcome", "content_type", "recorded_by", "idempotency_key", "created_at"],
            rows: contacts.map { contact, idempotencyKey in
                [.text(contact.id.lowercasedString), .text(tenantID.description), .text(contact.accountID.description),
                 .text(contact.consumerID.description), .timestamp(contact.occurredAt), .text(contact.direction.rawValue),
                 .text(contact.channel.rawValue), .text(contact.destinationID?.description), .text(contact.dialingMethod?.rawValue),
                 .text(contact.outcome.rawValue), .text(contact.contentType?.rawValue), .text(contact.recordedBy), .text(idempotencyKey),
                 .timestamp(at)]
            })
    }

    /// The `contact.recorded` audit event of a contact.
    static func audit(_ contact: RecordedContact) -> AuditEntry {
        var details = [
            "account_id": contact.accountID.description, "direction": contact.direction.rawValue,
            "channel": contact.channel.rawValue, "outcome": contact.outcome.rawValue,
            "occurred_at": contact.occurredAt.ISO8601Format(),
        ]
        if let destination = contact.destinationID { details["destination_id"] = destination.description }
        if let dialing = contact.dialingMethod { details["dialing_method"] = dialing.rawValue }
        return AuditEntry(actor: contact.recordedBy, action: "contact.recorded", subjectType: "contact",
                          subjectID: contact.id.lowercasedString, details: details)
    }

    public func amend(contact id: UUID, tenantID: TenantID, outcome: ContactOutcome, actor: String, at: Date) async throws -> Bool {
        try await transaction { sql in try await self.amend(contact: id, tenantID: tenantID, outcome: outcome, actor: actor, at: at, on: sql) }
    }

    /// Rewrites a contact attempt's outcome and appends `contact.outcome` (before and after) to the audit chain.
    func amend(contact id: UUID, tenantID: TenantID, outcome: ContactOutcome, actor: String, at: Date, on sql: any SQLDatabase) async throws -> Bool {
        let key = id.lowercasedString
        guard let row = try await sql.select().column("outcome").column("account_id").from("contact_events")
            .where("tenant_id", .equal, tenantID.description).where("id", .equal, key).first()
        else { return false }
        let before = try row.decode(column: "outcome", as: String.self)
        guard before != outcome.rawValue else { return true }
        try await sql.update("contact_events").set("outcome", to: SQLBind(outcome.rawValue))
            .where("tenant_id", .equal, tenantID.description).where("id", .equal, key).run()
        try await append(
            [AuditEntry(actor: actor, action: "contact.outcome", subjectType: "contact", subjectID: key,
                        details: ["account_id": try row.decode(column: "account_id", as: String.self), "before": before, "after": outcome.rawValue])],
            tenantID: tenantID, at: at, on: sql)
        return true
    }

    public func contacts(consumer: ConsumerID, tenantID: TenantID) async throws -> [RecordedContact] {
        try await db.readSQL.select().column(SQLLiteral.all).from("contact_events")
            .where("tenant_id", .equal, tenantID.description).where("consumer_id", .equal, consumer.description)
            .orderBy("occurred_at").all().map(Self.contact)
    }

    static func contact(_ row: any SQLRow) throws -> RecordedContact {
        func optional<T: RawRepresentable>(_ column: String, _: T.Type) throws -> T? where T.RawValue == String {
            try row.decode(column: column, as: String?.self).map { raw in
                guard let value = T(rawValue: raw) else { throw StorageError.corrupt("\(column) holds \(raw)") }
                return value
            }
        }
        guard let id = UUID(text: try row.decode(column: "id", as: String.self)) else {
            throw StorageError.corrupt("contact_events.id is not a UUID")
        }
        return RecordedContact(
            id: id, accountID: try Self.id(row, "account_id"), consumerID: try Self.id(row, "consumer_id"),
            occurredAt: try row.decode(column: "occurred_at", as: Date.self), direction: try Self.enumValue(row, "direction"),
            channel: try Self.enumValue(row, "channel"),
            destinationID: try row.decode(column: "destination_id", as: String?.self).flatMap { ContactPointID($0) },
            dialingMethod: try optional("dialing_method", DialingMethod.self), outcome: try Self.enumValue(row, "outcome"),
            contentType: try optional("content_type", ContentType.self), recordedBy: try row.decode(column: "recorded_by", as: String.self))
    }
}
