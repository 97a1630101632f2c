import Foundation
import RecoupCore

/// A deterministic pseudo-random generator (SplitMix64): the same seed gives the same portfolio on every machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal variate (Box–Muller).
    mutating func normal() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }
}

/// A realistic synthetic portfolio written as a Recoup placement file, so demo data goes through the same
/// validation and storage path as a client's file.
///
/// The mix follows what agencies see: mostly medical and credit-card debt, lognormal balances (median about
/// $900, long tail into five figures), debts one to six years old, states weighted by population, cell phones
/// with and without consent, some skip-traced numbers, about one in eight consumers preferring Spanish, and about
/// one account in twenty with a joint debtor.
public struct DemoPortfolio: Sendable {
    public let accounts: Int
    public let seed: UInt64
    /// The day the portfolio is "placed"; ages are counted back from it.
    public let asOf: LocalDate

    public init(accounts: Int, seed: UInt64, asOf: LocalDate) {
        self.accounts = accounts
        self.seed = seed
        self.asOf = asOf
    }

    /// The placement format's header, in its documented column order (plus `consumer_role` for joint debtors).
    public static let header = [
        "client_account_number", "original_creditor", "current_creditor", "debt_type", "account_open_date",
        "charge_off_date", "last_payment_date", "last_payment_amount", "itemization_date", "itemization_date_type",
        "balance_at_itemization", "interest_since_itemization", "fees_since_itemization",
        "payments_since_itemization", "credits_since_itemization", "current_balance", "currency", "first_name",
        "last_name", "middle_name", "date_of_birth", "ssn", "address_line1", "address_line2", "city", "state", "zip",
        "phone1", "phone1_type", "phone1_consent", "phone2", "phone2_type", "phone2_consent", "email1",
        "email1_source", "language", "student_loan_account_number", "consumer_role",
    ]

    /// Calls `emit` with each CSV line (no line terminator), header first. Streams: memory stays flat for any size.
    public func lines(_ emit: (String) throws -> Void) rethrows {
        var lines = makeLines()
        while let line = lines.next() { try emit(line) }
    }

    public func makeLines() -> Lines { Lines(portfolio: self) }

    /// The file's lines one at a time, header first.
    public struct Lines: IteratorProtocol, Sendable {
        let portfolio: DemoPortfolio
        var rng: SeededGenerator
        var index = 0
        /// A joint debtor's row, emitted right after its primary row.
        var pending: String?

        init(portfolio: DemoPortfolio) {
            self.portfolio = portfolio
            self.rng = SeededGenerator(seed: portfolio.seed)
        }

        public mutating func next() -> String? {
            if let pending {
                self.pending = nil
                return pending
            }
            defer { index += 1 }
            if index == 0 { return DemoPortfolio.header.joined(separator: ",") }
            guard index <= max(1, portfolio.accounts) else { return nil }
            let primary = portfolio.row(index, &rng)
            if Int.random(in: 0..<20, using: &rng) == 0 {
                pending = portfolio.jointRow(of: primary, &rng).map(DemoPortfolio.quote).joined(separator: ",")
            }
            return primary.map(DemoPortfolio.quote).joined(separator: ",")
        }
    }

    /// The file as chunks of about `chunkSize` bytes, generated only as fast as they are consumed.
    public func chunks(chunkSize: Int = 1 << 20) -> Chunks { Chunks(portfolio: self, chunkSize: chunkSize) }

    public struct Chunks: AsyncSequence, Sendable {
        public typealias Element = [UInt8]
        let portfolio: DemoPortfolio
        let chunkSize: Int

        public struct AsyncIterator: AsyncIteratorProtocol {
            var lines: Lines
            let chunkSize: Int

