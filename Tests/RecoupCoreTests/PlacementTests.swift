import Foundation
import Testing
@testable import RecoupCore

let placementContext = PlacementContext(
    tenantID: TenantID(), clientID: ClientID(), placementID: PlacementID(),
    placedAt: Date(timeIntervalSince1970: 1_796_000_000), today: LocalDate(year: 2026, month: 11, day: 29)!)

/// A comparable summary of a parse, without the random ids.
struct Digest: Equatable {
    var accounts: [String]
    var errors: [RowError]
    var rows: Int
    var ignored: [String]

    init(_ result: PlacementParseResult) {
        accounts = result.debts.map { "\($0.row):\($0.account.clientAccountNumber):\($0.account.itemization.currentBalance)" }
        errors = result.errors
        rows = result.rows
        ignored = result.ignoredColumns
    }
}

@Suite struct PlacementFileTests {
    static let header = "client_account_number,original_creditor,debt_type,itemization_date,itemization_date_type,"
        + "balance_at_itemization,interest_since_itemization,payments_since_itemization,current_balance,first_name,"
        + "last_name,date_of_birth,address_line1,city,state,zip,phone1,phone1_type,email1,Internal Notes,Branch\r\n"
    static let good1 = "A1,\"Bank, N.A.\",credit_card,2024-01-31,charge_off,1200.00,40.00,5.44,1234.56,Jane,Doe,"
        + "1980-05-17,\"12 Main St\nApt 4\",Austin,tx,78701,(512) 555-0100,cell,Jane@Example.COM,vip,North\r\n"
    static let messy: [UInt8] = [0xEF, 0xBB, 0xBF] + Array((header + good1 + "\r\n"
        + "A2,Bank,medical,2024-02-30,charge_off,100.00,,,100.00,Ann,Lee,13/05/1980,1 Elm St,Reno,NV,89501,,,,,\r\n"
        + "A3,Bank,medical,2024-01-31,charge_off,100.00,,,100.00,Bo,Lee,,1 Elm St,Reno,NV,7870,,,,,\r\n"
        + "A4,Bank,utility,2024-01-31,last_statement,100.00,,,100.00,Cy,Lee,,1 Elm St,Reno,NV,89501,(111) 555-0100,,,,\r\n"
        + "A5,Bank,credit_card,2024-01-31,charge_off,1200.00,40.00,5.44,1234.57,Di,Lee,,1 Elm St,Reno,NV,89501,,,,,\r\n"
        + "A6,Bank,credit_card,2024-01-31,charge_off,10.00,,,10.00,  ,Lee,,1 Elm St,Reno,NV,89501,,,,,\r\n"
        + "\r\n"
        + " A7 , Bank ,telecom, 2024-03-01 ,transaction,50.00,0,0,50.00,Ed,Moe,,9 Oak Ave,New York,NY,10001-1234,"
        + "+1 212 555 0199,LANDLINE,ed@mail.example.org,,\r\n").utf8)

    static let expectedErrors = [
        RowError(row: 2, column: "itemization_date", value: "2024-02-30",
                 reason: "is not a date in the form yyyy-MM-dd (or not a calendar date)"),
        RowError(row: 2, column: "date_of_birth", value: "13/05/1980",
                 reason: "is not a date in the form yyyy-MM-dd (or not a calendar date)"),
        RowError(row: 3, column: "zip", value: "7870",
                 reason: "must be 5 digits or ZIP+4 (12345 or 12345-6789); a 4-digit ZIP has probably lost its leading zero in a spreadsheet"),
        RowError(row: 4, column: "phone1", value: "(111) 555-0100",
                 reason: "area code 111 does not exist (it cannot start with 0 or 1, or be N11 such as 911)"),
        RowError(row: 5, column: "current_balance", value: "1234.57",
                 reason: "current_balance 1234.57 ≠ 1200.00 balance_at_itemization + 40.00 interest + 0.00 fees − 5.44 payments − 0.00 credits = 1234.56"),
        RowError(row: 6, column: "first_name", value: "", reason: "is required"),
    ]

