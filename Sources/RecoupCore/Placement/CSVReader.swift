/// One CSV record and where it came from.
public struct CSVRecord: Hashable, Sendable {
    public var fields: [String]
    /// The physical line (from 1) where the record began; a quoted field may span lines.
    public var line: Int
    /// The record's number: with a header row, the header is 0 and data rows count from 1; without one, records
    /// count from 1. Skipped blank lines are not counted.
    public var row: Int

    public init(fields: [String], line: Int, row: Int) {
        self.fields = fields
        self.line = line
        self.row = row
    }
}

/// Why a file cannot be read as CSV at all. Every case says where, in words a person can act on.
public enum CSVError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No records at all: zero bytes, only a byte-order mark, or only blank lines.
    case empty
    /// A quoted field opened on `line` (in record `row`) and the input ended before its closing quote.
    case unbalancedQuote(row: Int, line: Int)
    /// The bytes of field `field` (from 1; `column` is its header name when known) are not UTF-8. `value` shows the
    /// field with the bad bytes replaced by U+FFFD.
    case invalidUTF8(row: Int, line: Int, field: Int, column: String?, value: String)
    /// Field `field` of record `row` grew beyond `limit` bytes.
    case fieldTooLarge(row: Int, line: Int, field: Int, column: String?, limit: Int)
    /// A NUL byte: never text, and refused by PostgreSQL, so the file is refused whole.
    case nulByte(row: Int, line: Int, field: Int, column: String?)

    public var description: String {
        switch self {
        case .empty:
            return "the file is empty: expected a header row and data rows"
        case let .unbalancedQuote(row, line):
            return "unbalanced quote: the quoted field that opens in \(Self.place(row, line)) never closes; "
                + "a quote inside a quoted field must be doubled (\"\")"
        case let .invalidUTF8(row, line, field, column, value):
            return "\(Self.place(row, line)), \(Self.fieldName(field, column)) is not valid UTF-8 (\(value)); "
                + "the file is probably Latin-1 or Windows-1252: save or export it as UTF-8"
        case let .fieldTooLarge(row, line, field, column, limit):
            return "\(Self.place(row, line)), \(Self.fieldName(field, column)) is longer than \(limit) bytes; "
                + "this usually means a quote was opened and never closed"
        case let .nulByte(row, line, field, column):
            return "\(Self.place(row, line)), \(Self.fieldName(field, column)) contains a NUL byte; "
                + "the file is binary or UTF-16: save or export it as UTF-8"
        }
    }

    static func place(_ row: Int, _ line: Int) -> String {
        row == 0 ? "the header row (line \(line))" : "data row \(row) (line \(line))"
    }

    static func fieldName(_ field: Int, _ column: String?) -> String {
        if let column, !column.isEmpty { return "field \(field) (\(column))" }
        return "field \(field)"
    }
}

/// A streaming RFC 4180 reader that works on bytes: feed it chunks of any size, it emits complete records.
///
/// Built for throughput (a million-row placement file must import in seconds): unquoted and quoted runs are
/// scanned and copied in bulk, the current record lives in one reused byte buffer, and a `String` is made per field
/// only when the record is complete. Memory is bounded by the longest record, whatever the file size.
///
/// Accepts a UTF-8 byte-order mark, CRLF or LF line ends, a last record without a line end, and quoted fields with
/// `""` escapes, commas and line breaks. A carriage return outside quotes is dropped. Blank lines, and records whose
/// fields are all empty or blank (spreadsheets export `,,,,` rows), are skipped and not counted. A stray quote
/// inside an unquoted field, or text after a closing quote, is kept as text, as spreadsheet exports produce them.
public struct CSVReader: Sendable {
    /// The longest field accepted, in bytes.
    public let maxFieldBytes: Int
    /// Whether the first record is a header: it is then row 0 and names columns in error messages.
    public let hasHeader: Bool

    private enum State: UInt8, Sendable {
        case fieldStart, unquoted, quoted, quoteInQuoted
    }

