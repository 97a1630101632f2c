/// The PDF lexical forms the writer needs beyond numbers (`DecimalText`): literal and Unicode text strings.
///
/// Both keep the whole file 7-bit ASCII, which keeps it readable in a text editor and in diffs.
enum PDFSyntax {
    /// A literal string `( … )` of encoded bytes: `(`, `)` and `\` are escaped with a backslash, and bytes outside
    /// printable ASCII are written as three-digit octal escapes.
    static func literalString(_ bytes: [UInt8]) -> String {
        var result = "("
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"):
                result += "\\" + String(UnicodeScalar(byte))
            case 0x20...0x7E:
                result.unicodeScalars.append(UnicodeScalar(byte))
            default:
                let octal = String(byte, radix: 8)
                result += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
            }
        }
        return result + ")"
    }

    /// A text string for document metadata (/Title): UTF-16BE with a byte-order mark, in hex, so any Unicode
    /// title survives whatever the page fonts can show.
    static func textString(_ text: String) -> String {
        let hex = text.utf16.map { unit in
            let digits = String(unit, radix: 16, uppercase: true)
            return String(repeating: "0", count: 4 - digits.count) + digits
        }
        return "<FEFF" + hex.joined() + ">"
    }
}
