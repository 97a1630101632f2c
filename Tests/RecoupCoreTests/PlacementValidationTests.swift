import Foundation
import RecoupCore
import Testing

struct PlacementValidationTests {
    static let context = PlacementContext(
        tenantID: TenantID(), clientID: ClientID(), placementID: PlacementID(),
        placedAt: Date(timeIntervalSince1970: 1_790_000_000), today: LocalDate(iso: "2026-09-21")!)

    static let header = [
        "client_account_number", "original_creditor", "debt_type", "itemization_date", "itemization_date_type",
        "balance_at_itemization", "interest_since_itemization", "fees_since_itemization", "payments_since_itemization",
        "current_balance", "first_name", "last_name", "date_of_birth", "ssn", "address_line1", "city", "state", "zip",
        "phone1", "phone1_type", "phone1_consent", "email1", "email1_source", "language", "Branch Code",
    ]

    static let good = [
        "A-1", "Big Bank", "credit_card", "2025-06-30", "charge_off", "1200.00", "40.00", "0", "5.44", "1234.56",
        "Pat", "Doe", "1980-02-29", "123-45-6789", "1 Main St", "Austin", "tx", "78701-1234", "(512) 555-0100",
        "cell", "yes", "Pat.Doe@Example.COM", "consumer", "es", "B7",
    ]

    func validate(_ overrides: [String: String] = [:], header: [String] = header, mapping: PlacementMapping? = nil)
        throws -> RowValidation
    {
        let resolved = try PlacementHeader(header, mapping: mapping, strict: false)
        var fields = Self.good
        for (name, value) in overrides { fields[Self.header.firstIndex(of: name)!] = value }
        return PlacementRowValidator(header: resolved, mapping: mapping, context: Self.context).validate(fields, row: 7)
    }

    func errors(_ overrides: [String: String]) throws -> [RowError] {
        guard case let .invalid(errors) = try validate(overrides) else { return [] }
        return errors
    }

    @Test func aGoodRowBecomesATypedDebt() throws {
        guard case let .valid(debt) = try validate() else {
            Issue.record("expected a valid row")
            return
        }
        #expect(debt.row == 7)
        #expect(debt.account.itemization.currentBalance == Money(minorUnits: 123_456, currency: .usd))
        #expect(debt.account.itemization.paymentsSinceItemization.minorUnits == 544)
        #expect(debt.consumer.ssn?.lastFour == "6789")
        #expect(debt.consumer.language == "es")
        let kinds = debt.consumer.contactPoints.map(\.kind)
        #expect(kinds.contains(.phone(number: "+15125550100", type: .cell, source: .creditorFile, consent: .yes)))
        #expect(kinds.contains(.email(address: "Pat.Doe@example.com", source: .consumer)))
        #expect(kinds.contains(.postal(PostalAddress(line1: "1 Main St", line2: nil, city: "Austin", state: .TX, zip: "78701-1234"))))
    }

