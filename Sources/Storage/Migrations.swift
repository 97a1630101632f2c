import FluentKit
import RecoupCore
import SQLKit

/// The schema, as an append-only list of small named migrations. A landed migration is never edited: a change
/// is a new migration appended to ``RecoupMigrations/all``.
///
/// Portable on purpose (SQLite and PostgreSQL): ids are text UUIDs made by the application, money is BIGINT minor
/// units beside a currency code, calendar dates are `YYYY-MM-DD` text, instants are UTC timestamps. Every table has
/// `tenant_id`, the isolation and distribution key.
public enum RecoupMigrations {
    public static let all: [any Migration] = [
        CreateTenantsAndClients(),
        CreateAPIKeys(),
        CreatePlacements(),
        CreateConsumers(),
        CreateAccounts(),
        CreateAuditTrail(),
        CreateContactEvents(),
        CreateComplianceDecisions(),
        CreateConsumerFacts(),
        CreateOutbox(),
        CreateEngagementAndInbox(),
        AddAccountReferences(),
        CreateMessageTemplates(),
        ReorderPhoneRoutingIndex(),
        CreateAgentCalls(),
        CreateTextSuppressions(),
        CreatePaymentsAndLedger(),
        CreatePlansSettlementsPromisesRemittancesAndACHFiles(),
        AddConvenienceFees(),
        IndexConsumersAndOutboxByTenantAndID(),
        AddAPIKeyRevocationAndExpiry(),
        StagePlacementAccountChanges(),
        CreateClientMappings(),
        AddAPIKeyLastUse(),
        CreateHandOffSchedules(),
    ]
}

struct CreateTenantsAndClients: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("tenants")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required)
            .field("name", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("clients")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("name", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("clients").delete()
        try await database.schema("tenants").delete()
    }
}

struct CreateAPIKeys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("api_keys")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("role", .string, .required)
            .field("client_id", .string, .references("clients", "id"))
            .field("secret_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "secret_hash")
            .create()
    }

    func revert(on database: any Database) async throws { try await database.schema("api_keys").delete() }
}

struct CreatePlacements: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("placements")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("client_id", .string, .required, .references("clients", "id"))
            .field("file_name", .string)
            .field("file_digest", .string, .required)
            .field("mode", .string, .required)
            .field("outcome", .string, .required)
            .field("row_count", .int64, .required)
            .field("imported", .int64, .required)
            .field("updated", .int64, .required)
            .field("unchanged", .int64, .required)
            .field("rejected", .int64, .required)
            .field("ignored_columns", .string, .required)
            .field("received_at", .datetime, .required)
            .create()
        try await database.schema("placement_errors")
            .field("placement_id", .string, .required, .references("placements", "id"))
            .field("tenant_id", .string, .required)
            .field("ordinal", .int64, .required)
            .field("row_number", .int64, .required)
            .field("column_name", .string, .required)
            .field("value", .string, .required)
            .field("reason", .string, .required)
            .compositeIdentifier(over: "placement_id", "ordinal")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("placement_errors").delete()
        try await database.schema("placements").delete()
    }
}

struct CreateConsumers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("consumers")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("first_name", .string, .required)
            .field("middle_name", .string)
            .field("last_name", .string, .required)
            // AES-GCM sealed boxes, base64: personal data is never stored in the clear.
            .field("dob_sealed", .string)
            .field("ssn_sealed", .string)
            // Keyed hashes (HMAC-SHA256): equality search without plaintext.
            .field("ssn_hash", .string)
            .field("ssn_last4_hash", .string)
            .field("identity_hash", .string, .required)
            .field("language", .string, .required)
            .field("flags", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("contact_points")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required)
            .field("consumer_id", .string, .required, .references("consumers", "id"))
            .field("kind", .string, .required)
            // E.164 number, lower-cased email, or the one-line postal address: what de-duplicates contact points.
            .field("value", .string, .required)
            .field("phone_type", .string)
            .field("source", .string)
            .field("consent", .string)
            .field("line1", .string)
            .field("line2", .string)
            .field("city", .string)
            .field("state", .string)
            .field("zip", .string)
            .field("position", .int64, .required)
            .field("created_at", .datetime, .required)
            .create()
        let sql = try database.sqlDatabase()
        try await sql.raw("CREATE INDEX consumers_ssn_hash ON consumers (tenant_id, ssn_hash)").run()
        try await sql.raw("CREATE INDEX consumers_ssn_last4 ON consumers (tenant_id, ssn_last4_hash)").run()
        try await sql.raw("CREATE INDEX consumers_identity ON consumers (tenant_id, identity_hash)").run()
        try await sql.raw("CREATE INDEX contact_points_consumer ON contact_points (consumer_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("contact_points").delete()
        try await database.schema("consumers").delete()
    }
}

