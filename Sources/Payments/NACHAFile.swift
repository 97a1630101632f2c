import Foundation
import RecoupCore

/// The agency as the originator of ACH entries, as its bank (the ODFI) set it up.
public struct NACHAOriginator: Hashable, Sendable {
    /// The bank's routing number (9 digits), the file's immediate destination.
    public var destinationRouting: String
    public var destinationName: String
    /// The file's immediate origin: usually "1" and the company's tax id, 10 characters.
    public var originID: String
    public var originName: String
    /// The company name and identification on every batch (16 and 10 characters).
    public var companyName: String
    public var companyID: String
    /// The ODFI's routing number, first 8 digits, which trace numbers start with.
    public var originatingDFI: String

    public init(destinationRouting: String, destinationName: String, originID: String, originName: String, companyName: String,
                companyID: String, originatingDFI: String) {
        self.destinationRouting = destinationRouting
        self.destinationName = destinationName
        self.originID = originID
        self.originName = originName
        self.companyName = companyName
        self.companyID = companyID
        self.originatingDFI = originatingDFI
    }
}

/// The Standard Entry Class of a consumer debit: a written authorization (PPD), one given online (WEB), or one
/// given on a recorded telephone call (TEL).
public enum StandardEntryClass: String, CaseIterable, Sendable, Codable {
    case ppd = "PPD", web = "WEB", tel = "TEL"
}

/// One consumer debit to collect.
public struct NACHADebit: Hashable, Sendable {
    public enum Account: String, Sendable, Codable { case checking, savings }

    public var routing: String
    public var accountNumber: String
    public var account: Account
    public var amount: Money
    /// The consumer's reference at the agency (the account's reference code), 15 characters at most.
    public var individualID: String
    public var individualName: String
    public var entryClass: StandardEntryClass
    /// For WEB and TEL: a recurring (plan) or single payment.
    public var recurring: Bool

    public init(routing: String, accountNumber: String, account: Account, amount: Money, individualID: String, individualName: String,
                entryClass: StandardEntryClass, recurring: Bool) {
        self.routing = routing
        self.accountNumber = accountNumber
        self.account = account
        self.amount = amount
        self.individualID = individualID
        self.individualName = individualName
        self.entryClass = entryClass
        self.recurring = recurring
    }

    /// 27 debits a checking account, 37 a savings account.
    var transactionCode: String { account == .checking ? "27" : "37" }
}

/// Why a debit cannot go in a file.
public enum NACHAError: Error, Hashable, Sendable, CustomStringConvertible {
    case badRouting(index: Int, String)
    case badAccountNumber(index: Int)
    case badAmount(index: Int)
    case badOriginator(String)

    public var description: String {
        switch self {
        case let .badRouting(index, routing): "entry \(index + 1): routing number \(routing) is not 9 digits with a valid check digit"
        case let .badAccountNumber(index): "entry \(index + 1): the account number must be 1 to 17 letters or digits"
        case let .badAmount(index): "entry \(index + 1): the amount must be positive US dollars below $100,000,000"
        case let .badOriginator(why): "originator: \(why)"
        }
    }
}

/// Writes NACHA files of consumer debits: a file header, one batch per Standard Entry Class (debits only, service
/// class 225), entry details with trace numbers, batch and file controls with entry hashes and totals, padded with
/// 9s to a multiple of ten 94-character records.
public enum NACHAFile {
    /// A file written, with the figures its controls carry.
    public struct Written: Sendable {
        public var text: String
        /// Each debit's trace number, in the order given.
        public var traceNumbers: [String]
        public var entryCount: Int
        public var batchCount: Int
        public var totalDebit: Int64
        public var entryHash: Int64
    }

