import Foundation

/// Unicode to WinAnsiEncoding (Windows code page 1252), the byte encoding of the PDF's standard fonts.
///
/// The standard 14 fonts need no embedding, which keeps the writer small and the files tiny, but they reach only
/// the 218 characters of this encoding. That covers English and Spanish (á é í ó ú ñ ü ¿ ¡ — “ ” ’ •); anything
/// else becomes `?`, and `Letter.unsupportedPDFCharacters()` lets callers refuse such letters.
enum WinAnsi {
    /// The byte printed for a character the encoding lacks: a visible `?`, never a silent omission.
    static let replacement = UInt8(ascii: "?")

    /// The 27 code points that code page 1252 places at 0x80…0x9F; the rest of the encoding is Latin-1.
    private static let windowsRange: [Unicode.Scalar: UInt8] = [
        "\u{20AC}": 0x80, "\u{201A}": 0x82, "\u{0192}": 0x83, "\u{201E}": 0x84, "\u{2026}": 0x85, "\u{2020}": 0x86,
        "\u{2021}": 0x87, "\u{02C6}": 0x88, "\u{2030}": 0x89, "\u{0160}": 0x8A, "\u{2039}": 0x8B, "\u{0152}": 0x8C,
        "\u{017D}": 0x8E, "\u{2018}": 0x91, "\u{2019}": 0x92, "\u{201C}": 0x93, "\u{201D}": 0x94, "\u{2022}": 0x95,
        "\u{2013}": 0x96, "\u{2014}": 0x97, "\u{02DC}": 0x98, "\u{2122}": 0x99, "\u{0161}": 0x9A, "\u{203A}": 0x9B,
        "\u{0153}": 0x9C, "\u{017E}": 0x9E, "\u{0178}": 0x9F,
    ]

    /// Encodes one line of text; a tab becomes a space and every character outside the encoding becomes `?`.
    ///
    /// The text is first composed (NFC) so that "e" followed by a combining acute prints as "é".
    static func encode(_ text: some StringProtocol) -> [UInt8] {
        String(text).precomposedStringWithCanonicalMapping.map { byte(for: $0) ?? replacement }
    }

    /// The characters of `text` that `encode` would replace, line breaks aside, each as often as it occurs.
    static func unsupportedCharacters(in text: String) -> [Character] {
        text.precomposedStringWithCanonicalMapping.filter { !$0.isNewline && byte(for: $0) == nil }.map { $0 }
    }

    /// The byte for one composed character, or nil when the encoding has none (or needs several code points).
    private static func byte(for character: Character) -> UInt8? {
        let scalars = character.unicodeScalars
        guard scalars.count == 1, let scalar = scalars.first else { return nil }
        switch scalar.value {
        case 0x09: return UInt8(ascii: " ")
        case 0x20...0x7E, 0xA0...0xFF: return UInt8(scalar.value)
        default: return windowsRange[scalar]
        }
    }
}