struct CreateAccounts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("accounts")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("client_id", .string, .required, .references("clients", "id"))
            .field("placement_id", .string, .required, .references("placements", "id"))
            .field("client_account_number", .string, .required)
            .field("original_creditor", .string, .required)
            .field("current_creditor", .string)
            .field("debt_type", .string, .required)
            .field("open_date", .string)
            .field("charge_off_date", .string)
            .field("last_payment_date", .string)
            .field("last_payment_minor", .int64)
            .field("currency", .string, .required)
            .field("itemization_date", .string, .required)
            .field("itemization_date_type", .string, .required)
            .field("balance_at_itemization_minor", .int64, .required)
            .field("interest_minor", .int64, .required)
            .field("fees_minor", .int64, .required)
            .field("payments_minor", .int64, .required)
            .field("credits_minor", .int64, .required)
            .field("current_balance_minor", .int64, .required)
            .field("status", .string, .required)
            .field("placed_at", .datetime, .required)
            .field("student_loan_account_number", .string)
            .field("primary_consumer_id", .string, .required, .references("consumers", "id"))
            .field("state", .string)
            // SHA-256 of the placed content: re-importing an identical row is "unchanged", not an update.
            .field("record_digest", .string, .required)
            .field("recalled_at", .datetime)
            .field("updated_at", .datetime, .required)
            .unique(on: "tenant_id", "client_id", "client_account_number")
            .create()
        try await database.schema("account_parties")
            .field("account_id", .string, .required, .references("accounts", "id"))
            .field("consumer_id", .string, .required, .references("consumers", "id"))
            .field("tenant_id", .string, .required)
            .field("role", .string, .required)
            .compositeIdentifier(over: "account_id", "consumer_id")
            .create()
        let sql = try database.sqlDatabase()
        try await sql.raw("CREATE INDEX accounts_tenant_id ON accounts (tenant_id, id)").run()
        try await sql.raw("CREATE INDEX accounts_placement ON accounts (tenant_id, placement_id)").run()
        try await sql.raw("CREATE INDEX account_parties_consumer ON account_parties (consumer_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("account_parties").delete()
        try await database.schema("accounts").delete()
    }
}

struct CreateAuditTrail: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_events")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required)
            .field("sequence", .int64, .required)
            .field("occurred_at", .datetime, .required)
            .field("actor", .string, .required)
            .field("action", .string, .required)
            .field("subject_type", .string, .required)
            .field("subject_id", .string, .required)
            .field("before_digest", .string)
            .field("after_digest", .string)
            .field("details", .string, .required)
            .field("previous_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "tenant_id", "sequence")
            .create()
        // The chain head per tenant: the row every appender locks, holding the latest signed checkpoint.
        try await database.schema("audit_heads")
            .field("tenant_id", .string, .identifier(auto: false))
            .field("event_count", .int64, .required)
            .field("head_hash", .string, .required)
            .field("signed_at", .datetime, .required)
            .field("signature", .string, .required)
            .create()
        // Checkpoints kept every ``SQLStore/checkpointInterval`` events, so re-hashing further back shows too.
        try await database.schema("audit_checkpoints")
            .field("tenant_id", .string, .required)
            .field("event_count", .int64, .required)
            .field("head_hash", .string, .required)
            .field("signed_at", .datetime, .required)
            .field("signature", .string, .required)
            .compositeIdentifier(over: "tenant_id", "event_count")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_checkpoints").delete()
        try await database.schema("audit_heads").delete()
        try await database.schema("audit_events").delete()
    }
}