    @Test func messyFileGivesExactlyTheExpectedErrorsAndGoodRows() throws {
        let result = try PlacementParser.parse(Self.messy, context: placementContext)
        #expect(result.errors == Self.expectedErrors)
        #expect(result.rows == 7)
        #expect(result.rejectedRows == 5)
        #expect(result.ignoredColumns == ["Internal Notes", "Branch"])
        #expect(result.debts.map(\.row) == [1, 7])

        let first = try #require(result.debts.first)
        #expect(first.account.originalCreditor == "Bank, N.A.")
        #expect(first.account.debtType == .creditCard)
        #expect(first.account.itemization.isReconciled)
        #expect(first.account.itemization.paymentsSinceItemization == Money(minorUnits: 544, currency: .usd))
        #expect(first.consumer.dateOfBirth == LocalDate(year: 1980, month: 5, day: 17))
        #expect(first.consumer.language == "en")
        #expect(first.consumer.contactPoints.map(\.kind) == [
            .postal(PostalAddress(line1: "12 Main St Apt 4", line2: nil, city: "Austin", state: .TX, zip: "78701")),
            .phone(number: "+15125550100", type: .cell, source: .creditorFile, consent: .unknown),
            .email(address: "Jane@example.com", source: .unknown),
        ])
        #expect(first.account.parties == [AccountParty(consumerID: first.consumer.id, role: .primary)])

        let last = try #require(result.debts.last)
        #expect(last.account.clientAccountNumber == "A7")
        #expect(last.account.originalCreditor == "Bank")
        #expect(last.account.itemization.itemizationDate == LocalDate(year: 2024, month: 3, day: 1))
        #expect(last.consumer.contactPoints.map(\.kind) == [
            .postal(PostalAddress(line1: "9 Oak Ave", line2: nil, city: "New York", state: .NY, zip: "10001-1234")),
            .phone(number: "+12125550199", type: .landline, source: .creditorFile, consent: .unknown),
            .email(address: "ed@mail.example.org", source: .unknown),
        ])
        // Every id is distinct, time-ordered (version 7, the placement's millisecond first) and sorts in file order.
        let ids = result.debts.flatMap { [$0.account.id.uuid, $0.consumer.id.uuid] + $0.consumer.contactPoints.map(\.id.uuid) }
        #expect(Set(ids).count == ids.count)
        let accountIDs = result.debts.map(\.account.id)
        #expect(accountIDs == accountIDs.sorted())
        let hex = String(UInt64(placementContext.placedAt.timeIntervalSince1970 * 1000), radix: 16)
        let millisecond = String(repeating: "0", count: 12 - hex.count) + hex
        for id in ids.map({ AccountID($0).description }) {
            #expect(id.replacingOccurrences(of: "-", with: "").hasPrefix(millisecond), "\(id)")
            #expect(Array(id)[14] == "7", "version 7: \(id)")
            #expect("89ab".contains(Array(id)[19]), "RFC 9562 variant: \(id)")
        }
    }

    @Test func chunkBoundariesAnywhereGiveTheSameResult() throws {
        let whole = Digest(try PlacementParser.parse(Self.messy, context: placementContext))
        func chunked(_ sizes: () -> Int) throws -> Digest {
            var parser = try PlacementParser(context: placementContext)
            var result = PlacementParseResult()
            func collect(_ verdict: RowValidation) {
                switch verdict {
                case let .valid(debt): result.debts.append(debt)
                case let .invalid(errors): result.errors += errors
                }
            }
            var start = 0
            while start < Self.messy.count {
                let end = min(Self.messy.count, start + sizes())
                try parser.feed(Self.messy[start..<end], collect)
                start = end
            }
            try parser.finish(collect)
            result.rows = parser.rows
            result.ignoredColumns = parser.ignoredColumns
            return Digest(result)
        }
        #expect(try chunked { 1 } == whole)
        for _ in 0..<30 { #expect(try chunked { Int.random(in: 1...64) } == whole) }
    }

    @Test func headerOnlyIsZeroRows() throws {
        let result = try PlacementParser.parse(Array(Self.header.utf8), context: placementContext)
        #expect(result.rows == 0 && result.debts.isEmpty && result.errors.isEmpty)
    }

    @Test func emptyFile() {
        #expect(throws: PlacementFileError.empty) { try PlacementParser.parse([UInt8](), context: placementContext) }
    }

    @Test func unreadableFilesAreFileErrors() {
        let quote = Array((Self.header + "A1,\"Bank\n").utf8)
        #expect(throws: PlacementFileError.unreadable(.unbalancedQuote(row: 1, line: 2))) {
            try PlacementParser.parse(quote, context: placementContext)
        }
        let big = Array((Self.header + "A1,\(String(repeating: "B", count: 300))\n").utf8)
        #expect(throws: PlacementFileError.unreadable(.fieldTooLarge(row: 1, line: 2, field: 2, column: "original_creditor", limit: 256))) {
            try PlacementParser.parse(big, context: placementContext, maxFieldBytes: 256)
        }
    }

    @Test func strictModeRejectsUnknownColumns() {
        #expect(throws: PlacementFileError.unknownColumns(["Internal Notes", "Branch"])) {
            try PlacementParser.parse(Self.messy, strict: true, context: placementContext)
        }
    }

    @Test func missingAndDuplicateColumns() {
        #expect(throws: PlacementFileError.missingColumns(["debt_type", "city", "zip"])) {
            try PlacementHeader(["client_account_number", "original_creditor", "itemization_date", "itemization_date_type",
                                 "balance_at_itemization", "current_balance", "first_name", "last_name", "address_line1",
                                 "state"], strict: false)
        }
        #expect(throws: PlacementFileError.duplicateColumns(["zip"])) {
            try PlacementHeader(["zip", "ZIP "], strict: false)
        }
    }

    @Test func wrongFieldCountIsOneRowError() throws {
        let result = try PlacementParser.parse(Array((Self.header + "A1,Bank\n").utf8), context: placementContext)
        #expect(result.errors == [RowError(row: 1, column: "", value: "",
            reason: "has 2 fields but the header has 21; check for an unquoted comma or a missing field")])
    }

    @Test func everyProblemOfARowIsReported() throws {
        let row = "X,,loan,2030-01-01,later,-5.00,abc,,1.234,Al,Bo,1899-12-31,1 St,City,ZZ,ABCDE,555-0100,mobile,not-an-email,,\n"
        let result = try PlacementParser.parse(Array((Self.header + row).utf8), context: placementContext)
        #expect(result.errors.map(\.column) == [
            "original_creditor", "debt_type", "itemization_date", "itemization_date_type", "balance_at_itemization",
            "interest_since_itemization", "current_balance", "date_of_birth", "state", "zip", "phone1_type", "phone1",
            "email1",
        ])
    }
}

