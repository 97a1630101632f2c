import Foundation

/// Reads back the parts of a rendered PDF that tests check, independently of the writer's own code.
struct PDFInspection {
    let text: String
    let bytes: [UInt8]

    init(_ data: Data) {
        bytes = [UInt8](data)
        text = String(decoding: data, as: UTF8.self)
    }

    /// The number after `startxref`.
    var startXref: Int? {
        guard let range = text.range(of: "startxref\n", options: .backwards) else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }

    /// The cross-reference entries, 20 bytes each, after the `xref` and `0 n` lines at `startXref`.
    var xrefEntries: [String] {
        guard let start = startXref, start < bytes.count else { return [] }
        let lines = String(decoding: bytes[start...], as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > 2, lines[0] == "xref" else { return [] }
        let header = lines[1].split(separator: " ")
        guard header.count == 2, let count = Int(header[1]), lines.count > count + 2 else { return [] }
        return lines[2..<(2 + count)].map { String($0) + "\n" }
    }

    /// Each stream's declared /Length and actual bytes, in file order.
    var streams: [(declaredLength: Int, content: [UInt8])] {
        var result: [(Int, [UInt8])] = []
        var searchStart = text.startIndex
        while let lengthRange = text.range(of: "/Length ", range: searchStart..<text.endIndex),
              let streamRange = text.range(of: ">>\nstream\n", range: lengthRange.upperBound..<text.endIndex),
              let endRange = text.range(of: "\nendstream", range: streamRange.upperBound..<text.endIndex) {
            let length = Int(text[lengthRange.upperBound...].prefix { $0.isNumber }) ?? -1
            let content = Array(text[streamRange.upperBound..<endRange.lowerBound].utf8)
            result.append((length, content))
            searchStart = endRange.upperBound
        }
        return result
    }

    /// The page content streams as text, one per page in page order (this writer emits them in that order).
    var pageContents: [String] {
        streams.map { String(decoding: $0.content, as: UTF8.self) }
    }

    /// The text-showing operations of one content stream, with strings decoded from WinAnsi.
    static func textRuns(in content: String) -> [TextRun] {
        content.split(separator: "\n").compactMap { TextRun(line: String($0)) }
    }
}

/// One `BT /F1 10 Tf x y Td (…) Tj ET` line of a content stream.
struct TextRun {
    let fontResource: String
    let size: Double
    let x: Double
    let y: Double
    /// The raw WinAnsi bytes, escapes resolved.
    let bytes: [UInt8]

    var string: String { CP1252.decode(bytes) }

    init?(line: String) {
        guard line.hasPrefix("BT /"), line.hasSuffix(") Tj ET"), let open = line.firstIndex(of: "(") else { return nil }
        let operands = line[..<open].split(separator: " ")
        guard operands.count == 7, operands[3] == "Tf", operands[6] == "Td",
              let size = Double(operands[2]), let x = Double(operands[4]), let y = Double(operands[5])
        else { return nil }
        fontResource = String(operands[1].dropFirst())
        self.size = size
        self.x = x
        self.y = y
        let literal = Array(line[line.index(after: open)..<line.index(line.endIndex, offsetBy: -7)].utf8)
        var bytes: [UInt8] = []
        var index = 0
        while index < literal.count {
            if literal[index] == UInt8(ascii: "\\"), index + 1 < literal.count {
                let next = literal[index + 1]
                if (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(next), index + 3 < literal.count {
                    let digits = literal[(index + 1)...(index + 3)].map { Int($0) - 48 }
                    bytes.append(UInt8(digits[0] * 64 + digits[1] * 8 + digits[2]))
                    index += 4
                } else {
                    bytes.append(next)
                    index += 2
                }
            } else {
                bytes.append(literal[index])
                index += 1
            }
        }
        self.bytes = bytes
    }
}

/// Windows code page 1252, written out independently of the module's encoder so that each checks the other.
enum CP1252 {
    private static let high: [UInt8: Unicode.Scalar] = [
        0x80: "€", 0x82: "‚", 0x83: "ƒ", 0x84: "„", 0x85: "…", 0x86: "†", 0x87: "‡", 0x88: "ˆ", 0x89: "‰",
        0x8A: "Š", 0x8B: "‹", 0x8C: "Œ", 0x8E: "Ž", 0x91: "‘", 0x92: "’", 0x93: "“", 0x94: "”", 0x95: "•",
        0x96: "–", 0x97: "—", 0x98: "˜", 0x99: "™", 0x9A: "š", 0x9B: "›", 0x9C: "œ", 0x9E: "ž", 0x9F: "Ÿ",
    ]

    static func decode(_ bytes: [UInt8]) -> String {
        String(String.UnicodeScalarView(bytes.map { high[$0] ?? Unicode.Scalar($0) }))
    }
}
