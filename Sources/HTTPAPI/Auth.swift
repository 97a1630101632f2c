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
/// Refusals are counted by reason in `recoup_api_auth_failures_total` (`missing`, `unknown`, `revoked`, `expired`,
/// and `locked_out` for an address refused for guessing), for an alert on guessing or on a withdrawn key still in
/// use; unknown, revoked and expired keys are also logged as warnings with the caller's address, the known ones with
/// their id and tenant. Secrets are never logged. ``APIThrottle`` holds guessing to a few tries per address and each
/// key to its request rate (429 with `Retry-After`, counted in `recoup_api_rate_limited_total`).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let directory: DirectoryService
    let throttle: APIThrottle
    let clock: any Clock
    let failures: [FailureReason: Counter]
    let rateLimited: Counter
    static var publicPaths: Set<String> { ["/health", "/metrics", "/openapi.yaml"] }

    enum FailureReason: String, CaseIterable {
        case missing, unknown, revoked, expired
        case lockedOut = "locked_out"
    }

    init(directory: DirectoryService, throttle: APIThrottle, clock: any Clock, registry: PrometheusCollectorRegistry) {
        self.directory = directory
        self.throttle = throttle
        self.clock = clock
        failures = Dictionary(uniqueKeysWithValues: FailureReason.allCases.map { reason in
            (reason, registry.makeCounter(descriptor: MetricNameDescriptor(
                namespace: "recoup", subsystem: "api", metricName: "auth_failures", unitName: "total",
                helpText: "API requests refused for their key: none sent, unknown, revoked, expired, or sent from an address locked out for guessing."),
                labels: [("reason", reason.rawValue)]))
        })
        rateLimited = registry.makeCounter(descriptor: MetricNameDescriptor(
            namespace: "recoup", subsystem: "api", metricName: "rate_limited", unitName: "total",
            helpText: "API requests refused because their key was over its request rate."))
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
        let address = throttle.address(of: request, peer: context.remoteAddress)
        let now = clock.now()
        if let wait = throttle.lockedOut(address, at: now) {
            failures[.lockedOut]?.increment()
            return Problem.tooManyRequests("too many refused API keys from this address", retryAfter: wait)
        }
        let secret = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        let logged: Logger.Metadata = ["method": "\(request.method)", "path": "\(path)", "client": "\(address)"]
        switch try await directory.authenticate(secret: secret) {
        case let .authenticated(principal):
            if let wait = throttle.admit(principal.keyID, at: now) {
                rateLimited.increment()
                return Problem.tooManyRequests("this API key is over its request rate", retryAfter: wait)
            }
            return try await RequestPrincipal.$current.withValue(principal) {
                try await next(request, context)
            }
        case .unknown:
            throttle.recordRefusal(address, at: now)
            context.logger.warning("API request refused: unknown key", metadata: logged)
            throw refusal(.unknown, "unknown API key")
        case let .revoked(key):
            throttle.recordRefusal(address, at: now)
            throw refusal(.revoked, "this API key was revoked", key, at: key.revokedAt, logged, context)
        case let .expired(key):
            throttle.recordRefusal(address, at: now)
            let expiry = key.expiresAt.map { $0.formatted(.iso8601) } ?? ""
            throw refusal(.expired, "this API key expired at \(expiry)", key, at: key.expiresAt, logged, context)
        }
    }

    /// A refusal of a key Recoup knows, logged with its id and tenant and the instant it stopped working.
    func refusal(
        _ reason: FailureReason, _ detail: String, _ key: APIKeyRecord, at instant: Date?, _ logged: Logger.Metadata, _ context: Context
    ) -> ProblemError {
        context.logger.warning("API request refused: \(reason.rawValue) key", metadata: logged.merging([
            "apikey": "\(key.id)", "tenant": "\(key.tenantID)", "\(reason.rawValue)_at": "\(instant.map { $0.formatted(.iso8601) } ?? "")",
        ]) { $1 })
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
