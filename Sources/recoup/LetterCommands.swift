import ArgumentParser
import Foundation
import RecoupApp
import RecoupCore

/// `recoup letters returned`: the print vendor's file of letters the post office sent back.
struct LettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letters", abstract: "Letters after they left: returned mail.", subcommands: [Returned.self])

    struct Returned: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record returned letters from a CSV with message_id (as in the print manifest) and reason (attempted_not_known, no_such_number, insufficient_address, moved_left_no_address, forward_time_expired, vacant, refused, unclaimed). Valid rows are recorded; each bad row is named; exit 1 when any row was refused.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "The returns file (CSV).") var file: String

        func run() async throws {
            let tenantID = try parseID(tenant, TenantID.self, "--tenant")
            guard let bytes = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let (recorded, problems) = try await Runtime.with(options) { runtime in
                try await ReturnedMailService(outbox: runtime.store, contacts: runtime.store, accounts: runtime.accounts, clock: runtime.clock)
                    .importReturns(Array(bytes), scope: AccessScope(tenantID: tenantID), actor: cliActor)
            }
            let lines = ["recorded \(recorded), refused \(problems.count)"]
                + problems.map { "  row \($0.row.map(String.init) ?? "?"): \($0.field): \($0.reason)" }
            Output.emit(options, text: lines.joined(separator: "\n"), json: [
                "recorded": recorded,
                "refused": problems.map { ["row": $0.row ?? 0, "field": $0.field, "reason": $0.reason] as [String: Any] },
            ])
            if !problems.isEmpty { throw ExitCode(1) }
        }
    }
}
