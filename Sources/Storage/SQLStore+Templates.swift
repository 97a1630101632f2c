import Foundation
import RecoupApp
import RecoupCore
import SQLKit
import Templates

extension SQLStore: TemplateRepository {
    public func save(_ template: MessageTemplate, audit: AuditEntry) async throws -> MessageTemplate {
        let tenant = template.tenantID.description
        let clientKey = template.clientID?.description ?? ""
        return try await transaction { sql in
            if let client = template.clientID {
                let known = try await sql.select().column("id").from("clients")
                    .where("tenant_id", .equal, tenant).where("id", .equal, client.description).first()
                guard known != nil else { throw RecoupError.notFound("client \(client)") }
            }
            var stored = template
            if let existing = try await sql.select().column("id").from("message_templates")
                .where("tenant_id", .equal, tenant).where("client_key", .equal, clientKey).where("name", .equal, template.name)
                .where("channel", .equal, template.channel.rawValue).where("language", .equal, template.language).first()
            {
                stored.id = try UUID(text: existing.decode(column: "id", as: String.self)) ?? template.id
                try await sql.update("message_templates").set("subject", to: template.subject).set("body", to: template.body)
                    .set("updated_at", to: template.updatedAt).where("id", .equal, stored.id.lowercasedString).run()
            } else {
                try await sql.insert(into: "message_templates")
                    .columns("id", "tenant_id", "client_key", "name", "channel", "language", "subject", "body", "updated_at")
                    .values(SQLBind(template.id.lowercasedString), SQLBind(tenant), SQLBind(clientKey), SQLBind(template.name),
                            SQLBind(template.channel.rawValue), SQLBind(template.language), SQLBind(template.subject),
                            SQLBind(template.body), SQLBind(template.updatedAt))
                    .run()
            }
            var entry = audit
            entry.subjectID = stored.id.lowercasedString
            try await self.append([entry], tenantID: template.tenantID, at: template.updatedAt, on: sql)
            return stored
        }
    }

    public func templates(tenantID: TenantID) async throws -> [MessageTemplate] {
        try await db.readSQL.select().column(SQLLiteral.all).from("message_templates").where("tenant_id", .equal, tenantID.description)
            .orderBy("name").orderBy("channel").orderBy("language").orderBy("client_key").all().map { row in
                guard let id = UUID(text: try row.decode(column: "id", as: String.self)) else {
                    throw StorageError.corrupt("message_templates.id is not a UUID")
                }
                let client = try row.decode(column: "client_key", as: String.self)
                return MessageTemplate(
                    id: id, tenantID: tenantID, clientID: client.isEmpty ? nil : ClientID(client), name: try row.decode(column: "name", as: String.self),
                    channel: try Self.enumValue(row, "channel"), language: try row.decode(column: "language", as: String.self),
                    subject: try row.decode(column: "subject", as: String?.self), body: try row.decode(column: "body", as: String.self),
                    updatedAt: try row.decode(column: "updated_at", as: Date.self))
            }
    }

    public func deleteTemplate(_ id: UUID, tenantID: TenantID, audit: AuditEntry, at: Date) async throws -> Bool {
        try await transaction { sql in
            let gone = try await sql.raw("""
                DELETE FROM message_templates WHERE tenant_id = \(bind: tenantID.description) AND id = \(bind: id.lowercasedString)
                RETURNING id
                """).all()
            guard !gone.isEmpty else { return false }
            try await self.append([audit], tenantID: tenantID, at: at, on: sql)
            return true
        }
    }
}
