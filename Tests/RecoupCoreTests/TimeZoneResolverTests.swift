import Foundation
import RecoupCore
import Testing

private let resolver = TimeZoneResolver.standard

@Test func everyTableZoneLoadsInFoundation() {
    let zones = TimeZoneResolver.allZoneIdentifiers
    #expect(zones.count >= 20)
    for identifier in zones.sorted() {
        #expect(TimeZone(identifier: identifier) != nil, "\(identifier) does not load")
    }
}

@Test func everyStateAndAreaCodeHasAZone() {
    for state in USState.allCases {
        #expect(!resolver.zones(for: state).isEmpty, "\(state)")
    }
    let codes = TimeZoneResolver.areaCodes
    #expect(codes.count >= 330)
    #expect(codes == codes.sorted())
    for code in codes {
        #expect(code.count == 3 && code.allSatisfy(\.isNumber), "\(code)")
        #expect(!resolver.zones(forAreaCode: code).isEmpty, "\(code)")
    }
    for code in ["212", "512", "850", "907", "808", "602", "787", "671", "684", "670", "340"] {
        #expect(codes.contains(code), "\(code)")
    }
    #expect(!codes.contains("800"), "toll-free codes say nothing about location")
}

@Test func floridaPanhandleIsCentral() {
    #expect(resolver.zone(forZIP: "32501") == "America/Chicago")  // Pensacola
    #expect(resolver.zone(forZIP: "33101") == "America/New_York")  // Miami
    #expect(resolver.candidateZones(state: .FL, zip: "32501", phones: []) == ["America/Chicago"])
    #expect(resolver.candidateZones(state: .FL, zip: "33101", phones: []) == ["America/New_York"])
    #expect(resolver.candidateZones(state: .FL, zip: nil, phones: []) == ["America/Chicago", "America/New_York"])
    #expect(resolver.zones(forAreaCode: "850") == ["America/Chicago", "America/New_York"])
}

@Test func elPasoIsMountain() {
    #expect(resolver.zone(forZIP: "79901") == "America/Denver")
    #expect(resolver.candidateZones(state: .TX, zip: "79901", phones: []) == ["America/Denver"])
    #expect(resolver.candidateZones(state: .TX, zip: "78701", phones: []) == ["America/Chicago"])  // Austin
    #expect(resolver.zones(for: .TX).isSuperset(of: ["America/Chicago", "America/Denver"]))
}

@Test func phoneInAnotherZoneAddsItsZone() {
    let zones = resolver.candidateZones(state: .CA, zip: "94105", phones: ["+12125550100"])
    #expect(zones == ["America/Los_Angeles", "America/New_York"])
    let noZip = resolver.candidateZones(state: .CA, zip: nil, phones: ["+12125550100", "+13105550100"])
    #expect(noZip == ["America/Los_Angeles", "America/New_York"])
    #expect(resolver.candidateZones(state: nil, zip: nil, phones: ["+12125550100"]) == ["America/New_York"])
}

@Test func indianaSplitsByZIP() {
    #expect(resolver.zone(forZIP: "46204") == "America/Indiana/Indianapolis")
    #expect(resolver.zone(forZIP: "46402") == "America/Chicago")  // Gary, Lake County
    #expect(resolver.zone(forZIP: "47708") == "America/Chicago")  // Evansville
    let all = resolver.zones(for: .IN)
    #expect(all.isSuperset(of: ["America/Chicago", "America/Indiana/Indianapolis"]))
    #expect(resolver.candidateZones(state: .IN, zip: nil, phones: []) == all)
    #expect(resolver.candidateZones(state: .IN, zip: "46402", phones: []) == ["America/Chicago"])
}

@Test func otherSplitStatesHaveSeveralZones() {
    for state: USState in [.FL, .IN, .KY, .TN, .MI, .ND, .SD, .NE, .KS, .TX, .OR, .ID, .AK] {
        #expect(resolver.zones(for: state).count >= 2, "\(state)")
    }
    #expect(resolver.zones(for: .NY) == ["America/New_York"])
    #expect(resolver.zones(for: .CA) == ["America/Los_Angeles"])
    #expect(resolver.zone(forZIP: "37203") == "America/Chicago")  // Nashville
    #expect(resolver.zone(forZIP: "37902") == "America/New_York")  // Knoxville
    #expect(resolver.zone(forZIP: "97914") == "America/Boise")  // Ontario, Oregon
    #expect(resolver.zone(forZIP: "83814") == "America/Los_Angeles")  // Coeur d'Alene, Idaho
}