    private var state = State.fieldStart
    /// The unescaped bytes of the current record's fields, back to back.
    private var buffer: [UInt8] = []
    /// Where each completed field of the current record ends in `buffer`.
    private var ends: [Int] = []
    private var fieldStart = 0
    private var line = 1
    private var recordLine = 1
    private var quoteLine = 1
    private var records = 0
    private var bomBytesSeen = 0
    private var started = false
    private var headerNames: [String] = []

    public init(maxFieldBytes: Int = 64 * 1024, hasHeader: Bool = true) {
        self.maxFieldBytes = maxFieldBytes
        self.hasHeader = hasHeader
        buffer.reserveCapacity(1024)
        ends.reserveCapacity(64)
    }

    /// The number of records emitted so far, header included.
    public var recordCount: Int { records }

    /// Consumes a chunk; calls `emit` for every record it completes. Throws ``CSVError`` for unreadable input, or
    /// whatever `emit` throws.
    public mutating func feed(_ bytes: some Sequence<UInt8>, _ emit: (CSVRecord) throws -> Void) throws {
        let done: Void? = try bytes.withContiguousStorageIfAvailable { try feed(buffer: $0, emit) }
        if done == nil {
            let copy = Array(bytes)
            try copy.withUnsafeBufferPointer { try feed(buffer: $0, emit) }
        }
    }

