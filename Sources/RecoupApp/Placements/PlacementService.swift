import Crypto
import Foundation
import RecoupCore

/// What a caller asks of an import.
public struct PlacementRequest: Sendable {
    public var scope: AccessScope
    public var clientID: ClientID
    public var fileName: String?
    public var mode: ImportMode
    /// Reject files with columns the format does not know, instead of ignoring them.
    public var strict: Bool
    public var mapping: PlacementMapping?
    public var actor: String
    /// Called with the number of data rows read so far after each batch handed to the database, for long imports.
    public var progress: (@Sendable (Int) -> Void)?

    public init(
        scope: AccessScope, clientID: ClientID, fileName: String?, mode: ImportMode, strict: Bool,
        mapping: PlacementMapping?, actor: String, progress: (@Sendable (Int) -> Void)? = nil
    ) {
        self.progress = progress
        self.scope = scope
        self.clientID = clientID
        self.fileName = fileName
        self.mode = mode
        self.strict = strict
        self.mapping = mapping
        self.actor = actor
    }
}

/// The result of an import: the stored report and the row errors it found.
public struct PlacementOutcome: Sendable {
    public var report: PlacementReport
    public var errors: [RowError]
}

/// Imports placement files: streams bytes through the CSV reader and the row validator, writes valid rows in
/// batches, and records the placement with its counts, row errors, file digest and audit event.
///
/// Memory stays flat whatever the file size: two batches of rows are held at a time, one being written while the
/// next is read, plus at most `reportedErrors` row errors. The whole file is one transaction, unless the repository
/// commits it in steps (``PlacementRepository/commitsInSteps``): then the file is read once without writing first, so
/// a file found unusable, or invalid in all-or-nothing mode, still stores nothing but its report.
public struct PlacementService: Sendable {
    let placements: any PlacementRepository
    let directory: any DirectoryRepository
    let clock: any Clock

    /// Row errors a placement's report keeps (every bad row is still counted as rejected): a file whose every row
    /// is wrong (the wrong mapping) still imports in flat memory, and its first errors say what is wrong as well as
    /// all of them would.
    let reportedErrors: Int

    /// Rows per write: large enough for set-based statements, small enough to keep memory flat.
    public static let batchSize = 1000

    /// What `reportedErrors` is unless a caller says otherwise.
    public static let defaultReportedErrors = 100_000

    public init(
        placements: any PlacementRepository, directory: any DirectoryRepository, clock: any Clock,
        reportedErrors: Int = PlacementService.defaultReportedErrors
    ) {
        self.placements = placements
        self.directory = directory
        self.clock = clock
        self.reportedErrors = reportedErrors
    }

    /// Whether an import reads its file twice (``PlacementRepository/commitsInSteps``): a caller holding a stream it can
    /// read only once (an upload) keeps it whole first.
    public var readsFilesTwice: Bool { placements.commitsInSteps }

    public func placement(_ id: PlacementID, scope: AccessScope) async throws -> PlacementReport {
        guard let report = try await placements.placement(id, scope: scope) else {
            throw RecoupError.notFound("placement \(id)")
        }
        return report
    }

    // MARK: Client layouts

    /// The JSON of the client's stored layout, which its files are read through unless a caller names another;
    /// nil when it sends files in the Recoup format.
    public func mapping(client: ClientID, scope: AccessScope) async throws -> Data? {
        try await requireClient(client, scope)
        return try await placements.mapping(client: client, tenantID: scope.tenantID)
    }

    /// Saves a client's layout (the JSON of a mapping file) once it is checked whole; nil removes it. The audit
    /// event carries the digests of the layouts before and after.
    public func setMapping(_ json: Data?, client: ClientID, scope: AccessScope, actor: String) async throws {
        try await requireClient(client, scope)
        if let json {
            do {
                _ = try Self.decode(json).validated()
            } catch let error as PlacementFileError {
                throw RecoupError.invalid(error.rowErrors.map { FieldProblem(field: $0.column.isEmpty ? "mapping" : $0.column, reason: $0.reason) })
            }
        }
        let before = try await placements.mapping(client: client, tenantID: scope.tenantID)
        let audit = AuditEntry(
            actor: actor, action: json == nil ? "client.mapping_removed" : "client.mapping_changed", subjectType: "client",
            subjectID: client.description, beforeDigest: before.map(Self.digest), afterDigest: json.map(Self.digest))
        try await placements.setMapping(json, client: client, tenantID: scope.tenantID, audit: audit, at: clock.now())
    }

