import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OpenAPIRuntime
import RecoupApp
import RecoupCore

/// An RFC 9457 problem document: the single error format of the API.
struct Problem: Encodable, Sendable {
    var type: String
    var title: String
    var status: Int
    var detail: String
    var errors: [FieldProblem]?

    init(status: HTTPResponse.Status, detail: String, errors: [FieldProblem]? = nil) {
        self.type = "https://recoup.dev/problems/\(status.code)"
        self.title = status.reasonPhrase
        self.status = status.code
        self.detail = detail
        self.errors = errors
    }

    func response() -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data(#"{"status":500,"title":"Internal Server Error"}"#.utf8)
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: [.contentType: "application/problem+json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The one place errors become HTTP statuses. Unknown errors are a bare 500; the details go to the log only.
    static func from(_ error: any Error, logger: Logger) -> Problem {
        if let serverError = error as? ServerError {
            if let recoup = serverError.underlyingError as? RecoupError { return from(recoup) }
            if let problem = serverError.underlyingError as? ProblemError { return problem.problem }
            if serverError.operationInput == nil {
                // The request never reached a handler: its parameters or body did not match the contract.
                if let parameter = ParameterProblem(serverError.underlyingError, cause: serverError.causeDescription, path: serverError.request.path) {
                    return Problem(status: .badRequest, detail: "\(parameter.name): \(parameter.reason)",
                                   errors: [FieldProblem(field: parameter.name, reason: parameter.reason)])
                }
                return Problem(status: .badRequest, detail: describe(serverError.underlyingError, serverError.causeDescription),
                               errors: fieldProblems(serverError.underlyingError))
            }
            logger.error("handler failed", metadata: ["operation": .string(serverError.operationID), "error": .string("\(serverError.underlyingError)")])
            return Problem(status: .internalServerError, detail: "The server could not complete the request.")
        }
        if let recoup = error as? RecoupError { return from(recoup) }
        if let problem = error as? ProblemError { return problem.problem }
        if let http = error as? any HTTPResponseError {
            let detail = http.status == .notFound ? "No such resource." : http.status.reasonPhrase
            return Problem(status: http.status, detail: detail)
        }
        logger.error("request failed", metadata: ["error": .string("\(error)")])
        return Problem(status: .internalServerError, detail: "The server could not complete the request.")
    }

    static func from(_ error: RecoupError) -> Problem {
        switch error {
        case .notFound: Problem(status: .notFound, detail: error.description)
        case .forbidden: Problem(status: .forbidden, detail: error.description)
        case let .invalid(problems): Problem(status: .badRequest, detail: error.description, errors: problems)
        case .unusableInput: Problem(status: .badRequest, detail: error.description)
        case let .unusablePlacement(problem):
            Problem(status: .badRequest, detail: error.description,
                    errors: problem.rowErrors.map { FieldProblem(field: $0.column.isEmpty ? "file" : $0.column, reason: $0.reason, row: $0.row) })
        case .conflict: Problem(status: .conflict, detail: error.description)
        case .reusedIdempotencyKey: Problem(status: .unprocessableContent, detail: error.description)
        case .unavailable: Problem(status: .serviceUnavailable, detail: error.description)
        }
    }

    /// A decoding failure as the field it is about (a JSON pointer) and why, for the problem's `errors` (nil when it
    /// names none).
    static func fieldProblems(_ error: any Error) -> [FieldProblem]? {
        func field(_ context: DecodingError.Context, _ key: (any CodingKey)? = nil) -> String {
            // A JSON pointer into the body, as the contract's FieldError says.
            "/" + (context.codingPath + (key.map { [$0] } ?? [])).map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: "/")
        }
        let problem: FieldProblem
        switch error {
        case let DecodingError.keyNotFound(key, context): problem = FieldProblem(field: field(context, key), reason: "is required")
        case let DecodingError.typeMismatch(type, context): problem = FieldProblem(field: field(context), reason: "must be \(describe(type))")
        case let DecodingError.valueNotFound(type, context): problem = FieldProblem(field: field(context), reason: "must be \(describe(type)), not null")
        case let DecodingError.dataCorrupted(context) where context.debugDescription.hasPrefix("Additional properties are disabled"):
            problem = FieldProblem(field: field(context), reason: "is not a field of this request")
        case let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty:
            problem = FieldProblem(field: field(context), reason: context.debugDescription)
        default: return nil
        }
        return [problem]
    }

    /// A JSON type as a caller reads it.
    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is [String: Any].Type: "a JSON object"
        case is [Any].Type: "a JSON array"
        default: "\(type)"
        }
    }

    /// Turns a decoding failure into a sentence that names the field, without internals.
    static func describe(_ error: any Error, _ cause: String) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let joined = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: "/")
            return joined.isEmpty ? "the body" : "/" + joined
        }
        switch error {
        case let DecodingError.keyNotFound(key, context): return "\(path(context)): missing required field \(key.stringValue)"
        case let DecodingError.typeMismatch(type, context): return "\(path(context)): must be \(describe(type))"
        case let DecodingError.valueNotFound(type, context): return "\(path(context)): must be \(describe(type)), not null"
        case let DecodingError.dataCorrupted(context):
            return "\(path(context)): \(context.debugDescription)"
        default:
            let text = "\(error)"
            if text.contains("Unexpected additional properties") || text.contains("additional propert") {
                return "the body has fields the API does not know: \(text)"
            }
            return text == cause || cause == "Unknown" ? text : "\(cause): \(text)"
        }
    }
}

