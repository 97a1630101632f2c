import Foundation
import RecoupCore

/// The kind of obligation a state's limitation period is written for. The data (`statute-of-limitations.json`)
/// records one general period per kind per state.
public enum LimitationKind: String, CaseIterable, Sendable, Codable {
    case writtenContract = "written_contract"
    case oralContract = "oral_contract"
    case promissoryNote = "promissory_note"
    case openAccount = "open_account"

    /// The kind whose period governs a debt type. A pure mapping, the same in every state:
    ///
    /// - `credit_card` → open account: revolving credit is an open-ended account.
    /// - `medical`, `utility`, `telecom` → open account. These are running service accounts; some states treat a
    ///   signed service agreement as a written contract (Washington: "account receivable", RCW 4.16.040), but in
    ///   the shipped data the open-account period is never longer than the written-contract period, so the choice
    ///   can only make a debt time-barred sooner — the conservative side. No state-specific exception is modelled;
    ///   a tenant whose counsel disagrees overrides the state's `openAccount` period.
    /// - `auto_deficiency`, `personal_loan`, `mortgage`, `other` → written contract.
    /// - `student_loan` → written contract. Recoup's `student_loan` may be a **private** loan, which is an ordinary
    ///   written contract. Federal student loans have **no** statute of limitations (20 U.S.C. 1091a); a federal
    ///   loan must not be judged time-barred by this answer.
    ///
    /// New York consumer credit is 3 years (CPLR 214-i) for every kind in the data, so the mapping cannot lengthen it.
    public static func governing(_ debtType: DebtType) -> LimitationKind {
        switch debtType {
        case .creditCard, .medical, .utility, .telecom: .openAccount
        case .autoDeficiency, .personalLoan, .studentLoan, .mortgage, .other: .writtenContract
        }
    }
}

/// State statutes of limitations for consumer debt and the "is it time-barred?" answer built on them.
///
/// The periods are versioned data (`statute-of-limitations.json` in this module's resources), validated on load:
/// every state and DC present, every period a whole number of years in 1...20 or null (unknown). Where public
/// sources disagreed the data records the shorter period (see the file's `source.notes`), because treating a
/// debt as time-barred too early only restricts the collector. A tenant can override periods per state with
/// ``overriding(_:)``. Pure: no clock, no I/O beyond reading the bundled resource.
public struct StatuteOfLimitations: Sendable, Equatable {
    /// Limitation periods for one state, in whole years; nil when unknown.
    public struct Periods: Sendable, Hashable {
        public let writtenContract: Int?
        public let oralContract: Int?
        public let promissoryNote: Int?
        public let openAccount: Int?

        /// Refuses a period outside ``StatuteOfLimitations/validYears``; the error names the field.
        public init(writtenContract: Int?, oralContract: Int?, promissoryNote: Int?, openAccount: Int?) throws(InvalidData) {
            var problems: [String] = []
            for (kind, years) in [(LimitationKind.writtenContract, writtenContract), (.oralContract, oralContract),
                                  (.promissoryNote, promissoryNote), (.openAccount, openAccount)] {
                if let years, !StatuteOfLimitations.validYears.contains(years) {
                    problems.append("\(kind.rawValue): \(years) is outside \(StatuteOfLimitations.yearsText) (use nil when unknown)")
                }
            }
            if !problems.isEmpty { throw InvalidData(problems: problems) }
            self.writtenContract = writtenContract
            self.oralContract = oralContract
            self.promissoryNote = promissoryNote
            self.openAccount = openAccount
        }

        public func years(for kind: LimitationKind) -> Int? {
            switch kind {
            case .writtenContract: writtenContract
            case .oralContract: oralContract
            case .promissoryNote: promissoryNote
            case .openAccount: openAccount
            }
        }