@Test func arizonaHasNoDaylightSavingTime() throws {
    let zone = try #require(resolver.zone(forZIP: "85004"))  // Phoenix
    #expect(zone == "America/Phoenix")
    #expect(resolver.zones(for: .AZ).contains("America/Phoenix"))
    let tz = try #require(TimeZone(identifier: zone))
    let january = Date(timeIntervalSince1970: 1_767_268_800)  // 2026-01-01 12:00 UTC
    let july = Date(timeIntervalSince1970: 1_782_907_200)  // 2026-07-01 12:00 UTC
    #expect(tz.secondsFromGMT(for: january) == -7 * 3600)
    #expect(tz.secondsFromGMT(for: july) == -7 * 3600)
    #expect(!tz.isDaylightSavingTime(for: july))
}

@Test func alaskaAndHawaii() {
    #expect(resolver.zone(forZIP: "99501") == "America/Anchorage")
    #expect(resolver.zone(forZIP: "99801") == "America/Juneau")
    #expect(resolver.zone(forZIP: "96813") == "Pacific/Honolulu")
    #expect(resolver.candidateZones(state: .HI, zip: "96813", phones: ["+18085550100"]) == ["Pacific/Honolulu"])
    #expect(resolver.zones(for: .AK).isSuperset(of: ["America/Anchorage", "America/Juneau", "America/Adak"]))
    #expect(resolver.zones(forAreaCode: "907").contains("America/Anchorage"))
}

@Test func unknownAndMalformedInputsAddNothing() {
    #expect(resolver.zones(forAreaCode: "999").isEmpty)
    #expect(resolver.zones(forPhone: "+19995550100").isEmpty)  // unassigned area code
    #expect(resolver.zones(forPhone: "+442071234567").isEmpty)  // not NANP
    #expect(resolver.zones(forPhone: "512-555-0100").isEmpty)  // not E.164
    #expect(resolver.zones(forPhone: "+1512555010").isEmpty)  // too short
    #expect(resolver.candidateZones(state: .NY, zip: nil, phones: ["+19995550100"]) == ["America/New_York"])
    #expect(resolver.candidateZones(state: nil, zip: nil, phones: []).isEmpty)
    #expect(resolver.candidateZones(state: nil, zip: "00000", phones: ["+19995550100"]).isEmpty)
    #expect(resolver.zone(forZIP: "3250") == nil)
    #expect(resolver.zone(forZIP: "ABCDE") == nil)
    #expect(resolver.zone(forZIP: "00000") == nil)
    // A split state with an unknown ZIP keeps all its zones.
    #expect(resolver.candidateZones(state: .FL, zip: "bogus", phones: []) == resolver.zones(for: .FL))
}

@Test func zipPlusFourAndSpacesAreAccepted() {
    #expect(resolver.zone(forZIP: "32501-1234") == "America/Chicago")
    #expect(resolver.zone(forZIP: "325011234") == "America/Chicago")
    #expect(resolver.zone(forZIP: " 32501 ") == "America/Chicago")
    #expect(resolver.zone(forZIP: "32501-12") == nil)
}

@Test func zipOutsideTheStateWidensTheSet() {
    // A Californian address with a New York ZIP: the collector's information points at both.
    #expect(resolver.candidateZones(state: .CA, zip: "10001", phones: []) == ["America/Los_Angeles", "America/New_York"])
    #expect(resolver.candidateZones(state: nil, zip: "10001", phones: []) == ["America/New_York"])
}

@Test func territories() {
    #expect(resolver.zone(forZIP: "00901") == "America/Puerto_Rico")
    #expect(resolver.zones(for: .PR) == ["America/Puerto_Rico"])
    #expect(resolver.zones(for: .GU).contains("Pacific/Guam"))
    #expect(resolver.zones(forAreaCode: "684") == ["Pacific/Pago_Pago"])
}