            public mutating func next() async -> [UInt8]? {
                var chunk: [UInt8] = []
                chunk.reserveCapacity(chunkSize + 512)
                while chunk.count < chunkSize, let line = lines.next() {
                    chunk.append(contentsOf: line.utf8)
                    chunk.append(UInt8(ascii: "\n"))
                }
                return chunk.isEmpty ? nil : chunk
            }
        }

        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(lines: portfolio.makeLines(), chunkSize: chunkSize)
        }
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    func row(_ index: Int, _ rng: inout SeededGenerator) -> [String] {
        let debt = Self.weightedPick(Self.debtMix, weight: \.weight, &rng)
        let creditor = debt.creditors.randomElement(using: &rng)!
        // Lognormal balance: median ≈ exp(6.8) ≈ $900.
        let cents = Int64(min(75_000, max(25, Foundation.exp(6.8 + 1.1 * rng.normal()))) * 100)
        let ageDays = Int.random(in: 120...(6 * 365), using: &rng)
        let chargeOff = asOf.adding(days: -ageDays)
        let open = chargeOff.adding(days: -Int.random(in: 200...3000, using: &rng))
        let lastPayment = chargeOff.adding(days: -Int.random(in: 30...400, using: &rng))
        let interest = debt.type == .medical ? 0 : cents * Int64.random(in: 0...18, using: &rng) / 100
        let fees = Bool.random(using: &rng) ? Int64.random(in: 0...3, using: &rng) * 2500 : 0
        let payments = Int.random(in: 0..<5, using: &rng) == 0 ? min(cents / 4, Int64.random(in: 1000...20000, using: &rng)) : 0
        let current = cents + interest + fees - payments
        func amount(_ minor: Int64) -> String { Money(minorUnits: minor, currency: .usd).decimalString }

        let state = Self.weightedPick(Self.states, weight: \.weight, &rng)
        let spanish = Int.random(in: 0..<8, using: &rng) == 0
        let first = (spanish ? Self.spanishFirstNames : Self.firstNames).randomElement(using: &rng)!
        let last = (spanish ? Self.spanishLastNames : Self.lastNames).randomElement(using: &rng)!
        let dob = asOf.adding(days: -Int.random(in: (21 * 365)...(85 * 365), using: &rng))
        let ssn = String(format: "%03d%02d%04d", Int.random(in: 1...665, using: &rng), Int.random(in: 1...99, using: &rng),
                         Int.random(in: 1...9999, using: &rng))
        let zip = String(format: "%05d", state.zip + Int.random(in: 0...40, using: &rng))
        func phone() -> String {
            "+1\(state.areaCodes.randomElement(using: &rng)!)\(Int.random(in: 200...989, using: &rng))"
                + String(format: "%04d", Int.random(in: 0...9999, using: &rng))
        }
        let phone1Type = ["cell", "cell", "cell", "landline", "unknown"].randomElement(using: &rng)!
        let consent = phone1Type == "cell" ? ["yes", "no", "unknown"].randomElement(using: &rng)! : "unknown"
        let hasPhone2 = Int.random(in: 0..<3, using: &rng) == 0
        let hasEmail = Int.random(in: 0..<3, using: &rng) != 0
        let email = "\(Self.ascii(first)).\(Self.ascii(last))\(index % 97)@\(["example.com", "mail.example.net", "example.org"].randomElement(using: &rng)!)"
        let street = "\(Int.random(in: 1...9999, using: &rng)) \(Self.streets.randomElement(using: &rng)!)"
        return [
            String(format: "DEMO-%08d", index), creditor, Bool.random(using: &rng) ? "Recoup Demo Debt Buyers LLC" : "",
            debt.type.rawValue, open.iso, chargeOff.iso, lastPayment.iso,
            amount(Int64.random(in: 2500...30000, using: &rng)), chargeOff.iso, "charge_off", amount(cents),
            amount(interest), amount(fees), amount(payments), "0.00", amount(current), "USD", first, last, "",
            dob.iso, ssn, street, Int.random(in: 0..<6, using: &rng) == 0 ? "Apt \(Int.random(in: 1...40, using: &rng))" : "",
            state.city, state.code, zip, phone(), phone1Type, consent, hasPhone2 ? phone() : "",
            hasPhone2 ? "landline" : "", hasPhone2 ? "unknown" : "", hasEmail ? email : "",
            hasEmail ? ["consumer", "creditor"].randomElement(using: &rng)! : "", spanish ? "es" : "en",
            debt.type == .studentLoan ? String(format: "SL%010d", index) : "", "primary",
        ]
    }

