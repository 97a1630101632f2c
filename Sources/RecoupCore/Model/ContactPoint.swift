import Foundation

/// The kind of line a phone number is; TCPA consent rules differ for cell phones.
public enum PhoneType: String, CaseIterable, Sendable, Codable {
    case cell, landline, work, unknown
}

/// Where a phone number came from; Regulation F and the TCPA treat numbers the consumer gave differently from
/// numbers found by skip tracing.
public enum PhoneSource: String, CaseIterable, Sendable, Codable {
    case consumer
    case creditorFile = "creditor_file"
    case creditorApplication = "creditor_application"
    case skipTrace = "skip_trace"
    case directory
    case other
}

/// Where an email address came from (12 CFR 1006.6(d)(4) procedures depend on it).
public enum EmailSource: String, CaseIterable, Sendable, Codable {
    case consumer, creditor, employer
    case skipTrace = "skip_trace"
    case unknown
}

/// Prior express consent as the creditor recorded it.
public enum ConsentStatus: String, CaseIterable, Sendable, Codable {
    case yes, no, unknown
}

/// A US postal address.
public struct PostalAddress: Hashable, Sendable, Codable {
    public var line1: String
    public var line2: String?
    public var city: String
    public var state: USState
    /// Five digits, or ZIP+4 as `12345-6789`.
    public var zip: String

    public init(line1: String, line2: String?, city: String, state: USState, zip: String) {
        self.line1 = line1
        self.line2 = line2
        self.city = city
        self.state = state
        self.zip = zip
    }

    /// The five-digit ZIP.
    public var zip5: String { String(zip.prefix(5)) }
}

/// One way to reach a consumer.
public struct ContactPoint: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// An E.164 number (`+15125550100`).
        case phone(number: String, type: PhoneType, source: PhoneSource, consent: ConsentStatus)
        case email(address: String, source: EmailSource)
        case postal(PostalAddress)
    }

    public let id: ContactPointID
    public var kind: Kind

    public init(id: ContactPointID = ContactPointID(), kind: Kind) {
        self.id = id
        self.kind = kind
    }

    /// The number, for a phone.
    public var phoneNumber: String? {
        if case let .phone(number, _, _, _) = kind { number } else { nil }
    }
}
