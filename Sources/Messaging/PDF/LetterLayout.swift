/// Turns blocks into layout rows for a text column of a given position and width.
///
/// Every line is measured with the real font metrics here, so nothing drawn later can cross the column's edge.
enum LetterLayout {
    /// `columnTop`: where the column starts on the page, for the blocks placed at fixed spots on it (the envelope's).
    static func rows(for blocks: [Block], x: Double, width: Double, columnTop: Double = 0) -> [LayoutRow] {
        blocks.flatMap { rows(for: $0, x: x, width: width, columnTop: columnTop) }
    }

    private static func rows(for block: Block, x: Double, width: Double, columnTop: Double) -> [LayoutRow] {
        switch block {
        case let .heading(text, level):
            let size = Typography.headingSize(level)
            return [gap(Typography.headingSpaceBefore(level))]
                + textRows(text, font: .helveticaBold, size: size, x: x, width: width, keepsWithNext: true)
                + [gap(Typography.headingSpaceAfter)]
        case let .paragraph(text, bold, size):
            let size = Typography.clamped(size: size)
            return textRows(text, font: StandardFont(bold: bold), size: size, x: x, width: width)
                + [gap(Typography.paragraphSpacing)]
        case let .table(tableRows):
            return TableLayout.rows(for: tableRows, x: x, width: width) + [gap(Typography.blockSpacing)]
        case let .box(title, blocks):
            return boxRows(title: title, blocks: blocks, x: x, width: width) + [gap(Typography.blockSpacing)]
        case .rule:
            let line = DrawOp.horizontalLine(
                x: x, y: Typography.hairline / 2, length: width, lineWidth: Typography.hairline, dashed: false)
            return [gap(Typography.ruleSpacing), LayoutRow(kind: .content([line]), height: Typography.hairline),
                    gap(Typography.ruleSpacing)]
        case let .detach(label):
            return [detachRow(label: label, x: x, width: width), gap(Typography.paragraphSpacing)]
        case let .checkbox(text):
            return checkboxRows(text, x: x, width: width) + [gap(Typography.checkboxSpacing)]
        case let .spacer(points):
            return [gap(points.isFinite ? max(points, 0) : 0)]
        case .pageBreak:
            return [LayoutRow(kind: .pageBreak, height: 0)]
        case let .envelope(returnAddress, recipient):
            return [envelopeRow(returnAddress: returnAddress, recipient: recipient, columnTop: columnTop)]
        }
    }

    /// One row from the column's top down to ``EnvelopeWindows/bodyTop``, with each address inside its window.
    private static func envelopeRow(returnAddress: [String], recipient: [String], columnTop: Double) -> LayoutRow {
        func lines(_ texts: [String], in window: EnvelopeWindows.Window, size: Double) -> [DrawOp] {
            let inset = EnvelopeWindows.inset
            let wrapped = texts.flatMap { LineBreaker.lines($0, font: .helvetica, size: size, width: window.width - 2 * inset) }
            let fitting = Int(((window.height - 2 * inset) / Typography.lineHeight(size)).rounded(.down))
            return wrapped.prefix(fitting).enumerated().map { index, line in
                .text(line, font: .helvetica, size: size, x: window.x + inset,
                      baseline: window.y + inset - columnTop + Typography.baseline(size) + Double(index) * Typography.lineHeight(size))
            }
        }
        let ops = lines(returnAddress, in: EnvelopeWindows.returnAddress, size: EnvelopeWindows.returnSize)
            + lines(recipient, in: EnvelopeWindows.recipient, size: EnvelopeWindows.recipientSize)
        return LayoutRow(kind: .content(ops), height: EnvelopeWindows.bodyTop - columnTop)
    }

    /// One row per wrapped line.
    private static func textRows(
        _ text: String, font: StandardFont, size: Double, x: Double, width: Double, keepsWithNext: Bool = false
    ) -> [LayoutRow] {
        LineBreaker.lines(text, font: font, size: size, width: width).map { line in
            let op = DrawOp.text(line, font: font, size: size, x: x, baseline: Typography.baseline(size))
            return LayoutRow(kind: .content([op]), height: Typography.lineHeight(size), keepsWithNext: keepsWithNext)
        }
    }

