import ArgumentParser
import Foundation
import RecoupApp
import RecoupCore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import files.", subcommands: [Placements.self])

    /// `recoup import placements`: exit 0 when processed (even with rejected rows in accept-valid mode), 1 when
    /// all-or-nothing rejected the file, 2 when the input is unusable.
    struct Placements: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import a placement CSV for a client.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "Client id.") var client: String
        @Option(help: "The placement CSV.") var file: String
        @Option(help: "A JSON mapping file for the client's own layout.") var mapping: String?
        @Option(help: "accept-valid (default) or all-or-nothing.") var mode = "accept-valid"
        @Flag(help: "Reject columns the format does not know.") var strict = false
        @Option(help: "Write the row error report (CSV) here.") var errors: String?

        func run() async throws {
            let tenantID = try parseID(tenant, TenantID.self, "--tenant")
            let clientID = try parseID(client, ClientID.self, "--client")
            guard let mode = ImportMode(rawValue: mode) else {
                throw ValidationError("--mode must be accept-valid or all-or-nothing")
            }
            var parsedMapping: PlacementMapping?
            if let mapping {
                do {
                    parsedMapping = try JSONDecoder().decode(PlacementMapping.self, from: Data(contentsOf: URL(fileURLWithPath: mapping)))
                } catch {
                    return try fail("mapping file \(mapping): \(error)")
                }
            }
            guard FileManager.default.isReadableFile(atPath: file) else { return try fail("cannot open \(file)") }
            let request = PlacementRequest(
                scope: AccessScope(tenantID: tenantID), clientID: clientID,
                fileName: (file as NSString).lastPathComponent, mode: mode, strict: strict, mapping: parsedMapping,
                actor: cliActor, progress: Progress.reporter(unit: "rows"))
            let outcome: PlacementOutcome
            do {
                outcome = try await Runtime.with(options) { runtime in
                    try await runtime.placements.importPlacement(request, chunks: FileChunks(path: file))
                }
            } catch let RecoupError.unusablePlacement(problem) {
                // The report holds the file-level problems on row 0, so a pipeline reading it sees why.
                if let errors { try ErrorReport.csv(problem).write(toFile: errors, atomically: true, encoding: .utf8) }
                return try fail(problem.description)
            }
            if let errors {
                try ErrorReport.csv(outcome.errors).write(toFile: errors, atomically: true, encoding: .utf8)
            }
            let report = outcome.report
            let counts = report.placement.counts
            var json: [String: Any] = [
                "placement_id": report.placement.id.description, "outcome": report.outcome.rawValue,
                "rows": counts.rows, "imported": counts.imported, "updated": counts.updated,
                "unchanged": counts.unchanged, "rejected": counts.rejected, "ignored_columns": report.ignoredColumns,
                "file_digest": report.placement.fileDigest,
                "errors": outcome.errors.prefix(1000).map {
                    ["row": $0.row, "column": $0.column, "value": $0.value, "reason": $0.reason] as [String: Any]
                },
            ]
            if let peak = PeakMemory.residentBytes() { json["peak_rss_bytes"] = peak }
            var text = """
                placement \(report.placement.id) (\(report.outcome.rawValue)): \(counts.rows) rows, \(counts.imported) imported, \
                \(counts.updated) updated, \(counts.unchanged) unchanged, \(counts.rejected) rejected
                """
            if !report.ignoredColumns.isEmpty { text += "\nignored columns: \(report.ignoredColumns.joined(separator: ", "))" }
            for error in outcome.errors.prefix(20) {
                text += "\nrow \(error.row), \(error.column): \(error.reason)\(error.value.isEmpty ? "" : " (\(error.value))")"
            }
            if outcome.errors.count > 20 { text += "\n… \(outcome.errors.count - 20) more" + (errors == nil ? " (use --errors PATH)" : " in \(errors!)") }
            if outcome.errors.count >= PlacementService.defaultReportedErrors {
                text += "\n(the report keeps the first \(outcome.errors.count) errors; every bad row is counted as rejected)"
            }
            Output.emit(options, text: text, json: json)
            if report.outcome == .rejected { throw ExitCode(1) }
        }

        func fail(_ message: String) throws {
            FileHandle.standardError.write(Data("error: \(message)\n".utf8))
            throw ExitCode(2)
        }
    }
}

/// A file's bytes a megabyte at a time (an import holds one chunk at a time whatever the file size), read again from
/// the start by each iteration (an import that commits in steps reads its file twice).
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let path: String

    struct AsyncIterator: AsyncIteratorProtocol {
        let path: String
        var handle: FileHandle?

        mutating func next() async throws -> [UInt8]? {
            if handle == nil {
                guard let opened = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path]) }
                handle = opened
            }
            guard let data = try handle!.read(upToCount: 1 << 20), !data.isEmpty else {
                try? handle?.close()
                return nil
            }
            return [UInt8](data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(path: path) }
}

/// The process's peak resident memory, from the kernel (`VmHWM` in /proc/self/status).
enum PeakMemory {
    static func residentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Int(line.split(separator: " ").dropFirst().first { !$0.isEmpty }?.trimmingCharacters(in: .whitespaces) ?? "")
        else { return nil }
        return kb * 1024
    }
}

/// Progress for long runs, on standard error and only when it is a terminal (scripts and pipes stay clean).
enum Progress {
    static func reporter(unit: String) -> (@Sendable (Int) -> Void)? {
        guard isatty(STDERR_FILENO) != 0 else { return nil }
        return { count in
            FileHandle.standardError.write(Data("\r\(count) \(unit)…".utf8))
        }
    }
}
