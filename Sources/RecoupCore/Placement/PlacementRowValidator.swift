import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Identifies the batch rows are validated for: the ids and instant every valid row is stamped with.
public struct PlacementContext: Sendable {
    public var tenantID: TenantID
    public var clientID: ClientID
    public var placementID: PlacementID
    public var placedAt: Date
    /// The calendar day of `placedAt` in the agency's zone: dates after it are in the future.
    public var today: LocalDate

    public init(tenantID: TenantID, clientID: ClientID, placementID: PlacementID, placedAt: Date, today: LocalDate) {
        self.tenantID = tenantID
        self.clientID = clientID
        self.placementID = placementID
        self.placedAt = placedAt
        self.today = today
    }
}

/// A row's verdict: a debt to store, or every problem found in it.
public enum RowValidation: Sendable {
    case valid(PlacedDebt)
    case invalid([RowError])
}

extension PlacementColumn {
    /// The column's position in `allCases`, for array-indexed lookups without hashing.
    fileprivate var ordinal: Int {
        switch self {
        case .clientAccountNumber: 0
        case .originalCreditor: 1
        case .currentCreditor: 2
        case .debtType: 3
        case .accountOpenDate: 4
        case .chargeOffDate: 5
        case .lastPaymentDate: 6
        case .lastPaymentAmount: 7
        case .itemizationDate: 8
        case .itemizationDateType: 9
        case .balanceAtItemization: 10
        case .interestSinceItemization: 11
        case .feesSinceItemization: 12
        case .paymentsSinceItemization: 13
        case .creditsSinceItemization: 14
        case .currentBalance: 15
        case .currency: 16
        case .firstName: 17
        case .lastName: 18
        case .middleName: 19
        case .dateOfBirth: 20
        case .ssn: 21
        case .addressLine1: 22
        case .addressLine2: 23
        case .city: 24
        case .state: 25
        case .zip: 26
        case .phone1: 27
        case .phone1Type: 28
        case .phone1Consent: 29
        case .phone2: 30
        case .phone2Type: 31
        case .phone2Consent: 32
        case .email1: 33
        case .email1Source: 34
        case .language: 35
        case .studentLoanAccountNumber: 36
        case .consumerRole: 37
        }
    }
}

/// Validates one data row of a placement file: every field is checked and every problem reported (not only the
/// first), then the row becomes a ``PlacedDebt``. Pure; it runs a million times per big file.
///
/// Rules (docs/placement-format.md has the full list): surrounding white space is trimmed and a blank optional cell
/// is absent; line breaks inside text become spaces; dates are `YYYY-MM-DD` (or the mapping's pattern) and not in
/// the future; amounts are non-negative; `current_balance` must reconcile to the cent; phones become E.164.
public struct PlacementRowValidator: Sendable {
    public let header: PlacementHeader
    public let mapping: PlacementMapping?
    public let context: PlacementContext
    let datePattern: DatePattern
    let cents: Bool
    /// Per column ordinal: the field index in the row, or -1.
    private let slots: [Int]
    /// Per column ordinal: the mapping's value translations.
    private let translations: [[String: String]?]
    /// Per column ordinal: the mapping's default.
    private let fallbacks: [String?]

    public static let earliestBirthDate = LocalDate(year: 1900, month: 1, day: 1)!

    /// Longest accepted text, in characters, for a free-text column; nil for other columns.
    public static func maxLength(_ column: PlacementColumn) -> Int? { RowCheck.limit(column) }