/// Contact attempts and their outcomes, as agents and channels record them: the history the frequency rules count.
struct CreateContactEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("contact_events")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("account_id", .string, .required, .references("accounts", "id"))
            .field("consumer_id", .string, .required, .references("consumers", "id"))
            .field("occurred_at", .datetime, .required)
            .field("direction", .string, .required)
            .field("channel", .string, .required)
            .field("destination_id", .string)
            .field("dialing_method", .string)
            .field("outcome", .string, .required)
            .field("content_type", .string)
            .field("recorded_by", .string, .required)
            .field("idempotency_key", .string)
            .field("created_at", .datetime, .required)
            .unique(on: "tenant_id", "idempotency_key")
            .create()
        let sql = try database.sqlDatabase()
        try await sql.raw("CREATE INDEX contact_events_consumer ON contact_events (tenant_id, consumer_id, occurred_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("contact_events").delete()
    }
}

/// Every decision the live system makes, allowed or blocked, with the check document it answered (and its digest)
/// and the rule-set version, so an examiner can see why a contact did or did not happen and re-ask the question.
struct CreateComplianceDecisions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("compliance_decisions")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("account_id", .string, .required, .references("accounts", "id"))
            .field("decided_at", .datetime, .required)
            .field("channel", .string, .required)
            .field("destination_id", .string)
            .field("allowed", .bool, .required)
            .field("rule", .string)
            .field("next_allowed_at", .datetime)
            .field("rule_set_version", .string, .required)
            .field("inputs_digest", .string, .required)
            .field("document", .string, .required)
            .field("answer", .string, .required)
            .create()
        let sql = try database.sqlDatabase()
        try await sql.raw("CREATE INDEX compliance_decisions_account ON compliance_decisions (tenant_id, account_id, decided_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("compliance_decisions").delete()
    }
}

/// Consents, opt-outs, holds and the other facts recorded about a consumer, each as its check-document entry.
struct CreateConsumerFacts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("consumer_facts")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("consumer_id", .string, .required, .references("consumers", "id"))
            .field("account_id", .string, .required, .references("accounts", "id"))
            .field("kind", .string, .required)
            .field("fact", .string, .required)
            .field("recorded_at", .datetime, .required)
            .field("recorded_by", .string, .required)
            .create()
        let sql = try database.sqlDatabase()
        try await sql.raw("CREATE INDEX consumer_facts_consumer ON consumer_facts (tenant_id, consumer_id, recorded_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("consumer_facts").delete()
    }
}

/// The outbox: every message to be sent, written with the decision that caused it, claimed under leases by the
/// dispatchers, finished with its outcome.
struct CreateOutbox: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("outbox_messages")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("account_id", .string, .required, .references("accounts", "id"))
            .field("consumer_id", .string, .required, .references("consumers", "id"))
            .field("channel", .string, .required)
            .field("destination_id", .string, .required)
            .field("recipient", .string, .required)
            .field("language", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("status", .string, .required)
            .field("due_at", .datetime, .required)
            .field("attempts", .int64, .required)
            .field("claimed_by", .string)
            .field("claimed_until", .datetime)
            .field("last_error", .string)
            .field("rule", .string)
            .field("idempotency_key", .string)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .unique(on: "tenant_id", "idempotency_key")
            .create()
        let sql = try database.sqlDatabase()
        try await sql.raw("CREATE INDEX outbox_due ON outbox_messages (status, due_at)").run()
        try await sql.raw("CREATE INDEX outbox_account ON outbox_messages (tenant_id, account_id, created_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("outbox_messages").delete()
    }
}

