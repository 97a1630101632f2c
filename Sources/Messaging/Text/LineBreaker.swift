/// Greedy line breaking of text into lines that fit a width, measured with the fonts' real metrics.
///
/// The PDF has no text flow of its own: every line is placed by us, so a line that measured short here would run
/// past the margin on paper. Lines break at spaces; a word wider than the whole line is split between characters.
enum LineBreaker {
    /// The WinAnsi-encoded lines of `text`; each line break in the text starts a new line, and an empty text or
    /// an empty line between breaks yields an empty line.
    static func lines(_ text: String, font: StandardFont, size: Double, width: Double) -> [[UInt8]] {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).flatMap {
            wrap(WinAnsi.encode($0), font: font, size: size, width: width)
        }
    }

    /// Breaks one encoded paragraph. Runs of spaces collapse to one, as they do in HTML.
    private static func wrap(_ text: [UInt8], font: StandardFont, size: Double, width: Double) -> [[UInt8]] {
        let space = UInt8(ascii: " ")
        let maximum = maximumUnits(width: width, size: size)
        let spaceUnits = font.units(of: [space])
        var lines: [[UInt8]] = []
        var line: [UInt8] = []
        var lineUnits = 0
        for word in text.split(separator: space) {
            for piece in pieces(of: Array(word), font: font, maximum: maximum) {
                let pieceUnits = font.units(of: piece)
                if line.isEmpty {
                    line = piece
                    lineUnits = pieceUnits
                } else if lineUnits + spaceUnits + pieceUnits <= maximum {
                    line += [space] + piece
                    lineUnits += spaceUnits + pieceUnits
                } else {
                    lines.append(line)
                    line = piece
                    lineUnits = pieceUnits
                }
            }
        }
        lines.append(line)
        return lines
    }

    /// The widest line in font units that still fits `width` points, so comparisons stay in exact integers.
    /// The millionth of a unit forgives the rounding of `width` itself when it was measured from text.
    private static func maximumUnits(width: Double, size: Double) -> Int {
        let units = width * 1000 / size + 1e-6
        guard units > 0 else { return 0 }
        return units < Double(Int.max) ? Int(units.rounded(.down)) : .max
    }

    /// A word as pieces that each fit, splitting between characters; a piece always holds at least one character,
    /// so even a width narrower than one letter makes progress.
    private static func pieces(of word: [UInt8], font: StandardFont, maximum: Int) -> [[UInt8]] {
        guard font.units(of: word) > maximum else { return [word] }
        var pieces: [[UInt8]] = []
        var piece: [UInt8] = []
        var pieceUnits = 0
        for byte in word {
            let units = font.units(of: [byte])
            if !piece.isEmpty, pieceUnits + units > maximum {
                pieces.append(piece)
                piece = []
                pieceUnits = 0
            }
            piece.append(byte)
            pieceUnits += units
        }
        pieces.append(piece)
        return pieces
    }
}
