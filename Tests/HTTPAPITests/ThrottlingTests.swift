import Foundation
@testable import HTTPAPI
import HTTPTypes
import HummingbirdTesting
import NIOCore
import RecoupApp
import RecoupCore
import RecoupTestSupport
import Testing

@Suite struct ThrottleStateTests {
    let start = Date(timeIntervalSinceReferenceDate: 800_000_000)

    @Test func anAddressIsLockedOutUntilItsOldestRecentRefusalLeavesTheWindow() {
        var state = ThrottleState(guessing: GuessingLimit(refusals: 3, seconds: 600), perKey: nil)
        state.recordRefusal("198.51.100.7", at: start)
        state.recordRefusal("198.51.100.7", at: start + 100)
        #expect(state.lockedOut("198.51.100.7", at: start + 100) == nil, "two refusals of three allowed")
        state.recordRefusal("198.51.100.7", at: start + 200)
        #expect(state.lockedOut("198.51.100.7", at: start + 200) == 400)
        #expect(state.lockedOut("203.0.113.9", at: start + 200) == nil, "another address is not touched")
        #expect(state.lockedOut("198.51.100.7", at: start + 600) == nil, "the first refusal has left the window")
        state.recordRefusal("198.51.100.7", at: start + 600)
        #expect(state.lockedOut("198.51.100.7", at: start + 600) == 100, "one more try, then locked until the second refusal is old")
        #expect(state.refusals["198.51.100.7"]?.count == 3, "no more than the limit is kept per address")
    }

    @Test func staleAddressesAreForgottenOnceManyAreTracked() {
        var state = ThrottleState(guessing: GuessingLimit(refusals: 2, seconds: 60), perKey: nil)
        for index in 0..<ThrottleState.addressesBeforePruning { state.recordRefusal("10.0.\(index / 256).\(index % 256)", at: start) }
        state.recordRefusal("192.0.2.1", at: start + 61)
        #expect(state.refusals.count == 1, "every address whose last refusal is a window old is gone")
        #expect(ThrottleState(guessing: nil, perKey: nil).lockedOut("192.0.2.1", at: start) == nil)
    }

    @Test func aKeyOverItsRateWaitsForItsNextTokenAndSpendsNothingMeanwhile() {
        var state = ThrottleState(guessing: nil, perKey: RateLimit(perSecond: 2, burst: 2))
        let key = APIKeyID()
        #expect(state.admit(key, at: start) == nil && state.admit(key, at: start) == nil)
        #expect(state.admit(key, at: start) == 0.5)
        #expect(state.admit(key, at: start + 0.25) == 0.25, "a refused request took no token")
        #expect(state.admit(APIKeyID(), at: start) == nil, "another key has its own bucket")
        #expect(state.admit(key, at: start + 0.5) == nil)
        var unlimited = ThrottleState(guessing: nil, perKey: nil)
        #expect((0..<1_000).allSatisfy { _ in unlimited.admit(key, at: start) == nil })
    }

    @Test func limitsAreReadFromTheirSettings() {
        #expect(GuessingLimit("20/600") == GuessingLimit(refusals: 20, seconds: 600))
        #expect(GuessingLimit("20") == nil && GuessingLimit("0/600") == nil && GuessingLimit("a/b") == nil)
        #expect(RateLimit("50/100") == RateLimit(perSecond: 50, burst: 100))
        #expect(RateLimit("50") == RateLimit(perSecond: 50))
        #expect(RateLimit("0") == nil && RateLimit("50/0") == nil && RateLimit("50/x") == nil && RateLimit("inf") == nil)
    }