    @Test func unknownColumnsAreListedAndStrictModeRejectsThem() throws {
        #expect(try PlacementHeader(Self.header, strict: false).ignoredColumns == ["Branch Code"])
        #expect(throws: PlacementFileError.unknownColumns(["Branch Code"])) {
            try PlacementHeader(Self.header, strict: true)
        }
    }

    @Test func missingRequiredColumnsAreAllNamedAtOnce() {
        let header = Self.header.filter { $0 != "zip" && $0 != "city" }
        #expect(throws: PlacementFileError.missingColumns(["city", "zip"])) {
            try PlacementHeader(header, strict: false)
        }
    }

    @Test(arguments: [
        ("zip", "7870", "zip"), ("zip", "ABCDE", "zip"), ("state", "XX", "state"), ("debt_type", "timeshare", "debt_type"),
        ("itemization_date", "06/30/2025", "itemization_date"), ("itemization_date", "2025-02-30", "itemization_date"),
        ("itemization_date", "2027-01-01", "itemization_date"), ("date_of_birth", "1899-12-31", "date_of_birth"),
        ("ssn", "000-12-3456", "ssn"), ("phone1", "555-0100", "phone1"), ("phone1", "(112) 555-0100", "phone1"),
        ("phone1", "512-055-0100", "phone1"), ("phone1_type", "mobile", "phone1_type"), ("email1", "pat@", "email1"),
        ("email1", "pat@@example.com", "email1"), ("language", "spanish", "language"),
        ("balance_at_itemization", "1,200.00", "balance_at_itemization"), ("fees_since_itemization", "-1.00", "fees_since_itemization"),
        ("first_name", "", "first_name"), ("phone1_consent", "maybe", "phone1_consent"),
    ])
    func eachBadFieldIsNamed(_ column: String, _ value: String, _ expected: String) throws {
        let found = try errors([column: value])
        #expect(found.contains { $0.column == expected && $0.row == 7 }, "\(found)")
    }

    @Test func everyProblemOfARowIsReportedNotOnlyTheFirst() throws {
        let found = try errors(["zip": "1", "state": "ZZ", "email1": "nope"])
        #expect(Set(found.map(\.column)) == ["zip", "state", "email1"])
    }

    @Test func aBalanceOffByOneCentNamesTheComputedFigure() throws {
        let found = try errors(["current_balance": "1234.57"])
        #expect(found.count == 1)
        #expect(found[0].column == "current_balance")
        #expect(found[0].reason.contains("= 1234.56"))
    }

    @Test func theSSNValueIsNeverEchoedInTheReport() throws {
        let found = try errors(["ssn": "666-45-6789"])
        #expect(found.first?.value == "***")
    }

    @Test func aMappingReadsAClientsOwnLayout() throws {
        let mapping = try PlacementMapping(
            columns: ["Acct": "client_account_number", "Bal": "current_balance", "ItemBal": "balance_at_itemization"],
            dateFormat: "MM/dd/yyyy", amounts: .cents, values: ["phone1_type": ["C": "cell"]],
            defaults: ["itemization_date_type": "charge_off", "debt_type": "medical"]
        ).validated()
        let header = ["Acct", "original_creditor", "itemization_date", "ItemBal", "Bal", "first_name", "last_name",
                      "address_line1", "city", "state", "zip", "phone1", "phone1_type"]
        let resolved = try PlacementHeader(header, mapping: mapping, strict: false)
        let row = ["X9", "Clinic", "06/30/2025", "123456", "123456", "Lee", "Kim", "2 Elm", "Miami", "FL", "33101",
                   "305 555 0101", "C"]
        guard case let .valid(debt) = PlacementRowValidator(header: resolved, mapping: mapping, context: Self.context)
            .validate(row, row: 1)
        else {
            Issue.record("expected a valid row")
            return
        }
        #expect(debt.account.debtType == .medical)
        #expect(debt.account.itemization.itemizationDate == LocalDate(iso: "2025-06-30"))
        #expect(debt.account.itemization.currentBalance.minorUnits == 123_456)
        #expect(debt.consumer.contactPoints.contains { $0.kind == .phone(number: "+13055550101", type: .cell, source: .creditorFile, consent: .unknown) })
    }

    @Test func aMappingToUnknownColumnsIsRefused() {
        #expect(throws: PlacementFileError.self) {
            try PlacementMapping(columns: ["x": "balance"]).validated()
        }
        #expect(throws: PlacementFileError.self) {
            try PlacementMapping(dateFormat: "dd.MM").validated()
        }
    }

    @Test(arguments: [
        ("(512) 555-0100", "+15125550100"), ("512.555.0100", "+15125550100"), ("+1 512 555 0100", "+15125550100"),
        ("15125550100", "+15125550100"), ("5125550100", "+15125550100"),
    ])
    func phonesNormaliseToE164(_ raw: String, _ expected: String) throws {
        #expect(try PhoneNumber.normalize(raw).get() == expected)
    }

    @Test func errorReportQuotesLikeRFC4180() {
        let csv = ErrorReport.csv([RowError(row: 3, column: "address_line1", value: "1 \"Main\", St", reason: "too long")])
        #expect(csv == "row,column,value,reason\r\n3,address_line1,\"1 \"\"Main\"\", St\",too long\r\n")
    }
}
