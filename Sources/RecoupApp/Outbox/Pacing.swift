import Compliance
import Foundation

/// An agency's own ceiling on how hard one consumer is pressed, across every medium (calls, texts, emails; letters
/// are not counted): at most `attempts` outbound attempts in any `days` consecutive days. Stricter than the law
/// when the agency wants it to be (the law's own limits are the compliance engine's); a message over the ceiling
/// waits until the oldest counted attempt leaves the window.
public struct ContactPressure: Sendable, Equatable {
    public static let rule = "AGENCY-CONTACT-PRESSURE"

    public var attempts: Int
    public var days: Int

    public init(attempts: Int, days: Int) {
        self.attempts = attempts
        self.days = days
    }

    /// `N/D`: N attempts in D days.
    public init?(_ text: String) {
        guard let (attempts, days) = Self.countPerPeriod(text) else { return nil }
        self.init(attempts: attempts, days: days)
    }

    /// `N/P`, both whole and positive: how the agency's ceilings are written (attempts per days, refusals per seconds).
    public static func countPerPeriod(_ text: String) -> (count: Int, period: Int)? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let count = Int(parts[0]), let period = Int(parts[1]), count > 0, period > 0 else { return nil }
        return (count, period)
    }

    /// Why a contact waits for the ceiling, for its record.
    public var reason: String { "agency policy: at most \(attempts) attempts in \(days) days across all media" }

    /// The engine's `decision` turned into a refusal when it allowed a contact the ceiling does not (an agent's
    /// call); nil when the ceiling lets it go as decided.
    public func refusing(_ decision: ContactDecision, after history: [ContactEvent], at now: Instant) -> ContactDecision? {
        guard decision.allowed, let next = nextAllowed(after: history, at: now) else { return nil }
        return ContactDecision(allowed: false, rule: Self.rule, findings: decision.findings, nextAllowedAt: next, zone: decision.zone,
                               ruleSetVersion: decision.ruleSetVersion)
    }

    /// When another attempt may go, or nil when one may go now.
    public func nextAllowed(after history: [ContactEvent], at now: Instant) -> Instant? {
        let window = Int64(days) * 86_400
        let counted = history.filter { event in
            event.direction == .outbound && event.channel != .letter && event.at <= now && event.at > now.adding(seconds: -window)
        }.map(\.at).sorted()
        guard counted.count >= attempts else { return nil }
        return counted[counted.count - attempts].adding(seconds: window)
    }
}

/// A token bucket: at most `perSecond` hand-offs a second on one channel, in bursts of at most `burst`. Pure: it
/// says how long to wait, the caller waits.
public struct RateLimit: Sendable, Equatable {
    public var perSecond: Double
    public var burst: Double
    var tokens: Double
    var updated: TimeInterval?

    public init(perSecond: Double, burst: Double? = nil) {
        self.perSecond = perSecond
        self.burst = burst ?? max(1, perSecond)
        tokens = self.burst
    }

    /// Takes one token at `now` (seconds on any monotonic clock); returns how long to wait before using it.
    public mutating func reserve(at now: TimeInterval) -> TimeInterval {
        if let updated { tokens = min(burst, tokens + (now - updated) * perSecond) }
        updated = now
        tokens -= 1
        return tokens >= 0 ? 0 : -tokens / perSecond
    }

    /// Takes one token at `now` if there is one; otherwise takes nothing and returns how long until there is
    /// (a request refused rather than kept waiting, as the API's per-key limit does).
    public mutating func admit(at now: TimeInterval) -> TimeInterval {
        if let updated { tokens = min(burst, tokens + (now - updated) * perSecond) }
        updated = now
        guard tokens >= 1 else { return (1 - tokens) / perSecond }
        tokens -= 1
        return 0
    }

    /// `50` or `50/200`: a rate per second, and optionally its burst.
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard (1...2).contains(parts.count), let rate = Double(parts[0]), rate > 0, rate.isFinite else { return nil }
        let burst = parts.count == 2 ? Double(parts[1]) : nil
        if parts.count == 2 { guard let burst, burst >= 1, burst.isFinite else { return nil } }
        self.init(perSecond: rate, burst: burst)
    }
}

/// A dispatcher's hand-off limits: one per channel, and one for the telephony provider, whose account texts and
/// voicemail calls share (`RECOUP_SMS_URL` serves both): a provider that allows 20 requests a second allows them
/// across both channels. Pure: it says how long to wait, the caller waits.
public struct RateLimits: Sendable, Equatable {
    public var channels: [ProposedChannel: RateLimit]
    /// Shared by texts and voicemails.
    public var telephony: RateLimit?
    static let telephonyChannels: Set<ProposedChannel> = [.sms, .voicemail]

    public init(channels: [ProposedChannel: RateLimit] = [:], telephony: RateLimit? = nil) {
        self.channels = channels
        self.telephony = telephony
    }

    /// The slowest rate a channel's hand-offs may go at, nil when unlimited.
    public func perSecond(for channel: ProposedChannel) -> Double? {
        let shared = Self.telephonyChannels.contains(channel) ? telephony?.perSecond : nil
        return [channels[channel]?.perSecond, shared].compactMap { $0 }.min()
    }

    /// Takes a token for one hand-off on `channel` from every bucket it draws on; how long to wait before it.
    public mutating func reserve(_ channel: ProposedChannel, at now: TimeInterval) -> TimeInterval {
        var wait = channels[channel]?.reserve(at: now) ?? 0
        if Self.telephonyChannels.contains(channel), telephony != nil { wait = max(wait, telephony!.reserve(at: now)) }
        return wait
    }

    /// `email=50,sms=10,telephony=20`: hand-offs per second per channel, and `telephony` for the provider texts and
    /// voicemails share.
    public static func parse(_ text: String) -> RateLimits? {
        var limits = RateLimits()
        for item in text.split(separator: ",") {
            let pair = item.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, let rate = Double(pair[1]), rate > 0, rate.isFinite else { return nil }
            if pair[0] == "telephony" {
                limits.telephony = RateLimit(perSecond: rate)
            } else if let channel = ProposedChannel(rawValue: pair[0]) {
                limits.channels[channel] = RateLimit(perSecond: rate)
            } else {
                return nil
            }
        }
        return limits
    }
}

/// The rate limits of one dispatcher, shared by its concurrent hand-offs.
actor ChannelPacer {
    private var limits: RateLimits
    private let start = DispatchTime.now().uptimeNanoseconds

    init(_ limits: RateLimits) { self.limits = limits }

    /// Waits for the channel's next slot.
    func pace(_ channel: ProposedChannel) async throws {
        let wait = limits.reserve(channel, at: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        if wait > 0 { try await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
    }
}
