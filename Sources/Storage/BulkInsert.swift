import FluentSQLiteDriver
import Foundation
import NIOCore
import PostgresNIO
import RecoupCore
import SQLKit

/// One column value of a bulk-inserted row: the few types the import writes.
enum BulkValue: Sendable {
    case text(String)
    case integer(Int64)
    case timestamp(Date)
    case null

    static func text(_ value: String?) -> BulkValue { value.map(BulkValue.text) ?? .null }
    static func integer(_ value: Int64?) -> BulkValue { value.map(BulkValue.integer) ?? .null }

    /// The same value for an ordinary SQLKit statement (updates). Null is the literal `NULL`, not a bound text
    /// null, which PostgreSQL would refuse for an integer column.
    var expression: any SQLExpression {
        switch self {
        case let .text(text): SQLBind(text)
        case let .integer(number): SQLBind(number)
        case let .timestamp(date): SQLBind(date)
        case .null: SQLLiteral.null
        }
    }
}

/// Appends many rows to one table inside the caller's transaction by the fastest route each database offers,
/// skipping SQLKit's per-value serialization (which cost more than SQLite's own work on a large file):
/// PostgreSQL takes many rows through `COPY … FROM STDIN` (a few through one `INSERT`: COPY waits for the server
/// once more before the rows go); SQLite through multi-row `INSERT` statements whose text is built once per shape
/// and whose values are bound directly.
///
/// Both paths store exactly what SQLKit would: timestamps as SQLite's REAL seconds since 1970 and as PostgreSQL
/// `timestamptz`, so rows read back the same whichever way they were written.
struct BulkInserter {
    let sql: any SQLDatabase

    /// Rows per SQLite statement: under its 32,766 bind limit for the widest table.
    static let sqliteRowsPerStatement = 500

    func insert(into table: String, columns: [String], rows: [[BulkValue]]) async throws {
        guard !rows.isEmpty else { return }
        if let postgres = sql as? any PostgresDatabase {
            if rows.count >= Self.copyMinimumRows {
                try await copy(into: table, columns: columns, rows: rows, on: postgres)
            } else {
                var insert = sql.insert(into: table).columns(columns)
                for row in rows { insert = insert.values(row.map(\.expression)) }
                try await insert.run()
            }
        } else if let sqlite = sql as? any SQLiteDatabase {
            try await insert(into: table, columns: columns, rows: rows, on: sqlite)
        } else {
            throw StorageError.unsupportedDatabase("bulk insert needs SQLite or PostgreSQL")
        }
    }

    // MARK: SQLite

    private func insert(into table: String, columns: [String], rows: [[BulkValue]], on sqlite: any SQLiteDatabase)
        async throws
    {
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
        let head = "INSERT INTO \"\(table)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ",") + ") VALUES "
        var statement: (rows: Int, text: String) = (0, "")
        for chunk in rows.chunks(of: Self.sqliteRowsPerStatement) {
            if statement.rows != chunk.count {
                statement = (chunk.count, head + Array(repeating: tuple, count: chunk.count).joined(separator: ","))
            }
            var binds: [SQLiteData] = []
            binds.reserveCapacity(chunk.count * columns.count)
            for row in chunk {
                precondition(row.count == columns.count, "row width differs from the column list")
                for value in row {
                    switch value {
                    case let .text(text): binds.append(.text(text))
                    case let .integer(number): binds.append(.integer(Int(number)))
                    case let .timestamp(date): binds.append(.float(date.timeIntervalSince1970))
                    case .null: binds.append(.null)
                    }
                }
            }
            _ = try await sqlite.query(statement.text, binds)
        }
    }

    // MARK: PostgreSQL

    /// Rows from which COPY takes them, for its extra round trip. A chosen threshold: on PostgreSQL's text drain
    /// (`recoup bench dispatch --postgres`, groups of 25–100 rows) COPY for every group and an INSERT below 100
    /// rows measured the same within the machine's noise.
    static let copyMinimumRows = 100

    /// Bytes buffered before each `CopyData` message.
    static let copyBufferBytes = 1 << 20

    private func copy(into table: String, columns: [String], rows: [[BulkValue]], on postgres: any PostgresDatabase)
        async throws
    {
        let logger = postgres.logger
        try await postgres.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                    var buffer = ByteBuffer()
                    var timestamps: [Date: String] = [:]
                    buffer.reserveCapacity(Self.copyBufferBytes + 4096)
                    for row in rows {
                        precondition(row.count == columns.count, "row width differs from the column list")
                        for (index, value) in row.enumerated() {
                            if index > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
                            Self.writeCopyText(value, to: &buffer, timestamps: &timestamps)
                        }
                        buffer.writeInteger(UInt8(ascii: "\n"))
                        if buffer.readableBytes >= Self.copyBufferBytes {
                            try await writer.write(buffer)
                            buffer.clear()
                        }
                    }
                    if buffer.readableBytes > 0 { try await writer.write(buffer) }
                }
            }
        }.get()
    }

    /// One value in COPY's text format: `\N` for null; backslash, tab, line feed and carriage return escaped.
    static func writeCopyText(_ value: BulkValue, to buffer: inout ByteBuffer, timestamps: inout [Date: String]) {
        switch value {
        case .null:
            buffer.writeStaticString("\\N")
        case let .integer(number):
            buffer.writeString(String(number))
        case let .timestamp(date):
            // An import stamps every row with the same instant: format it once.
            if let text = timestamps[date] {
                buffer.writeString(text)
            } else {
                let text = postgresTimestamp(date)
                timestamps[date] = text
                buffer.writeString(text)
            }
        case let .text(text):
            let plain = text.utf8.withContiguousStorageIfAvailable { !$0.contains(where: isSpecialInCopy) } ?? false
            if plain {
                buffer.writeString(text)
                return
            }
            var escaped: [UInt8] = []
            escaped.reserveCapacity(text.utf8.count + 8)
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): escaped += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                case UInt8(ascii: "\t"): escaped += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                case UInt8(ascii: "\n"): escaped += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                case UInt8(ascii: "\r"): escaped += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
                default: escaped.append(byte)
                }
            }
            buffer.writeBytes(escaped)
        }
    }

    private static func isSpecialInCopy(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    /// `2026-11-29 06:53:43.123456+00`: the microsecond PostgresNIO's binary encoding would store (it truncates the
    /// offset from 2000-01-01).
    static func postgresTimestamp(_ date: Date) -> String {
        let since2000 = Int(date.timeIntervalSince(Date(timeIntervalSince1970: 946_684_800)) * 1_000_000)
        let micros = since2000 + 946_684_800 * 1_000_000
        let (seconds, fraction) = micros.floorDivided(by: 1_000_000)
        let (days, secondOfDay) = seconds.floorDivided(by: 86_400)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(LocalDate(dayNumber: days).iso) "
            + "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
            + ".\(pad(fraction, 6))+00"
    }
}

extension Int {
    /// Quotient rounded toward minus infinity and the non-negative remainder, for instants before 1970.
    fileprivate func floorDivided(by divisor: Int) -> (quotient: Int, remainder: Int) {
        let remainder = (self % divisor + divisor) % divisor
        return ((self - remainder) / divisor, remainder)
    }
}
