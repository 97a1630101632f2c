/// Composes a letter's finished pages: the text column from page size and margins, the paginated blocks, and the
/// "Page n of m" footer centred in the bottom margin.
enum PageComposer {
    static func pages(for letter: Letter) -> [[DrawOp]] {
        let margins = letter.margins
        let page = letter.pageSize
        let rows = LetterLayout.rows(
            for: letter.blocks, x: margins.left, width: page.width - margins.left - margins.right, columnTop: margins.top)
        let pages = Paginator.pages(for: rows, columnTop: margins.top, columnBottom: page.height - margins.bottom)
        return pages.enumerated().map { index, ops in
            ops + [footer(letter, page: index + 1, of: pages.count)]
        }
    }

    /// The page number, its baseline halfway down the bottom margin.
    private static func footer(_ letter: Letter, page number: Int, of count: Int) -> DrawOp {
        let size = Typography.footerSize
        let text = WinAnsi.encode(letter.pageNumbering.label(page: number, of: count))
        let width = StandardFont.helvetica.width(of: text, size: size)
        return .text(
            text, font: .helvetica, size: size, x: (letter.pageSize.width - width) / 2,
            baseline: letter.pageSize.height - letter.margins.bottom / 2)
    }
}