/// Provider ids on sent messages, what providers report about them, and the inbound messages consumers send.
struct CreateEngagementAndInbox: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sqlDatabase()
        try await sql.raw("ALTER TABLE outbox_messages ADD COLUMN provider_ref VARCHAR(200)").run()
        try await sql.raw("CREATE INDEX outbox_provider_ref ON outbox_messages (tenant_id, provider_ref)").run()
        // Inbound texts are routed to their accounts by the sender's number.
        try await sql.raw("CREATE INDEX contact_points_value ON contact_points (tenant_id, value)").run()
        try await database.schema("engagement_events")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("message_id", .string, .required, .references("outbox_messages", "id"))
            .field("kind", .string, .required)
            .field("occurred_at", .datetime, .required)
            .field("detail", .string)
            // A provider repeats callbacks: one event per message and kind.
            .unique(on: "message_id", "kind")
            .create()
        try await database.schema("inbound_messages")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("channel", .string, .required)
            .field("provider_id", .string, .required)
            .field("sender", .string, .required)
            .field("recipient", .string, .required)
            .field("body", .string, .required)
            .field("intent", .string, .required)
            .field("account_ids", .string, .required)
            .field("reply", .string)
            .field("status", .string, .required)
            .field("received_at", .datetime, .required)
            // A provider retries a webhook it got no answer to: the same message is received once.
            .unique(on: "tenant_id", "provider_id")
            .create()
        try await sql.raw("CREATE INDEX inbound_inbox ON inbound_messages (tenant_id, status, received_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("inbound_messages").delete()
        try await database.schema("engagement_events").delete()
        let sql = try database.sqlDatabase()
        try await sql.raw("DROP INDEX contact_points_value").run()
        try await sql.raw("DROP INDEX outbox_provider_ref").run()
        try await sql.raw("ALTER TABLE outbox_messages DROP COLUMN provider_ref").run()
    }
}

/// The keypad reference of every account (``ReferenceCode``), stored so a caller's reference finds the account.
struct AddAccountReferences: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sqlDatabase()
        try await sql.raw("ALTER TABLE accounts ADD COLUMN reference_code VARCHAR(10)").run()
        for row in try await sql.select().column("id").from("accounts").all() {
            guard let id = AccountID(try row.decode(column: "id", as: String.self)) else { continue }
            try await sql.update("accounts").set("reference_code", to: ReferenceCode.of(id)).where("id", .equal, id.description).run()
        }
        try await sql.raw("CREATE INDEX accounts_reference ON accounts (tenant_id, reference_code)").run()
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sqlDatabase()
        try await sql.raw("DROP INDEX accounts_reference").run()
        try await sql.raw("ALTER TABLE accounts DROP COLUMN reference_code").run()
    }
}

/// Message templates per tenant, client (empty `client_key` for the agency's own), name, channel and language.
struct CreateMessageTemplates: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("message_templates")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("client_key", .string, .required)
            .field("name", .string, .required)
            .field("channel", .string, .required)
            .field("language", .string, .required)
            .field("subject", .string)
            .field("body", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "tenant_id", "client_key", "name", "channel", "language")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("message_templates").delete()
    }
}

/// The inbound-text routing index led with `tenant_id`, so SQLite's planner took it for "this consumer's contact
/// points" too and scanned every contact point of the tenant: leading with the number leaves those lookups to
/// `contact_points_consumer`.
struct ReorderPhoneRoutingIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sqlDatabase()
        try await sql.raw("DROP INDEX contact_points_value").run()
        try await sql.raw("CREATE INDEX contact_points_number ON contact_points (value, tenant_id)").run()
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sqlDatabase()
        try await sql.raw("DROP INDEX contact_points_number").run()
        try await sql.raw("CREATE INDEX contact_points_value ON contact_points (tenant_id, value)").run()
    }
}

/// Agents' click-to-call calls; each shares its id with the contact attempt it records.
struct CreateAgentCalls: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("agent_calls")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("account_id", .string, .required, .references("accounts", "id"))
            .field("consumer_id", .string, .required, .references("consumers", "id"))
            .field("destination_id", .string, .required)
            .field("consumer_number", .string, .required)
            .field("agent_phone", .string, .required)
            .field("agent", .string, .required)
            .field("provider_ref", .string)
            .field("status", .string, .required)
            .field("outcome", .string, .required)
            .field("idempotency_key", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "tenant_id", "idempotency_key")
            .create()
        let sql = try database.sqlDatabase()
        try await sql.raw("CREATE INDEX agent_calls_account ON agent_calls (tenant_id, account_id, created_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("agent_calls").delete()
    }
}