@Suite struct PlacementMappingTests {
    static let json = """
        {
          "columns": {"Acct No": "client_account_number", "Creditor": "original_creditor", "Chg Off": "itemization_date",
                      "Bal": "balance_at_itemization", "Cur Bal": "current_balance", "First": "first_name",
                      "Last": "last_name", "Addr": "address_line1", "City": "city", "St": "state", "Zip": "zip",
                      "Phone": "phone1", "Phone Type": "phone1_type", "DOB": "date_of_birth"},
          "date_format": "MM/dd/yyyy",
          "amounts": "cents",
          "values": {"phone1_type": {"C": "cell", "H": "landline"}},
          "defaults": {"debt_type": "medical", "itemization_date_type": "charge_off", "currency": "USD"}
        }
        """

    @Test func clientLayoutWithUSDatesAndCents() throws {
        let mapping = try JSONDecoder().decode(PlacementMapping.self, from: Data(Self.json.utf8))
        let file = """
            Acct No,Creditor,Chg Off,Bal,Cur Bal,First,Last,Addr,City,St,Zip,Phone,Phone Type,DOB
            M-1,General Hospital,06/30/2024,123456,123456,Ann,Ray,5 Pine Rd,Tulsa,OK,74103,918-555-0142,C,02/29/1984
            M-2,General Hospital,6/30/2024,100,99,Bob,Ray,5 Pine Rd,Tulsa,OK,74103,918-555-0142,X,1984-02-29

            """
        let result = try PlacementParser.parse(Array(file.utf8), mapping: mapping, context: placementContext)
        let debt = try #require(result.debts.first)
        #expect(result.debts.count == 1)
        #expect(debt.account.debtType == .medical)
        #expect(debt.account.itemization.itemizationDateType == .chargeOff)
        #expect(debt.account.itemization.itemizationDate == LocalDate(year: 2024, month: 6, day: 30))
        #expect(debt.account.itemization.currentBalance == Money(minorUnits: 123_456, currency: .usd))
        #expect(debt.consumer.dateOfBirth == LocalDate(year: 1984, month: 2, day: 29))
        #expect(debt.consumer.contactPoints.contains { $0.kind == .phone(number: "+19185550142", type: .cell, source: .creditorFile, consent: .unknown) })
        #expect(result.errors.map { "\($0.row) \($0.column) \($0.value)" } == [
            "2 itemization_date 6/30/2024", "2 date_of_birth 1984-02-29", "2 phone1_type X",
        ])
        #expect(result.errors.first?.reason == "is not a date in the form MM/dd/yyyy (or not a calendar date)")
    }

    @Test func invalidMappings() throws {
        let bad = PlacementMapping(columns: ["A": "acount_number", "B": "zip", "C": "zip"], dateFormat: "dd/MM/yy",
                                   defaults: ["colour": "red"])
        #expect(throws: PlacementFileError.invalidMapping(
            "unknown Recoup columns in columns: acount_number; unknown Recoup columns in defaults: colour; "
                + "B and C both map to zip; date_format \"dd/MM/yy\" must use yyyy, MM or M, dd or d, and separators such as / - ."
        )) { try bad.validated() }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(PlacementMapping.self, from: Data(#"{"date-format": "MM/dd/yyyy"}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(PlacementMapping.self, from: Data(#"{"amounts": "pennies"}"#.utf8))
        }
    }

    @Test(arguments: [
        ("MM/dd/yyyy", "07/04/2024", LocalDate(year: 2024, month: 7, day: 4)),
        ("MM/dd/yyyy", "7/4/2024", nil),
        ("M/d/yyyy", "7/4/2024", LocalDate(year: 2024, month: 7, day: 4)),
        ("M/d/yyyy", "12/31/2024", LocalDate(year: 2024, month: 12, day: 31)),
        ("yyyyMMdd", "20240704", LocalDate(year: 2024, month: 7, day: 4)),
        ("yyyyMMdd", "2024074", nil),
        ("dd.MM.yyyy", "04.07.2024", LocalDate(year: 2024, month: 7, day: 4)),
        ("dd.MM.yyyy", "31.02.2024", nil),
        ("yyyy-MM-dd", "2024-07-04", LocalDate(year: 2024, month: 7, day: 4)),
        ("yyyy-MM-dd", "2024-07-04x", nil),
    ] as [(String, String, LocalDate?)])
    func datePatterns(pattern: String, text: String, expected: LocalDate?) throws {
        let parsed = try #require(DatePattern(pattern))
        #expect(parsed.parse(text) == expected)
    }

    @Test(arguments: ["yy-MM-dd", "MMdyyyy", "dd/MM", "yyyy-MMM-dd", "yyyy-MM-dd HH"])
    func unusableDatePatterns(pattern: String) {
        #expect(DatePattern(pattern) == nil)
    }
}

