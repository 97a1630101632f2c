import Foundation

/// A US state, the District of Columbia or an inhabited territory, by its USPS code.
///
/// Law differs by state (call caps, licences, statutes of limitation), so an address's state is a typed value,
/// never free text.
public enum USState: String, CaseIterable, Sendable, Codable {
    case AL, AK, AZ, AR, CA, CO, CT, DE, DC, FL, GA, HI, ID, IL, IN, IA, KS, KY, LA, ME, MD, MA, MI, MN, MS, MO,
         MT, NE, NV, NH, NJ, NM, NY, NC, ND, OH, OK, OR, PA, RI, SC, SD, TN, TX, UT, VT, VA, WA, WV, WI, WY
    case PR, GU, VI, AS, MP

    /// Accepts the USPS code in any letter case, surrounding spaces ignored.
    public init?(code: some StringProtocol) {
        let trimmed = code.trimmingCharacters(in: .whitespaces).uppercased()
        self.init(rawValue: trimmed)
    }

    public var code: String { rawValue }
}
