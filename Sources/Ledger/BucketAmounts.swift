import RecoupCore

/// The parts of a balance that allocation and Regulation F's itemization tell apart.
public enum Bucket: String, CaseIterable, Sendable, Codable {
    case principal, interest, fees
}

/// Signed amounts per bucket in minor units of one currency: positive means owed more, negative owed less.
public struct BucketAmounts: Hashable, Sendable {
    public var principal: Int64
    public var interest: Int64
    public var fees: Int64

    public init(principal: Int64 = 0, interest: Int64 = 0, fees: Int64 = 0) {
        self.principal = principal
        self.interest = interest
        self.fees = fees
    }

    public static let zero = BucketAmounts()

    public subscript(bucket: Bucket) -> Int64 {
        get {
            switch bucket {
            case .principal: principal
            case .interest: interest
            case .fees: fees
            }
        }
        set {
            switch bucket {
            case .principal: principal = newValue
            case .interest: interest = newValue
            case .fees: fees = newValue
            }
        }
    }

    public var total: Int64 { principal + interest + fees }

    /// No bucket below zero: what a balance must always be.
    public var isNonNegative: Bool { principal >= 0 && interest >= 0 && fees >= 0 }

    public static func + (lhs: BucketAmounts, rhs: BucketAmounts) -> BucketAmounts {
        BucketAmounts(principal: lhs.principal + rhs.principal, interest: lhs.interest + rhs.interest, fees: lhs.fees + rhs.fees)
    }

    public static prefix func - (amounts: BucketAmounts) -> BucketAmounts {
        BucketAmounts(principal: -amounts.principal, interest: -amounts.interest, fees: -amounts.fees)
    }
}
