import Compliance
import RecoupApp
import RecoupCore
import Testing

/// The agency's contact-pressure ceiling across media and the per-channel rate limits: pure values, no clock.
struct PacingTests {
    let t0 = Instant(secondsSince1970: 1_790_000_000)

    func event(_ daysAgo: Double, _ channel: HistoryChannel, _ direction: Direction = .outbound) -> ContactEvent {
        ContactEvent(at: t0.adding(seconds: -Int64(daysAgo * 86_400)), direction: direction, channel: channel, person: "P1",
                     destination: nil, debtIDs: ["D1"], dialingMethod: nil, outcome: .delivered)
    }

    @Test func theCeilingCountsOutboundAttemptsOfEveryMediumButLetters() throws {
        let pressure = try #require(ContactPressure("3/7"))
        let history = [event(6, .email), event(4, .sms), event(3, .call), event(2, .letter), event(1, .sms, .inbound)]
        let next = try #require(pressure.nextAllowed(after: history, at: t0))
        #expect(next == t0.adding(seconds: 86_400), "the oldest of the three (6 days ago) leaves the window tomorrow")
        #expect(pressure.nextAllowed(after: Array(history.dropFirst()), at: t0) == nil, "two attempts: a third may go")
        #expect(pressure.nextAllowed(after: [event(8, .email), event(7.5, .sms), event(7.1, .call)], at: t0) == nil)
        #expect(ContactPressure("3") == nil && ContactPressure("0/7") == nil && ContactPressure("a/b") == nil)
    }

    @Test func aTokenBucketSpacesHandOffsAfterItsBurst() throws {
        var limit = RateLimit(perSecond: 10, burst: 2)
        #expect(limit.reserve(at: 0) == 0 && limit.reserve(at: 0) == 0, "the burst goes at once")
        #expect(abs(limit.reserve(at: 0) - 0.1) < 1e-9, "then one every tenth of a second")
        #expect(abs(limit.reserve(at: 0) - 0.2) < 1e-9)
        #expect(limit.reserve(at: 10) == 0, "an idle bucket refills up to its burst")
        let parsed = try #require(RateLimit.parse("email=50, sms=10"))
        #expect(parsed[.email]?.perSecond == 50 && parsed[.sms]?.perSecond == 10)
        #expect(RateLimit.parse("fax=1") == nil && RateLimit.parse("sms=0") == nil)
    }

    /// Two batches (the one handed off, the one claimed meanwhile) fit in half a lease.
    @Test func aBatchIsNoLargerThanTheSlowestRateLimitHandsOffInAQuarterOfALease() {
        var settings = Dispatcher.Settings(worker: "w", from: "f", messageDomain: "d", collectorName: "c")
        settings.batchSize = 250
        settings.lease = 120
        #expect(settings.claimLimit(for: [.email, .sms]) == 250, "no limits: the whole batch")
        settings.rateLimits = [.sms: RateLimit(perSecond: 2), .email: RateLimit(perSecond: 50)]
        #expect(settings.claimLimit(for: [.email, .sms]) == 60, "2 texts a second for 30 s")
        #expect(settings.claimLimit(for: [.email]) == 250, "the email limit allows 1,500")
        settings.rateLimits = [.sms: RateLimit(perSecond: 0.001)]
        #expect(settings.claimLimit(for: [.sms]) == 1, "always at least one")
    }
}
