import Compliance
import Foundation
import RecoupApp
import RecoupCore
import SQLKit

extension SQLStore: CallRepository {
    public func begin(_ call: AgentCall, contact: RecordedContact, idempotencyKey: String?) async throws -> (AgentCall, created: Bool) {
        let tenant = call.tenantID.description
        return try await transaction { sql in
            if let idempotencyKey, let existing = try await sql.select().column(SQLLiteral.all).from("agent_calls")
                .where("tenant_id", .equal, tenant).where("idempotency_key", .equal, idempotencyKey).first()
            {
                return (try Self.agentCall(existing), false)
            }
            try await sql.insert(into: "agent_calls")
                .columns("id", "tenant_id", "account_id", "consumer_id", "destination_id", "consumer_number", "agent_phone", "agent",
                         "provider_ref", "status", "outcome", "idempotency_key", "created_at", "updated_at")
                .values(
                    SQLBind(call.id.lowercasedString), SQLBind(tenant), SQLBind(call.accountID.description),
                    SQLBind(call.consumerID.description), SQLBind(call.destinationID.description), SQLBind(call.consumerNumber),
                    SQLBind(call.agentPhone), SQLBind(call.agent), SQLBind(call.providerRef), SQLBind(call.status.rawValue),
                    SQLBind(call.outcome.rawValue), SQLBind(idempotencyKey), SQLBind(call.createdAt), SQLBind(call.updatedAt))
                .run()
            try await self.insertRow(contact, idempotencyKey: nil, tenantID: call.tenantID, at: call.createdAt, on: sql)
            try await self.append(
                [Self.audit(contact),
                 AuditEntry(actor: call.agent, action: "call.placed", subjectType: "account", subjectID: call.accountID.description,
                            details: ["call_id": call.id.lowercasedString, "destination_id": call.destinationID.description,
                                      "agent_phone": call.agentPhone])],
                tenantID: call.tenantID, at: call.createdAt, on: sql)
            return (call, true)
        }
    }

    public func call(_ id: UUID, tenantID: TenantID) async throws -> AgentCall? {
        try await db.readSQL.select().column(SQLLiteral.all).from("agent_calls")
            .where("tenant_id", .equal, tenantID.description).where("id", .equal, id.lowercasedString).first().map(Self.agentCall)
    }

    public func update(
        _ id: UUID, tenantID: TenantID, status: AgentCall.Status, providerRef: String?, outcome: ContactOutcome?, actor: String, at: Date
    ) async throws -> AgentCall? {
        try await transaction { sql in
            guard var call = try await sql.select().column(SQLLiteral.all).from("agent_calls")
                .where("tenant_id", .equal, tenantID.description).where("id", .equal, id.lowercasedString).first().map(Self.agentCall)
            else { return nil }
            call.status = status
            call.providerRef = providerRef ?? call.providerRef
            call.updatedAt = at
            if let outcome, outcome != call.outcome {
                call.outcome = outcome
                _ = try await self.amend(contact: id, tenantID: tenantID, outcome: outcome, actor: actor, at: at, on: sql)
            }
            try await sql.update("agent_calls")
                .set("status", to: SQLBind(call.status.rawValue)).set("provider_ref", to: SQLBind(call.providerRef))
                .set("outcome", to: SQLBind(call.outcome.rawValue)).set("updated_at", to: SQLBind(at))
                .where("tenant_id", .equal, tenantID.description).where("id", .equal, id.lowercasedString)
                .run()
            return call
        }
    }

    public func calls(account: AccountID, tenantID: TenantID) async throws -> [AgentCall] {
        try await db.readSQL.select().column(SQLLiteral.all).from("agent_calls")
            .where("tenant_id", .equal, tenantID.description).where("account_id", .equal, account.description)
            .orderBy("created_at", .descending).all().map(Self.agentCall)
    }

    static func agentCall(_ row: any SQLRow) throws -> AgentCall {
        guard let id = UUID(text: try row.decode(column: "id", as: String.self)) else { throw StorageError.corrupt("agent_calls.id is not a UUID") }
        return AgentCall(
            id: id, tenantID: try Self.id(row, "tenant_id"), accountID: try Self.id(row, "account_id"),
            consumerID: try Self.id(row, "consumer_id"), destinationID: try Self.id(row, "destination_id"),
            consumerNumber: try row.decode(column: "consumer_number", as: String.self),
            agentPhone: try row.decode(column: "agent_phone", as: String.self), agent: try row.decode(column: "agent", as: String.self),
            providerRef: try row.decode(column: "provider_ref", as: String?.self), status: try Self.enumValue(row, "status"),
            outcome: try Self.enumValue(row, "outcome"), createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }
}
