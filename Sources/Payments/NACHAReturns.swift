import Foundation

/// Why the consumer's bank sent a debit back (NACHA return reason codes, the ones a collector meets).
public enum ReturnReason: String, CaseIterable, Sendable, Codable {
    case r01 = "R01", r02 = "R02", r03 = "R03", r04 = "R04", r05 = "R05", r07 = "R07", r08 = "R08", r09 = "R09", r10 = "R10"
    case r11 = "R11", r16 = "R16", r20 = "R20", r29 = "R29"

    public var description: String {
        switch self {
        case .r01: "insufficient funds"
        case .r02: "account closed"
        case .r03: "no account / unable to locate account"
        case .r04: "invalid account number"
        case .r05: "unauthorized debit to a consumer account using a corporate entry class"
        case .r07: "authorization revoked by the customer"
        case .r08: "payment stopped"
        case .r09: "uncollected funds"
        case .r10: "customer advises the debit was not authorized"
        case .r11: "customer advises the entry is not in accordance with the authorization"
        case .r16: "account frozen"
        case .r20: "non-transaction account"
        case .r29: "corporate customer advises not authorized"
        }
    }

    /// The consumer disputes the authority to debit: no further debit on that authorization.
    public var revokesAuthorization: Bool { [.r05, .r07, .r10, .r11, .r29].contains(self) }
    /// Funds were short: NACHA allows the entry to be presented again (at most twice, within 180 days).
    public var mayRepresent: Bool { self == .r01 || self == .r09 }
    /// The bank details are unusable: ask the consumer for others.
    public var needsNewAccount: Bool { [.r02, .r03, .r04, .r16, .r20].contains(self) }
}

/// A returned debit: which entry (its original trace number), why, how much.
public struct ACHReturn: Hashable, Sendable {
    public var originalTrace: String
    /// The NACHA code as received (an unlisted code is kept as text).
    public var code: String
    public var reason: ReturnReason?
    public var amountCents: Int64
    public var individualID: String
    /// The record's line in the file.
    public var line: Int
}

/// A notification of change: the consumer's bank says how to address the next entry.
public struct ACHChange: Hashable, Sendable {
    public enum Correction: Hashable, Sendable {
        case accountNumber(String)
        case routing(String)
        case routingAndAccount(routing: String, account: String)
        case transactionCode(String)
        case accountAndTransactionCode(account: String, code: String)
        case other(code: String, data: String)
    }

    public var originalTrace: String
    public var code: String
    public var correction: Correction
    public var line: Int
}

/// What a return file held: returns, notifications of change, and every line that could not be read (with why).
public struct ACHReturnFile: Sendable {
    public var returns: [ACHReturn] = []
    public var changes: [ACHChange] = []
    public var problems: [(line: Int, reason: String)] = []

    /// Reads the bank's return and NOC file. An entry detail (6) is paired with the addenda (7) after it: type 99 is
    /// a return, type 98 a notification of change. Records that are not 94 characters, or an addenda without its
    /// entry, are named by line; everything readable is kept.
    public static func parse(_ text: String) -> ACHReturnFile {
        var file = ACHReturnFile()
        var entry: (line: Int, record: Substring)?
        // "\r\n" is one Character in Swift: split on any newline, so CRLF files read like LF ones.
        for (index, record) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = index + 1
            guard !record.isEmpty else { continue }
            guard record.count == 94 else {
                file.problems.append((line, "a record is 94 characters; this one has \(record.count)"))
                continue
            }
            func field(_ from: Int, _ to: Int) -> String {
                let start = record.index(record.startIndex, offsetBy: from - 1), end = record.index(record.startIndex, offsetBy: to)
                return record[start..<end].trimmingCharacters(in: .whitespaces)
            }
            switch record.first {
            case "6": entry = (line, record)
            case "7":
                guard let (_, detail) = entry else {
                    file.problems.append((line, "an addenda record without an entry detail before it"))
                    continue
                }
                entry = nil
                let amount = Int64(detail.dropFirst(29).prefix(10)) ?? 0
                let individual = String(detail.dropFirst(39).prefix(15)).trimmingCharacters(in: .whitespaces)
                switch field(2, 3) {
                case "99":
                    let code = field(4, 6)
                    file.returns.append(ACHReturn(originalTrace: field(7, 21), code: code, reason: ReturnReason(rawValue: code),
                                                  amountCents: amount, individualID: individual, line: line))
                case "98":
                    let code = field(4, 6)
                    let data = field(36, 64)
                    file.changes.append(ACHChange(originalTrace: field(7, 21), code: code, correction: correction(code, data), line: line))
                default:
                    file.problems.append((line, "addenda type \(field(2, 3)) is neither a return (99) nor a notification of change (98)"))
                }
            case "1", "5", "8", "9": entry = nil
            default: file.problems.append((line, "record type \(record.first.map(String.init) ?? "") is not a NACHA record"))
            }
        }
        return file
    }

    /// The corrected data of a change code (NACHA's layouts for C01–C07).
    static func correction(_ code: String, _ data: String) -> ACHChange.Correction {
        func part(_ from: Int, _ count: Int) -> String {
            String(data.dropFirst(from).prefix(count)).trimmingCharacters(in: .whitespaces)
        }
        switch code {
        case "C01": return .accountNumber(part(0, 17))
        case "C02": return .routing(part(0, 9))
        case "C03": return .routingAndAccount(routing: part(0, 9), account: part(12, 17))
        case "C05": return .transactionCode(part(0, 2))
        case "C06": return .accountAndTransactionCode(account: part(0, 17), code: part(20, 2))
        default: return .other(code: code, data: data)
        }
    }
}
