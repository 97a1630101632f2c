import Foundation

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

/// Validates one data row of a placement file: every field is checked and every problem reported (not only the
/// first), then the row becomes a ``PlacedDebt``. Pure and allocation-light: it runs a million times per big file.
public struct PlacementRowValidator: Sendable {
    public let header: PlacementHeader
    public let mapping: PlacementMapping?
    public let context: PlacementContext
    let datePattern: DatePattern?

    public static let earliestBirthDate = LocalDate(year: 1900, month: 1, day: 1)!

    public init(header: PlacementHeader, mapping: PlacementMapping?, context: PlacementContext) {
        self.header = header
        self.mapping = mapping
        self.context = context
        self.datePattern = mapping?.dateFormat.flatMap(DatePattern.init)
    }

    public func validate(_ fields: [String], row: Int) -> RowValidation {
        var errors: [RowError] = []
        if fields.count != header.fieldCount {
            errors.append(RowError(
                row: row, column: "", value: "",
                reason: "has \(fields.count) fields, the header has \(header.fieldCount)"))
            return .invalid(errors)
        }

        func value(_ column: PlacementColumn) -> String? {
            var text = header.positions[column].map { fields[$0].trimmingSpaces() } ?? ""
            if let mapped = mapping?.values?[column.rawValue]?[text] { text = mapped }
            if text.isEmpty, let fallback = mapping?.defaults?[column.rawValue] { text = fallback }
            return text.isEmpty ? nil : text
        }
        func fail(_ column: PlacementColumn, _ text: String, _ reason: String) {
            errors.append(RowError(row: row, column: column.rawValue, value: text, reason: reason))
        }
        func required(_ column: PlacementColumn) -> String? {
            guard let text = value(column) else {
                fail(column, "", "is required")
                return nil
            }
            return text
        }
        func text(_ column: PlacementColumn, max: Int, required isRequired: Bool = false) -> String? {
            guard let text = isRequired ? required(column) : value(column) else { return nil }
            guard text.count <= max else {
                fail(column, text, "is longer than \(max) characters")
                return nil
            }
            return text
        }
        func enumeration<E: RawRepresentable & CaseIterable>(_ column: PlacementColumn, _ type: E.Type, default fallback: E? = nil)
            -> E? where E.RawValue == String
        {
            guard let text = fallback == nil ? required(column) : value(column) else { return fallback }
            guard let parsed = E(rawValue: text.lowercased()) else {
                fail(column, text, "must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
                return nil
            }
            return parsed
        }
        func date(_ column: PlacementColumn, notAfter latest: LocalDate? = nil) -> LocalDate? {
            guard let text = column.isRequired ? required(column) : value(column) else { return nil }
            let expected = mapping?.dateFormat ?? "YYYY-MM-DD"
            guard let parsed = datePattern?.parse(text) ?? LocalDate(iso: text) else {
                fail(column, text, "is not a date in the form \(expected)")
                return nil
            }
            if let latest, parsed > latest {
                fail(column, text, "is in the future (after \(latest.iso))")
                return nil
            }
            return parsed
        }

        let currency: Currency
        if let code = value(.currency) {
            guard let parsed = Currency(code: code) else {
                fail(.currency, code, "is not an ISO 4217 currency code")
                return .invalid(errors)
            }
            currency = parsed
        } else {
            currency = .usd
        }
        func amount(_ column: PlacementColumn) -> Money? {
            guard let text = column.isRequired ? required(column) : value(column) else {
                return column.isRequired ? nil : .zero(currency)
            }
            let parsed: Money?
            if mapping?.amounts == .cents {
                parsed = Int64(text).map { Money(minorUnits: $0, currency: currency) }
            } else {
                parsed = Money(decimal: text, currency: currency)
            }
            guard let money = parsed else {
                let form = mapping?.amounts == .cents ? "whole cents (123456)" : "a decimal amount with a dot and at most \(currency.minorUnitDigits) decimals (1234.56)"
                fail(column, text, "is not \(form)")
                return nil
            }
            guard !money.isNegative else {
                fail(column, text, "must not be negative")
                return nil
            }
            return money
        }

        let today = context.today
        let number = text(.clientAccountNumber, max: 64, required: true)
        let originalCreditor = text(.originalCreditor, max: 200, required: true)
        let currentCreditor = text(.currentCreditor, max: 200)
        let debtType = enumeration(.debtType, DebtType.self)
        let openDate = date(.accountOpenDate, notAfter: today)
        let chargeOffDate = date(.chargeOffDate, notAfter: today)
        let lastPaymentDate = date(.lastPaymentDate, notAfter: today)
        let lastPaymentAmount = value(.lastPaymentAmount) == nil ? nil : amount(.lastPaymentAmount)
        let itemizationDate = date(.itemizationDate, notAfter: today)
        let itemizationDateType = enumeration(.itemizationDateType, ItemizationDateType.self)
        let balance = amount(.balanceAtItemization)
        let interest = amount(.interestSinceItemization)
        let fees = amount(.feesSinceItemization)
        let payments = amount(.paymentsSinceItemization)
        let credits = amount(.creditsSinceItemization)
        let current = amount(.currentBalance)
        let first = text(.firstName, max: 100, required: true)
        let last = text(.lastName, max: 100, required: true)
        let middle = text(.middleName, max: 100)
        var dob: LocalDate?
        if let parsed = date(.dateOfBirth, notAfter: today) {
            if parsed < Self.earliestBirthDate {
                fail(.dateOfBirth, value(.dateOfBirth) ?? "", "is before 1900-01-01")
            } else {
                dob = parsed
            }
        }
        var ssn: SSN?
        if let raw = value(.ssn) {
            ssn = SSN(raw)
            if ssn == nil { fail(.ssn, "***", "is not a valid SSN (nine digits, as issued)") }
        }
        let line1 = text(.addressLine1, max: 200, required: true)
        let line2 = text(.addressLine2, max: 200)
        let city = text(.city, max: 100, required: true)
        var state: USState?
        if let raw = required(.state) {
            state = USState(code: raw)
            if state == nil { fail(.state, raw, "is not a US state or territory code") }
        }
        var zip: String?
        if let raw = required(.zip) {
            zip = Self.normalizedZIP(raw)
            if zip == nil { fail(.zip, raw, "must be 5 digits or ZIP+4 (12345-6789)") }
        }
        var points: [ContactPoint] = []
        for (numberColumn, typeColumn, consentColumn) in [
            (PlacementColumn.phone1, PlacementColumn.phone1Type, PlacementColumn.phone1Consent),
            (.phone2, .phone2Type, .phone2Consent),
        ] {
            let type = enumeration(typeColumn, PhoneType.self, default: .unknown)
            let consent = enumeration(consentColumn, ConsentStatus.self, default: .unknown)
            guard let raw = value(numberColumn) else { continue }
            switch PhoneNumber.normalize(raw) {
            case let .success(e164):
                if let type, let consent {
                    points.append(ContactPoint(kind: .phone(number: e164, type: type, source: .creditorFile, consent: consent)))
                }
            case let .failure(reason):
                fail(numberColumn, raw, reason.description)
            }
        }
        let emailSource = enumeration(.email1Source, EmailSource.self, default: .unknown)
        if let raw = value(.email1) {
            if let address = EmailAddress.normalize(raw), let emailSource {
                points.append(ContactPoint(kind: .email(address: address, source: emailSource)))
            } else if EmailAddress.normalize(raw) == nil {
                fail(.email1, raw, "is not an email address")
            }
        }
        var language = "en"
        if let raw = value(.language) {
            let lower = raw.lowercased()
            if lower.count == 2, lower.allSatisfy({ $0.isASCII && $0.isLetter }) {
                language = lower
            } else {
                fail(.language, raw, "must be a two-letter ISO 639-1 code (en, es)")
            }
        }
        let studentLoanNumber = text(.studentLoanAccountNumber, max: 64)
        let role = enumeration(.consumerRole, ConsumerRole.self, default: .primary)

        if let balance, let interest, let fees, let payments, let credits, let current, let itemizationDate,
           let itemizationDateType
        {
            let itemization = Itemization(
                itemizationDate: itemizationDate, itemizationDateType: itemizationDateType,
                balanceAtItemization: balance, interestSinceItemization: interest, feesSinceItemization: fees,
                paymentsSinceItemization: payments, creditsSinceItemization: credits, currentBalance: current)
            if !itemization.isReconciled {
                let computed = itemization.computedBalance?.decimalString ?? "out of range"
                fail(.currentBalance, current.decimalString,
                     "does not reconcile: \(balance.decimalString) + \(interest.decimalString) interest + \(fees.decimalString) fees − \(payments.decimalString) payments − \(credits.decimalString) credits = \(computed)")
            }
            if errors.isEmpty, let number, let originalCreditor, let debtType, let first, let last, let line1,
               let city, let state, let zip, let role
            {
                points.insert(ContactPoint(kind: .postal(PostalAddress(
                    line1: line1, line2: line2, city: city, state: state, zip: zip))), at: 0)
                let consumer = Consumer(
                    tenantID: context.tenantID, name: PersonName(first: first, middle: middle, last: last),
                    dateOfBirth: dob, ssn: ssn, language: language, contactPoints: points)
                let account = Account(
                    tenantID: context.tenantID, clientID: context.clientID, placementID: context.placementID,
                    clientAccountNumber: number, originalCreditor: originalCreditor, currentCreditor: currentCreditor,
                    debtType: debtType, openDate: openDate, chargeOffDate: chargeOffDate,
                    lastPaymentDate: lastPaymentDate, lastPaymentAmount: lastPaymentAmount, itemization: itemization,
                    status: .active, placedAt: context.placedAt, studentLoanAccountNumber: studentLoanNumber,
                    parties: [AccountParty(consumerID: consumer.id, role: role)])
                return .valid(PlacedDebt(row: row, account: account, consumer: consumer, role: role))
            }
        }
        return .invalid(errors)
    }

    /// `12345` or `12345-6789` (also accepts `123456789`, written back with the hyphen).
    static func normalizedZIP(_ raw: String) -> String? {
        let digits = raw.filter { $0 != "-" }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        switch (digits.count, raw.count) {
        case (5, 5): return raw
        case (9, 10) where raw.dropFirst(5).first == "-": return raw
        case (9, 9): return "\(digits.prefix(5))-\(digits.suffix(4))"
        default: return nil
        }
    }
}

/// North American Numbering Plan phone numbers in E.164.
public enum PhoneNumber {
    public enum Problem: Error, Hashable, CustomStringConvertible {
        case length(Int), areaCode(String), exchange(String), characters