    private func requireClient(_ client: ClientID, _ scope: AccessScope) async throws {
        guard scope.clientID == nil || scope.clientID == client, try await directory.client(client, scope: scope) != nil else {
            throw RecoupError.notFound("client \(client)")
        }
    }

    static func decode(_ json: Data) throws -> PlacementMapping {
        do {
            return try JSONDecoder().decode(PlacementMapping.self, from: json)
        } catch let DecodingError.dataCorrupted(context) {
            throw PlacementFileError.invalidMapping(context.debugDescription)
        } catch {
            throw PlacementFileError.invalidMapping("not a mapping: \(error)")
        }
    }

    static func digest(_ json: Data) -> String { Data(SHA256.hash(data: json)).hexString }

    public func errors(_ id: PlacementID, scope: AccessScope) async throws -> [RowError] {
        guard let errors = try await placements.placementErrors(id, scope: scope) else {
            throw RecoupError.notFound("placement \(id)")
        }
        return errors
    }
}

extension PlacementService {
    /// Imports one placement file from a stream of byte chunks. `chunks` must yield the same bytes each time it is
    /// iterated: a repository that commits in steps has it read twice.
    ///
    /// - Throws: ``RecoupError/unusablePlacement(_:)`` when the file cannot be read at all (encoding, quotes, missing
    ///   columns, empty file); nothing is stored then. Otherwise returns the stored report: `processed` (valid rows
    ///   stored, bad rows reported) or, in all-or-nothing mode with any bad row, `rejected` (nothing stored).
    public func importPlacement<Chunks: AsyncSequence>(_ request: PlacementRequest, chunks: Chunks) async throws
        -> PlacementOutcome where Chunks.Element == [UInt8], Chunks: Sendable
    {
        try await requireClient(request.clientID, request.scope)
        var mapping = request.mapping
        if mapping == nil, let stored = try await placements.mapping(client: request.clientID, tenantID: request.scope.tenantID) {
            do { mapping = try Self.decode(stored) } catch let error as PlacementFileError { throw RecoupError.unusablePlacement(error) }
        }
        let now = clock.now()
        let placement = Placement(
            tenantID: request.scope.tenantID, clientID: request.clientID, fileName: request.fileName,
            fileDigest: "", counts: ImportCounts(), receivedAt: now)
        let context = PlacementContext(
            tenantID: placement.tenantID, clientID: placement.clientID, placementID: placement.id, placedAt: now,
            today: LocalDate(utc: now))
        let initial = PlacementReport(placement: placement, mode: request.mode, outcome: .processed, ignoredColumns: [])
        let parser: PlacementParser
        do {
            parser = try PlacementParser(mapping: mapping, strict: request.strict, context: context)
        } catch {
            throw RecoupError.unusablePlacement(error)
        }

        var checked: String?
        if placements.commitsInSteps {
            var reading = request
            reading.progress = nil
            do {
                checked = try await Self.importRows(chunks, parser: parser, request: reading, initial: initial, keepingErrors: reportedErrors,
                                                    into: ReadingOnly()).0.placement.fileDigest
            } catch let rejection as PlacementRejection {
                let (report, errors) = try await placements.importing(initial, actor: request.actor) { _ in throw rejection }
                return PlacementOutcome(report: report, errors: errors)
            }
        }
        let (report, errors) = try await placements.importing(initial, actor: request.actor) { [reportedErrors, checked] writer in
            let changed = RecoupError.conflict("the placement file changed while it was imported; import it again")
            let (report, errors): (PlacementReport, [RowError])
            do {
                (report, errors) = try await Self.importRows(chunks, parser: parser, request: request, initial: initial,
                                                             keepingErrors: reportedErrors, into: writer)
            } catch where checked != nil && (error is PlacementRejection || Self.isUnusable(error)) {
                // The first reading found the file usable (and, all-or-nothing, valid): batches written since must not
                // be reported as "nothing stored".
                throw changed
            }
            if let checked, checked != report.placement.fileDigest { throw changed }
            return (report, errors)
        }
        return PlacementOutcome(report: report, errors: errors)
    }

