/// Stacks layout rows onto pages: breaks where a row would cross the bottom margin, keeps headings with what
/// follows, moves a box or a tear-off part that would be split to a fresh page when it fits there whole, and
/// draws a box that does span pages as one closed frame per page.
struct Paginator {
    /// The top and bottom of the text column, in points from the top edge of the page.
    private let columnTop: Double
    private let columnBottom: Double
    private var pages: [[DrawOp]] = []
    private var page: [DrawOp] = []
    private var cursor: Double
    /// False until something is drawn on the current page, so that gaps at a page top are dropped.
    private var pageHasContent = false
    /// The boxes that contain the cursor, outermost first, with where each one's frame starts on this page.
    private var openBoxes: [(frame: BoxFrame, top: Double)] = []

    /// The drawing instructions of each page; at least one page, even for an empty letter.
    static func pages(for rows: [LayoutRow], columnTop: Double, columnBottom: Double) -> [[DrawOp]] {
        var paginator = Paginator(columnTop: columnTop, columnBottom: columnBottom)
        for index in rows.indices {
            paginator.place(
                rows[index], leading: leadHeight(after: index, in: rows), group: groupHeight(from: index, in: rows))
        }
        return paginator.finish()
    }

    private init(columnTop: Double, columnBottom: Double) {
        self.columnTop = columnTop
        self.columnBottom = columnBottom
        self.cursor = columnTop
    }

    /// How far down content may go: the column's bottom less the bottom padding of every open box.
    private var limit: Double {
        columnBottom - openBoxes.reduce(0) { $0 + $1.frame.padding }
    }

    /// The room on a fresh page for rows at the current box depth: the column less every open box's padding.
    private var freshPageRoom: Double {
        limit - columnTop - openBoxes.reduce(0) { $0 + $1.frame.padding }
    }

    /// `leading` is the height of what must follow the row on the same page; `group` that of the box or tear-off
    /// part the row opens, which moves to a fresh page whole rather than be split, when it fits there.
    private mutating func place(_ row: LayoutRow, leading: Double, group: Double) {
        let splitsGroupThatFitsWhole = pageHasContent && cursor + group > limit && group <= freshPageRoom
        switch row.kind {
        case .pageBreak:
            startNewPage()
        case .gap:
            guard pageHasContent else { return }
            if cursor + row.height > limit { startNewPage() } else { cursor += row.height }
        case let .content(ops):
            let needed = row.height + (row.keepsWithNext ? leading : 0)
            if splitsGroupThatFitsWhole || pageHasContent && cursor + needed > limit { startNewPage() }
            page += ops.map { $0.movedDown(by: cursor) }
            cursor += row.height
            pageHasContent = true
        case let .boxStart(frame):
            if splitsGroupThatFitsWhole || pageHasContent && cursor + row.height + leading > limit { startNewPage() }
            openBoxes.append((frame, cursor))
            cursor += row.height
            pageHasContent = true
        case .boxEnd:
            guard let box = openBoxes.popLast() else { return }
            cursor += row.height
            page.append(frame(box.frame, top: box.top, bottom: cursor))
        }
    }

    /// Closes the open boxes' frames at the bottom of this page and reopens them at the top of the next.
    private mutating func startNewPage() {
        var bottom = cursor
        for box in openBoxes.reversed() {
            bottom += box.frame.padding
            page.append(frame(box.frame, top: box.top, bottom: bottom))
        }
        pages.append(page)
        page = []
        cursor = columnTop
        pageHasContent = false
        for index in openBoxes.indices {
            openBoxes[index].top = cursor
            cursor += openBoxes[index].frame.padding
        }
    }

    /// The pages, without a trailing page that an explicit break at the very end left empty.
    private consuming func finish() -> [[DrawOp]] {
        if pageHasContent || pages.isEmpty { pages.append(page) }
        return pages
    }

    private func frame(_ frame: BoxFrame, top: Double, bottom: Double) -> DrawOp {
        .rectangle(x: frame.x, y: top, width: frame.width, height: bottom - top, lineWidth: frame.lineWidth)
    }

    /// The height from the end of row `index` to the end of the next content row, gaps and box tops included.
    private static func leadHeight(after index: Int, in rows: [LayoutRow]) -> Double {
        var height = 0.0
        for row in rows[(index + 1)...] {
            switch row.kind {
            case .content: return height + row.height
            case .gap, .boxStart, .boxEnd: height += row.height
            case .pageBreak: return height
            }
        }
        return height
    }

    /// The height of the group row `index` opens, through its last content: a whole box for a box start, the rows
    /// up to the next page break for the start of a tear-off part, and 0 for any other row.
    private static func groupHeight(from index: Int, in rows: [LayoutRow]) -> Double {
        let isBox = if case .boxStart = rows[index].kind { true } else { false }
        guard isBox || rows[index].startsTearOff else { return 0 }
        var depth = 0
        var height = 0.0
        var heightThroughContent = 0.0
        for row in rows[index...] {
            height += row.height
            switch row.kind {
            case .boxStart: depth += 1
            case .boxEnd:
                depth -= 1
                heightThroughContent = height
                if isBox, depth == 0 { return height }
            case .content: heightThroughContent = height
            case .gap: break
            case .pageBreak: return heightThroughContent
            }
        }
        return heightThroughContent
    }
}
