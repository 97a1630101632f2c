import ArgumentParser
import Foundation
import RecoupApp
import RecoupCore
import Storage

/// Who the audit trail names for changes made from the command line.
let cliActor = "cli:\(ProcessInfo.processInfo.environment["USER"] ?? "operator")"

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply pending migrations.")
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await Runtime.with(options) { runtime in
            Output.emit(options, text: "migrated \(runtime.settings.database)", json: ["migrated": true])
        }
    }
}

struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant", abstract: "Manage tenants (agencies).", subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a tenant and print its id.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "The agency's name.") var name: String

        func run() async throws {
            try await Runtime.with(options) { runtime in
                let tenant = try await runtime.directory.createTenant(name: name, actor: cliActor)
                Output.emit(options, text: tenant.id.description, json: ["id": tenant.id.description, "name": tenant.name])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tenants.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await Runtime.with(options) { runtime in
                let tenants = try await runtime.store.tenants()
                Output.emit(
                    options, text: tenants.map { "\($0.id)  \($0.name)" }.joined(separator: "\n"),
                    json: ["items": tenants.map { ["id": $0.id.description, "name": $0.name] }])
            }
        }
    }
}

struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client", abstract: "Manage creditor clients.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a client and print its id.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "The creditor's name.") var name: String

        func run() async throws {
            let tenantID = try parseID(tenant, TenantID.self, "--tenant")
            try await Runtime.with(options) { runtime in
                guard try await runtime.store.tenants().contains(where: { $0.id == tenantID }) else {
                    throw ValidationError("no tenant \(tenantID)")
                }
                let client = try await runtime.directory.createClient(
                    name: name, scope: AccessScope(tenantID: tenantID), actor: cliActor)
                Output.emit(options, text: client.id.description, json: ["id": client.id.description, "name": client.name])
            }
        }
    }
}

struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey", abstract: "Manage API keys.", subcommands: [Create.self, List.self, Revoke.self, Rotate.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API key and print its secret once.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "admin | manager | agent | compliance | client") var role: String
        @Option(help: "Client id (client keys only).") var client: String?
        @Option(help: "Days until the key stops working by itself (none: until revoked).") var expiresInDays: Int?

        func validate() throws {
            if let expiresInDays, expiresInDays < 1 { throw ValidationError("--expires-in-days must be at least 1, got \(expiresInDays)") }
        }

        func run() async throws {
            let tenantID = try parseID(tenant, TenantID.self, "--tenant")
            guard let role = Role(rawValue: role) else {
                throw ValidationError("--role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let clientID = try client.map { try parseID($0, ClientID.self, "--client") }
            try await Runtime.with(options) { runtime in
                let expiresAt = expiresInDays.map { runtime.clock.now() + TimeInterval($0) * 86_400 }
                let (record, secret) = try await runtime.directory.createAPIKey(
                    tenantID: tenantID, role: role, clientID: clientID, expiresAt: expiresAt, actor: cliActor)
                Output.emit(
                    options, text: secret,
                    json: ["id": record.id.description, "key": secret, "role": role.rawValue,
                           "client_id": clientID?.description ?? NSNull(), "expires_at": expiresAt.map(APIKeyCommand.instant) ?? NSNull()])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a tenant's API keys (never their secrets), revoked ones included.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Tenant id.") var tenant: String

        func run() async throws {
            let tenantID = try parseID(tenant, TenantID.self, "--tenant")
            try await Runtime.with(options) { runtime in
                let keys = try await runtime.directory.apiKeys(tenantID: tenantID)
                Output.emit(
                    options,
                    text: keys.map { key in
                        ["\(key.id)", key.role.rawValue, key.clientID.map { "client \($0)" } ?? "", "created \(APIKeyCommand.instant(key.createdAt))",
                         key.expiresAt.map { "expires \(APIKeyCommand.instant($0))" } ?? "",
                         key.lastUsedAt.map { "last used \(APIKeyCommand.instant($0))" } ?? "never used",
                         key.revokedAt.map { "revoked \(APIKeyCommand.instant($0))" } ?? "active"].filter { !$0.isEmpty }.joined(separator: "  ")
                    }.joined(separator: "\n"),
                    json: ["items": keys.map(APIKeyCommand.json)])
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an API key: the next request made with it is refused. The key stays listed, and the audit trail records who revoked it.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "The key's id (from `apikey list`).") var key: String

        func run() async throws {
            let tenantID = try parseID(tenant, TenantID.self, "--tenant")
            let keyID = try parseID(key, APIKeyID.self, "--key")
            try await Runtime.with(options) { runtime in
                let revoked = try await runtime.directory.revokeAPIKey(keyID, tenantID: tenantID, actor: cliActor)
                Output.emit(options, text: "revoked \(revoked.id) (\(revoked.role.rawValue))", json: APIKeyCommand.json(revoked))
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace an API key: print a new secret with the same role, and let the old key work for the grace period only.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "The key's id (from `apikey list`).") var key: String
        @Option(help: "Hours the old key keeps working while its caller moves to the new one (0: it stops now).") var graceHours = 24

        func validate() throws {
            if graceHours < 0 { throw ValidationError("--grace-hours must be 0 or more, got \(graceHours)") }
        }

        func run() async throws {
            let tenantID = try parseID(tenant, TenantID.self, "--tenant")
            let keyID = try parseID(key, APIKeyID.self, "--key")
            try await Runtime.with(options) { runtime in
                let (old, new, secret) = try await runtime.directory.rotateAPIKey(
                    keyID, tenantID: tenantID, grace: TimeInterval(graceHours) * 3600, actor: cliActor)
                var json = APIKeyCommand.json(new)
                json["key"] = secret
                json["old_key"] = APIKeyCommand.json(old)
                Output.emit(options, text: secret, json: json)
            }
        }
    }

    /// A key as `--json` prints it: everything but the secret's hash.
    static func json(_ key: APIKeyRecord) -> [String: Any] {
        ["id": key.id.description, "role": key.role.rawValue, "client_id": key.clientID?.description ?? NSNull(),
         "created_at": instant(key.createdAt), "revoked_at": key.revokedAt.map(instant) ?? NSNull(),
         "expires_at": key.expiresAt.map(instant) ?? NSNull(), "last_used_at": key.lastUsedAt.map(instant) ?? NSNull()]
    }

    static func instant(_ date: Date) -> String { date.formatted(.iso8601) }
}

struct RecallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recall", abstract: "Recall a client's accounts: every activity stops, history stays.")
    @OptionGroup var options: GlobalOptions
    @Option(help: "Tenant id.") var tenant: String
    @Option(help: "Client id.") var client: String
    @Option(name: .customLong("account"), help: "Account id or client account number (repeatable).")
    var accounts: [String] = []
    @Option(help: "A file with one account id or client account number per line.") var file: String?
    @Option(help: "Why the client recalled them.") var reason: String?

    func run() async throws {
        let tenantID = try parseID(tenant, TenantID.self, "--tenant")
        let clientID = try parseID(client, ClientID.self, "--client")
        var references = accounts
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ValidationError("cannot read \(file) as UTF-8 text")
            }
            references += text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && $0 != "client_account_number" && $0 != "account_id" }
        }
        guard !references.isEmpty else { throw ValidationError("name accounts with --account or --file") }
        let ids = references.compactMap { AccountID($0) }
        let numbers = references.filter { AccountID($0) == nil }
        let outcome = try await Runtime.with(options) { runtime in
            try await runtime.accounts.recall(
                ids: ids, clientAccountNumbers: numbers, scope: AccessScope(tenantID: tenantID, clientID: clientID),
                actor: cliActor, reason: reason)
        }
        Output.emit(
            options,
            text: "recalled \(outcome.recalled.count), already recalled \(outcome.alreadyRecalled.count), not found \(outcome.notFound.count)"
                + (outcome.notFound.isEmpty ? "" : ": " + outcome.notFound.joined(separator: ", ")),
            json: ["recalled": outcome.recalled.map(\.description),
                   "already_recalled": outcome.alreadyRecalled.map(\.description), "not_found": outcome.notFound])
        if !outcome.notFound.isEmpty { throw ExitCode(1) }
    }
}

func parseID<Kind>(_ text: String, _ type: Identifier<Kind>.Type, _ flag: String) throws -> Identifier<Kind> {
    guard let id = Identifier<Kind>(text) else { throw ValidationError("\(flag) must be an id (a UUID), got \(text)") }
    return id
}

func parseDate(_ text: String, _ flag: String) throws -> LocalDate {
    guard let date = LocalDate(iso: text) else { throw ValidationError("\(flag) must be a date, YYYY-MM-DD, got \(text)") }
    return date
}
