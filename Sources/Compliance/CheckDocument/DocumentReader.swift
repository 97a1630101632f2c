import Foundation
import RecoupCore

/// One value of a check document and the JSON path it was found at, so that every complaint says where.
///
/// The document is walked by hand over `JSONSerialization`'s tree rather than decoded through `Codable`: a strict
/// reader must refuse unknown keys and name the exact path of a typo, and synthesized decoding does neither.
struct DocumentNode {
    let value: Any
    /// `facts.contact_history[3].outcome`; empty for the document itself.
    let path: String

    func failure(_ problem: String) -> CheckDocumentError { CheckDocumentError(path: path, problem: problem) }

    /// The value as an object whose keys are all among `keys`: an unknown key is a typo that would otherwise
    /// silently leave a fact "not known".
    func object(keys: [String]) throws(CheckDocumentError) -> DocumentObject {
        guard let fields = value as? [String: Any] else { throw failure("expected an object, got \(kind)") }
        let object = DocumentObject(fields: fields, path: path)
        if let unknown = fields.keys.filter({ !keys.contains($0) }).min() {
            throw CheckDocumentError(
                path: object.path(of: unknown), problem: "unknown key; expected one of \(keys.joined(separator: ", "))")
        }
        return object
    }

    func array() throws(CheckDocumentError) -> [DocumentNode] {
        guard let items = value as? [Any] else { throw failure("expected an array, got \(kind)") }
        return items.enumerated().map { index, item in DocumentNode(value: item, path: "\(path)[\(index)]") }
    }

    /// An array whose every element is read by `element`.
    func list<Element>(
        _ element: (DocumentNode) throws(CheckDocumentError) -> Element
    ) throws(CheckDocumentError) -> [Element] {
        var result: [Element] = []
        for item in try array() { result.append(try element(item)) }
        return result
    }

    func string() throws(CheckDocumentError) -> String {
        guard let text = value as? String else { throw failure("expected a string, got \(kind)") }
        return text
    }

    func strings() throws(CheckDocumentError) -> [String] {
        try list { item throws(CheckDocumentError) in try item.string() }
    }

    func bool() throws(CheckDocumentError) -> Bool {
        guard let number = value as? NSNumber, Self.isBoolean(number) else {
            throw failure("expected true or false, got \(kind)")
        }
        return number.boolValue
    }

    /// A whole number; `12.0` is accepted, `12.5` and `"12"` are not.
    func int() throws(CheckDocumentError) -> Int {
        guard let number = value as? NSNumber, !Self.isBoolean(number) else {
            throw failure("expected an integer, got \(kind)")
        }
        let double = number.doubleValue
        guard double.rounded() == double, abs(double) <= 9_007_199_254_740_992 else {
            throw failure("expected an integer, got \(number)")
        }
        return number.intValue
    }

