/// The columns of the Recoup placement format (see docs/placement-format.md).
public enum PlacementColumn: String, CaseIterable, Sendable {
    case clientAccountNumber = "client_account_number"
    case originalCreditor = "original_creditor"
    case currentCreditor = "current_creditor"
    case debtType = "debt_type"
    case accountOpenDate = "account_open_date"
    case chargeOffDate = "charge_off_date"
    case lastPaymentDate = "last_payment_date"
    case lastPaymentAmount = "last_payment_amount"
    case itemizationDate = "itemization_date"
    case itemizationDateType = "itemization_date_type"
    case balanceAtItemization = "balance_at_itemization"
    case interestSinceItemization = "interest_since_itemization"
    case feesSinceItemization = "fees_since_itemization"
    case paymentsSinceItemization = "payments_since_itemization"
    case creditsSinceItemization = "credits_since_itemization"
    case currentBalance = "current_balance"
    case currency
    case firstName = "first_name"
    case lastName = "last_name"
    case middleName = "middle_name"
    case dateOfBirth = "date_of_birth"
    case ssn
    case addressLine1 = "address_line1"
    case addressLine2 = "address_line2"
    case city
    case state
    case zip
    case phone1
    case phone1Type = "phone1_type"
    case phone1Consent = "phone1_consent"
    case phone2
    case phone2Type = "phone2_type"
    case phone2Consent = "phone2_consent"
    case email1
    case email1Source = "email1_source"
    case language
    case studentLoanAccountNumber = "student_loan_account_number"
    /// Optional extension: `primary` (default), `joint` or `co_signer`. A row naming an account number already
    /// placed with another consumer and role `joint` adds that consumer to the debt.
    case consumerRole = "consumer_role"

    public var isRequired: Bool {
        switch self {
        case .clientAccountNumber, .originalCreditor, .debtType, .itemizationDate, .itemizationDateType,
             .balanceAtItemization, .currentBalance, .firstName, .lastName, .addressLine1, .city, .state, .zip:
            true
        default:
            false
        }
    }

    public var isDate: Bool {
        switch self {
        case .accountOpenDate, .chargeOffDate, .lastPaymentDate, .itemizationDate, .dateOfBirth: true
        default: false
        }
    }

    public var isAmount: Bool {
        switch self {
        case .lastPaymentAmount, .balanceAtItemization, .interestSinceItemization, .feesSinceItemization,
             .paymentsSinceItemization, .creditsSinceItemization, .currentBalance:
            true
        default:
            false
        }
    }
}

/// A problem with one value of one row. `row` counts data rows from 1 (the header is not a row); problems with the
/// file as a whole use row 0.
public struct RowError: Hashable, Sendable, Codable {
    public var row: Int
    public var column: String
    public var value: String
    public var reason: String

    public init(row: Int, column: String, value: String, reason: String) {
        self.row = row
        self.column = column
        self.value = value
        self.reason = reason
    }
}

/// Why a placement file cannot be processed at all (exit status 2, HTTP 400). Nothing of the file is stored.
public enum PlacementFileError: Error, Hashable, Sendable, CustomStringConvertible {
    case empty
    case unreadable(CSVError)
    case missingColumns([String])
    case duplicateColumns([String])
    case unknownColumns([String])
    case invalidMapping(String)

    public var description: String {
        switch self {
        case .empty: "the file is empty: expected a header row and data rows"
        case let .unreadable(error): error.description
        case let .missingColumns(names): "missing required columns: \(names.joined(separator: ", "))"
        case let .duplicateColumns(names): "columns appear more than once: \(names.joined(separator: ", "))"
        case let .unknownColumns(names):
            "columns the placement format does not know (rejected in strict mode): \(names.joined(separator: ", "))"
        case let .invalidMapping(why): "mapping file: \(why)"
        }
    }

