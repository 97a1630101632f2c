import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OpenAPIRuntime
import Prometheus
import RecoupApp

/// The caller of the request being handled. Set by ``AuthMiddleware`` for the handlers below it; task-local so
/// generated handler signatures need no context parameter.
enum RequestPrincipal {
    @TaskLocal static var current: Principal?

    /// The caller, or a 401 if a handler was reached without one (a routing mistake, never a caller's).
    static func require() throws -> Principal {
        guard let current else {
            throw ProblemError(problem: Problem(status: .unauthorized, detail: "missing API key"))
        }
        return current
    }
}

extension Principal {
    /// Refuses (403) a caller whose role is not staff: the endpoints that show or change a consumer's contact data,
    /// which may come from another creditor's file.
    func requireStaff(_ action: String) throws {
        guard role.isStaff else { throw RecoupError.forbidden("role \(role.rawValue) cannot \(action)") }
    }
}

/// Resolves `Authorization: Bearer rk_…` to a principal. Public paths (health, metrics, the spec) pass through,
/// and so do consumers' signed links (`/u/…`, `/t/…`, `/c/…`) and the providers' webhooks (`/webhooks/…`), which carry their own
/// authorization (a link signature, a provider's request signature).
///
/// Refusals are counted by reason in `recoup_api_auth_failures_total` (`missing`, `unknown`, `revoked`, `expired`),
/// for an alert on guessing or on a withdrawn key still in use; unknown, revoked and expired keys are also logged as
/// warnings, the known ones with their id and tenant. Secrets are never logged.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let directory: DirectoryService
    let failures: [FailureReason: Counter]
    static var publicPaths: Set<String> { ["/health", "/metrics", "/openapi.yaml"] }

    enum FailureReason: String, CaseIterable {
        case missing, unknown, revoked, expired
    }

    init(directory: DirectoryService, registry: PrometheusCollectorRegistry) {
        self.directory = directory
        failures = Dictionary(uniqueKeysWithValues: FailureReason.allCases.map { reason in
            (reason, registry.makeCounter(
                name: "recoup_api_auth_failures_total", labels: [("reason", reason.rawValue)],
                help: "API requests refused for their key: none sent, unknown, revoked or expired."))
        })
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let path = request.uri.path
        if Self.publicPaths.contains(path) || ConsumerPages.prefixes.contains(where: path.hasPrefix) || path.hasPrefix(ProviderWebhooks.prefix) {
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw refusal(.missing, "send an API key as Authorization: Bearer rk_…")
        }
        let secret = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        switch try await directory.authenticate(secret: secret) {
        case let .authenticated(principal):
            return try await RequestPrincipal.$current.withValue(principal) {
                try await next(request, context)
            }
        case .unknown:
            context.logger.warning("API request refused: unknown key", metadata: ["method": "\(request.method)", "path": "\(path)"])
            throw refusal(.unknown, "unknown API key")
        case let .revoked(key):
            throw refusal(.revoked, "this API key was revoked", key, at: key.revokedAt, request, context)
        case let .expired(key):
            let expiry = key.expiresAt.map { $0.formatted(.iso8601) } ?? ""
            throw refusal(.expired, "this API key expired at \(expiry)", key, at: key.expiresAt, request, context)
        }
    }

    /// A refusal of a key Recoup knows, logged with its id and tenant and the instant it stopped working.
    func refusal(
        _ reason: FailureReason, _ detail: String, _ key: APIKeyRecord, at instant: Date?, _ request: Request, _ context: Context
    ) -> ProblemError {
        context.logger.warning("API request refused: \(reason.rawValue) key", metadata: [
            "method": "\(request.method)", "path": "\(request.uri.path)", "apikey": "\(key.id)", "tenant": "\(key.tenantID)",
            "\(reason.rawValue)_at": "\(instant.map { $0.formatted(.iso8601) } ?? "")",
        ])
        return refusal(reason, detail)
    }

    func refusal(_ reason: FailureReason, _ detail: String) -> ProblemError {
        failures[reason]?.increment()
        return ProblemError(problem: Problem(status: .unauthorized, detail: detail))
    }
}

/// Refuses bodies over a size before any handler reads them (413), by declared length and while streaming.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    /// JSON bodies are small; placement files may be large but are streamed.
    let jsonLimit: Int
    let fileLimit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let limit = request.uri.path.hasPrefix("/v1/placements") ? fileLimit : jsonLimit
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw ProblemError(problem: Problem(
                status: .contentTooLarge, detail: "the body is \(length) bytes; the limit here is \(limit)"))
        }
        return try await next(request, context)
    }
}

/// Treats an empty request body as no body, so optional JSON bodies (recall's reason) may simply be left out.
/// The transport always hands the generated code a body stream, even an empty one, which would otherwise fail as
/// "not valid JSON". JSON bodies are small and already size-checked; placement files keep streaming untouched.
struct EmptyBodyMiddleware: ServerMiddleware {
    let jsonLimit: Int

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let body, operationID != "createPlacement" else { return try await next(request, body, metadata) }
        let bytes: [UInt8]
        do {
            bytes = try await [UInt8](collecting: body, upTo: jsonLimit)
        } catch {
            throw ProblemError(problem: Problem(status: .contentTooLarge, detail: "the body exceeds \(jsonLimit) bytes"))
        }
        return try await next(request, bytes.isEmpty ? nil : HTTPBody(bytes), metadata)
    }
}
