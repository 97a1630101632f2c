/// Lays out label–value tables: labels flush left, values flush right so that amounts align on their last digit.
enum TableLayout {
    /// One row per table row; a long label or value wraps inside its own column and the row grows to fit.
    static func rows(for tableRows: [TableRow], x: Double, width: Double) -> [LayoutRow] {
        let size = Typography.tableSize
        let widestValue = tableRows.flatMap { row in
            row.value.split(whereSeparator: \.isNewline).map {
                StandardFont(bold: row.isEmphasized).width(of: WinAnsi.encode($0), size: size)
            }
        }.max() ?? 0
        let valueWidth = min(widestValue, width * Typography.tableValueShare)
        let labelWidth = width - valueWidth - Typography.tableColumnGap
        return tableRows.map { row in
            layOut(row, size: size, x: x, width: width, labelWidth: labelWidth, valueWidth: valueWidth)
        }
    }

    private static func layOut(
        _ row: TableRow, size: Double, x: Double, width: Double, labelWidth: Double, valueWidth: Double
    ) -> LayoutRow {
        let font = StandardFont(bold: row.isEmphasized)
        let lineHeight = Typography.lineHeight(size)
        let top = row.isEmphasized ? Typography.hairline + Typography.totalRuleGap : 0
        let labels = LineBreaker.lines(row.label, font: font, size: size, width: labelWidth)
        let values = LineBreaker.lines(row.value, font: font, size: size, width: valueWidth)
        let baseline = { (line: Int) in top + Double(line) * lineHeight + Typography.baseline(size) }
        var ops: [DrawOp] = []
        if row.isEmphasized {
            ops.append(.horizontalLine(
                x: x, y: Typography.hairline / 2, length: width, lineWidth: Typography.hairline, dashed: false))
        }
        for (index, line) in labels.enumerated() {
            ops.append(.text(line, font: font, size: size, x: x, baseline: baseline(index)))
        }
        for (index, line) in values.enumerated() {
            let lineX = x + width - font.width(of: line, size: size)
            ops.append(.text(line, font: font, size: size, x: lineX, baseline: baseline(index)))
        }
        let lineCount = max(labels.count, values.count)
        return LayoutRow(
            kind: .content(ops), height: top + Double(lineCount) * lineHeight + Typography.tableRowGap)
    }
}
