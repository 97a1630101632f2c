import Foundation
import Testing
@testable import RecoupCore

@Suite struct CSVReaderTests {
    static let messy: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(
        "a,b,c\r\n1,\"x, y\",3\r\n\r\n2,\"line\nbreak\",\"say \"\"hi\"\"\"\n,,\n   \n3,,last".utf8)

    func fields(_ records: [CSVRecord]) -> [[String]] { records.map(\.fields) }

    @Test func parsesBOMCRLFQuotesBlankLinesAndFinalRecordWithoutNewline() throws {
        let records = try CSVReader.records(in: Self.messy)
        #expect(fields(records) == [
            ["a", "b", "c"], ["1", "x, y", "3"], ["2", "line\nbreak", "say \"hi\""], ["3", "", "last"],
        ])
        #expect(records.map(\.row) == [0, 1, 2, 3])
        #expect(records.map(\.line) == [1, 2, 4, 8])
    }

    @Test func oneByteAtATimeAndRandomChunksGiveTheSameRecords() throws {
        let whole = try CSVReader.records(in: Self.messy)
        var reader = CSVReader()
        var single: [CSVRecord] = []
        for byte in Self.messy { try reader.feed([byte]) { single.append($0) } }
        try reader.finish { single.append($0) }
        #expect(single == whole)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            var reader = CSVReader()
            var chunked: [CSVRecord] = []
            var start = 0
            while start < Self.messy.count {
                let end = min(Self.messy.count, start + Int.random(in: 1...7, using: &generator))
                try reader.feed(Self.messy[start..<end]) { chunked.append($0) }
                start = end
            }
            try reader.finish { chunked.append($0) }
            #expect(chunked == whole)
        }
    }

    @Test func unbalancedQuoteNamesRowAndLineWhereItOpened() {
        let input = Array("a,b\n1,2\n3,\"never closed\n4,5\n".utf8)
        #expect(throws: CSVError.unbalancedQuote(row: 2, line: 3)) { try CSVReader.records(in: input) }
        #expect(CSVError.unbalancedQuote(row: 2, line: 3).description.contains("data row 2 (line 3)"))
    }

    @Test func latin1IsReportedWithRowColumnAndAdvice() {
        // "José" in Latin-1: é is the single byte 0xE9.
        let input = Array("first_name,last_name\nAna,Ruiz\n".utf8) + Array("Jos".utf8) + [0xE9] + Array(",Diaz\n".utf8)
        do {
            _ = try CSVReader.records(in: input)
            Issue.record("expected an error")
        } catch let error as CSVError {
            guard case let .invalidUTF8(row, line, field, column, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(row == 2 && line == 3 && field == 1 && column == "first_name")
            #expect(error.description.contains("Latin-1"))
            #expect(error.description.contains("UTF-8"))
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test(arguments: [[UInt8](), [0xEF, 0xBB, 0xBF], Array("\n\r\n\n".utf8)])
    func emptyInputIsAnError(input: [UInt8]) {
        #expect(throws: CSVError.empty) { try CSVReader.records(in: input) }
    }

    @Test func oversizeFieldIsAnError() {
        let input = Array("a,b\n1,\"\(String(repeating: "x", count: 100))\"\n".utf8)
        #expect(throws: CSVError.fieldTooLarge(row: 1, line: 2, field: 2, column: "b", limit: 50)) {
            try CSVReader.records(in: input, maxFieldBytes: 50)
        }
        #expect(throws: Never.self) { try CSVReader.records(in: input, maxFieldBytes: 100) }
    }

    @Test func strayQuotesInsideUnquotedFieldsAreText() throws {
        let records = try CSVReader.records(in: Array("a,b\n5'10\",\"x\"y\n".utf8))
        #expect(records[1].fields == ["5'10\"", "xy"])
    }

    @Test func withoutHeaderRowsCountFromOne() throws {
        let records = try CSVReader.records(in: Array("1\n2\n".utf8), hasHeader: false)
        #expect(records.map(\.row) == [1, 2])
    }
}

@Suite struct ErrorReportWriterTests {
    @Test func quotesAsRFC4180() {
        let text = ErrorReportWriter.csv([
            RowError(row: 3, column: "zip", value: "1234", reason: "must be 5 digits"),
            RowError(row: 4, column: "address_line1", value: "1 \"A\" St, Apt 2\nRear", reason: "odd"),
        ])
        #expect(text == "row,column,value,reason\r\n3,zip,1234,must be 5 digits\r\n"
            + "4,address_line1,\"1 \"\"A\"\" St, Apt 2\nRear\",odd\r\n")
        let parsed = try? CSVReader.records(in: Array(text.utf8))
        #expect(parsed?[2].fields == ["4", "address_line1", "1 \"A\" St, Apt 2\nRear", "odd"])
    }

    @Test func fileLevelErrorsUseRowZero() {
        let text = ErrorReportWriter.csv(PlacementFileError.missingColumns(["city", "zip"]))
        #expect(text == "row,column,value,reason\r\n0,city,,required column is missing from the header\r\n"
            + "0,zip,,required column is missing from the header\r\n")
    }
}

struct CSVNulTests {
    @Test func aNulByteRefusesTheFileWithItsPlace() {
        var reader = CSVReader()
        #expect(throws: CSVError.self) {
            try reader.feed(Array("a,b\n1,x\u{0}y\n".utf8)) { _ in }
            try reader.finish { _ in }
        }
    }
}
