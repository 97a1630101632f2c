/// One CSV record and where it started in the file.
public struct CSVRecord: Hashable, Sendable {
    public var fields: [String]
    /// The physical line (from 1) where the record began; a quoted field may span lines.
    public var line: Int
}

/// Why a file cannot be read as CSV at all.
public enum CSVError: Error, Hashable, Sendable, CustomStringConvertible {
    case unbalancedQuote(line: Int)
    case invalidUTF8(line: Int, field: Int)
    case fieldTooLarge(line: Int, field: Int, limit: Int)

    public var description: String {
        switch self {
        case let .unbalancedQuote(line):
            "unbalanced quote: the quoted field opened on line \(line) never closes"
        case let .invalidUTF8(line, field):
            "line \(line), field \(field) is not valid UTF-8; the file is probably Latin-1 or Windows-1252 — save it as UTF-8"
        case let .fieldTooLarge(line, field, limit):
            "line \(line), field \(field) is longer than \(limit) bytes"
        }
    }
}

/// A streaming RFC 4180 reader that works on bytes: feed it chunks of any size, it emits complete records.
///
/// Built for throughput (a million-row placement file must import in seconds): the state machine touches each
/// byte once and makes a `String` per field only when the field is complete. Accepts a UTF-8 byte-order mark,
/// CRLF or LF line ends, a last record without a line end, and quoted fields with `""` escapes, commas and line
/// breaks. Blank lines are skipped. A stray quote inside an unquoted field is kept as a character, as spreadsheet
/// exports produce them.
public struct CSVReader: Sendable {
    public let maxFieldBytes: Int

    private enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted
    }

    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var fields: [String] = []
    private var line = 1
    private var recordLine = 1
    private var quoteLine = 1
    private var bomBytesSeen = 0
    private var started = false

    public init(maxFieldBytes: Int = 64 * 1024) {
        self.maxFieldBytes = maxFieldBytes
        field.reserveCapacity(256)
    }

    /// Consumes a chunk; calls `emit` for every record it completes.
    public mutating func feed(_ bytes: some Sequence<UInt8>, _ emit: (CSVRecord) throws -> Void) throws {
        for byte in bytes {
            if !started {
                // Skip a UTF-8 byte-order mark (EF BB BF) at the very start, even when split across chunks.
                let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
                if bomBytesSeen < 3, byte == bom[bomBytesSeen] {
                    bomBytesSeen += 1
                    if bomBytesSeen == 3 { started = true }
                    continue
                }
                if bomBytesSeen > 0 { field.append(contentsOf: bom[0..<bomBytesSeen]) }
                started = true
            }
            try consume(byte, emit)
        }
    }

    /// Ends the input: emits the last record if it had no line end; throws if a quoted field is still open.
    public mutating func finish(_ emit: (CSVRecord) throws -> Void) throws {
        switch state {
        case .quoted:
            throw CSVError.unbalancedQuote(line: quoteLine)
        case .fieldStart where fields.isEmpty && field.isEmpty:
            return
        default:
            try endRecord(emit)
        }
    }

    private mutating func consume(_ byte: UInt8, _ emit: (CSVRecord) throws -> Void) throws {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        switch state {
        case .fieldStart:
            if byte == quote {
                state = .quoted
                quoteLine = line
            } else if byte == comma {
                try endField()
            } else if byte == lf {
                line += 1
                try endRecord(emit)
            } else if byte == cr {
                // Ignored: CRLF ends the record at the LF.
            } else {
                state = .unquoted
                try append(byte)
            }
        case .unquoted:
            if byte == comma {
                try endField()
                state = .fieldStart
            } else if byte == lf {
                line += 1
                try endRecord(emit)
            } else if byte != cr {
                try append(byte)
            }
        case .quoted:
            if byte == quote {
                state = .quoteInQuoted
            } else {
                if byte == lf { line += 1 }
                try append(byte)
            }
        case .quoteInQuoted:
            if byte == quote {
                try append(quote)
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

    private mutating func append(_ byte: UInt8) throws {
        guard field.count < maxFieldBytes else {
            throw CSVError.fieldTooLarge(line: recordLine, field: fields.count + 1, limit: maxFieldBytes)
        }
        field.append(byte)
    }

    private mutating func endField() throws {
        guard let text = String(validating: field, as: UTF8.self) else {
            throw CSVError.invalidUTF8(line: recordLine, field: fields.count + 1)
        }
        fields.append(text)
        field.removeAll(keepingCapacity: true)
    }

    private mutating func endRecord(_ emit: (CSVRecord) throws -> Void) throws {
        try endField()
        state = .fieldStart
        defer {
            fields.removeAll(keepingCapacity: true)
            recordLine = line
        }
        // A blank line is one empty field: skip it.
        if fields.count == 1, fields[0].isEmpty { return }
        try emit(CSVRecord(fields: fields, line: recordLine))
    }
}