        /// These periods with every non-nil field of `override` put in place (both are valid, so the merge is).
        func merging(_ override: Periods) -> Periods {
            .trusted(override.writtenContract ?? writtenContract, override.oralContract ?? oralContract,
                     override.promissoryNote ?? promissoryNote, override.openAccount ?? openAccount)
        }

        private init(checked w: Int?, _ o: Int?, _ p: Int?, _ a: Int?) {
            writtenContract = w
            oralContract = o
            promissoryNote = p
            openAccount = a
        }

        /// For values already range-checked by the loader or by the public initializer.
        fileprivate static func trusted(_ w: Int?, _ o: Int?, _ p: Int?, _ a: Int?) -> Periods { Periods(checked: w, o, p, a) }

        fileprivate static let unknown = Periods(checked: nil, nil, nil, nil)
    }

    /// What the data says about one state.
    public struct Entry: Sendable, Equatable {
        public let periods: Periods
        /// The statutes the periods come from.
        public let citation: String
        /// Whether a payment made after the period expired restarts it; nil when the sources do not establish it.
        public let revivalByPayment: Bool?
        /// Where sources disagreed, which value was chosen, caveats.
        public let notes: String
    }

    /// Provenance of the shipped data.
    public struct Source: Sendable, Equatable {
        public let title: String
        public let url: String
        public let retrieved: LocalDate
        public let notes: String
    }

    /// A data file or a period that could not be the law; `problems` name the state and field of each fault.
    public struct InvalidData: Error, CustomStringConvertible, Equatable {
        public let problems: [String]
        public var description: String { "invalid statute-of-limitations data: " + problems.joined(separator: "; ") }
    }

    /// A period shorter than a year or longer than twenty is a data error, not a statute.
    public static let validYears: ClosedRange<Int> = 1...20
    static let yearsText = "1...20 years"

    /// The 50 states and DC; the data must cover each. Territories may appear but are not required.
    public static let requiredStates: [USState] = {
        let territories: Set<USState> = [.PR, .GU, .VI, .AS, .MP]
        return USState.allCases.filter { !territories.contains($0) }
    }()

    public let source: Source
    public let entries: [USState: Entry]
    /// Which kinds of which states come from a tenant override rather than the shipped data.
    public let overridden: [USState: Set<LimitationKind>]

    /// The data shipped with this build. A bad edit to the resource stops the process at first use, as with
    /// `RuleSet.current`; `bundled()` is the throwing form.
    public static let current: StatuteOfLimitations = {
        do {
            return try bundled()
        } catch {
            fatalError("statute-of-limitations.json: \(error)")
        }
    }()

    /// Where the shipped data file is, in this module's bundle.
    static var resourceURL: URL? { Bundle.module.url(forResource: "statute-of-limitations", withExtension: "json") }

    /// Loads and validates `statute-of-limitations.json` from this module's bundle.
    public static func bundled() throws -> StatuteOfLimitations {
        guard let url = resourceURL else {
            throw InvalidData(problems: ["statute-of-limitations.json is missing from the Compliance bundle"])
        }
        return try StatuteOfLimitations(json: Data(contentsOf: url))
    }