/// The tenant's do-not-text list: numbers that texted STOP, whichever accounts hold them now or later.
struct CreateTextSuppressions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("text_suppressions")
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("number", .string, .required)
            .field("since", .datetime, .required)
            .field("statement", .string, .required)
            .field("per_se", .bool, .required)
            .unique(on: "tenant_id", "number")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("text_suppressions").delete()
    }
}

/// Money: each client's terms, the consumers' payment methods (processor tokens; bank account numbers sealed), the
/// payments, every account's ledger entries with the client's and agency's shares, and the processor events seen.
struct CreatePaymentsAndLedger: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("client_terms")
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("client_id", .string, .required, .references("clients", "id"))
            .field("allocation", .string, .required)
            .field("plan_max_months", .int64, .required)
            .field("plan_minimum_installment", .int64, .required)
            .field("plan_minimum_down_bp", .int64, .required)
            .field("settlement_minimum_bp", .int64, .required)
            .field("settlement_max_installments", .int64, .required)
            .field("settlement_max_valid_days", .int64, .required)
            .field("contingency_bp", .int64, .required)
            .field("grace_days", .int64, .required)
            .field("misses_to_break", .int64, .required)
            .field("remit", .string, .required)
            .field("interest_bp", .int64)
            .field("day_count", .string)
            .field("updated_at", .datetime, .required)
            .unique(on: "tenant_id", "client_id")
            .create()
        try await database.schema("payment_methods")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("account_id", .string, .required, .references("accounts", "id"))
            .field("rail", .string, .required)
            .field("customer_token", .string)
            .field("card_token", .string)
            .field("brand", .string)
            .field("last4", .string, .required)
            .field("routing", .string)
            .field("bank_account_sealed", .string)
            .field("checking", .bool)
            .field("holder_sealed", .string)
            .field("authorization", .string, .required)
            .field("authorized_via", .string, .required)
            .field("created_at", .datetime, .required)
            .field("revoked", .string)
            .create()
        try await database.schema("payments")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("account_id", .string, .required, .references("accounts", "id"))
            .field("client_id", .string, .required, .references("clients", "id"))
            .field("method_id", .string, .required, .references("payment_methods", "id"))
            .field("rail", .string, .required)
            .field("amount_minor", .int64, .required)
            .field("currency", .string, .required)
            .field("status", .string, .required)
            .field("processor_ref", .string)
            .field("failure_reason", .string)
            .field("entry_id", .string)
            .field("plan_id", .string)
            .field("installment", .int64)
            .field("idempotency_key", .string, .required)
            .field("request_digest", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "tenant_id", "idempotency_key")
            .create()
        try await database.schema("ledger_entries")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("account_id", .string, .required, .references("accounts", "id"))
            .field("client_id", .string, .required, .references("clients", "id"))
            .field("position", .int64, .required)
            .field("posted_on", .string, .required)
            .field("kind", .string, .required)
            .field("principal_minor", .int64, .required)
            .field("interest_minor", .int64, .required)
            .field("fees_minor", .int64, .required)
            .field("reverses", .string)
            .field("memo", .string)
            .field("payment_id", .string)
            .field("client_share_minor", .int64, .required)
            .field("agency_fee_minor", .int64, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "account_id", "position")
            .create()
        try await database.schema("processor_events")
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("event_id", .string, .required)
            .field("type", .string, .required)
            .field("received_at", .datetime, .required)
            .unique(on: "tenant_id", "event_id")
            .create()
        let sql = try database.sqlDatabase()
        try await sql.raw("CREATE INDEX payment_methods_account ON payment_methods (tenant_id, account_id)").run()
        try await sql.raw("CREATE INDEX payments_account ON payments (tenant_id, account_id, created_at)").run()
        // A processor's charge id or an ACH trace number names one payment, whichever tenant it is (the originator
        // and the processor account are shared), so a return can never reach another tenant's debit.
        try await sql.raw("CREATE UNIQUE INDEX payments_reference ON payments (processor_ref)").run()
        try await sql.raw("CREATE INDEX ledger_entries_client ON ledger_entries (tenant_id, client_id, created_at)").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["processor_events", "ledger_entries", "payments", "payment_methods", "client_terms"] {
            try await database.schema(table).delete()
        }
    }
}