    /// The error as lines of the error report. File-level problems use row 0 (see docs/placement-format.md): one
    /// line per missing, duplicate or unknown column, naming it in `column`; otherwise a single line.
    public var rowErrors: [RowError] {
        switch self {
        case let .missingColumns(names):
            names.map { RowError(row: 0, column: $0, value: "", reason: "required column is missing from the header") }
        case let .duplicateColumns(names):
            names.map { RowError(row: 0, column: $0, value: "", reason: "column appears more than once in the header") }
        case let .unknownColumns(names):
            names.map { RowError(row: 0, column: $0, value: "", reason: "column is not part of the placement format (strict mode)") }
        default:
            [RowError(row: 0, column: "", value: "", reason: description)]
        }
    }
}

/// Where each known column sits in a file, resolved once from its header row.
public struct PlacementHeader: Sendable {
    /// Field index per column, for the columns the file has.
    public let positions: [PlacementColumn: Int]
    /// Header names the format does not know, in file order; an unnamed column is listed as `(column N)`.
    public let ignoredColumns: [String]
    /// The number of fields every data row must have.
    public let fieldCount: Int
    /// The header names as written (trimmed), by field index.
    public let names: [String]

    /// Resolves a header row: each name is looked up in the mapping's `columns` (exactly, then ignoring letter
    /// case), else taken as a Recoup column name in any letter case.
    ///
    /// Throws with every missing required column at once (a required column may instead have a mapping default),
    /// with every duplicate, or, when `strict`, with every unknown column.
    public init(_ names: [String], mapping: PlacementMapping? = nil, strict: Bool) throws(PlacementFileError) {
        var positions: [PlacementColumn: Int] = [:]
        var ignored: [String] = []
        var duplicates: [String] = []
        var trimmedNames: [String] = []
        let renames = mapping?.columns ?? [:]
        var foldedRenames: [String: String] = [:]
        for (key, value) in renames { foldedRenames[key.trimmingSpaces().lowercased()] = value }
        for (index, raw) in names.enumerated() {
            let trimmed = raw.trimmingSpaces()
            trimmedNames.append(trimmed)
            let name = renames[trimmed] ?? foldedRenames[trimmed.lowercased()] ?? trimmed.lowercased()
            guard let column = PlacementColumn(rawValue: name) else {
                ignored.append(trimmed.isEmpty ? "(column \(index + 1))" : trimmed)
                continue
            }
            if positions[column] != nil {
                if !duplicates.contains(column.rawValue) { duplicates.append(column.rawValue) }
            } else {
                positions[column] = index
            }
        }
        guard duplicates.isEmpty else { throw .duplicateColumns(duplicates) }
        let defaults = mapping?.defaults ?? [:]
        let missing = PlacementColumn.allCases.filter {
            $0.isRequired && positions[$0] == nil && (defaults[$0.rawValue]?.trimmingSpaces() ?? "").isEmpty
        }
        guard missing.isEmpty else { throw .missingColumns(missing.map(\.rawValue)) }
        if strict, !ignored.isEmpty { throw .unknownColumns(ignored) }
        self.positions = positions
        self.ignoredColumns = ignored
        self.fieldCount = names.count
        self.names = trimmedNames
    }
}

extension StringProtocol {
    /// Trims ASCII white space (space, tab, CR, LF) and the non-breaking space spreadsheets leave behind. Returns
    /// the string itself, without copying, when there is nothing to trim.
    func trimmingSpaces() -> String {
        let utf8 = Substring(self).utf8
        guard let first = utf8.first, let last = utf8.last else { return "" }
        if !Self.isTrimmedByte(first), !Self.isTrimmedByte(last) { return String(self) }
        var scalars = Substring(self).unicodeScalars[...]
        while let s = scalars.first, Self.isTrimmed(s) { scalars = scalars.dropFirst() }
        while let s = scalars.last, Self.isTrimmed(s) { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    private static func isTrimmedByte(_ byte: UInt8) -> Bool {
        // Space, tab, LF, CR, or the last byte of a non-breaking space (C2 A0) / first byte of one.
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0xA0 || byte == 0xC2
    }

    private static func isTrimmed(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{00A0}"
    }
}