    /// A word of a closed vocabulary; the complaint lists the words that would have been accepted.
    func word<Word: RawRepresentable & CaseIterable>() throws(CheckDocumentError) -> Word
    where Word.RawValue == String {
        let text = try string()
        guard let word = Word(rawValue: text) else {
            throw failure("\"\(text)\" is not one of \(Word.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return word
    }

    func words<Word: RawRepresentable & CaseIterable>() throws(CheckDocumentError) -> [Word]
    where Word.RawValue == String {
        try list { item throws(CheckDocumentError) in try item.word() }
    }

    /// An ISO 8601 timestamp carrying its offset: a time without one names no instant.
    func instant() throws(CheckDocumentError) -> Instant {
        try timestamp().instant
    }

    /// `YYYY-MM-DD`.
    func date() throws(CheckDocumentError) -> LocalDate {
        let text = try string()
        guard let date = LocalDate(iso: text) else { throw failure("\"\(text)\" is not a date (YYYY-MM-DD)") }
        return date
    }

    /// A calendar day written either as a date or as a timestamp, whose day as written is taken: a notice's
    /// "provided at" is recorded both ways and only its day matters.
    func day() throws(CheckDocumentError) -> LocalDate {
        let text = try string()
        if let date = LocalDate(iso: text) { return date }
        guard let timestamp = ISOTimestamp(text) else {
            throw failure("\"\(text)\" is neither a date (YYYY-MM-DD) nor an ISO 8601 timestamp with offset")
        }
        return timestamp.day
    }

    /// `["HH:MM", "HH:MM"]`, start and end of a daily window (which wraps past midnight when it ends earlier).
    func window() throws(CheckDocumentError) -> LocalWindow {
        let bounds = try array()
        guard bounds.count == 2 else {
            throw failure("expected [\"HH:MM\", \"HH:MM\"], got \(bounds.count) value\(bounds.count == 1 ? "" : "s")")
        }
        let start = try bounds[0].timeOfDay(), end = try bounds[1].timeOfDay()
        guard start != end else { throw failure("the window starts and ends at \(start)") }
        return LocalWindow(start: start, end: end)
    }

    func timeOfDay() throws(CheckDocumentError) -> TimeOfDay {
        let text = try string()
        guard let time = TimeOfDay(text) else { throw failure("\"\(text)\" is not a time of day (HH:MM)") }
        return time
    }

    /// An IANA zone the system knows: an unknown one would make every local-time rule guess.
    func zone() throws(CheckDocumentError) -> String {
        let text = try string()
        guard ZoneClock.named(text) != nil else { throw failure("\"\(text)\" is not a known IANA time zone") }
        return text
    }

    func state() throws(CheckDocumentError) -> USState {
        let text = try string()
        guard let state = USState(code: text) else { throw failure("\"\(text)\" is not a US state code") }
        return state
    }

    /// The debts a notice covers: `"all"` or an array of debt ids. Both `"all"` and an empty array mean every
    /// debt, written as an empty list.
    func debtScope() throws(CheckDocumentError) -> [String] {
        if let text = value as? String {
            guard text == "all" else { throw failure("expected \"all\" or an array of debt ids, got \"\(text)\"") }
            return []
        }
        guard value is [Any] else { throw failure("expected \"all\" or an array of debt ids, got \(kind)") }
        return try strings()
    }

    private func timestamp() throws(CheckDocumentError) -> ISOTimestamp {
        let text = try string()
        guard let timestamp = ISOTimestamp(text) else {
            throw failure("\"\(text)\" is not an ISO 8601 timestamp with offset (e.g. 2025-10-15T07:59:00-04:00)")
        }
        return timestamp
    }

    /// JSON's name for the kind of value, for complaints.
    private var kind: String {
        switch value {
        case is NSNull: "null"
        case let number as NSNumber: Self.isBoolean(number) ? "\(number.boolValue)" : "the number \(number)"
        case let text as String: "the string \"\(text)\""
        case is [Any]: "an array"
        case is [String: Any]: "an object"
        default: "an unsupported value"
        }
    }

    /// `JSONSerialization` gives booleans and numbers alike as `NSNumber`; a boolean is the one whose C type is
    /// `char` (on Linux and on Darwin, where it is a `CFBoolean`). JSON numbers never are.
    private static func isBoolean(_ number: NSNumber) -> Bool { String(cString: number.objCType) == "c" }
}

/// A JSON object of the document, its keys already checked against the document's vocabulary.
struct DocumentObject {
    let fields: [String: Any]
    let path: String

    func path(of key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The value at `key`, or nil when the key is absent or null: both mean "not known".
    func optional(_ key: String) -> DocumentNode? {
        guard let value = fields[key], !(value is NSNull) else { return nil }
        return DocumentNode(value: value, path: path(of: key))
    }

    /// The value at `key`, which the domain cannot do without (a contact without a time, a person without a role).
    func required(_ key: String) throws(CheckDocumentError) -> DocumentNode {
        guard let node = optional(key) else { throw CheckDocumentError(path: path(of: key), problem: "is required") }
        return node
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, parsed by hand so that reading a document depends on no locale
/// and no formatter configuration. Fractions of a second are dropped: every instant the rules speak of is whole
/// seconds.
struct ISOTimestamp: Equatable {
    /// The calendar day as written, in the timestamp's own offset.
    let day: LocalDate
    let secondOfDay: Int
    /// Seconds east of UTC.
    let offset: Int

    var instant: Instant {
        Instant(secondsSince1970: Int64(day.dayNumber) * 86_400 + Int64(secondOfDay - offset))
    }

    init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
              bytes[16] == UInt8(ascii: ":"),
              let day = LocalDate(iso: String(decoding: bytes[0..<10], as: UTF8.self)),
              let hour = Self.number(bytes[11..<13]), let minute = Self.number(bytes[14..<16]),
              let second = Self.number(bytes[17..<19]), hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        if bytes[index] == UInt8(ascii: ".") {
            let digits = bytes[(index + 1)...].prefix { (48...57).contains($0) }
            guard !digits.isEmpty else { return nil }
            index += 1 + digits.count
        }
        guard let offset = Self.offset(bytes[index...]) else { return nil }
        self.day = day
        secondOfDay = hour * 3600 + minute * 60 + second
        self.offset = offset
    }

    /// `Z` or `±HH:MM`.
    private static func offset(_ bytes: ArraySlice<UInt8>) -> Int? {
        if bytes.elementsEqual([UInt8(ascii: "Z")]) { return 0 }
        let start = bytes.startIndex
        guard bytes.count == 6, bytes[start + 3] == UInt8(ascii: ":"),
              let hours = number(bytes[(start + 1)..<(start + 3)]), let minutes = number(bytes[(start + 4)...]),
              hours < 24, minutes < 60
        else { return nil }
        switch bytes[start] {
        case UInt8(ascii: "+"): return hours * 3600 + minutes * 60
        case UInt8(ascii: "-"): return -(hours * 3600 + minutes * 60)
        default: return nil
        }
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in digits {
            guard (48...57).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }
}