    /// A spouse or co-signer on the same debt: same account and address, another person.
    func jointRow(of primary: [String], _ rng: inout SeededGenerator) -> [String] {
        var row = primary
        let column = { (name: String) in Self.header.firstIndex(of: name)! }
        row[column("first_name")] = Self.firstNames.randomElement(using: &rng)!
        row[column("date_of_birth")] = asOf.adding(days: -Int.random(in: (21 * 365)...(80 * 365), using: &rng)).iso
        row[column("ssn")] = String(format: "%03d%02d%04d", Int.random(in: 1...665, using: &rng),
                                    Int.random(in: 1...99, using: &rng), Int.random(in: 1...9999, using: &rng))
        row[column("phone2")] = ""
        row[column("phone2_type")] = ""
        row[column("phone2_consent")] = ""
        row[column("email1")] = ""
        row[column("email1_source")] = ""
        row[column("consumer_role")] = Bool.random(using: &rng) ? "joint" : "co_signer"
        return row
    }

    /// Lower-case ASCII for an email local part: "María" → "maria".
    static func ascii(_ name: String) -> String {
        name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
            .filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    struct DebtKind {
        var type: DebtType
        var weight: Int
        var creditors: [String]
    }

    static let debtMix: [DebtKind] = [
        DebtKind(type: .medical, weight: 38, creditors: ["St. Vincent Regional Medical Center", "Lakeside Emergency Physicians", "Valley Radiology Associates"]),
        DebtKind(type: .creditCard, weight: 27, creditors: ["Big Bank Card Services", "Summit Credit Union Visa", "Northstar Retail Card"]),
        DebtKind(type: .utility, weight: 10, creditors: ["Metro Power & Light", "Clearwater Utilities"]),
        DebtKind(type: .telecom, weight: 10, creditors: ["Horizon Wireless", "FiberNet Broadband"]),
        DebtKind(type: .autoDeficiency, weight: 5, creditors: ["Freeway Auto Finance"]),
        DebtKind(type: .personalLoan, weight: 5, creditors: ["QuickLend Personal Loans"]),
        DebtKind(type: .studentLoan, weight: 3, creditors: ["Campus Private Student Lending"]),
        DebtKind(type: .other, weight: 2, creditors: ["Sunrise Fitness Club"]),
    ]

    struct StateInfo {
        var code: String
        var weight: Int
        var city: String
        var zip: Int
        var areaCodes: [String]
    }

    /// Population weights (millions × 10, 2020 census, rounded) with one real city, ZIP base and area codes each.
    static let states: [StateInfo] = [
        StateInfo(code: "CA", weight: 395, city: "Los Angeles", zip: 90001, areaCodes: ["213", "310", "323", "818"]),
        StateInfo(code: "TX", weight: 291, city: "Houston", zip: 77001, areaCodes: ["713", "281", "832"]),
        StateInfo(code: "FL", weight: 215, city: "Miami", zip: 33101, areaCodes: ["305", "786"]),
        StateInfo(code: "NY", weight: 202, city: "New York", zip: 10001, areaCodes: ["212", "646", "718", "917"]),
        StateInfo(code: "PA", weight: 130, city: "Philadelphia", zip: 19101, areaCodes: ["215", "267"]),
        StateInfo(code: "IL", weight: 128, city: "Chicago", zip: 60601, areaCodes: ["312", "773"]),
        StateInfo(code: "OH", weight: 118, city: "Columbus", zip: 43201, areaCodes: ["614"]),
        StateInfo(code: "GA", weight: 107, city: "Atlanta", zip: 30301, areaCodes: ["404", "678"]),
        StateInfo(code: "NC", weight: 104, city: "Charlotte", zip: 28201, areaCodes: ["704", "980"]),
        StateInfo(code: "MI", weight: 101, city: "Detroit", zip: 48201, areaCodes: ["313"]),
        StateInfo(code: "NJ", weight: 93, city: "Newark", zip: 7101, areaCodes: ["973"]),
        StateInfo(code: "VA", weight: 86, city: "Richmond", zip: 23219, areaCodes: ["804"]),
        StateInfo(code: "WA", weight: 77, city: "Seattle", zip: 98101, areaCodes: ["206"]),
        StateInfo(code: "AZ", weight: 72, city: "Phoenix", zip: 85001, areaCodes: ["602", "480"]),
        StateInfo(code: "MA", weight: 70, city: "Boston", zip: 2108, areaCodes: ["617"]),
        StateInfo(code: "TN", weight: 69, city: "Nashville", zip: 37201, areaCodes: ["615"]),
        StateInfo(code: "IN", weight: 68, city: "Indianapolis", zip: 46201, areaCodes: ["317"]),
        StateInfo(code: "MD", weight: 62, city: "Baltimore", zip: 21201, areaCodes: ["410"]),
        StateInfo(code: "MO", weight: 62, city: "St. Louis", zip: 63101, areaCodes: ["314"]),
        StateInfo(code: "WI", weight: 59, city: "Milwaukee", zip: 53201, areaCodes: ["414"]),
        StateInfo(code: "CO", weight: 58, city: "Denver", zip: 80201, areaCodes: ["303", "720"]),
        StateInfo(code: "MN", weight: 57, city: "Minneapolis", zip: 55401, areaCodes: ["612"]),
        StateInfo(code: "SC", weight: 51, city: "Columbia", zip: 29201, areaCodes: ["803"]),
        StateInfo(code: "AL", weight: 50, city: "Birmingham", zip: 35203, areaCodes: ["205"]),
        StateInfo(code: "LA", weight: 47, city: "New Orleans", zip: 70112, areaCodes: ["504"]),
        StateInfo(code: "KY", weight: 45, city: "Louisville", zip: 40202, areaCodes: ["502"]),
        StateInfo(code: "OR", weight: 42, city: "Portland", zip: 97201, areaCodes: ["503"]),
        StateInfo(code: "OK", weight: 40, city: "Oklahoma City", zip: 73102, areaCodes: ["405"]),
        StateInfo(code: "NV", weight: 31, city: "Las Vegas", zip: 89101, areaCodes: ["702"]),
        StateInfo(code: "WV", weight: 18, city: "Charleston", zip: 25301, areaCodes: ["304"]),
        StateInfo(code: "DC", weight: 7, city: "Washington", zip: 20001, areaCodes: ["202"]),
    ]

    /// One item drawn with probability proportional to its weight.
    static func weightedPick<Item>(_ items: [Item], weight: (Item) -> Int, _ rng: inout SeededGenerator) -> Item {
        var ticket = Int.random(in: 0..<items.reduce(0) { $0 + weight($1) }, using: &rng)
        for item in items {
            if ticket < weight(item) { return item }
            ticket -= weight(item)
        }
        return items[0]
    }

    static let firstNames = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
                             "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
                             "Sarah", "Pat", "Karen", "Christopher", "Nancy", "Daniel", "Lisa", "Matthew", "Betty"]
    static let lastNames = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
                            "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris",
                            "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "O'Brien", "Nguyen"]
    static let spanishFirstNames = ["José", "María", "Juan", "Guadalupe", "Luis", "Carmen", "Carlos", "Rosa",
                                    "Jorge", "Ana", "Miguel", "Sofía"]
    static let spanishLastNames = ["García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez",
                                   "Sánchez", "Ramírez", "Torres", "Flores", "Rivera"]
    static let streets = ["Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Elm St", "Washington Blvd", "Lake Rd",
                          "Hillcrest Dr", "Park Ave", "Sunset Blvd", "River Rd", "Pine St, Unit B"]
}