    @Test func forwardedAddressesAreBelievedOnlyFromTrustedProxies() {
        let proxies: Set = ["10.0.0.2", "10.0.0.3"]
        #expect(ClientAddress.resolve(peer: "203.0.113.5", forwardedFor: ["198.51.100.1"], trustedProxies: proxies) == "203.0.113.5",
                "a caller cannot pick its own address")
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["1.2.3.4, 198.51.100.1"], trustedProxies: proxies) == "198.51.100.1",
                "the right-most entry is the one the proxy appended; what is left of it the caller wrote")
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["198.51.100.1, 10.0.0.3"], trustedProxies: proxies) == "198.51.100.1",
                "proxies in a chain are skipped")
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: [], trustedProxies: proxies) == "10.0.0.2")
        #expect(ClientAddress.resolve(peer: nil, forwardedFor: ["198.51.100.1"], trustedProxies: proxies) == "unknown")
    }
}

@Suite struct APIThrottlingTests {
    /// Status, `Retry-After` and problem detail of one request.
    func request(_ client: some TestClientProtocol, key: String?, path: String = "/v1/accounts") async throws -> (HTTPResponse.Status, String?, String) {
        var headers: HTTPFields = [:]
        if let key { headers[.authorization] = "Bearer \(key)" }
        return try await client.execute(uri: path, method: .get, headers: headers) { response in
            (response.status, response.headers[.retryAfter], String(buffer: response.body))
        }
    }

    @Test func anAddressThatKeepsSendingRefusedKeysIsLockedOutEvenWithAGoodOne() async throws {
        let limits = APILimits(guessing: GuessingLimit(refusals: 3, seconds: 600))
        try await APIHarness.with(.sqlite, limits: limits) { h in
        try await h.app.test(.router) { client in
            for _ in 0..<25 { #expect(try await request(client, key: nil).0 == .unauthorized, "no key sent is not a guess") }
            #expect(try await request(client, key: h.acmeAdmin).0 == .ok)
            for guess in ["rk_one", "rk_two", "rk_three"] { #expect(try await request(client, key: guess).0 == .unauthorized) }
            let (locked, retryAfter, body) = try await request(client, key: h.acmeAdmin)
            #expect(locked == .tooManyRequests && retryAfter == "600", "\(body)")
            #expect(body.contains("too many refused API keys from this address; retry after 600 s"))

            h.clock.advance(by: 599)
            #expect(try await request(client, key: "rk_four").1 == "1", "still locked, and the key was not looked at")
            h.clock.advance(by: 1)
            #expect(try await request(client, key: h.acmeAdmin).0 == .ok)
            let (_, _, metrics) = try await client.call(.get, "/metrics", key: nil)
            #expect(metrics.contains(#"recoup_api_auth_failures_total{reason="locked_out"} 2"#), "\(metrics)")
            #expect(metrics.contains(#"recoup_api_auth_failures_total{reason="unknown"} 3"#))
            #expect(metrics.contains(#"recoup_api_auth_failures_total{reason="missing"} 25"#))
        }
        }
    }

    @Test func aKeyOverItsRequestRateIsToldWhenToComeBackAndOtherKeysAreNotSlowed() async throws {
        let limits = APILimits(requestsPerKey: RateLimit(perSecond: 1, burst: 2))
        try await APIHarness.with(.sqlite, limits: limits) { h in
        try await h.app.test(.router) { client in
            #expect(try await request(client, key: h.acmeAdmin).0 == .ok)
            #expect(try await request(client, key: h.acmeAdmin).0 == .ok)
            let (limited, retryAfter, body) = try await request(client, key: h.acmeAdmin)
            #expect(limited == .tooManyRequests && retryAfter == "1" && body.contains("this API key is over its request rate"), "\(body)")
            #expect(try await request(client, key: h.acmeAgent).0 == .ok, "each key has its own rate")
            h.clock.advance(by: 1)
            #expect(try await request(client, key: h.acmeAdmin).0 == .ok)
            #expect(try await request(client, key: nil, path: "/health").0 == .ok, "public paths are never limited")
            let (_, _, metrics) = try await client.call(.get, "/metrics", key: nil)
            #expect(metrics.contains("recoup_api_rate_limited_total 1"), "\(metrics)")
        }
        }
    }
}
