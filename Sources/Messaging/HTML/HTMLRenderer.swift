/// Renders a letter as a standalone HTML5 page, for e-mail, the consumer portal and printing from a browser.
///
/// The page needs nothing external (styles inline, no scripts, no web fonts), so it reads the same when saved or
/// forwarded. It uses semantic, accessible markup: a `lang` for screen-reader pronunciation, real headings, tables
/// with row headers, and the checkbox as the character ☐ so it reads and prints everywhere.
public enum HTMLRenderer {
    /// The complete document. `language` is a BCP 47 tag such as `en` or `es-US`, written to `<html lang>`.
    public static func render(_ letter: Letter, language: String) -> String {
        let body = letter.blocks.map(html(for:)).joined()
        return """
            <!DOCTYPE html>
            <html lang="\(HTMLEscaping.text(language))">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLEscaping.text(letter.title))</title>
            <style>
            \(HTMLStyle.css(for: letter))
            </style>
            </head>
            <body>
            <main>
            \(body)</main>
            </body>
            </html>

            """
    }

    /// One block's markup, ending in a newline.
    private static func html(for block: Block) -> String {
        switch block {
        case let .heading(text, level):
            return "<h\(level.rawValue)>\(HTMLEscaping.lines(text))</h\(level.rawValue)>\n"
        case let .paragraph(text, bold, size):
            let size = Typography.clamped(size: size)
            let style = size == Typography.bodySize ? "" : " style=\"font-size: \(DecimalText.twoPlaces(size))pt\""
            let content = HTMLEscaping.lines(text)
            return "<p\(style)>\(bold ? "<strong>\(content)</strong>" : content)</p>\n"
        case let .table(rows):
            return "<table class=\"items\">\n<tbody>\n" + rows.map(html(for:)).joined() + "</tbody>\n</table>\n"
        case let .box(title, blocks):
            let inner = blocks.map(html(for:)).joined()
            guard let title else { return "<div class=\"box\">\n\(inner)</div>\n" }
            return "<section class=\"box\" aria-label=\"\(HTMLEscaping.text(title))\">\n"
                + "<p class=\"box-title\">\(HTMLEscaping.lines(title))</p>\n\(inner)</section>\n"
        case .rule:
            return "<hr>\n"
        case let .detach(label):
            return "<div class=\"detach\"><span>\(HTMLEscaping.text(label))</span></div>\n"
        case let .checkbox(text):
            return "<p class=\"checkbox\">☐ \(HTMLEscaping.lines(text))</p>\n"
        case let .spacer(points):
            let height = DecimalText.twoPlaces(points.isFinite ? max(points, 0) : 0)
            return "<div class=\"spacer\" style=\"height: \(height)pt\" aria-hidden=\"true\"></div>\n"
        case .pageBreak:
            return "<div class=\"page-break\" aria-hidden=\"true\"></div>\n"
        case let .envelope(returnAddress, recipient):
            return "<div class=\"envelope\">\n<p class=\"return-address\">\(HTMLEscaping.lines(returnAddress.joined(separator: "\n")))</p>\n"
                + "<p class=\"recipient\">\(HTMLEscaping.lines(recipient.joined(separator: "\n")))</p>\n</div>\n"
        }
    }

    /// A table row with its label as the row header, so screen readers announce which amount is which.
    private static func html(for row: TableRow) -> String {
        let cells = "<th scope=\"row\">\(HTMLEscaping.lines(row.label))</th><td>\(HTMLEscaping.lines(row.value))</td>"
        return row.isEmphasized ? "<tr class=\"total\">\(cells)</tr>\n" : "<tr>\(cells)</tr>\n"
    }
}