@Suite struct PlacementValueTests {
    @Test(arguments: [
        ("(512) 555-0100", "+15125550100"),
        ("512.555.0100", "+15125550100"),
        ("512-555-0100", "+15125550100"),
        ("+1 512 555 0100", "+15125550100"),
        ("1-512-555-0100", "+15125550100"),
        ("15125550100", "+15125550100"),
        ("+1 (800) 555-0199", "+18005550199"),
    ])
    func e164(raw: String, expected: String) {
        #expect(PhoneNumber.normalize(raw) == .success(expected))
    }

    @Test(arguments: [
        ("555-0100", PhoneNumber.Problem.length(7)),
        ("(011) 555-0100", .areaCode("011")),
        ("(112) 555-0100", .areaCode("112")),
        ("(911) 555-0100", .areaCode("911")),
        ("(512) 055-0100", .exchange("055")),
        ("(512) 155-0100", .exchange("155")),
        ("25125550100", .length(11)),
        ("+44 20 7946 0958", .notNorthAmerican),
        ("512-555-0100 x12", .characters),
        ("512+555-0100", .characters),
    ])
    func invalidPhones(raw: String, problem: PhoneNumber.Problem) {
        #expect(PhoneNumber.normalize(raw) == .failure(problem))
    }

    @Test(arguments: [
        ("a@b.co", "a@b.co"), ("Jane.Doe+x@Mail.Example.COM", "Jane.Doe+x@mail.example.com"),
        ("a@b", nil), ("a@@b.com", nil), ("@b.com", nil), ("a b@c.com", nil), ("a@b..com", nil), ("a@-b.com", nil),
        (".a@b.com", nil), ("a@b.c0m", nil),
    ] as [(String, String?)])
    func emails(raw: String, expected: String?) {
        #expect(EmailAddress.normalize(raw) == expected)
    }