    /// Decodes and validates a data file. Every fault is reported at once, each naming the state and field
    /// ("WY: missing", "AL.written_contract: 0 is outside 1...20 years ...").
    public init(json data: Data) throws(InvalidData) {
        let root: JSONValue
        do {
            root = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw InvalidData(problems: ["not valid JSON: \(error)"])
        }
        var problems: [String] = []
        guard case let .object(top) = root else { throw InvalidData(problems: ["the top level must be an object"]) }

        var source: Source?
        if case let .object(fields)? = top["source"] {
            func text(_ key: String) -> String? {
                guard case let .string(value)? = fields[key], !value.isEmpty else {
                    problems.append("source.\(key): must be a non-empty string")
                    return nil
                }
                return value
            }
            let title = text("title"), url = text("url"), retrieved = text("retrieved"), notes = text("notes")
            let retrievedDate = retrieved.flatMap { LocalDate(iso: $0) }
            if retrieved != nil, retrievedDate == nil { problems.append("source.retrieved: must be YYYY-MM-DD") }
            if let title, let url, let retrievedDate, let notes {
                source = Source(title: title, url: url, retrieved: retrievedDate, notes: notes)
            }
        } else {
            problems.append("source: missing (an object with title, url, retrieved, notes)")
        }

        var entries: [USState: Entry] = [:]
        if case let .object(states)? = top["states"] {
            for code in states.keys.sorted() {
                guard let state = USState(rawValue: code) else {
                    problems.append("\(code): not a USPS state code")
                    continue
                }
                guard case let .object(fields)? = states[code] else {
                    problems.append("\(code): must be an object")
                    continue
                }
                if let entry = Self.decodeEntry(code, fields, &problems) { entries[state] = entry }
            }
            for state in Self.requiredStates where states[state.rawValue] == nil {
                problems.append("\(state.rawValue): missing")
            }
        } else {
            problems.append("states: missing (an object keyed by state code)")
        }

        guard problems.isEmpty, let source else { throw InvalidData(problems: problems) }
        self.source = source
        self.entries = entries
        self.overridden = [:]
    }

    private init(source: Source, entries: [USState: Entry], overridden: [USState: Set<LimitationKind>]) {
        self.source = source
        self.entries = entries
        self.overridden = overridden
    }

    private static func decodeEntry(_ code: String, _ fields: [String: JSONValue], _ problems: inout [String]) -> Entry? {
        let before = problems.count
        func years(_ kind: LimitationKind) -> Int? {
            let key = "\(code).\(kind.rawValue)"
            switch fields[kind.rawValue] {
            case nil: problems.append("\(key): missing (use null when the period is unknown)")
            case .null?: return nil
            case let .integer(value)? where validYears.contains(value): return value
            case let .integer(value)?: problems.append("\(key): \(value) is outside \(yearsText) (use null when unknown)")
            case let .number(value)?: problems.append("\(key): \(value) is not a whole number of years")
            case let other?: problems.append("\(key): must be a whole number of years or null (is \(other.kind))")
            }
            return nil
        }
        let w = years(.writtenContract), o = years(.oralContract), p = years(.promissoryNote), a = years(.openAccount)

        var citation = ""
        if case let .string(value)? = fields["citation"], !value.isEmpty {
            citation = value
        } else {
            problems.append("\(code).citation: must be a non-empty string")
        }
        var revival: Bool?
        switch fields["revival_by_payment"] {
        case let .bool(value)?: revival = value
        case .null?: revival = nil
        case nil: problems.append("\(code).revival_by_payment: missing (true, false or null)")
        case let other?: problems.append("\(code).revival_by_payment: must be true, false or null (is \(other.kind))")
        }
        var notes = ""
        switch fields["notes"] {
        case let .string(value)?: notes = value
        case nil, .null?: notes = ""
        case let other?: problems.append("\(code).notes: must be a string (is \(other.kind))")
        }
        guard problems.count == before else { return nil }
        return Entry(periods: .trusted(w, o, p, a),
                     citation: citation, revivalByPayment: revival, notes: notes)
    }

    public func entry(for state: USState) -> Entry? { entries[state] }

    public func periods(for state: USState) -> Periods? { entries[state]?.periods }

    /// A copy with a tenant's periods in place. Field by field: a non-nil value replaces the shipped period, a nil
    /// one keeps it. A state without shipped data (a territory) gets the override alone. Overridden answers say
    /// so in their basis and ``TimeBarStatus/isOverride``. Periods are validated when the override is built.
    public func overriding(_ overrides: [USState: Periods]) -> StatuteOfLimitations {
        var entries = self.entries
        var overridden = self.overridden
        for (state, override) in overrides {
            let base = entries[state] ?? Entry(periods: .unknown, citation: "no statutory data", revivalByPayment: nil, notes: "")
            entries[state] = Entry(periods: base.periods.merging(override), citation: base.citation,
                                   revivalByPayment: base.revivalByPayment, notes: base.notes)
            let kinds = LimitationKind.allCases.filter { override.years(for: $0) != nil }
            overridden[state, default: []].formUnion(kinds)
        }
        return StatuteOfLimitations(source: source, entries: entries, overridden: overridden)
    }

