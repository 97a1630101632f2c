import Foundation
import RecoupTestSupport
import SQLKit
@testable import Storage
import Testing

/// The bulk path (SQLite multi-row INSERT, PostgreSQL COPY) must store what SQLKit would, byte for byte.
@Suite
struct BulkInsertTests {
    @Test(arguments: TestDatabase.available)
    func storesTextNumbersNullsAndInstantsExactly(_ kind: TestDatabase) async throws {
        try await withStore(kind) { database, _ in
            let sql = database.sqlDatabase
            let instantType = database.location.isSQLite ? "REAL" : "TIMESTAMPTZ"
            try await sql.raw("CREATE TABLE bulk_probe (n BIGINT, note TEXT, amount BIGINT, at \(unsafeRaw: instantType))").run()
            let notes: [String?] = [
                "plain", "tab\there", "line\nbreak", "carriage\rreturn", #"back\slash"#, #"\N"#, "", nil, "Peña — 東京 ✓",
                "quote \" and ' and ,",
            ]
            let instants = [
                Date(timeIntervalSince1970: 1_790_000_000.123456), Date(timeIntervalSince1970: -86_400.5),
                Date(timeIntervalSince1970: 951_782_400),  // 2000-02-29
            ]
            var rows: [[BulkValue]] = []
            for index in 0..<1_203 {  // more than one SQLite statement, with a short last one
                rows.append([
                    .integer(Int64(index)), .text(notes[index % notes.count]),
                    index % 7 == 0 ? .null : .integer(Int64(index) * -1_000_000_007), .timestamp(instants[index % instants.count]),
                ])
            }
            try await BulkInserter(sql: sql).insert(into: "bulk_probe", columns: ["n", "note", "amount", "at"], rows: rows)

            let stored = try await sql.raw("SELECT n, note, amount, at FROM bulk_probe ORDER BY n").all()
            #expect(stored.count == rows.count)
            for row in stored {
                let n = try row.decode(column: "n", as: Int64.self)
                let index = Int(n)
                #expect(try row.decode(column: "note", as: String?.self) == notes[index % notes.count], "row \(n)")
                #expect(try row.decode(column: "amount", as: Int64?.self) == (index % 7 == 0 ? nil : n * -1_000_000_007))
                let at = try row.decode(column: "at", as: Date.self)
                #expect(abs(at.timeIntervalSince(instants[index % instants.count])) < 0.000_001, "row \(n): \(at)")
            }
        }
    }

    @Test
    func postgresTimestampsMatchTheCalendarBeforeAndAfter1970() {
        #expect(BulkInserter.postgresTimestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01 00:00:00.000000+00")
        #expect(BulkInserter.postgresTimestamp(Date(timeIntervalSince1970: -0.5)) == "1969-12-31 23:59:59.500000+00")
        #expect(BulkInserter.postgresTimestamp(Date(timeIntervalSince1970: 951_825_599.25)) == "2000-02-29 11:59:59.250000+00")
        #expect(BulkInserter.postgresTimestamp(Date(timeIntervalSince1970: 1_790_000_000)) == "2026-09-21 14:13:20.000000+00")
    }
}
