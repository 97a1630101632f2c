import ArgumentParser
import Compliance
import Foundation
import RecoupApp
import RecoupCore

/// `recoup purge`: erases accounts out of collection whose 12 CFR 1006.100 retention has ended, each one decided
/// by the compliance engine and written to the audit trail.
struct PurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete the records of inactive accounts whose retention period (12 CFR 1006.100) has ended.",
        discussion: """
            Active accounts are never considered. For each recalled, paid, settled or closed account the compliance \
            engine decides `delete_record`; only an allowed decision erases the account, its contacts, facts and \
            stored decisions, and consumers left without an account. Audit events are kept. --dry-run lists what \
            would happen and may look ahead with --as-of.
            """)
    @OptionGroup var options: GlobalOptions
    @Option(help: "Tenant id.") var tenant: String
    @Flag(help: "List what would be deleted and delete nothing.") var dryRun = false
    @Option(help: "With --dry-run: decide as of this day (YYYY-MM-DD, midnight UTC) instead of now.") var asOf: String?

    func run() async throws {
        let tenantID = try parseID(tenant, TenantID.self, "--tenant")
        var asOfDate: Date?
        if let asOf {
            guard dryRun else { throw ValidationError("--as-of needs --dry-run: a purge deletes as of now, never as of another day") }
            guard let day = LocalDate(iso: asOf) else { throw ValidationError("--as-of must be YYYY-MM-DD, got \(asOf)") }
            asOfDate = Date(timeIntervalSince1970: TimeInterval(day.dayNumber) * 86_400)
        }
        let outcomes = try await Runtime.with(options) { runtime in
            try await RetentionService(accounts: runtime.accounts, contacts: runtime.store, retention: runtime.store, clock: runtime.clock)
                .purge(tenantID: tenantID, actor: cliActor, dryRun: dryRun, asOf: asOfDate)
        }
        let eligible = outcomes.filter(\.decision.allowed)
        var lines = outcomes.map { outcome in
            let through = outcome.retainThrough.map { " retain through \($0.iso)" } ?? ""
            let verb = !outcome.decision.allowed ? "kept" : dryRun ? "would delete" : "deleted"
            return "\(verb) \(outcome.account.id) (\(outcome.account.status.rawValue))\(through) [\(outcome.decision.rule ?? "no rule")]"
        }
        lines.append("\(outcomes.count) inactive accounts: \(eligible.count) \(dryRun ? "eligible" : "deleted"), \(outcomes.count - eligible.count) kept")
        Output.emit(
            options, text: lines.joined(separator: "\n"),
            json: ["dry_run": dryRun, "considered": outcomes.count, "eligible": eligible.count,
                   "accounts": outcomes.map { outcome -> [String: Any] in
                       var entry: [String: Any] = [
                           "account_id": outcome.account.id.description, "status": outcome.account.status.rawValue,
                           "allowed": outcome.decision.allowed, "rule": outcome.decision.rule ?? NSNull(),
                           "retain_through": outcome.retainThrough?.iso ?? NSNull(),
                       ]
                       if let erased = outcome.erased { entry["deleted"] = erased }
                       return entry
                   }])
    }
}