    /// Whether suit on a debt is time-barred on `asOf`.
    ///
    /// The period runs from the caller's accrual date (last payment or charge-off, whichever the caller's policy
    /// uses); tolling is not modelled. `expiresOn` is accrual plus the period in calendar years, a February 29
    /// accrual falling to February 28 in a common year. The debt is treated as time-barred **on** `expiresOn`:
    /// many courts would still accept a filing on the anniversary, so this is one day conservative. `expired` is
    /// nil when the state's period for the debt's kind is unknown.
    public func isTimeBarred(state: USState, debtType: DebtType, accrualDate: LocalDate, asOf: LocalDate) -> TimeBarStatus {
        let kind = LimitationKind.governing(debtType)
        let entry = entries[state]
        let overridden = self.overridden[state]?.contains(kind) ?? false
        let mapping = "\(state.rawValue) \(debtType.rawValue) → \(kind.rawValue)"
        guard let years = entry?.periods.years(for: kind) else {
            return TimeBarStatus(state: state, debtType: debtType, kind: kind, expired: nil, periodYears: nil, expiresOn: nil,
                                 basis: "\(mapping): no period on record; decide manually", isOverride: false,
                                 revivalByPayment: entry?.revivalByPayment)
        }
        let source = overridden ? "tenant override" : (entry?.citation ?? "")
        guard let expiry = Self.adding(years: years, to: accrualDate) else {
            return TimeBarStatus(state: state, debtType: debtType, kind: kind, expired: nil, periodYears: years, expiresOn: nil,
                                 basis: "\(mapping): \(years) years (\(source)); expiry is past year 9999", isOverride: overridden,
                                 revivalByPayment: entry?.revivalByPayment)
        }
        let expired = asOf >= expiry
        let basis = "\(mapping): \(years) years (\(source)); accrued \(accrualDate.iso), time-barred from \(expiry.iso)"
        return TimeBarStatus(state: state, debtType: debtType, kind: kind, expired: expired, periodYears: years,
                             expiresOn: expiry, basis: basis, isOverride: overridden, revivalByPayment: entry?.revivalByPayment)
    }

    /// `date` plus whole calendar years; February 29 becomes February 28 when the target year is common.
    static func adding(years: Int, to date: LocalDate) -> LocalDate? {
        let year = date.year + years
        guard (1...9999).contains(year) else { return nil }
        let day = min(date.day, LocalDate.daysInMonth(year: year, month: date.month))
        return LocalDate(year: year, month: date.month, day: day)
    }
}

/// The answer to "is this debt time-barred?", with what it rests on.
public struct TimeBarStatus: Sendable, Equatable {
    public let state: USState
    public let debtType: DebtType
    /// The kind of obligation whose period applied (``LimitationKind/governing(_:)``).
    public let kind: LimitationKind
    /// nil when no period is on record for the state and kind.
    public let expired: Bool?
    public let periodYears: Int?
    /// The first day the debt is treated as time-barred: accrual plus `periodYears`.
    public let expiresOn: LocalDate?
    /// Which statute (or tenant override) and kind the answer rests on, in words.
    public let basis: String
    /// The period came from a tenant override.
    public let isOverride: Bool
    /// Whether a post-expiry payment restarts the period in this state; nil when not established.
    public let revivalByPayment: Bool?
}

/// Just enough JSON to tell a missing key from null, and an integer from a fraction, for precise diagnostics.
private enum JSONValue: Decodable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
