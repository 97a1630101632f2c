import Foundation

/// Serialises a page's drawing instructions into the operators of a PDF content stream.
///
/// The one place where layout's top-down coordinates become PDF's bottom-up ones. Streams are left uncompressed:
/// letters are small, and plain operators keep the output inspectable and deterministic.
enum ContentStream {
    /// The dash pattern of cut lines: 4 points on, 3 off.
    private static let dashPattern = "[4 3] 0 d"

    static func data(for ops: [DrawOp], pageHeight: Double) -> Data {
        Data(ops.map { operators(for: $0, pageHeight: pageHeight) + "\n" }.joined().utf8)
    }

    private static func operators(for op: DrawOp, pageHeight: Double) -> String {
        let n = DecimalText.twoPlaces
        switch op {
        case let .text(bytes, font, size, x, baseline):
            return "BT /\(font.resourceName) \(n(size)) Tf \(n(x)) \(n(pageHeight - baseline)) Td "
                + "\(PDFSyntax.literalString(bytes)) Tj ET"
        case let .horizontalLine(x, y, length, lineWidth, dashed):
            let y = n(pageHeight - y)
            let dash = dashed ? " \(dashPattern)" : ""
            return "q \(n(lineWidth)) w\(dash) \(n(x)) \(y) m \(n(x + length)) \(y) l S Q"
        case let .rectangle(x, y, width, height, lineWidth):
            return "q \(n(lineWidth)) w \(n(x)) \(n(pageHeight - y - height)) \(n(width)) \(n(height)) re S Q"
        }
    }
}
