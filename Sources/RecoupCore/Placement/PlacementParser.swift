/// A whole placement file, streamed: bytes in, a verdict per data row out. Pure (no I/O) and constant in memory:
/// it holds one record at a time, so the caller decides what to keep.
///
/// ```swift
/// var parser = try PlacementParser(mapping: mapping, strict: false, context: context)
/// while let chunk = try source() { try parser.feed(chunk) { verdict in … } }
/// try parser.finish { verdict in … }
/// ```
///
/// Throws ``PlacementFileError`` when the file cannot be processed at all: an invalid mapping, unreadable CSV
/// (encoding, quotes, oversize field), no header, missing or duplicate columns, or unknown columns in strict mode.
public struct PlacementParser: Sendable {
    public let mapping: PlacementMapping?
    public let strict: Bool
    public let context: PlacementContext
    private var reader: CSVReader
    private var validator: PlacementRowValidator?
    /// The resolved header, once the first record has been read.
    public var header: PlacementHeader? { validator?.header }
    /// Header names the format does not know (ignored unless strict).
    public var ignoredColumns: [String] { validator?.header.ignoredColumns ?? [] }
    /// Data rows read so far.
    public private(set) var rows = 0
    /// Data rows found invalid so far.
    public private(set) var rejectedRows = 0

    public init(
        mapping: PlacementMapping? = nil, strict: Bool = false, context: PlacementContext,
        maxFieldBytes: Int = 64 * 1024
    ) throws(PlacementFileError) {
        self.mapping = try mapping?.validated()
        self.strict = strict
        self.context = context
        self.reader = CSVReader(maxFieldBytes: maxFieldBytes, hasHeader: true)
    }

    /// Reads a chunk of any size; calls `handle` with the verdict of every data row it completes, in file order.
    public mutating func feed(_ chunk: some Sequence<UInt8>, _ handle: (RowValidation) -> Void) throws(PlacementFileError) {
        // The reader is moved out while it calls back into `self` (no copy of its buffers), and moved back after.
        var reader = CSVReader(maxFieldBytes: 0)
        swap(&reader, &self.reader)
        defer { swap(&reader, &self.reader) }
        do {
            try reader.feed(chunk) { record in try self.accept(record, handle) }
        } catch {
            throw Self.fileError(error)
        }
    }

    /// Ends the input; calls `handle` for the last row if it had no line end.
    public mutating func finish(_ handle: (RowValidation) -> Void) throws(PlacementFileError) {
        var reader = CSVReader(maxFieldBytes: 0)
        swap(&reader, &self.reader)
        defer { swap(&reader, &self.reader) }
        do {
            try reader.finish { record in try self.accept(record, handle) }
        } catch {
            throw Self.fileError(error)
        }
    }

    private static func fileError(_ error: any Error) -> PlacementFileError {
        switch error {
        case let error as PlacementFileError: error
        case let error as CSVError: error == .empty ? .empty : .unreadable(error)
        default: .invalidMapping("\(error)")  // Not reached: nothing else throws.
        }
    }

    private mutating func accept(_ record: CSVRecord, _ handle: (RowValidation) -> Void) throws(PlacementFileError) {
        guard let validator else {
            let header = try PlacementHeader(record.fields, mapping: mapping, strict: strict)
            validator = PlacementRowValidator(header: header, mapping: mapping, context: context)
            return
        }
        rows += 1
        let verdict = validator.validate(record.fields, row: record.row)
        if case .invalid = verdict { rejectedRows += 1 }
        handle(verdict)
    }

    /// Everything in one go, for files held in memory (tests, small uploads).
    public static func parse(
        _ bytes: some Sequence<UInt8>, mapping: PlacementMapping? = nil, strict: Bool = false,
        context: PlacementContext, maxFieldBytes: Int = 64 * 1024
    ) throws(PlacementFileError) -> PlacementParseResult {
        var parser = try PlacementParser(mapping: mapping, strict: strict, context: context, maxFieldBytes: maxFieldBytes)
        var result = PlacementParseResult()
        func collect(_ verdict: RowValidation) {
            switch verdict {
            case let .valid(debt): result.debts.append(debt)
            case let .invalid(errors): result.errors += errors
            }
        }
        try parser.feed(bytes, collect)
        try parser.finish(collect)
        result.rows = parser.rows
        result.rejectedRows = parser.rejectedRows
        result.ignoredColumns = parser.ignoredColumns
        return result
    }
}

/// What ``PlacementParser/parse(_:mapping:strict:context:maxFieldBytes:)`` found.
public struct PlacementParseResult: Sendable {
    public var debts: [PlacedDebt] = []
    public var errors: [RowError] = []
    public var rows = 0
    public var rejectedRows = 0
    public var ignoredColumns: [String] = []

    public init() {}
}