        public var description: String {
            switch self {
            case let .length(count): "has \(count) digits; a US number has 10 (optionally after +1)"
            case let .areaCode(code): "area code \(code) does not exist (it cannot start with 0 or 1, or be N11)"
            case let .exchange(code): "exchange \(code) is not valid (it cannot start with 0 or 1)"
            case .characters: "contains characters other than digits, spaces, +, -, ., ( and )"
            }
        }
    }

    /// Accepts `(512) 555-0100`, `512.555.0100`, `+1 512 555 0100`, `15125550100`; returns `+15125550100`.
    public static func normalize(_ raw: String) -> Result<String, Problem> {
        var digits: [UInt8] = []
        for byte in raw.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits.append(byte)
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"),
                 UInt8(ascii: "+"):
                continue
            default: return .failure(.characters)
            }
        }
        if digits.count == 11, digits[0] == UInt8(ascii: "1") { digits.removeFirst() }
        guard digits.count == 10 else { return .failure(.length(digits.count)) }
        let area = String(decoding: digits[0..<3], as: UTF8.self)
        let exchange = String(decoding: digits[3..<6], as: UTF8.self)
        guard digits[0] >= UInt8(ascii: "2"), !(digits[1] == UInt8(ascii: "1") && digits[2] == UInt8(ascii: "1")) else {
            return .failure(.areaCode(area))
        }
        guard digits[3] >= UInt8(ascii: "2") else { return .failure(.exchange(exchange)) }
        return .success("+1" + String(decoding: digits, as: UTF8.self))
    }
}

