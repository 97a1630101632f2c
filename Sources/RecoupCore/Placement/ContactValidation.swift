/// North American Numbering Plan phone numbers in E.164.
public enum PhoneNumber {
    public enum Problem: Error, Hashable, Sendable, CustomStringConvertible {
        case length(Int), areaCode(String), exchange(String), characters, notNorthAmerican

        public var description: String {
            switch self {
            case let .length(count): "has \(count) digits; a US number has 10 (optionally after +1 or 1)"
            case let .areaCode(code): "area code \(code) does not exist (it cannot start with 0 or 1, or be N11 such as 911)"
            case let .exchange(code): "exchange \(code) is not valid (it cannot start with 0 or 1)"
            case .characters: "contains characters other than digits, spaces, a leading +, -, ., ( and )"
            case .notNorthAmerican: "is not a North American (+1) number"
            }
        }
    }

    /// Accepts `(512) 555-0100`, `512.555.0100`, `+1 512 555 0100`, `1-512-555-0100`, `15125550100`; returns
    /// `+15125550100`. Only structurally invalid numbers are rejected (555 numbers are accepted).
    public static func normalize(_ raw: some StringProtocol) -> Result<String, Problem> {
        var digits: [UInt8] = []
        digits.reserveCapacity(11)
        var plus = false
        for byte in raw.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard digits.count < 16 else { return .failure(.length(digits.count + 1)) }
                digits.append(byte)
            case UInt8(ascii: "+"):
                // Only as the first thing in the number.
                guard digits.isEmpty, !plus else { return .failure(.characters) }
                plus = true
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"):
                continue
            default:
                return .failure(.characters)
            }
        }
        if plus, digits.first != UInt8(ascii: "1") { return .failure(.notNorthAmerican) }
        if plus || digits.count == 11 {
            guard digits.first == UInt8(ascii: "1") else { return .failure(.length(digits.count)) }
            digits.removeFirst()
        }
        guard digits.count == 10 else { return .failure(.length(digits.count)) }
        let one = UInt8(ascii: "1")
        guard digits[0] >= UInt8(ascii: "2"), !(digits[1] == one && digits[2] == one) else {
            return .failure(.areaCode(String(decoding: digits[0..<3], as: UTF8.self)))
        }
        guard digits[3] >= UInt8(ascii: "2") else {
            return .failure(.exchange(String(decoding: digits[3..<6], as: UTF8.self)))
        }
        return .success("+1" + String(decoding: digits, as: UTF8.self))
    }
}

/// Email addresses, checked the pragmatic way: one `@`, a plausible ASCII local part, a dotted domain of letters,
/// digits and hyphens ending in a top-level domain of letters.
public enum EmailAddress {
    /// The address with its domain lower-cased (the local part is kept as written), or nil.
    public static func normalize(_ raw: some StringProtocol) -> String? {
        let bytes = Array(raw.utf8)
        guard bytes.count <= 254, let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return nil }
        let local = bytes[..<at]
        var domain = Array(bytes[(at + 1)...])
        guard !local.isEmpty, local.count <= 64, local.first != UInt8(ascii: "."), local.last != UInt8(ascii: "."),
              !zip(local, local.dropFirst()).contains(where: { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") }),
              local.allSatisfy({ byte in byte > 0x20 && byte < 0x7F && !Self.forbiddenInLocal.contains(byte) })
        else { return nil }
        for index in domain.indices where domain[index] >= UInt8(ascii: "A") && domain[index] <= UInt8(ascii: "Z") {
            domain[index] |= 0x20
        }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2,
              labels.allSatisfy({ label in
                  !label.isEmpty && label.count <= 63 && label.first != UInt8(ascii: "-") && label.last != UInt8(ascii: "-")
                      && label.allSatisfy { byte in
                          (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                              || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                      }
              }),
              let tld = labels.last, tld.count >= 2,
              tld.allSatisfy({ $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") })
        else { return nil }
        return String(decoding: local, as: UTF8.self) + "@" + String(decoding: domain, as: UTF8.self)
    }

    private static let forbiddenInLocal: Set<UInt8> = Set(#"@,<>"();:[]\"#.utf8)
}

/// US ZIP codes.
public enum ZIPCode {
    /// `12345` or `12345-6789`; `123456789` is accepted and written back with the hyphen.
    public static func normalize(_ raw: some StringProtocol) -> String? {
        let bytes = Array(raw.utf8)
        func digits(_ range: Range<Int>) -> Bool {
            bytes[range].allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        }
        switch bytes.count {
        case 5 where digits(0..<5):
            return String(raw)
        case 10 where digits(0..<5) && bytes[5] == UInt8(ascii: "-") && digits(6..<10):
            return String(raw)
        case 9 where digits(0..<9):
            return String(decoding: bytes[0..<5], as: UTF8.self) + "-" + String(decoding: bytes[5..<9], as: UTF8.self)
        default:
            return nil
        }
    }
}

/// ISO 639-1 language codes.
public enum LanguageCode {
    /// The two-letter codes of ISO 639-1.
    public static let all: Set<String> = Set("""
        aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el \
        en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it \
        iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt \
        my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl \
        sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo \
        za zh zu
        """.split(separator: " ").map(String.init))

    /// The code in lower case, or nil when it is not an ISO 639-1 code.
    public static func normalize(_ raw: some StringProtocol) -> String? {
        let lower = raw.lowercased()
        return all.contains(lower) ? lower : nil
    }
}