    public init(header: PlacementHeader, mapping: PlacementMapping?, context: PlacementContext) {
        self.header = header
        self.mapping = mapping
        self.context = context
        self.datePattern = mapping?.dateFormat.flatMap(DatePattern.init) ?? .iso
        self.cents = mapping?.amounts == .cents
        let columns = PlacementColumn.allCases
        self.slots = columns.map { header.positions[$0] ?? -1 }
        self.translations = columns.map { mapping?.values?[$0.rawValue] }
        self.fallbacks = columns.map { column in
            mapping?.defaults?[column.rawValue].map { $0.trimmingSpaces() }.flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// Validates a record from ``CSVReader`` (its `row` is the data row number).
    public func validate(_ record: CSVRecord) -> RowValidation {
        validate(record.fields, row: record.row)
    }

    public func validate(_ fields: [String], row: Int) -> RowValidation {
        guard fields.count == header.fieldCount else {
            return .invalid([RowError(
                row: row, column: "", value: "",
                reason: "has \(fields.count) fields but the header has \(header.fieldCount); "
                    + "check for an unquoted comma or a missing field")])
        }
        var check = RowCheck(row: row, validator: self, fields: fields)
        return check.run()
    }

    /// The trimmed, translated value of a column (or its default), nil when absent or blank.
    fileprivate func cell(_ column: PlacementColumn, in fields: [String]) -> String? {
        let ordinal = column.ordinal
        let slot = slots[ordinal]
        var text = slot >= 0 ? fields[slot].trimmingSpaces() : ""
        if let table = translations[ordinal], let translated = table[text] { text = translated.trimmingSpaces() }
        if text.isEmpty { return fallbacks[ordinal] }
        return text
    }
}

/// The work on one row: collects every problem, then builds the debt if there is none.
private struct RowCheck {
    let row: Int
    let validator: PlacementRowValidator
    let fields: [String]
    var errors: [RowError] = []

    init(row: Int, validator: PlacementRowValidator, fields: [String]) {
        self.row = row
        self.validator = validator
        self.fields = fields
    }

    var today: LocalDate { validator.context.today }

    /// Contact points get their real ids only once the row is known to be valid.
    static let placeholderID = ContactPointID(UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))

    func value(_ column: PlacementColumn) -> String? { validator.cell(column, in: fields) }

    mutating func fail(_ column: PlacementColumn, _ text: String, _ reason: String) {
        errors.append(RowError(row: row, column: column.rawValue, value: text, reason: reason))
    }

    /// The value, or an "is required" error when a required column is blank.
    mutating func present(_ column: PlacementColumn) -> String? {
        guard let text = value(column) else {
            if column.isRequired { fail(column, "", "is required") }
            return nil
        }
        return text
    }

    mutating func text(_ column: PlacementColumn) -> String? {
        guard var text = present(column) else { return nil }
        if text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
            text = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
                .map { $0.trimmingSpaces() }.filter { !$0.isEmpty }.joined(separator: " ")
        }
        if let limit = Self.limit(column), text.utf8.count > limit, text.count > limit {
            fail(column, text, "is longer than \(limit) characters")
            return nil
        }
        return text
    }

    static func limit(_ column: PlacementColumn) -> Int? {
        switch column {
        case .clientAccountNumber, .studentLoanAccountNumber: 64
        case .originalCreditor, .currentCreditor, .addressLine1, .addressLine2: 200
        case .firstName, .lastName, .middleName, .city: 100
        default: nil
        }
    }

