/// One drawing instruction, in points from the page's top-left corner with y growing downward.
///
/// Layout thinks top-down, like reading; only `ContentStream` converts to PDF's bottom-up coordinates, so the
/// flip happens in exactly one place.
enum DrawOp: Equatable {
    /// WinAnsi-encoded text starting at `x` on the baseline `baseline`.
    case text([UInt8], font: StandardFont, size: Double, x: Double, baseline: Double)
    /// A horizontal line, solid or dashed.
    case horizontalLine(x: Double, y: Double, length: Double, lineWidth: Double, dashed: Bool)
    /// A stroked (unfilled) rectangle; `y` is its top edge.
    case rectangle(x: Double, y: Double, width: Double, height: Double, lineWidth: Double)

    /// The same instruction `offset` points further down the page.
    func movedDown(by offset: Double) -> DrawOp {
        switch self {
        case let .text(bytes, font, size, x, baseline):
            .text(bytes, font: font, size: size, x: x, baseline: baseline + offset)
        case let .horizontalLine(x, y, length, lineWidth, dashed):
            .horizontalLine(x: x, y: y + offset, length: length, lineWidth: lineWidth, dashed: dashed)
        case let .rectangle(x, y, width, height, lineWidth):
            .rectangle(x: x, y: y + offset, width: width, height: height, lineWidth: lineWidth)
        }
    }
}