/// Email addresses, checked the pragmatic way: one `@`, a plausible local part, a dotted domain.
public enum EmailAddress {
    /// The address with its domain lower-cased, or nil when it cannot be an address.
    public static func normalize(_ raw: String) -> String? {
        let parts = raw.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, raw.count <= 254 else { return nil }
        let local = parts[0], domain = parts[1].lowercased()
        guard !local.isEmpty, local.count <= 64, !local.hasPrefix("."), !local.hasSuffix("."), !local.contains(".."),
              local.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "," && $0 != "<" && $0 != ">" && $0 != "\"" })
        else { return nil }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2,
              labels.allSatisfy({ label in
                  !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                      && label.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }
              }),
              let tld = labels.last, tld.count >= 2, tld.allSatisfy(\.isLetter)
        else { return nil }
        return "\(local)@\(domain)"
    }
}

/// The row error report as CSV: header `row,column,value,reason`, RFC 4180 quoting.
public enum ErrorReport {
    public static let header = "row,column,value,reason"

    public static func csv(_ errors: [RowError]) -> String {
        var text = header + "\r\n"
        for error in errors { text += line(error) }
        return text
    }

    public static func line(_ error: RowError) -> String {
        [String(error.row), error.column, error.value, error.reason].map(quote).joined(separator: ",") + "\r\n"
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
