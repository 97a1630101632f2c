import Foundation

/// The number a consumer types on a phone keypad, or reads off a letter, to name their account: ten digits, nine
/// hashed from the account's id and a Luhn check digit, so a mistyped digit is caught before any lookup. Derived, so
/// every account has one from the moment it exists; not unique across a large portfolio (nine digits), which is
/// why a reference alone never identifies a caller: the IVR always asks for the ZIP code or date of birth too.
public enum ReferenceCode {
    public static let length = 10

    public static func of(_ account: AccountID) -> String {
        // FNV-1a over all sixteen bytes: time-ordered ids share their leading bytes, so every byte must count.
        let value = withUnsafeBytes(of: account.uuid.uuid) { bytes in
            bytes.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
        }
        var body = String(value % 1_000_000_000)
        body = String(repeating: "0", count: 9 - body.count) + body
        return body + String(checkDigit(body))
    }

    /// Whether `digits` is a well-formed reference (ten digits, check digit right).
    public static func isWellFormed(_ digits: String) -> Bool {
        guard digits.count == length, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return false }
        return checkDigit(String(digits.prefix(9))) == Int(String(digits.last!))
    }

    /// The Luhn check digit of a string of digits.
    static func checkDigit(_ digits: String) -> Int {
        var sum = 0
        for (index, character) in digits.reversed().enumerated() {
            var digit = Int(String(character)) ?? 0
            if index % 2 == 0 {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
        }
        return (10 - sum % 10) % 10
    }
}

extension Account {
    /// The reference the consumer quotes: on letters, in the IVR.
    public var referenceCode: String { ReferenceCode.of(id) }
}
