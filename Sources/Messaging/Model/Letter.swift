/// A collection letter as a renderer-neutral document: page geometry plus a flow of blocks.
///
/// Letters are described once and rendered twice, as a print-ready PDF for the mail vendor and as HTML for e-mail
/// and the consumer portal, so the two copies say the same thing. The model holds text, not layout: the PDF renderer
/// wraps lines and breaks pages itself, and the HTML renderer leaves that to the browser.
public struct Letter: Sendable, Equatable {
    /// The document title: the PDF's /Info Title and the HTML `<title>`. Not printed on the page.
    public var title: String
    public var pageSize: PageSize
    public var margins: Margins
    /// How the footer numbers pages, so a Spanish letter says "Página 1 de 2".
    public var pageNumbering: PageNumbering
    public var blocks: [Block]

    public init(
        title: String,
        pageSize: PageSize = .usLetter,
        margins: Margins = .standard,
        pageNumbering: PageNumbering = .english,
        blocks: [Block]
    ) {
        self.title = title
        self.pageSize = pageSize
        self.margins = margins
        self.pageNumbering = pageNumbering
        self.blocks = blocks
    }
}

/// A page's size in PostScript points (1/72 inch), the unit of both PDF and CSS `pt`.
public struct PageSize: Sendable, Equatable {
    public var width: Double
    public var height: Double

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// 8.5 × 11 inches: what US mail vendors print and what Regulation F notices are mailed on.
    public static let usLetter = PageSize(width: 612, height: 792)
}

/// Space between the page edge and the text, in points. The page footer sits inside the bottom margin.
public struct Margins: Sendable, Equatable {
    public var top: Double
    public var left: Double
    public var bottom: Double
    public var right: Double

    public init(top: Double, left: Double, bottom: Double, right: Double) {
        self.top = top
        self.left = left
        self.bottom = bottom
        self.right = right
    }

    /// Three quarters of an inch on every side: inside every printer's unprintable edge, with room for the footer.
    public static let standard = Margins(top: 54, left: 54, bottom: 54, right: 54)
}

/// The words of the "Page n of m" footer, so each language numbers pages in its own words.
public struct PageNumbering: Sendable, Equatable {
    /// The word before the page number: "Page".
    public var page: String
    /// The word between the page number and the page count: "of".
    public var of: String

    public init(page: String, of: String) {
        self.page = page
        self.of = of
    }

    public static let english = PageNumbering(page: "Page", of: "of")
    public static let spanish = PageNumbering(page: "Página", of: "de")

    /// The footer text of one page, e.g. "Page 2 of 3".
    public func label(page number: Int, of count: Int) -> String {
        "\(page) \(number) \(of) \(count)"
    }
}