    mutating func enumeration<E: RawRepresentable & CaseIterable>(_ column: PlacementColumn, _: E.Type, default fallback: E?)
        -> E? where E.RawValue == String
    {
        guard let text = present(column) else { return fallback }
        if let parsed = E(rawValue: text) ?? E(rawValue: text.lowercased()) { return parsed }
        fail(column, text, "must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
        return nil
    }

    /// A date in the file's pattern, not after `today` when `past`.
    mutating func date(_ column: PlacementColumn, notInFuture: Bool = true) -> LocalDate? {
        guard let text = present(column) else { return nil }
        guard let parsed = validator.datePattern.parse(text) else {
            fail(column, text, "is not a date in the form \(validator.datePattern.description) (or not a calendar date)")
            return nil
        }
        if notInFuture, parsed > today {
            fail(column, text, "is in the future (after \(today.iso))")
            return nil
        }
        return parsed
    }

    mutating func amount(_ column: PlacementColumn, _ currency: Currency) -> Money? {
        guard let text = present(column) else { return nil }
        let parsed: Money?
        if validator.cents {
            let body = text.utf8.first == UInt8(ascii: "-") ? text.utf8.dropFirst() : text.utf8[...]
            parsed = !body.isEmpty && body.allSatisfy({ $0 >= 48 && $0 <= 57 })
                ? Int64(text).map { Money(minorUnits: $0, currency: currency) } : nil
        } else {
            parsed = Money(decimal: text, currency: currency)
        }
        guard let money = parsed else {
            let form = validator.cents
                ? "a whole number of minor units (cents), such as 123456"
                : "an amount: digits with a dot and at most \(currency.minorUnitDigits) decimals, no currency sign or "
                    + "thousands separator, such as 1234.56"
            fail(column, text, "is not \(form)")
            return nil
        }
        guard !money.isNegative else {
            switch column {
            case .paymentsSinceItemization, .creditsSinceItemization:
                fail(column, text, "must not be negative: payments and credits are positive numbers that reduce the balance")
            default:
                fail(column, text, "must not be negative")
            }
            return nil
        }
        return money
    }

    mutating func run() -> RowValidation {
        var currency = Currency.usd
        if let code = present(.currency) {
            if let parsed = Currency(code: code) { currency = parsed } else {
                fail(.currency, code, "is not an ISO 4217 currency code such as USD")
            }
        }

        let number = text(.clientAccountNumber)
        let originalCreditor = text(.originalCreditor)
        let currentCreditor = text(.currentCreditor)
        let debtType = enumeration(.debtType, DebtType.self, default: nil)
        let openDate = date(.accountOpenDate)
        let chargeOffDate = date(.chargeOffDate)
        let lastPaymentDate = date(.lastPaymentDate)
        let lastPaymentAmount = amount(.lastPaymentAmount, currency)
        let itemizationDate = date(.itemizationDate)
        let itemizationDateType = enumeration(.itemizationDateType, ItemizationDateType.self, default: nil)
        let balance = amount(.balanceAtItemization, currency)
        let zero = Money.zero(currency)
        let interest = value(.interestSinceItemization) == nil ? zero : amount(.interestSinceItemization, currency)
        let fees = value(.feesSinceItemization) == nil ? zero : amount(.feesSinceItemization, currency)
        let payments = value(.paymentsSinceItemization) == nil ? zero : amount(.paymentsSinceItemization, currency)
        let credits = value(.creditsSinceItemization) == nil ? zero : amount(.creditsSinceItemization, currency)
        let current = amount(.currentBalance, currency)

        let first = text(.firstName)
        let last = text(.lastName)
        let middle = text(.middleName)
        var dob: LocalDate?
        if let parsed = date(.dateOfBirth, notInFuture: false) {
            let raw = value(.dateOfBirth) ?? ""
            if parsed >= today {
                fail(.dateOfBirth, raw, "must be in the past")
            } else if parsed < PlacementRowValidator.earliestBirthDate {
                fail(.dateOfBirth, raw, "is before 1900-01-01")
            } else {
                dob = parsed
            }
        }
        var ssn: SSN?
        if let raw = present(.ssn) {
            ssn = SSN(raw)
            if ssn == nil {
                fail(.ssn, "***", "is not a valid SSN: nine digits (123-45-6789) as the SSA issues them")
            }
        }
        let line1 = text(.addressLine1)
        let line2 = text(.addressLine2)
        let city = text(.city)
        var state: USState?
        if let raw = present(.state) {
            state = USState(rawValue: raw) ?? USState(code: raw)
            if state == nil { fail(.state, raw, "is not a US state or territory code (two letters, such as TX)") }
        }
        var zip: String?
        if let raw = present(.zip) {
            zip = ZIPCode.normalize(raw)
            if zip == nil {
                let hint = raw.utf8.count == 4 && raw.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 })
                    ? "; a 4-digit ZIP has probably lost its leading zero in a spreadsheet" : ""
                fail(.zip, raw, "must be 5 digits or ZIP+4 (12345 or 12345-6789)" + hint)
            }
        }
        var points: [ContactPoint] = []
        var seenNumbers: [String] = []
        for (numberColumn, typeColumn, consentColumn) in [
            (PlacementColumn.phone1, PlacementColumn.phone1Type, PlacementColumn.phone1Consent),
            (.phone2, .phone2Type, .phone2Consent),
        ] {
            let type = enumeration(typeColumn, PhoneType.self, default: .unknown)
            let consent = enumeration(consentColumn, ConsentStatus.self, default: .unknown)
            guard let raw = present(numberColumn) else { continue }
            switch PhoneNumber.normalize(raw) {
            case let .success(e164):
                if let type, let consent, !seenNumbers.contains(e164) {
                    seenNumbers.append(e164)
                    points.append(ContactPoint(id: Self.placeholderID, kind: .phone(number: e164, type: type, source: .creditorFile, consent: consent)))
                }
            case let .failure(problem):
                fail(numberColumn, raw, problem.description)
            }
        }
        let emailSource = enumeration(.email1Source, EmailSource.self, default: .unknown)
        if let raw = present(.email1) {
            if let address = EmailAddress.normalize(raw) {
                if let emailSource { points.append(ContactPoint(id: Self.placeholderID, kind: .email(address: address, source: emailSource))) }
            } else {
                fail(.email1, raw, "is not an email address")
            }
        }
        var language = "en"
        if let raw = present(.language) {
            if let code = LanguageCode.normalize(raw) { language = code } else {
                fail(.language, raw, "must be a two-letter ISO 639-1 code such as en or es")
            }
        }
        let studentLoanNumber = text(.studentLoanAccountNumber)
        let role = enumeration(.consumerRole, ConsumerRole.self, default: .primary)