/// Payment plans (their installments derive from these terms), settlement offers, promises to pay, remittance
/// statements issued to clients and the NACHA files of ACH debits.
struct CreatePlansSettlementsPromisesRemittancesAndACHFiles: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("payment_plans")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("account_id", .string, .required, .references("accounts", "id"))
            .field("client_id", .string, .required, .references("clients", "id"))
            .field("amount_minor", .int64, .required)
            .field("currency", .string, .required)
            .field("down_payment_minor", .int64, .required)
            .field("installments", .int64, .required)
            .field("frequency", .string, .required)
            .field("first_date", .string, .required)
            .field("method_id", .string)
            .field("status", .string, .required)
            .field("replaces", .string)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("settlements")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("account_id", .string, .required, .references("accounts", "id"))
            .field("client_id", .string, .required, .references("clients", "id"))
            .field("balance_minor", .int64, .required)
            .field("amount_minor", .int64, .required)
            .field("currency", .string, .required)
            .field("installments", .int64, .required)
            .field("expires_on", .string, .required)
            .field("status", .string, .required)
            .field("approval_reasons", .string, .required)
            .field("balance_at_acceptance", .int64)
            .field("plan_id", .string)
            .field("offered_by", .string, .required)
            .field("approved_by", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("promises")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("account_id", .string, .required, .references("accounts", "id"))
            .field("client_id", .string, .required, .references("clients", "id"))
            .field("amount_minor", .int64, .required)
            .field("currency", .string, .required)
            .field("due_on", .string, .required)
            .field("source", .string, .required)
            .field("made_by", .string, .required)
            .field("idempotency_key", .string)
            .field("created_at", .datetime, .required)
            .unique(on: "tenant_id", "idempotency_key")
            .create()
        try await database.schema("remittances")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("client_id", .string, .required, .references("clients", "id"))
            .field("period_from", .string, .required)
            .field("period_to", .string, .required)
            .field("method", .string, .required)
            .field("currency", .string, .required)
            .field("collected_minor", .int64, .required)
            .field("client_share_minor", .int64, .required)
            .field("agency_fee_minor", .int64, .required)
            .field("line_count", .int64, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("ach_files")
            .field("id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("effective_date", .string, .required)
            .field("created_at", .datetime, .required)
            .field("status", .string, .required)
            .field("debits", .string, .required)
            .field("entry_count", .int64, .required)
            .field("total_minor", .int64, .required)
            .field("text", .string, .required)
            .create()
        let sql = try database.sqlDatabase()
        try await sql.raw("CREATE INDEX payment_plans_account ON payment_plans (tenant_id, account_id, created_at)").run()
        try await sql.raw("CREATE INDEX payment_plans_status ON payment_plans (tenant_id, status)").run()
        try await sql.raw("CREATE UNIQUE INDEX payment_plans_one_active ON payment_plans (tenant_id, account_id) WHERE status = 'active'").run()
        try await sql.raw("CREATE INDEX payments_pending ON payments (tenant_id, rail, status, created_at)").run()
        try await sql.raw("CREATE INDEX settlements_account ON settlements (tenant_id, account_id, created_at)").run()
        try await sql.raw("CREATE INDEX promises_account ON promises (tenant_id, account_id, created_at)").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["ach_files", "remittances", "promises", "settlements", "payment_plans"] { try await database.schema(table).delete() }
    }
}

/// Convenience fees: the client's permission in its terms (off unless set) and the fee each payment carried on top
/// of what it paid on the debt.
struct AddConvenienceFees: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sqlDatabase()
        try await sql.raw("ALTER TABLE client_terms ADD COLUMN convenience_card_minor BIGINT").run()
        try await sql.raw("ALTER TABLE client_terms ADD COLUMN convenience_bank_minor BIGINT").run()
        try await sql.raw("ALTER TABLE client_terms ADD COLUMN convenience_states TEXT").run()
        try await sql.raw("ALTER TABLE payments ADD COLUMN convenience_fee_minor BIGINT NOT NULL DEFAULT 0").run()
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sqlDatabase()
        for (table, column) in [("payments", "convenience_fee_minor"), ("client_terms", "convenience_states"),
                                ("client_terms", "convenience_bank_minor"), ("client_terms", "convenience_card_minor")] {
            try await sql.raw("ALTER TABLE \(unsafeRaw: table) DROP COLUMN \(unsafeRaw: column)").run()
        }
    }
}

