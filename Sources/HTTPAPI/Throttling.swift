import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RecoupApp
import Synchronization

/// The context of Recoup's router: Hummingbird's own storage and the connection's peer, which the throttle below
/// tells callers apart by.
public struct APIRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// How hard one client address may guess at keys: at most `refusals` refused keys in any `seconds`.
public struct GuessingLimit: Sendable, Equatable {
    public var refusals: Int
    public var seconds: TimeInterval

    public init(refusals: Int, seconds: TimeInterval) {
        self.refusals = refusals
        self.seconds = seconds
    }

    /// `N/S`: N refused keys in S seconds.
    public init?(_ text: String) {
        guard let (refusals, seconds) = ContactPressure.countPerPeriod(text) else { return nil }
        self.init(refusals: refusals, seconds: TimeInterval(seconds))
    }
}

/// The address a request is throttled under: the connection's peer, or, when that peer is a proxy the operator
/// trusts, the address the proxies say they forwarded for: the right-most `X-Forwarded-For` entry that is not itself
/// a trusted proxy (entries to its left are the caller's to write, so they are never believed).
enum ClientAddress {
    static func resolve(peer: String?, forwardedFor: [String], trustedProxies: Set<String>) -> String {
        guard let peer else { return "unknown" }
        guard trustedProxies.contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        return hops.last { !$0.isEmpty && !trustedProxies.contains($0) } ?? peer
    }
}

/// Refused keys per client address, and requests per key: the arithmetic of ``APIThrottle``, on values.
///
/// An address that had `limit.refusals` keys refused in the last `limit.seconds` is refused outright, its key not
/// even looked up, until the oldest of those refusals leaves the window: guessing is held to that many tries per
/// window per address, and callers whose keys work are never counted. A key spends one token of its own bucket per
/// request; an empty bucket is refused until the next token, so one runaway integration cannot take the server from
/// the agency's other users.
struct ThrottleState {
    let guessing: GuessingLimit?
    let perKey: RateLimit?
    /// Each address's latest refusals, oldest first, at most `guessing.refusals` of them.
    private(set) var refusals: [String: [Date]] = [:]
    private var buckets: [APIKeyID: RateLimit] = [:]
    /// Addresses tracked before the stale ones are forgotten: keeps a scan of many addresses from growing memory.
    static let addressesBeforePruning = 10_000

    init(guessing: GuessingLimit?, perKey: RateLimit?) {
        self.guessing = guessing
        self.perKey = perKey
    }

    /// Seconds `address` must wait before a key it sends is looked at again; nil when it may send one now.
    func lockedOut(_ address: String, at now: Date) -> TimeInterval? {
        guard let guessing, let recent = refusals[address], recent.count >= guessing.refusals, let oldest = recent.first else { return nil }
        let wait = oldest.addingTimeInterval(guessing.seconds).timeIntervalSince(now)
        return wait > 0 ? wait : nil
    }

    mutating func recordRefusal(_ address: String, at now: Date) {
        guard let guessing else { return }
        if refusals.count >= Self.addressesBeforePruning {
            refusals = refusals.filter { $0.value.last.map { now.timeIntervalSince($0) < guessing.seconds } ?? false }
        }
        var recent = refusals[address, default: []]
        recent.append(now)
        if recent.count > guessing.refusals { recent.removeFirst(recent.count - guessing.refusals) }
        refusals[address] = recent
    }

    /// Takes one of the key's tokens; answers how long to wait when there is none (and takes nothing then).
    mutating func admit(_ key: APIKeyID, at now: Date) -> TimeInterval? {
        guard let perKey else { return nil }
        var bucket = buckets[key] ?? perKey
        let wait = bucket.admit(at: now.timeIntervalSinceReferenceDate)
        buckets[key] = bucket
        return wait > 0 ? wait : nil
    }
}

/// One server's throttle, shared by its requests. Counts live in memory: each `recoup serve` process throttles on
/// its own, so behind a load balancer of N processes an address may guess N times as often.
final class APIThrottle: Sendable {
    private let state: Mutex<ThrottleState>
    let trustedProxies: Set<String>

    init(guessing: GuessingLimit?, perKey: RateLimit?, trustedProxies: Set<String>) {
        state = Mutex(ThrottleState(guessing: guessing, perKey: perKey))
        self.trustedProxies = trustedProxies
    }

    func address(of request: Request, peer: SocketAddress?) -> String {
        ClientAddress.resolve(
            peer: peer?.ipAddress, forwardedFor: request.headers[values: .xForwardedFor], trustedProxies: trustedProxies)
    }

    func lockedOut(_ address: String, at now: Date) -> TimeInterval? { state.withLock { $0.lockedOut(address, at: now) } }
    func recordRefusal(_ address: String, at now: Date) { state.withLock { $0.recordRefusal(address, at: now) } }
    func admit(_ key: APIKeyID, at now: Date) -> TimeInterval? { state.withLock { $0.admit(key, at: now) } }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}

extension Problem {
    /// A 429 telling the caller when to come back (`Retry-After`, whole seconds, rounded up).
    static func tooManyRequests(_ detail: String, retryAfter seconds: TimeInterval) -> Response {
        let wait = max(1, Int(seconds.rounded(.up)))
        var response = Problem(status: .tooManyRequests, detail: "\(detail); retry after \(wait) s").response()
        response.headers[.retryAfter] = String(wait)
        return response
    }
}
