/// The unit of pagination: a strip of the text column that is never split across pages.
///
/// Layout turns blocks into rows without knowing where pages end; `Paginator` then stacks rows onto pages. A
/// paragraph is one row per line, so it may continue on the next page; a table row stays whole.
struct LayoutRow {
    enum Kind {
        /// Drawing instructions whose y coordinates are relative to the row's top.
        case content([DrawOp])
        /// Empty space, dropped at the top of a page and where it would not fit.
        case gap
        /// The author's explicit page break.
        case pageBreak
        /// Opens a box; the row's height is the box's top padding. Rows up to the matching `boxEnd` are inside it.
        case boxStart(BoxFrame)
        /// Closes the innermost open box; the row's height is its bottom padding.
        case boxEnd
    }

    var kind: Kind
    var height: Double
    /// Moves this row to the next page rather than leave it last on a page without the row after it (headings).
    var keepsWithNext = false
    /// Starts a tear-off part (a cut line) that must stay on one page with everything up to the next page break,
    /// since a reply form split across two sheets cannot be mailed back.
    var startsTearOff = false
}

/// Where a box's border runs horizontally, and how far its content is inset from the border.
struct BoxFrame: Equatable {
    var x: Double
    var width: Double
    var padding: Double
    var lineWidth: Double
}