    private static func gap(_ height: Double) -> LayoutRow {
        LayoutRow(kind: .gap, height: height)
    }

    /// The box's rows between its start and end markers, inset by the padding; space that would only pad the
    /// inside of the border is dropped.
    private static func boxRows(title: String?, blocks: [Block], x: Double, width: Double) -> [LayoutRow] {
        let padding = Typography.boxPadding
        let frame = BoxFrame(x: x, width: width, padding: padding, lineWidth: Typography.strokeWidth)
        let innerX = x + padding
        let innerWidth = width - 2 * padding
        var inner: [LayoutRow] = []
        if let title {
            inner += textRows(
                title, font: .helveticaBold, size: Typography.boxTitleSize, x: innerX, width: innerWidth,
                keepsWithNext: true)
            inner.append(gap(Typography.boxTitleSpaceAfter))
        }
        inner += rows(for: blocks, x: innerX, width: innerWidth)
        let isGap: (LayoutRow) -> Bool = { if case .gap = $0.kind { true } else { false } }
        let trimmed = inner.drop(while: isGap).reversed().drop(while: isGap).reversed()
        return [LayoutRow(kind: .boxStart(frame), height: padding)] + trimmed
            + [LayoutRow(kind: .boxEnd, height: padding)]
    }

    /// A dashed line across the column, broken in the middle for the label; a label too long for the gap
    /// continues on centred lines below, so none of it is lost.
    private static func detachRow(label: String, x: Double, width: Double) -> LayoutRow {
        let size = Typography.detachLabelSize
        let middle = Typography.detachHeight / 2
        let gap = Typography.detachLabelGap
        let lines = LineBreaker.lines(label, font: .helvetica, size: size, width: width - 2 * (gap + Typography.detachMinimumDash))
            .filter { !$0.isEmpty }
        let dash = { (start: Double, end: Double) in
            DrawOp.horizontalLine(x: start, y: middle, length: end - start, lineWidth: Typography.hairline, dashed: true)
        }
        let texts = lines.enumerated().map { index, line in
            let lineX = x + (width - StandardFont.helvetica.width(of: line, size: size)) / 2
            let baseline = middle + 0.718 * size / 2 + Double(index) * Typography.lineHeight(size)
            return DrawOp.text(line, font: .helvetica, size: size, x: lineX, baseline: baseline)
        }
        let height = Typography.detachHeight + Double(max(lines.count - 1, 0)) * Typography.lineHeight(size)
        guard let first = lines.first else {
            return LayoutRow(kind: .content([dash(x, x + width)]), height: height, startsTearOff: true)
        }
        let firstX = x + (width - StandardFont.helvetica.width(of: first, size: size)) / 2
        let firstEnd = x + (width + StandardFont.helvetica.width(of: first, size: size)) / 2
        let ops = [dash(x, firstX - gap), dash(firstEnd + gap, x + width)] + texts
        return LayoutRow(kind: .content(ops), height: height, startsTearOff: true)
    }

    /// The text with a hanging indent, and an empty square on the first line sitting on the baseline at cap height.
    private static func checkboxRows(_ text: String, x: Double, width: Double) -> [LayoutRow] {
        let side = Typography.checkboxSide
        let indent = side + Typography.checkboxGap
        var rows = textRows(text, font: .helvetica, size: Typography.checkboxSize, x: x + indent, width: width - indent)
        if case let .content(ops)? = rows.first?.kind {
            let baseline = Typography.baseline(Typography.checkboxSize)
            let box = DrawOp.rectangle(
                x: x + Typography.strokeWidth / 2, y: baseline - side + Typography.strokeWidth / 2, width: side,
                height: side, lineWidth: Typography.strokeWidth)
            rows[0].kind = .content([box] + ops)
        }
        return rows
    }
}
