import ArgumentParser
import Foundation
import RecoupApp
import RecoupCore

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure Recoup against baselines on this machine.", subcommands: [Import.self, ComplianceBench.self, DispatchBench.self, LedgerBench.self])

    /// `recoup bench import`: the placement import against each database's own bulk loader, on the same file, in
    /// the same run, so the ratio means something on a noisy shared machine.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import N generated rows with Recoup and with sqlite3 .import / psql \\copy; print rows/s, peak memory and ratios.")
        @Option(help: "Rows in the generated placement file.") var rows = 1_000_000
        @Option(help: "Work folder (deleted afterwards unless --keep).") var workDir: String?
        @Flag(help: "Keep the work folder.") var keep = false
        @Option(help: "A scratch PostgreSQL database for the PostgreSQL half — its public schema is dropped and recreated (default: RECOUP_BENCH_POSTGRES_URL).")
        var postgres: String?

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let work = workDir ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("recoup-bench-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            defer { if !keep { try? FileManager.default.removeItem(atPath: work) } }
            let file = (work as NSString).appendingPathComponent("placements.csv")
            let generated = try measure { try Bench.writeFile(rows: rows, to: file) }
            let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            print("generated \(rows) rows, \(size / 1_000_000) MB in \(Bench.seconds(generated.seconds))")

            var lines: [String] = []
            // Where the time goes: reading and validating every row, without any database.
            let validation = try await Bench.validateOnly(file: file)
            lines.append(String(
                format: "validation alone (CSV parse + every field checked + typed debts built): %.2f s (%.0f rows/s)",
                validation, Double(rows) / validation))
            // SQLite.
            let sqliteRaw = try Bench.sqliteImport(file: file, work: work)
            let recoupSQLite = try Bench.recoupImport(file: file, dataDir: (work as NSString).appendingPathComponent("sqlite"), databaseURL: nil)
            lines.append(Bench.report("SQLite", rows: rows, raw: sqliteRaw, recoup: recoupSQLite, rawName: "sqlite3 .import"))
            // PostgreSQL.
            if let url = postgres ?? environment["RECOUP_BENCH_POSTGRES_URL"] {
                let psqlRaw = try Bench.psqlCopy(file: file, url: url)
                try Bench.resetPostgres(url: url)
                let recoupPG = try Bench.recoupImport(file: file, dataDir: (work as NSString).appendingPathComponent("pg"), databaseURL: url)
                lines.append(Bench.report("PostgreSQL", rows: rows, raw: psqlRaw, recoup: recoupPG, rawName: "psql \\copy"))
            } else {
                lines.append("PostgreSQL: skipped (pass --postgres or set RECOUP_BENCH_POSTGRES_URL to a scratch database)")
            }
            print(lines.joined(separator: "\n"))
        }

        func measure(_ body: () throws -> Void) rethrows -> Bench.Run {
            let start = Date()
            try body()
            return Bench.Run(seconds: Date().timeIntervalSince(start), peakBytes: nil)
        }
    }
}

/// The pieces of the import benchmark. Each loader runs as a child process, timed by wall clock; Recoup's import
/// reports its own peak resident memory (`VmHWM`) in its JSON summary, so each figure is that run's alone.
enum Bench {
    struct Run {
        var seconds: Double
        var peakBytes: Int?
        var output = Data()
    }

    static func seconds(_ value: Double) -> String { String(format: "%.2f s", value) }

    /// Streams the file through the placement parser and validator alone, in this process.
    static func validateOnly(file: String) async throws -> Double {
        guard FileManager.default.isReadableFile(atPath: file) else { throw BenchError("cannot read \(file)") }
        let context = PlacementContext(
            tenantID: TenantID(), clientID: ClientID(), placementID: PlacementID(), placedAt: Date(),
            today: LocalDate(utc: Date()))
        var parser = try PlacementParser(context: context)
        var valid = 0
        let start = Date()
        for try await chunk in FileChunks(path: file) {
            try parser.feed(chunk) { if case .valid = $0 { valid += 1 } }
        }
        try parser.finish { if case .valid = $0 { valid += 1 } }
        guard parser.rejectedRows == 0 else { throw BenchError("\(parser.rejectedRows) generated rows were rejected") }
        return Date().timeIntervalSince(start)
    }

