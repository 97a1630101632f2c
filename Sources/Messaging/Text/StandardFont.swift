/// The two standard Type1 fonts letters use, with their PDF names and metrics.
///
/// Every PDF viewer and printer has Helvetica built in, so nothing is embedded and output stays deterministic.
enum StandardFont: CaseIterable {
    case helvetica
    case helveticaBold

    init(bold: Bool) {
        self = bold ? .helveticaBold : .helvetica
    }

    /// The /BaseFont name of the font dictionary.
    var baseFont: String {
        switch self {
        case .helvetica: "Helvetica"
        case .helveticaBold: "Helvetica-Bold"
        }
    }

    /// The name under which each page's /Resources lists the font and content streams select it (`/F1 10 Tf`).
    var resourceName: String {
        switch self {
        case .helvetica: "F1"
        case .helveticaBold: "F2"
        }
    }

    /// The advance width of WinAnsi-encoded text, in points at `size`.
    func width(of text: some Sequence<UInt8>, size: Double) -> Double {
        Double(units(of: text)) * size / 1000
    }

    /// The advance width in thousandths of the font size; integers, so sums are exact.
    func units(of text: some Sequence<UInt8>) -> Int {
        let table = self == .helvetica ? HelveticaWidths.regular : HelveticaWidths.bold
        return text.reduce(0) { total, byte in
            byte < HelveticaWidths.firstCode ? total : total + Int(table[Int(byte - HelveticaWidths.firstCode)])
        }
    }
}
