/// One piece of a letter's flow, from top to bottom.
///
/// The cases are the handful of shapes collection notices are made of (the CFPB's model validation notice uses
/// exactly these), so templates stay declarative and both renderers can give each one its proper form.
public indirect enum Block: Sendable, Equatable {
    /// A heading; the level says how prominent it is and becomes `<h1>`…`<h3>` in HTML.
    case heading(String, level: HeadingLevel = .title)
    /// Running text. `size` is the font size in points (PDF `pt` and CSS `pt`); line breaks in the text are kept.
    case paragraph(String, bold: Bool = false, size: Double = 10)
    /// Label–value rows with the values right-aligned, such as the itemization of a debt.
    case table([TableRow])
    /// Blocks inside a ruled box with an optional bold title, such as "How can you dispute the debt?".
    case box(title: String? = nil, blocks: [Block])
    /// A thin horizontal rule across the text width.
    case rule
    /// A dashed cut line with a centred label, above a tear-off reply form ("Detach and return this part").
    case detach(label: String)
    /// A line with an empty box to tick on paper, such as "☐ This is not my debt."; the text excludes the box.
    case checkbox(String)
    /// Vertical space in points. Like every gap, it is dropped at the top of a page.
    case spacer(Double)
    /// Starts a new page in the PDF and in print.
    case pageBreak
    /// The return address and the recipient's address, each in its window of a #10 double-window envelope
    /// (``EnvelopeWindows``), one line per element; the letter's first block. Lines that do not fit their window
    /// are left out rather than shown outside it.
    case envelope(returnAddress: [String], recipient: [String])
}

/// How prominent a heading is.
public enum HeadingLevel: Int, Sendable, Equatable, CaseIterable {
    /// The letter's title: `<h1>`, 16 pt bold in the PDF.
    case title = 1
    /// A section: `<h2>`, 13 pt bold.
    case section = 2
    /// A subsection: `<h3>`, 11 pt bold.
    case subsection = 3
}

/// One row of a label–value table.
public struct TableRow: Sendable, Equatable {
    public var label: String
    /// Printed right-aligned so that amounts line up on their last digit.
    public var value: String
    /// A total: bold, with a hairline above it, as on the CFPB model notice's "Total amount of the debt now".
    public var isEmphasized: Bool

    public init(_ label: String, _ value: String, emphasized: Bool = false) {
        self.label = label
        self.value = value
        self.isEmphasized = emphasized
    }
}