    static func writeFile(rows: Int, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw BenchError("cannot write \(path)")
        }
        defer { try? handle.close() }
        var buffer = [UInt8]()
        buffer.reserveCapacity(1 << 20)
        var failure: (any Error)?
        DemoPortfolio(accounts: rows, seed: 7, asOf: LocalDate(iso: "2026-11-01")!).lines { line in
            guard failure == nil else { return }
            buffer.append(contentsOf: line.utf8)
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count >= 1 << 20 {
                do { try handle.write(contentsOf: buffer) } catch { failure = error }
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if let failure { throw failure }
        try handle.write(contentsOf: buffer)
    }

    /// Runs a child process and measures it. Throws with its output when it fails.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], input: String? = nil)
        throws -> Run
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let inputPipe = Pipe()
        if input != nil { process.standardInput = inputPipe }
        let start = Date()
        try process.run()
        if let input {
            inputPipe.fileHandleForWriting.write(Data(input.utf8))
            try inputPipe.fileHandleForWriting.close()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let elapsed = Date().timeIntervalSince(start)
        guard process.terminationStatus == 0 else {
            throw BenchError("\(executable) \(arguments.joined(separator: " ")) failed:\n\(String(decoding: data, as: UTF8.self))")
        }
        return Run(seconds: elapsed, peakBytes: nil, output: data)
    }

    static func which(_ name: String) throws -> String {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let path = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw BenchError("\(name) is not installed (apt-get install \(name == "psql" ? "postgresql-client" : name))")
    }

    static func sqliteImport(file: String, work: String) throws -> Run {
        let database = (work as NSString).appendingPathComponent("raw.sqlite")
        return try run(try which("sqlite3"), [database], input: ".mode csv\n.import \(file) placements\n")
    }

    static func psqlCopy(file: String, url: String) throws -> Run {
        let psql = try which("psql")
        let columns = DemoPortfolio.header.map { "\($0) text" }.joined(separator: ", ")
        _ = try run(psql, [url, "-q", "-v", "ON_ERROR_STOP=1", "-c",
                           "DROP TABLE IF EXISTS bench_raw; CREATE TABLE bench_raw (\(columns), PRIMARY KEY (client_account_number, consumer_role))"])
        let result = try run(psql, [url, "-q", "-v", "ON_ERROR_STOP=1", "-c", "\\copy bench_raw FROM '\(file)' WITH (FORMAT csv, HEADER true)"])
        _ = try run(psql, [url, "-q", "-c", "DROP TABLE bench_raw"])
        return result
    }

    static func resetPostgres(url: String) throws {
        _ = try run(try which("psql"), [url, "-q", "-v", "ON_ERROR_STOP=1", "-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public"])
    }

    /// Runs `recoup import placements` in a child process on a fresh tenant, so its peak memory is its own.
    static func recoupImport(file: String, dataDir: String, databaseURL: String?) throws -> Run {
        let recoup = CommandLine.arguments[0].hasPrefix("/")
            ? CommandLine.arguments[0]
            : FileManager.default.currentDirectoryPath + "/" + CommandLine.arguments[0]
        var environment = ["RECOUP_DATA_DIR": dataDir]
        environment["DATABASE_URL"] = databaseURL ?? ""
        func capture(_ arguments: [String]) throws -> String {
            String(decoding: try run(recoup, arguments, environment: environment).output, as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let tenant = try capture(["tenant", "create", "--name", "Bench Agency"])
        let client = try capture(["client", "create", "--tenant", tenant, "--name", "Bench Client"])
        var result = try run(
            recoup, ["import", "placements", "--tenant", tenant, "--client", client, "--file", file, "--json"],
            environment: environment)
        let summary = try? JSONSerialization.jsonObject(with: result.output) as? [String: Any]
        result.peakBytes = summary?["peak_rss_bytes"] as? Int
        guard (summary?["rejected"] as? Int) == 0 else {
            throw BenchError("the generated file had rejected rows: \(String(decoding: result.output.prefix(2000), as: UTF8.self))")
        }
        return result
    }

    static func report(_ name: String, rows: Int, raw: Run, recoup: Run, rawName: String) -> String {
        func rate(_ run: Run) -> String { String(format: "%.0f rows/s", Double(rows) / run.seconds) }
        func memory(_ run: Run) -> String { run.peakBytes.map { "\($0 / 1_048_576) MB peak" } ?? "peak n/a" }
        return """
            \(name): \(rawName) \(seconds(raw.seconds)) (\(rate(raw))); Recoup \(seconds(recoup.seconds)) (\(rate(recoup)), \(memory(recoup))); \
            ratio \(String(format: "%.2f", recoup.seconds / raw.seconds))× (target ≤ 3×, memory < 300 MB)
            """
    }
}

/// A benchmark step that failed, with the tool's own output.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