    @Test(arguments: [
        ("78701", "78701"), ("78701-1234", "78701-1234"), ("787011234", "78701-1234"), ("7870", nil), ("7870A", nil),
        ("78701-123", nil), ("78701 1234", nil),
    ] as [(String, String?)])
    func zips(raw: String, expected: String?) {
        #expect(ZIPCode.normalize(raw) == expected)
    }

    @Test func languages() {
        #expect(LanguageCode.normalize("ES") == "es")
        #expect(LanguageCode.normalize("xx") == nil)
        #expect(LanguageCode.normalize("eng") == nil)
    }
}

/// The way RecoupApp's import pipeline drives these types must keep compiling.
@Suite struct PlacementAPICompatibilityTests {
    @Test func pipelineShape() throws {
        var reader = CSVReader()
        var records: [CSVRecord] = []
        do { try reader.feed(Array(PlacementFileTests.header.utf8)) { records.append($0) } } catch let error as CSVError {
            Issue.record("\(PlacementFileError.unreadable(error).description)")
        }
        try reader.finish { records.append($0) }
        let mapping: PlacementMapping?
        do { mapping = try PlacementMapping().validated() } catch { throw TestFailure(error.description) }
        let header: PlacementHeader
        do { header = try PlacementHeader(records[0].fields, mapping: mapping, strict: false) } catch {
            throw TestFailure(error.description)
        }
        let validator = PlacementRowValidator(header: header, mapping: mapping, context: placementContext)
        if case .valid = validator.validate(Array(repeating: "", count: header.fieldCount), row: 1) {
            Issue.record("an empty row is not valid")
        }
        #expect(ErrorReport.csv([]) == "row,column,value,reason\r\n")
    }

    struct TestFailure: Error { let message: String; init(_ m: String) { message = m } }
}
