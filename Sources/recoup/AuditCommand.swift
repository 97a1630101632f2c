import ArgumentParser
import Foundation
import RecoupApp
import RecoupCore
import Storage

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Verify and export the tamper-evident audit trail.",
        subcommands: [Verify.self, Export.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk each tenant's chain (or an exported file); exit 1 naming the first tampered event.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Only this tenant.") var tenant: String?
        @Option(help: "Verify this exported file instead of the database.") var export: String?

        func run() async throws {
            let tenantID = try tenant.map { try parseID($0, TenantID.self, "--tenant") }
            var verdicts: [(TenantID, Int64, AuditChain.Failure?)] = []
            if let export {
                let settings = try Settings.load(options)
                guard let text = try? String(contentsOfFile: export, encoding: .utf8) else {
                    throw ValidationError("cannot read \(export)")
                }
                let result = try AuditExport.verify(
                    lines: text.split(separator: "\n", omittingEmptySubsequences: false), key: settings.keys.checkpoint)
                verdicts.append((result.tenantID, result.count, result.failure))
            } else {
                verdicts = try await Runtime.with(options) { runtime in
                    try await runtime.audit.verify(tenantID: tenantID).map { ($0.tenantID, $0.eventCount, $0.failure) }
                }
            }
            let failed = verdicts.contains { $0.2 != nil }
            Output.emit(
                options,
                text: verdicts.map { tenant, count, failure in
                    if let failure { "tenant \(tenant): TAMPERED after \(count) intact events: \(failure)" }
                    else { "tenant \(tenant): intact, \(count) events" }
                }.joined(separator: "\n"),
                json: ["intact": !failed,
                       "tenants": verdicts.map { tenant, count, failure in
                           ["tenant_id": tenant.description, "events": count, "intact": failure == nil,
                            "failure": failure.map { "\($0)" } ?? NSNull()] as [String: Any]
                       }])
            if failed { throw ExitCode(1) }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a tenant's audit trail: verifiable JSON lines (the whole chain), or CSV for an examiner.",
            discussion: "--from/--to (YYYY-MM-DD, UTC, inclusive) select the CSV's events; a JSON-lines export is always the whole chain, since verifying it starts at the first event.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "Output file.") var out: String
        @Option(help: "jsonl or csv.") var format = "jsonl"
        @Option(help: "First day (CSV), YYYY-MM-DD.") var from: String?
        @Option(help: "Last day (CSV), YYYY-MM-DD.") var to: String?

        func validate() throws {
            guard ["jsonl", "csv"].contains(format) else { throw ValidationError("--format must be jsonl or csv") }
            for (name, value) in [("--from", from), ("--to", to)] {
                if let value, LocalDate(iso: value) == nil { throw ValidationError("\(name) must be YYYY-MM-DD") }
            }
            if format == "jsonl", from != nil || to != nil {
                throw ValidationError("--from/--to select CSV rows; a JSON-lines export is the whole chain")
            }
        }

        func run() async throws {
            let tenantID = try parseID(tenant, TenantID.self, "--tenant")
            let first = from.flatMap { LocalDate(iso: $0) }, last = to.flatMap { LocalDate(iso: $0) }
            let count = try await Runtime.with(options) { runtime in
                guard FileManager.default.createFile(atPath: out, contents: nil),
                      let handle = FileHandle(forWritingAtPath: out)
                else { throw ValidationError("cannot write \(out)") }
                defer { try? handle.close() }
                func write(_ line: String) throws { try handle.write(contentsOf: Data((line + (format == "csv" ? "\r\n" : "\n")).utf8)) }
                try write(format == "csv" ? AuditExport.csvHeader : try AuditExport.headerLine(tenantID: tenantID))
                // The checkpoints first, then the events they vouch for: events appended meanwhile wait for the next
                // export instead of making this one look truncated.
                let checkpoints = try await runtime.store.checkpoints(tenantID: tenantID)
                let signed = checkpoints.map(\.count).max() ?? 0
                var after: Int64 = 0
                var count = 0
                pages: while true {
                    let page = try await runtime.store.auditEvents(
                        tenantID: tenantID, afterSequence: after, limit: 1000, subjectType: nil, subjectID: nil,
                        action: nil)
                    for event in page {
                        guard event.sequence <= signed else { break pages }
                        if format == "csv" {
                            let day = LocalDate(utc: event.occurredAt)
                            guard first.map({ day >= $0 }) ?? true, last.map({ day <= $0 }) ?? true else { continue }
                            try write(try AuditExport.csvLine(event))
                        } else {
                            try write(try AuditExport.line(event))
                        }
                        count += 1
                    }
                    guard let last = page.last, page.count == 1000 else { break }
                    after = last.sequence
                }
                if format == "jsonl" { for checkpoint in checkpoints { try write(try AuditExport.line(checkpoint)) } }
                return count
            }
            Output.emit(options, text: "exported \(count) events to \(out)", json: ["events": count, "file": out])
        }
    }
}