    public static func write(
        _ debits: [NACHADebit], originator: NACHAOriginator, effectiveDate: LocalDate, createdAt: Date, fileIDModifier: Character = "A",
        entryDescription: String = "PAYMENT", firstTraceSequence: Int = 1
    ) throws(NACHAError) -> Written {
        guard RoutingNumber.isValid(originator.destinationRouting) else { throw .badOriginator("the bank's routing number is not valid") }
        guard originator.originatingDFI.count == 8, originator.originatingDFI.allSatisfy(\.isNumber) else {
            throw .badOriginator("the originating DFI is the first 8 digits of the bank's routing number")
        }
        for (index, debit) in debits.enumerated() {
            guard RoutingNumber.isValid(debit.routing) else { throw .badRouting(index: index, debit.routing) }
            guard (1...17).contains(debit.accountNumber.count), debit.accountNumber.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw .badAccountNumber(index: index)
            }
            guard debit.amount.currency == .usd, debit.amount.minorUnits > 0, debit.amount.minorUnits < 10_000_000_000 else {
                throw .badAmount(index: index)
            }
        }
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let created = utc.dateComponents([.year, .month, .day, .hour, .minute], from: createdAt)
        let createdDate = String(format: "%02d%02d%02d", created.year! % 100, created.month!, created.day!)
        let createdTime = String(format: "%02d%02d", created.hour!, created.minute!)
        let effective = String(format: "%02d%02d%02d", effectiveDate.year % 100, effectiveDate.month, effectiveDate.day)

        var records: [String] = []
        records.append("101" + alpha(" " + originator.destinationRouting, 10) + alpha(originator.originID, 10) + createdDate + createdTime
            + String(fileIDModifier) + "094" + "10" + "1" + alpha(originator.destinationName, 23) + alpha(originator.originName, 23) + alpha("", 8))

        var traces = [String](repeating: "", count: debits.count)
        var sequence = firstTraceSequence
        var (fileEntries, fileHash, fileDebit, batchNumber) = (0, Int64(0), Int64(0), 0)
        for entryClass in StandardEntryClass.allCases {
            let batch = debits.indices.filter { debits[$0].entryClass == entryClass }
            guard !batch.isEmpty else { continue }
            batchNumber += 1
            let number = numeric(batchNumber, 7)
            records.append("5225" + alpha(originator.companyName, 16) + alpha("", 20) + alpha(originator.companyID, 10) + entryClass.rawValue
                + alpha(entryDescription, 10) + alpha("", 6) + effective + "   " + "1" + originator.originatingDFI + number)
            var (hash, total) = (Int64(0), Int64(0))
            for index in batch {
                let debit = debits[index]
                let trace = originator.originatingDFI + numeric(sequence, 7)
                sequence += 1
                traces[index] = trace
                let discretionary = entryClass == .ppd ? "  " : (debit.recurring ? "R " : "S ")
                records.append("6" + debit.transactionCode + debit.routing + alpha(debit.accountNumber, 17) + numeric(debit.amount.minorUnits, 10)
                    + alpha(debit.individualID, 15) + alpha(debit.individualName, 22) + discretionary + "0" + trace)
                hash += Int64(debit.routing.prefix(8))!
                total += debit.amount.minorUnits
            }
            records.append("8225" + numeric(batch.count, 6) + numeric(hash % 10_000_000_000, 10) + numeric(total, 12) + numeric(0, 12)
                + alpha(originator.companyID, 10) + alpha("", 19) + alpha("", 6) + originator.originatingDFI + number)
            fileEntries += batch.count
            fileHash += hash
            fileDebit += total
        }
        let blocks = (records.count + 1 + 9) / 10
        records.append("9" + numeric(batchNumber, 6) + numeric(blocks, 6) + numeric(fileEntries, 8) + numeric(fileHash % 10_000_000_000, 10)
            + numeric(fileDebit, 12) + numeric(0, 12) + alpha("", 39))
        while records.count % 10 != 0 { records.append(String(repeating: "9", count: 94)) }
        return Written(text: records.joined(separator: "\n") + "\n", traceNumbers: traces, entryCount: fileEntries, batchCount: batchNumber,
                       totalDebit: fileDebit, entryHash: fileHash % 10_000_000_000)
    }

    /// Upper-case ASCII letters, digits and spaces, left-justified and cut or padded to `width`.
    static func alpha(_ text: String, _ width: Int) -> String {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en_US_POSIX")).uppercased()
        let clean = folded.unicodeScalars.map { $0.isASCII && $0.value >= 32 && $0.value < 127 ? Character($0) : " " }
        let cut = String(clean.prefix(width))
        return cut + String(repeating: " ", count: width - cut.count)
    }

    /// Zero-filled, right-justified.
    static func numeric(_ value: some BinaryInteger, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + String(digits.suffix(width))
    }
}
