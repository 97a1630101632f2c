import Foundation
@testable import Messaging
import Testing

struct PDFTextEncodingTests {
    @Test func spanishTextRoundTripsThroughTheContentStream() {
        let letter = SampleLetters.spanish
        let pages = PDFInspection(PDFRenderer.render(letter)).pageContents
        let printed = pages.flatMap(PDFInspection.textRuns(in:)).map(\.string).joined(separator: " ")
        for word in ["información", "¿Cómo", "¡Importante!", "Averigüe", "(‘urgente’).", "“Oficina”", "—", "•", "Ñandú,",
                     "acción,", "pingüino,", "vergüenza.", "Página 1 de 2", "Página 2 de 2"] {
            #expect(printed.contains(word), "\(word)")
        }
        #expect(letter.unsupportedPDFCharacters().isEmpty)
    }

    @Test func encodesWindowsCodePage1252() {
        #expect(WinAnsi.encode("¿Sí? ¡Ñu! ü") == [0xBF, 0x53, 0xED, 0x3F, 0x20, 0xA1, 0xD1, 0x75, 0x21, 0x20, 0xFC])
        #expect(WinAnsi.encode("—“”’•€") == [0x97, 0x93, 0x94, 0x92, 0x95, 0x80])
        #expect(WinAnsi.encode("e\u{301}") == [0xE9])  // decomposed é is composed first
        #expect(WinAnsi.encode("a\tb") == [0x61, 0x20, 0x62])
    }

    @Test func reportsAndReplacesCharactersOutsideWinAnsi() {
        let letter = Letter(title: "t", blocks: [
            .paragraph("Deuda ☐ 日本 ✓ ☐"), .table([TableRow("Ω", "ok")]), .box(blocks: [.checkbox("🙂")]),
        ])
        #expect(letter.unsupportedPDFCharacters() == ["☐", "日", "本", "✓", "Ω", "🙂"])
        let content = PDFInspection(PDFRenderer.render(letter)).pageContents[0]
        #expect(content.contains("(Deuda ? ?? ? ?) Tj"))
        #expect(content.contains("(?) Tj"))
    }

    @Test func escapesParenthesesAndBackslashes() {
        let letter = Letter(title: "t", blocks: [.paragraph(#"Pay (now) \ later ñ"#)])
        let content = PDFInspection(PDFRenderer.render(letter)).pageContents[0]
        #expect(content.contains(#"(Pay \(now\) \\ later \361) Tj"#))
        #expect(PDFInspection.textRuns(in: content).first?.string == #"Pay (now) \ later ñ"#)
    }

    @Test func titlesAreUnicodeTextStrings() {
        #expect(PDFSyntax.textString("Aviso ✓") == "<FEFF0041007600690073006F00202713>")
    }

    @Test(arguments: [(12.0, "12"), (8.5, "8.5"), (0.75, "0.75"), (-3.05, "-3.05"), (0.001, "0"), (.nan, "0"),
                      (703.955, "703.96"), (1e12, "1000000000")])
    func numbersAreShortAndLocaleFree(_ value: Double, _ expected: String) {
        #expect(DecimalText.twoPlaces(value) == expected)
    }
}
