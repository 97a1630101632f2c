import ArgumentParser
import Foundation
import RecoupApp
import RecoupCore
import Storage

/// Creating the demo tenant and portfolio, shared by `recoup demo` and `recoup serve --demo`.
enum DemoSetup {
    static let tenantName = "Demo Collections Agency"

    /// Creates the demo tenant, a client, an admin key (written once to `<data>/demo-admin.key`, mode 0600) and a
    /// portfolio, unless a demo tenant exists already.
    static func ensureDemoTenant(_ runtime: Runtime, accounts: Int, seed: UInt64) async throws {
        let keyPath = (runtime.settings.dataDir as NSString).appendingPathComponent("demo-admin.key")
        if try await runtime.store.tenants().contains(where: { $0.name == tenantName }),
           FileManager.default.fileExists(atPath: keyPath)
        {
            print("Demo tenant exists; its admin API key is in \(keyPath)")
            return
        }
        let tenant = try await runtime.directory.createTenant(name: tenantName, actor: "demo")
        let (_, secret) = try await runtime.directory.createAPIKey(
            tenantID: tenant.id, role: .admin, clientID: nil, actor: "demo")
        try FileManager.default.createDirectory(atPath: runtime.settings.dataDir, withIntermediateDirectories: true)
        guard FileManager.default.createFile(
            atPath: keyPath, contents: Data((secret + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else { throw ValidationError("cannot write \(keyPath)") }
        let report = try await load(runtime, tenant: tenant.id, accounts: accounts, seed: seed)
        print("Demo tenant \(tenant.id) with \(report.placement.counts.imported) accounts.")
        print("Its admin API key is in \(keyPath) (mode 0600):")
        print("  curl -H \"Authorization: Bearer $(cat \(keyPath))\" http://127.0.0.1:8080/v1/accounts?limit=5")
    }

    /// Generates a portfolio for a new client of the tenant and imports it through the normal placement path.
    static func load(_ runtime: Runtime, tenant: TenantID, accounts: Int, seed: UInt64) async throws -> PlacementReport {
        let client = try await runtime.directory.createClient(
            name: "Demo Client \(seed)", scope: AccessScope(tenantID: tenant), actor: "demo")
        let portfolio = DemoPortfolio(accounts: accounts, seed: seed, asOf: LocalDate(iso: "2026-11-01")!)
        let outcome = try await runtime.placements.importPlacement(
            PlacementRequest(
                scope: AccessScope(tenantID: tenant), clientID: client.id, fileName: "demo-\(seed).csv",
                mode: .acceptValid, strict: false, mapping: nil, actor: "demo",
                progress: Progress.reporter(unit: "demo rows")),
            chunks: portfolio.chunks())
        return outcome.report
    }
}

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Load a realistic synthetic portfolio.")
    @OptionGroup var options: GlobalOptions
    @Option(help: "How many accounts.") var accounts = 1000
    @Option(help: "Random seed: the same seed gives the same portfolio.") var seed: UInt64 = 1
    @Option(help: "Tenant id; default: the demo tenant, created if needed.") var tenant: String?

    func run() async throws {
        let tenantID = try tenant.map { try parseID($0, TenantID.self, "--tenant") }
        try await Runtime.with(options) { runtime in
            guard let tenantID else {
                try await DemoSetup.ensureDemoTenant(runtime, accounts: accounts, seed: seed)
                return
            }
            let report = try await DemoSetup.load(runtime, tenant: tenantID, accounts: accounts, seed: seed)
            Output.emit(
                options, text: "placement \(report.placement.id): \(report.placement.counts.imported) accounts",
                json: ["placement_id": report.placement.id.description, "imported": report.placement.counts.imported])
        }
    }
}
