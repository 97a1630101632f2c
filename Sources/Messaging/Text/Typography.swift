/// Type sizes and spacing in points, in one place so the letter's look can be tuned without hunting; the PDF
/// layout and the HTML style sheet both read them, so the two copies of a letter look alike.
///
/// Values follow the CFPB model validation notice: 10 pt body text, bold headings, generous boxes.
enum Typography {
    /// Leading as a multiple of the font size.
    static let leading = 1.3
    /// Space after a paragraph.
    static let paragraphSpacing = 6.0
    /// Space after a heading.
    static let headingSpaceAfter = 4.0
    /// Space after a table or a box.
    static let blockSpacing = 8.0

    static let tableSize = 10.0
    static let tableColumnGap = 12.0
    static let tableRowGap = 2.0
    /// Space between a total row's hairline and its text.
    static let totalRuleGap = 3.0
    /// The widest the value column of a table may grow, as a share of the text width.
    static let tableValueShare = 0.5

    static let bodySize = 10.0

    static let boxPadding = 8.0
    static let boxTitleSize = 11.0
    static let boxTitleSpaceAfter = 4.0

    static let ruleSpacing = 6.0
    static let hairline = 0.5
    static let strokeWidth = 0.75

    static let detachLabelSize = 8.0
    static let detachHeight = 24.0
    static let detachLabelGap = 6.0
    /// The shortest dash run beside a cut line's label; longer labels wrap onto further lines.
    static let detachMinimumDash = 36.0

    static let checkboxSize = 10.0
    static let checkboxSide = 8.0
    static let checkboxGap = 6.0
    static let checkboxSpacing = 4.0

    static let footerSize = 8.0

    /// The height of one line of text at `size`.
    static func lineHeight(_ size: Double) -> Double {
        size * leading
    }

    /// Where the baseline sits below the top of a line: Helvetica's ascender-to-descender box (718 + 207
    /// thousandths) centred in the line, so tall capitals and descenders keep equal room.
    static func baseline(_ size: Double) -> Double {
        (lineHeight(size) - 0.925 * size) / 2 + 0.718 * size
    }

    /// A caller's font size made printable: 4…96 pt, the body size when it is not a number.
    static func clamped(size: Double) -> Double {
        size.isFinite ? min(max(size, 4), 96) : bodySize
    }

    static func headingSize(_ level: HeadingLevel) -> Double {
        switch level {
        case .title: 16
        case .section: 13
        case .subsection: 11
        }
    }

    static func headingSpaceBefore(_ level: HeadingLevel) -> Double {
        switch level {
        case .title: 10
        case .section: 8
        case .subsection: 6
        }
    }
}
