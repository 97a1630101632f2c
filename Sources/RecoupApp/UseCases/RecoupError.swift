import Foundation
import RecoupCore

/// One precise problem with one input field: which row (for files), which field, why.
public struct FieldProblem: Hashable, Sendable, Codable {
    public var field: String
    public var reason: String
    public var row: Int?

    public init(field: String, reason: String, row: Int? = nil) {
        self.field = field
        self.reason = reason
        self.row = row
    }
}

/// The errors use cases raise. Only the HTTP layer (and the CLI) map them to status codes or exit statuses.
public enum RecoupError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The thing does not exist in the caller's scope. Deliberately the same for "another tenant's".
    case notFound(String)
    case forbidden(String)
    case invalid([FieldProblem])
    /// The input cannot be processed at all (an unreadable returns file).
    case unusableInput(String)
    /// A placement file that cannot be processed at all (encoding, quoting, missing columns, empty file, bad
    /// mapping): its error report is the file-level problems on row 0.
    case unusablePlacement(PlacementFileError)
    case conflict(String)
    /// An `Idempotency-Key` already used for a different request: replaying it must not mean something else.
    case reusedIdempotencyKey(String)
    /// A service Recoup depends on (the card processor) is not configured or not answering: try again later.
    case unavailable(String)

    public var description: String {
        switch self {
        case let .notFound(what): "\(what) not found"
        case let .forbidden(why): "forbidden: \(why)"
        case let .invalid(problems):
            problems.map { ($0.row.map { "row \($0), " } ?? "") + "\($0.field): \($0.reason)" }.joined(separator: "; ")
        case let .unusableInput(why): why
        case let .unusablePlacement(problem): problem.description
        case let .conflict(why): why
        case let .reusedIdempotencyKey(key): "Idempotency-Key \(key) was used for a different request"
        case let .unavailable(why): why
        }
    }
}