    /// Consumes a chunk of raw memory; calls `emit` for every record it completes.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ emit: (CSVRecord) throws -> Void) throws {
        try feed(buffer: bytes.bindMemory(to: UInt8.self), emit)
    }

    /// Ends the input: emits the last record if it had no line end. Throws ``CSVError/unbalancedQuote(row:line:)``
    /// if a quoted field is still open and ``CSVError/empty`` if the input held no record at all.
    public mutating func finish(_ emit: (CSVRecord) throws -> Void) throws {
        switch state {
        case .quoted:
            throw CSVError.unbalancedQuote(row: currentRow, line: quoteLine)
        case .fieldStart where ends.isEmpty && buffer.isEmpty:
            break
        default:
            try endRecord(emit)
        }
        if !started, bomBytesSeen > 0 {
            // Only part of a byte-order mark arrived: that is not UTF-8.
            throw CSVError.invalidUTF8(row: currentRow, line: line, field: 1, column: nil, value: "\u{FFFD}")
        }
        if records == 0 { throw CSVError.empty }
    }

    /// Parses a whole input held in memory (tests, small files).
    public static func records(in bytes: some Sequence<UInt8>, maxFieldBytes: Int = 64 * 1024, hasHeader: Bool = true)
        throws -> [CSVRecord]
    {
        var reader = CSVReader(maxFieldBytes: maxFieldBytes, hasHeader: hasHeader)
        var result: [CSVRecord] = []
        try reader.feed(bytes) { result.append($0) }
        try reader.finish { result.append($0) }
        return result
    }

    private var currentRow: Int { hasHeader ? records : records + 1 }

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"),
        cr = UInt8(ascii: "\r")

    private mutating func feed(buffer input: UnsafeBufferPointer<UInt8>, _ emit: (CSVRecord) throws -> Void) throws {
        var index = 0
        let count = input.count
        if !started {
            // Skip a UTF-8 byte-order mark (EF BB BF) at the very start, even when split across chunks.
            let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
            while !started, index < count {
                if input[index] == bom[bomBytesSeen] {
                    bomBytesSeen += 1
                    index += 1
                    if bomBytesSeen == 3 { started = true }
                } else {
                    // Not a byte-order mark after all: the bytes seen so far belong to the first field.
                    if bomBytesSeen > 0 {
                        buffer.append(contentsOf: bom[0..<bomBytesSeen])
                        state = .unquoted
                    }
                    started = true
                }
            }
        }
        let quote = Self.quote, comma = Self.comma, lf = Self.lf, cr = Self.cr
        while index < count {
            switch state {
            case .fieldStart:
                let byte = input[index]
                index += 1
                if byte == quote {
                    state = .quoted
                    quoteLine = line
                } else if byte == comma {
                    try endField()
                } else if byte == lf {
                    line += 1
                    try endRecord(emit)
                } else if byte != cr {
                    state = .unquoted
                    index -= 1
                }
            case .unquoted:
                // Copy the run up to the next comma, line end or carriage return in one go.
                var end = index
                while end < count {
                    let byte = input[end]
                    if byte == comma || byte == lf || byte == cr { break }
                    end += 1
                }
                if end > index {
                    try append(UnsafeBufferPointer(rebasing: input[index..<end]))
                    index = end
                }
                guard index < count else { break }
                let byte = input[index]
                index += 1
                if byte == comma {
                    try endField()
                    state = .fieldStart
                } else if byte == lf {
                    line += 1
                    try endRecord(emit)
                }
                // A carriage return outside quotes is dropped.
            case .quoted:
                var end = index
                while end < count {
                    let byte = input[end]
                    if byte == quote { break }
                    if byte == lf { line += 1 }
                    end += 1
                }
                if end > index {
                    try append(UnsafeBufferPointer(rebasing: input[index..<end]))
                    index = end
                }
                if index < count {
                    index += 1
                    state = .quoteInQuoted
                }
            case .quoteInQuoted:
                let byte = input[index]
                index += 1
                if byte == quote {
                    try append(byte)
                    state = .quoted
                } else if byte == comma {
                    try endField()
                    state = .fieldStart
                } else if byte == lf {
                    line += 1
                    try endRecord(emit)
                } else if byte != cr {
                    // Text after a closing quote: keep it, as lenient readers do.
                    state = .unquoted
                    try append(byte)
                }
            }
        }
    }

    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count - fieldStart > maxFieldBytes { throw tooLarge() }
    }

    private mutating func append(_ byte: UInt8) throws {
        buffer.append(byte)
        if buffer.count - fieldStart > maxFieldBytes { throw tooLarge() }
    }

    private func tooLarge() -> CSVError {
        let field = ends.count + 1
        return .fieldTooLarge(
            row: currentRow, line: recordLine, field: field, column: columnName(field), limit: maxFieldBytes)
    }

    private func columnName(_ field: Int) -> String? {
        field <= headerNames.count ? headerNames[field - 1] : nil
    }

    private mutating func endField() throws {
        ends.append(buffer.count)
        fieldStart = buffer.count
    }

    private mutating func endRecord(_ emit: (CSVRecord) throws -> Void) throws {
        try endField()
        state = .fieldStart
        defer {
            buffer.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            fieldStart = 0
            recordLine = line
        }
        // A blank line, or a record of empty and blank fields only: skip it.
        if isBlankRecord() { return }
        let fields = try makeFields()
        let record = CSVRecord(fields: fields, line: recordLine, row: currentRow)
        if hasHeader, records == 0 { headerNames = fields }
        records += 1
        try emit(record)
    }

    private func isBlankRecord() -> Bool {
        for byte in buffer where byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") { return false }
        return true
    }

    private func makeFields() throws -> [String] {
        var fields: [String] = []
        fields.reserveCapacity(ends.count)
        try buffer.withUnsafeBufferPointer { all in
            var start = 0
            for (number, end) in ends.enumerated() {
                let bytes = UnsafeBufferPointer(rebasing: all[start..<end])
                var high: UInt8 = 0
                var nul = false
                for byte in bytes {
                    high |= byte
                    nul = nul || byte == 0
                }
                if nul {
                    throw CSVError.nulByte(row: currentRow, line: recordLine, field: number + 1, column: columnName(number + 1))
                }
                if high < 0x80 {
                    fields.append(String(decoding: bytes, as: UTF8.self))
                } else if let text = String(validating: bytes, as: UTF8.self) {
                    fields.append(text)
                } else {
                    throw CSVError.invalidUTF8(
                        row: currentRow, line: recordLine, field: number + 1, column: columnName(number + 1),
                        value: String(decoding: bytes, as: UTF8.self))
                }
                start = end
            }
        }
        return fields
    }
}