/// A query parameter or header the contract's decoding refused, named: the runtime reports those without their
/// name (an empty coding path) or only in its sentence, so a value that cannot be what was expected names its
/// parameter (or the several it may be).
struct ParameterProblem: Equatable {
    var name: String
    var reason: String

    init?(_ error: any Error, cause: String, path: String?) {
        for (prefix, suffix) in [("Missing required query parameter named: ", ""), ("The required header field named '", "' is missing.")]
        where cause.hasPrefix(prefix) && cause.hasSuffix(suffix) {
            self.init(name: String(cause.dropFirst(prefix.count).dropLast(suffix.count)), reason: "is required")
            return
        }
        let context: DecodingError.Context
        let fits: (String) -> Bool
        let reason: String
        switch error {
        case let DecodingError.typeMismatch(type, found):
            (context, reason) = (found, "must be \(Problem.describe(type))")
            fits = { value in
                switch type {
                case is Int.Type, is Int64.Type, is Int32.Type: Int64(value) != nil
                case is Bool.Type: value == "true" || value == "false"
                case is Double.Type, is Float.Type: Double(value) != nil
                default: true
                }
            }
        case let DecodingError.dataCorrupted(found):
            // "Cannot initialize AccountStatus from invalid String value bogus": the value it names.
            guard let range = found.debugDescription.range(of: "from invalid String value ") else { return nil }
            let value = String(found.debugDescription[range.upperBound...])
            (context, reason) = (found, "is not one of the values this parameter takes (\(value))")
            fits = { $0 != value }
        default:
            return nil
        }
        guard context.codingPath.isEmpty, let path, let query = URLComponents(string: path)?.queryItems else { return nil }
        // Every parameter whose value cannot be what was expected may be the one: all are named when several are
        // (`state=TX&limit=abc` for an integer: "state or limit"), since the runtime does not say which it read.
        let suspects = query.filter { !fits($0.value ?? "") }.map(\.name)
        guard !suspects.isEmpty else { return nil }
        self.init(name: suspects.joined(separator: " or "), reason: reason)
    }

    init(name: String, reason: String) {
        self.name = name
        self.reason = reason
    }
}

/// An error that already knows its problem document (auth failures, size limits).
struct ProblemError: Error {
    var problem: Problem
}

/// Catches every error below it and answers with problem+json, so no request ever gets an HTML or empty 500. A
/// route the router did not find on a path of the contract is a method the path does not take: 405 with `Allow`.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: ContractRoutes

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError where error.status == .notFound {
            let allowed = routes.methods(for: Substring(request.uri.path))
            guard !allowed.isEmpty, !allowed.contains(request.method) else { return Problem.from(error, logger: context.logger).response() }
            let names = allowed.map(\.rawValue).sorted()
            var response = Problem(
                status: .methodNotAllowed, detail: "\(request.method.rawValue) is not an operation of \(request.uri.path); it takes \(names.joined(separator: ", "))"
            ).response()
            response.headers[.allow] = names.joined(separator: ", ")
            return response
        } catch {
            return Problem.from(error, logger: context.logger).response()
        }
    }
}
