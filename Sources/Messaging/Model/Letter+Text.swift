extension Letter {
    /// Every character of the letter's printed text that the PDF's WinAnsi-encoded standard fonts cannot show,
    /// each once, in order of first appearance.
    ///
    /// The PDF prints `?` for each of them, which is never acceptable in a notice with legal weight. Callers that
    /// mail letters check that this is empty and refuse (or fix the template) otherwise. HTML shows them all.
    public func unsupportedPDFCharacters() -> [Character] {
        var seen = Set<Character>()
        var result: [Character] = []
        for text in pdfText() {
            for character in WinAnsi.unsupportedCharacters(in: text) where seen.insert(character).inserted {
                result.append(character)
            }
        }
        return result
    }

    /// The strings the PDF prints, in document order, footer words included.
    private func pdfText() -> [String] {
        blocks.flatMap(\.printedText) + [pageNumbering.page, pageNumbering.of]
    }
}

extension Block {
    /// The strings this block prints, nested blocks included.
    var printedText: [String] {
        switch self {
        case let .heading(text, _), let .paragraph(text, _, _), let .detach(text), let .checkbox(text):
            [text]
        case let .table(rows):
            rows.flatMap { [$0.label, $0.value] }
        case let .box(title, blocks):
            (title.map { [$0] } ?? []) + blocks.flatMap(\.printedText)
        case let .envelope(returnAddress, recipient):
            returnAddress + recipient
        case .rule, .spacer, .pageBreak:
            []
        }
    }
}
