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

/// A token bucket: at most `perSecond` hand-offs (or requests) a second, in bursts of at most `burst`. Pure: it
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

    /// Takes one token at `now` if there is one; otherwise takes nothing and returns how long until there is
    /// (a request refused rather than kept waiting, as the API's per-key limit does).
    public mutating func admit(at now: TimeInterval) -> TimeInterval {
        if let updated { tokens = min(burst, tokens + (now - updated) * perSecond) }
        updated = now
        guard tokens >= 1 else { return (1 - tokens) / perSecond }
        tokens -= 1
        return 0
    }

    /// Seconds between two slots of a busy schedule.
    public var interval: TimeInterval { 1 / perSecond }

    /// How early a slot may go after an idle spell: the burst beyond the first one.
    public var tolerance: TimeInterval { (burst - 1) / perSecond }

    /// Slots booked together on a shared schedule (``HandOffSlots``) in one round trip: a quarter of a second's
    /// worth, so a busy dispatcher books about four times a second whatever the rate.
    public var slotsPerBooking: Int { max(1, min(250, Int(perSecond / 4))) }

    /// The instants of `count` slots booked at `now` whose first the schedule put `offset` seconds ahead: one every
    /// ``interval`` from there, each up to ``tolerance`` early (the burst an idle schedule allows), never before `now`.
    /// The same rule as the token bucket's, kept by whoever books instead of by one process.
    public func slots(bookedAt now: TimeInterval, offset: TimeInterval, count: Int) -> [TimeInterval] {
        (0..<count).map { index in max(now, now + offset + Double(index) * interval - tolerance) }
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
/// across both channels. Pure: it names the schedules a hand-off draws on.
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
        buckets(for: channel).map(\.limit.perSecond).min()
    }

    /// The schedules one hand-off on `channel` takes a slot from, by name: its channel's, and the provider's for
    /// texts and voicemails. Every dispatcher names them alike, so on one database they share them.
    public func buckets(for channel: ProposedChannel) -> [(name: String, limit: RateLimit)] {
        var buckets: [(name: String, limit: RateLimit)] = []
        if let own = channels[channel] { buckets.append((channel.rawValue, own)) }
        if Self.telephonyChannels.contains(channel), let telephony { buckets.append(("telephony", telephony)) }
        return buckets
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

/// The hand-off schedules every dispatcher on one database shares: a relay's or a provider's limit holds for the
/// whole deployment, however many `recoup serve` processes send.
public protocol HandOffSlots: Sendable {
    /// Books `count` consecutive slots `interval` seconds apart on the schedule `bucket`, after every slot booked
    /// on it before, by any process; returns how many seconds from now the first of them is (0 when the schedule
    /// is idle). Booked slots are spent whether or not they are used.
    func bookSlots(_ bucket: String, count: Int, interval: TimeInterval) async throws -> TimeInterval
}

/// The rate limits of one dispatcher, shared by its concurrent hand-offs: slots are booked on the shared schedules
/// a few at a time and handed out here in order.
actor ChannelPacer {
    private let limits: RateLimits
    private let schedules: any HandOffSlots
    /// Booked slots not yet used, per schedule, as seconds since `start`.
    private var booked: [String: [TimeInterval]] = [:]
    /// The booking under way per schedule: concurrent hand-offs wait for it instead of each booking more.
    private var booking: [String: Task<Void, any Error>] = [:]
    private let start = DispatchTime.now().uptimeNanoseconds

    init(_ limits: RateLimits, schedules: any HandOffSlots) {
        self.limits = limits
        self.schedules = schedules
    }

    private var uptime: TimeInterval { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// Waits for the channel's next slot and takes it (nil); or, when that slot is more than `patience` seconds away,
    /// takes nothing and answers at once how far away it is (the message's claim would not outlast the wait).
    func pace(_ channel: ProposedChannel, patience: TimeInterval) async throws -> TimeInterval? {
        let buckets = limits.buckets(for: channel)
        guard !buckets.isEmpty else { return nil }
        // Slots that passed unused more than an interval ago are spent (the schedule counted them then): used now they
        // would come on top of the slots other dispatchers hold for now.
        for (name, limit) in buckets { booked[name]?.removeAll { $0 < uptime - limit.interval } }
        // Another hand-off may take the slots booked while this one waits for the database: look again after each.
        while let (name, limit) = buckets.first(where: { booked[$0.name]?.isEmpty ?? true }) {
            if let pending = booking[name] {
                try await pending.value
                continue
            }
            let task = Task { try await book(name, limit) }
            booking[name] = task
            defer { booking[name] = nil }
            try await task.value
        }
        let now = uptime
        let wait = buckets.map { booked[$0.name]![0] - now }.max()!
        guard wait <= patience else { return wait }
        for bucket in buckets { booked[bucket.name]!.removeFirst() }
        if wait > 0 { try await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
        return nil
    }

    private func book(_ name: String, _ limit: RateLimit) async throws {
        let count = limit.slotsPerBooking
        let offset = try await schedules.bookSlots(name, count: count, interval: limit.interval)
        booked[name, default: []] += limit.slots(bookedAt: uptime, offset: offset, count: count)
    }
}