    private static func isUnusable(_ error: any Error) -> Bool {
        if case RecoupError.unusablePlacement = error { true } else { false }
    }

    /// Stores nothing: the first reading of a file committed in steps only checks that every row can be read (and,
    /// all-or-nothing, is valid) before any is written.
    private struct ReadingOnly: PlacementWriter {
        func prepare(_ debts: [PlacedDebt]) {}
        func write(_ batch: Void, actor: String) async throws -> PlacementBatchResult { PlacementBatchResult() }
    }

    /// Reads, validates and writes every row of one file through `writer`.
    ///
    /// Three stages overlap: while the writer stores one batch, the next is parsed, validated and prepared (hashed,
    /// sealed) on another core. At most one write is in flight, so batches reach the writer in file order.
    private static func importRows<Chunks: AsyncSequence, Writer: PlacementWriter>(
        _ chunks: Chunks, parser: PlacementParser, request: PlacementRequest, initial: PlacementReport, keepingErrors kept: Int,
        into writer: Writer
    ) async throws -> (PlacementReport, [RowError]) where Chunks.Element == [UInt8] {
        let allOrNothing = request.mode == .allOrNothing
        var state = parser
        var errors: [RowError] = []
        var batch: [PlacedDebt] = []
        batch.reserveCapacity(Self.batchSize)
        var counts = ImportCounts()
        var hasher = SHA256()
        var writing: Task<PlacementBatchResult, any Error>?
        func settle() async throws {
            guard let task = writing else { return }
            writing = nil
            let result = try await task.value
            counts.imported += result.imported
            counts.updated += result.updated
            counts.unchanged += result.unchanged
        }
        func flush() async throws {
            guard !batch.isEmpty else { return }
            // Once all-or-nothing has seen a bad row, the rest is only validated: it will all be rolled back (a
            // repository that commits in steps has found every row valid in a first reading).
            if !(allOrNothing && state.rejectedRows > 0) {
                let prepared = try writer.prepare(batch), actor = request.actor
                try await settle()
                writing = Task { try await writer.write(prepared, actor: actor) }
            }
            batch.removeAll(keepingCapacity: true)
        }
        func collect(_ verdict: RowValidation) {
            switch verdict {
            case let .valid(debt): batch.append(debt)
            case let .invalid(rowErrors): errors += rowErrors.prefix(max(0, kept - errors.count))
            }
        }
        do {
            for try await chunk in chunks {
                hasher.update(data: chunk)
                try state.feed(chunk, collect)
                if batch.count >= Self.batchSize {
                    try await flush()
                    request.progress?(state.rows)
                }
            }
            try state.finish(collect)
            try await flush()
            try await settle()
        } catch {
            // Never leave a write running on the transaction that is about to roll back.
            _ = try? await writing?.value
            if let error = error as? PlacementFileError { throw RecoupError.unusablePlacement(error) }
            throw error
        }
        var final = initial
        final.placement.fileDigest = Data(hasher.finalize()).hexString
        final.ignoredColumns = state.ignoredColumns
        counts.rows = state.rows
        counts.rejected = state.rejectedRows
        final.placement.counts = counts
        if allOrNothing, counts.rejected > 0 {
            final.outcome = .rejected
            final.placement.counts.imported = 0
            final.placement.counts.updated = 0
            final.placement.counts.unchanged = 0
            throw PlacementRejection(report: final, errors: errors)
        }
        return (final, errors)
    }
}

extension LocalDate {
    /// The UTC calendar day of an instant.
    public init(utc instant: Date) {
        self.init(dayNumber: Int((instant.timeIntervalSince1970 / 86_400).rounded(.down)))
    }

    /// The instant the day begins in UTC: the other half of ``init(utc:)``, for "posted during these days" queries.
    public var utcStart: Date { Date(timeIntervalSince1970: TimeInterval(LocalDate(utc: Date(timeIntervalSince1970: 0)).days(until: self)) * 86_400) }
}
