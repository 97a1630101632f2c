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

/// Why a placement file cannot be processed at all (exit status 2, HTTP 400).
public enum PlacementFileError: Error, Hashable, Sendable, CustomStringConvertible {
    case empty
    case unreadable(CSVError)
    case missingColumns([String])
    case duplicateColumns([String])
    case unknownColumns([String])
    case invalidMapping(String)

    public var description: String {
        switch self {
        case .empty: "the file is empty: expected a header row and at least one data row"
        case let .unreadable(error): error.description
        case let .missingColumns(names): "missing required columns: \(names.joined(separator: ", "))"
        case let .duplicateColumns(names): "columns appear more than once: \(names.joined(separator: ", "))"
        case let .unknownColumns(names): "unknown columns (rejected with --strict): \(names.joined(separator: ", "))"
        case let .invalidMapping(why): "mapping file: \(why)"
        }
    }
}

/// Where each known column sits in a file, resolved once from its header row.
public struct PlacementHeader: Sendable {
    /// Field index per column, for the columns the file has.
    public let positions: [PlacementColumn: Int]
    /// Header names the format does not know, in file order.
    public let ignoredColumns: [String]
    public let fieldCount: Int

    /// Resolves a header row (after the mapping's renames). Throws with every missing column at once.
    public init(_ names: [String], mapping: PlacementMapping? = nil, strict: Bool) throws(PlacementFileError) {
        var positions: [PlacementColumn: Int] = [:]
        var ignored: [String] = []
        var duplicates: [String] = []
        for (index, raw) in names.enumerated() {
            let trimmed = raw.trimmingSpaces()
            let name = mapping?.columns?[trimmed] ?? trimmed.lowercased()
            guard let column = PlacementColumn(rawValue: name) else {
                if !trimmed.isEmpty { ignored.append(trimmed) }
                continue
            }
            if positions[column] != nil { duplicates.append(name) }
            positions[column] = index
        }
        guard duplicates.isEmpty else { throw .duplicateColumns(duplicates) }
        let defaults = Set((mapping?.defaults ?? [:]).keys)
        let missing = PlacementColumn.allCases.filter {
            $0.isRequired && positions[$0] == nil && !defaults.contains($0.rawValue)
        }
        guard missing.isEmpty else { throw .missingColumns(missing.map(\.rawValue)) }
        if strict, !ignored.isEmpty { throw .unknownColumns(ignored) }
        self.positions = positions
        self.ignoredColumns = ignored
        self.fieldCount = names.count
    }
}

extension StringProtocol {
    /// Trims ASCII spaces and tabs (and a non-breaking space, which spreadsheets leave behind).
    func trimmingSpaces() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" || first == "\u{00A0}" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\u{00A0}" { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