/// `tenant_id = ? AND id IN (…)` with eight ids or more made SQLite's planner (which has no statistics) walk a
/// whole tenant through another index led by `tenant_id` instead of looking up each id: a dispatcher's batch of
/// snapshots read every consumer of the tenant, and marking a group of messages sent read every message. With
/// `(tenant_id, id)` both terms are one index lookup per id, as `accounts_tenant_id` already makes them for accounts.
struct IndexConsumersAndOutboxByTenantAndID: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sqlDatabase()
        try await sql.raw("CREATE INDEX consumers_tenant_id ON consumers (tenant_id, id)").run()
        try await sql.raw("CREATE INDEX outbox_tenant_id ON outbox_messages (tenant_id, id)").run()
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sqlDatabase()
        try await sql.raw("DROP INDEX outbox_tenant_id").run()
        try await sql.raw("DROP INDEX consumers_tenant_id").run()
    }
}

/// Revoked API keys keep their row (the audit trail names them as actors) and the instant they stopped working;
/// a key may also carry the instant it stops working by itself.
struct AddAPIKeyRevocationAndExpiry: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds one at a time.
        try await database.schema("api_keys").field("revoked_at", .datetime).update()
        try await database.schema("api_keys").field("expires_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("api_keys").deleteField("expires_at").update()
        try await database.schema("api_keys").deleteField("revoked_at").update()
    }
}

/// The accounts a placement file changed, held in the file's transaction until it ends, when they become its
/// `account.updated` audit events: the import's memory stays flat however many accounts a re-placement changes,
/// and the tenant's audit chain is locked only at the end, not for the length of the upload. Always empty outside
/// a running import.
struct StagePlacementAccountChanges: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sqlDatabase()
        try await sql.raw("""
            CREATE TABLE placement_account_changes (
                tenant_id TEXT NOT NULL, placement_id TEXT NOT NULL, row_number BIGINT NOT NULL, account_id TEXT NOT NULL,
                before_digest TEXT, after_digest TEXT NOT NULL, PRIMARY KEY (tenant_id, placement_id, row_number))
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sqlDatabase().raw("DROP TABLE placement_account_changes").run()
    }
}

/// Each creditor client's own placement layout (the JSON of a mapping file), which its files are read through.
struct CreateClientMappings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("client_mappings")
            .field("tenant_id", .string, .required, .references("tenants", "id"))
            .field("client_id", .string, .required, .references("clients", "id"))
            .field("mapping", .string, .required)
            .field("updated_at", .datetime, .required)
            .compositeIdentifier(over: "tenant_id", "client_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("client_mappings").delete()
    }
}

/// When each API key last authenticated a request, to the minute: dormant keys show in the listings.
struct AddAPIKeyLastUse: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("api_keys").field("last_used_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("api_keys").deleteField("last_used_at").update()
    }
}

/// The hand-off schedules every dispatcher on the database shares (`HandOffSlots`): per rate-limited channel, when
/// its next free slot is. A relay's or provider's limit is the deployment's, not a tenant's: these rows carry
/// `tenant_id` `*`, and no tenant's data.
struct CreateHandOffSchedules: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("handoff_schedules")
            .field("tenant_id", .string, .required)
            .field("bucket", .string, .required)
            // Seconds since 1970 on the database's clock: every process books on the one clock.
            .field("next_free", .double, .required)
            .compositeIdentifier(over: "tenant_id", "bucket")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("handoff_schedules").delete()
    }
}
