import ArgumentParser
import Foundation
import RecoupApp
import RecoupCore
import Storage

/// Creating the demo tenant and portfolio, shared by `recoup demo` and `recoup serve --demo`.
enum DemoSetup {
    static let tenantName = "Demo Collections Agency"

    /// The demo tenant, created if there is none, and the file holding an admin key for it (`<data>/demo-admin.key`,
    /// mode 0600), written with a new key when it is missing; `created` when the tenant is new.
    static func demoTenant(_ runtime: Runtime) async throws -> (id: TenantID, created: Bool, keyPath: String) {
        let keyPath = (runtime.settings.dataDir as NSString).appendingPathComponent("demo-admin.key")
        let existing = try await runtime.store.tenants().first { $0.name == tenantName }
        let tenant: Tenant
        if let existing { tenant = existing } else { tenant = try await runtime.directory.createTenant(name: tenantName, actor: "demo") }
        if !FileManager.default.fileExists(atPath: keyPath) {
            let (_, secret) = try await runtime.directory.createAPIKey(tenantID: tenant.id, role: .admin, clientID: nil, actor: "demo")
            try FileManager.default.createDirectory(atPath: runtime.settings.dataDir, withIntermediateDirectories: true)
            guard FileManager.default.createFile(
                atPath: keyPath, contents: Data((secret + "\n").utf8), attributes: [.posixPermissions: 0o600])
            else { throw ValidationError("cannot write \(keyPath)") }
        }
        return (tenant.id, existing == nil, keyPath)
    }

    /// `serve --demo`: a demo tenant with a portfolio of `accounts` when there is none; one already there is left
    /// as it is. Prints where the admin key is and a request to try on `port`.
    static func ensureDemoTenant(_ runtime: Runtime, accounts: Int, seed: UInt64, port: Int) async throws {
        let (tenant, created, keyPath) = try await demoTenant(runtime)
        if created {
            let report = try await load(runtime, tenant: tenant, accounts: accounts, seed: seed)
            print("Demo tenant \(tenant) with \(report.placement.counts.imported) accounts.")
        } else {
            print("Demo tenant \(tenant) exists.")
        }
        print("Its admin API key is in \(keyPath) (mode 0600):")
        print("  curl -H \"Authorization: Bearer $(cat \(keyPath))\" http://127.0.0.1:\(port)/v1/accounts?limit=5")
    }

    /// Generates a portfolio for the tenant's client `Demo Client <seed>` (created the first time) and imports it
    /// through the normal placement path: the same seed again updates nothing, another seed adds a client's worth.
    static func load(_ runtime: Runtime, tenant: TenantID, accounts: Int, seed: UInt64) async throws -> PlacementReport {
        let scope = AccessScope(tenantID: tenant)
        let name = "Demo Client \(seed)"
        let existing = try await runtime.directory.clients(scope: scope).first { $0.name == name }
        let client: Client
        if let existing { client = existing } else { client = try await runtime.directory.createClient(name: name, scope: scope, actor: "demo") }
        let portfolio = DemoPortfolio(accounts: accounts, seed: seed, asOf: LocalDate(iso: "2026-11-01")!)
        let outcome = try await runtime.placements.importPlacement(
            PlacementRequest(
                scope: scope, clientID: client.id, fileName: "demo-\(seed).csv",
                mode: .acceptValid, strict: false, mapping: nil, actor: "demo",
                progress: Progress.reporter(unit: "demo rows")),
            chunks: portfolio.chunks())
        return outcome.report
    }
}

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Load a realistic synthetic portfolio (into the demo tenant, created if needed, or --tenant).")
    @OptionGroup var options: GlobalOptions
    @Option(help: "How many accounts.") var accounts = 1000
    @Option(help: "Random seed: the same seed gives the same portfolio.") var seed: UInt64 = 1
    @Option(help: "Tenant id; default: the demo tenant, created if needed.") var tenant: String?

    func run() async throws {
        let tenantID = try tenant.map { try parseID($0, TenantID.self, "--tenant") }
        try await Runtime.with(options) { runtime in
            let demo = tenantID == nil ? try await DemoSetup.demoTenant(runtime) : nil
            guard let tenant = tenantID ?? demo?.id else { return }
            let report = try await DemoSetup.load(runtime, tenant: tenant, accounts: accounts, seed: seed)
            let counts = report.placement.counts
            var json: [String: Any] = [
                "tenant_id": tenant.description, "placement_id": report.placement.id.description,
                "imported": counts.imported, "updated": counts.updated, "unchanged": counts.unchanged,
            ]
            var text = "placement \(report.placement.id): \(counts.imported) accounts"
            if let demo {
                json["admin_key_file"] = demo.keyPath
                text = "Demo tenant \(tenant) with \(counts.imported) accounts."
                    + (counts.updated + counts.unchanged > 0 ? " (\(counts.updated) updated, \(counts.unchanged) unchanged)" : "")
                    + "\nIts admin API key is in \(demo.keyPath) (mode 0600)."
            }
            Output.emit(options, text: text, json: json)
        }
    }
}