        guard let balance, let interest, let fees, let payments, let credits, let current, let itemizationDate,
              let itemizationDateType
        else { return .invalid(errors) }
        let itemization = Itemization(
            itemizationDate: itemizationDate, itemizationDateType: itemizationDateType,
            balanceAtItemization: balance, interestSinceItemization: interest, feesSinceItemization: fees,
            paymentsSinceItemization: payments, creditsSinceItemization: credits, currentBalance: current)
        if !itemization.isReconciled {
            let computed = itemization.computedBalance?.decimalString ?? "(out of range)"
            fail(.currentBalance, value(.currentBalance) ?? current.decimalString,
                 "current_balance \(current.decimalString) ≠ \(balance.decimalString) balance_at_itemization"
                    + " + \(interest.decimalString) interest + \(fees.decimalString) fees"
                    + " − \(payments.decimalString) payments − \(credits.decimalString) credits = \(computed)")
        }
        guard errors.isEmpty, let number, let originalCreditor, let debtType, let first, let last, let line1,
              let city, let state, let zip, let role
        else { return .invalid(errors) }
        let context = validator.context
        var ids = TimeOrderedIDs(at: context.placedAt, row: row, count: points.count + 3)
        points = points.map { ContactPoint(id: ContactPointID(ids.next()), kind: $0.kind) }
        points.insert(ContactPoint(id: ContactPointID(ids.next()), kind: .postal(PostalAddress(
            line1: line1, line2: line2, city: city, state: state, zip: zip))), at: 0)
        let consumer = Consumer(
            id: ConsumerID(ids.next()), tenantID: context.tenantID, name: PersonName(first: first, middle: middle, last: last),
            dateOfBirth: dob, ssn: ssn, language: language, contactPoints: points)
        let account = Account(
            id: AccountID(ids.next()), tenantID: context.tenantID, clientID: context.clientID, placementID: context.placementID,
            clientAccountNumber: number, originalCreditor: originalCreditor, currentCreditor: currentCreditor,
            debtType: debtType, openDate: openDate, chargeOffDate: chargeOffDate,
            lastPaymentDate: lastPaymentDate, lastPaymentAmount: lastPaymentAmount, itemization: itemization,
            status: .active, placedAt: context.placedAt, studentLoanAccountNumber: studentLoanNumber,
            parties: [AccountParty(consumerID: consumer.id, role: role)])
        return .valid(PlacedDebt(row: row, account: account, consumer: consumer, role: role))
    }
}

/// Time-ordered (version 7, RFC 9562 §6.2 method 1) UUIDs for one row: the placement's millisecond timestamp, then a
/// counter made of the row number and the id's place in the row, then random bits. Ids of one file sort in file
/// order and after every earlier file's, so each primary-key index grows at its right edge instead of taking a
/// random page per row, which is what keeps a million-row import from thrashing the database's page cache.
/// One read of the system's random source per row: Foundation's `UUID()` opens /dev/urandom for every id on Linux.
struct TimeOrderedIDs {
    private let millisecond: UInt64
    private let row: UInt64
    private var random: [UInt8]
    private var index = 0

    /// Room for 2^6 ids per row and 2^36 rows in the 42 counter bits.
    static let idsPerRow = 64

    init(at instant: Date, row: Int, count: Int) {
        precondition(count <= Self.idsPerRow, "a row makes at most \(Self.idsPerRow) ids")
        millisecond = UInt64(max(0, instant.timeIntervalSince1970 * 1000)) & 0xFFFF_FFFF_FFFF
        self.row = UInt64(row) & 0xF_FFFF_FFFF
        random = [UInt8](repeating: 0, count: count * 4)
        random.withUnsafeMutableBytes(fillRandom)
    }

    mutating func next() -> UUID {
        precondition((index + 1) * 4 <= random.count, "more ids than the row asked for")
        let counter = row << 6 | UInt64(index)  // 42 bits: 12 in rand_a, 30 at the top of rand_b
        let r = random[index * 4..<index * 4 + 4].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        index += 1
        // rand_b: the counter's low 30 bits, then the 32 random bits.
        return .version7(millisecond: millisecond, randA: counter >> 30, randB: (counter & 0x3FFF_FFFF) << 32 | r)
    }
}
