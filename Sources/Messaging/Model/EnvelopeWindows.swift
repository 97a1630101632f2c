/// Where a #10 double-window envelope shows a tri-folded US-letter page, in points from the page's top-left corner:
/// the return address's window, the recipient's, and where the letter's own text begins, below both.
///
/// A letter whose first block is ``Block/envelope(returnAddress:recipient:)`` prints the two addresses inside
/// these windows and nothing else in them, so nothing a window shows reveals debt collection (15 U.S.C. 1692f(8))
/// except what the return address itself says (``Compliance/Envelope/returnAddress(name:address:)`` keeps a
/// revealing business name out of it). The print vendor's double-window stock must match.
public enum EnvelopeWindows {
    public struct Window: Sendable, Equatable {
        public var x: Double, y: Double, width: Double, height: Double

        /// Whether a point lies inside the window.
        public func contains(x px: Double, y py: Double) -> Bool {
            px >= x && px <= x + width && py >= y && py <= y + height
        }
    }

    /// 5/8 in from the left and from the top, 3 1/4 by 7/8 in.
    public static let returnAddress = Window(x: 45, y: 45, width: 234, height: 63)
    /// 7/8 in from the left, 2 in from the top, 4 by 1 1/8 in.
    public static let recipient = Window(x: 63, y: 144, width: 288, height: 81)
    /// 3 3/8 in from the top: the first page's text starts below both windows.
    public static let bodyTop = 243.0
    /// Space between a window's edge and its text (1/8 in), so a letter shifted in the envelope still shows all of it.
    static let inset = 9.0
    /// Type sizes: the return address smaller, as on any letterhead.
    static let returnSize = 9.0
    static let recipientSize = 10.0
}
