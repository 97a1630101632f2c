import Foundation
import RecoupCore
import Testing
@testable import Compliance

// Reading and writing the contact check document (docs/compliance-check.md). The engine's decisions are tested
// elsewhere; here only the mapping of documents onto domain values, the refusals and the written answer.

// MARK: - Helpers

private func instant(_ text: String) throws -> Instant { try #require(ISOTimestamp(text)).instant }

private func day(_ text: String) throws -> LocalDate { try #require(LocalDate(iso: text)) }

private func decode(_ json: String) throws -> (snapshot: ContactSnapshot, proposal: ProposedContact) {
    try CheckDocument.decode(Data(json.utf8))
}

/// The refusal of a document that must be refused, or nil when it was accepted.
private func rejection(of json: String) -> CheckDocumentError? {
    do {
        _ = try CheckDocument.decode(Data(json.utf8))
        return nil
    } catch {
        return error
    }
}

/// The input documents of Fixtures/examples.json by id, re-serialized on their own.
private func exampleInputs() throws -> [String: Data] {
    let url = try #require(Bundle.module.url(forResource: "examples", withExtension: "json", subdirectory: "Fixtures"))
    let entries = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
    var inputs: [String: Data] = [:]
    for entry in entries {
        let id = try #require(entry["id"] as? String)
        inputs[id] = try JSONSerialization.data(withJSONObject: try #require(entry["input"]))
    }
    return inputs
}

private func example(_ id: String) throws -> (snapshot: ContactSnapshot, proposal: ProposedContact) {
    try CheckDocument.decode(try #require(try exampleInputs()[id]))
}

private let exampleIDs = ["TOD-001", "F7-006", "CEASE-001", "EOPT-001", "TCPA-003", "VN-001"]

// MARK: - The six examples

@Test func fixtureHoldsTheSixExamples() throws {
    #expect(try exampleInputs().keys.sorted() == exampleIDs.sorted())
}

@Test(arguments: exampleIDs)
func everyExampleDecodesWithTheCommonFacts(id: String) throws {
    let (snapshot, proposal) = try example(id)
    #expect(snapshot.asOf == proposal.at)
    #expect(snapshot.jurisdiction.state == .OH)
    #expect(snapshot.jurisdiction.city == "Columbus, OH")
    #expect(snapshot.collector.name == "Acme Recovery LLC")
    #expect(snapshot.collector.type == .thirdPartyDebtCollector)
    #expect(snapshot.collector.fdcpaCovered == true)
    #expect(snapshot.collector.licensedStates == nil)
    #expect(snapshot.consumer.id == "P1")
    #expect(snapshot.consumer.deceased == false)
    #expect(snapshot.consumer.locationSignals.map(\.source) == [.mailingAddress, .phoneAreaCode])
    #expect(snapshot.consumer.locationSignals.map(\.zone) == ["America/New_York", "America/New_York"])
    #expect(snapshot.consumer.locationSignals.map(\.detail) == ["Columbus, OH", "614"])
    #expect(snapshot.consumer.inconvenientTimes.isEmpty && snapshot.consumer.inconvenientPlaces.isEmpty)
    #expect(snapshot.persons.map(\.id) == ["P1"])
    #expect(snapshot.persons.map(\.role) == [.consumer])
    #expect(snapshot.debts.first?.id == "D1")
    #expect(snapshot.debts.first?.type == .creditCard)
    #expect(snapshot.debts.first?.solExpired == false)
    #expect(snapshot.debts.first?.studentLoanAccountNumberAtAcquisition == nil)
    #expect(snapshot.holds.attorney == nil && snapshot.holds.dispute == nil && snapshot.holds.bankruptcy == nil)
    #expect(snapshot.validationNotice == nil)
    #expect(proposal.action == .contact)
    #expect(proposal.debtID == "D1")
    #expect(proposal.additionalDebtIDs.isEmpty)
    #expect(proposal.person == "P1")
    #expect(proposal.content.includesMiniMiranda == true)
    #expect(proposal.content.paymentDeadlineDays == nil)
}

@Test func tod001IsAManualCallOneMinuteBeforeEight() throws {
    let (snapshot, proposal) = try example("TOD-001")
    #expect(proposal.channel == .call)
    #expect(proposal.at == (try instant("2025-10-15T11:59:00Z")))
    #expect(proposal.dialingMethod == .manual)
    #expect(proposal.destination == "cell-1")
    #expect(proposal.destinationType == .cell)
    #expect(proposal.content.type == .collection)
    #expect(snapshot.history.isEmpty)
    #expect(snapshot.destinations.map(\.id) == ["cell-1"])
    #expect(snapshot.destinations.first?.type == .cell)
    #expect(snapshot.destinations.first?.value == "+16145550101")
    #expect(snapshot.destinations.first?.source == .providedToCreditorOnApplication)
    #expect(snapshot.holds.cease == nil)
}

@Test func f7006HasSevenOutboundCallsWithTheirOutcomes() throws {
    let (snapshot, proposal) = try example("F7-006")
    #expect(snapshot.history.count == 7)
    #expect(snapshot.history.map(\.outcome) == [
        .noAnswer, .noAnswer, .noAnswer, .noAnswer, .voicemailReachedNoMessageLeft, .noAnswer, .noAnswer,
    ])
    #expect(snapshot.history.allSatisfy { $0.direction == .outbound && $0.channel == .call })
    #expect(snapshot.history.allSatisfy { $0.debtIDs == ["D1"] && $0.person == "P1" && $0.destination == "cell-1" })
    #expect(snapshot.history.allSatisfy { $0.dialingMethod == .manual && $0.connected == true && $0.content == nil })
    #expect(snapshot.history.first?.at == (try instant("2025-10-06T14:00:00Z")))
    #expect(snapshot.history.last?.at == (try instant("2025-10-10T15:00:00Z")))
    #expect(proposal.at == (try instant("2025-10-11T15:00:00Z")))
}

@Test func cease001CarriesTheWrittenCeaseNoticeAboutD1() throws {
    let (snapshot, _) = try example("CEASE-001")
    let cease = try #require(snapshot.holds.cease)
    #expect(cease.receivedAt == (try instant("2025-10-06T11:00:00-04:00")))
    #expect(cease.written)
    #expect(cease.medium == "letter")
    #expect(cease.debtIDs == ["D1"])
    #expect(cease.text == "Stop contacting me about the Big Bank account.")
    #expect(snapshot.debts.map(\.id) == ["D1", "D2"])
    #expect(snapshot.debts.map(\.type) == [.creditCard, .medical])
    #expect(snapshot.debts.last?.creditor == "City Hospital")
}

@Test func eopt001CarriesTheEmailOptOut() throws {
    let (snapshot, proposal) = try example("EOPT-001")
    #expect(snapshot.destinations.map(\.id) == ["cell-1", "email-A", "email-B"])
    #expect(snapshot.destinations.map(\.type) == [.cell, .email, .email])
    #expect(snapshot.destinations.last?.source == .consumerEmailedCollector)
    let optOut = try #require(snapshot.optOuts.first)
    #expect(snapshot.optOuts.count == 1)
    #expect(optOut.recordedAt == (try instant("2025-10-03T10:00:00-04:00")))
    #expect(optOut.medium == .email)
    #expect(optOut.scope == .address)
    #expect(optOut.destination == "email-A")
    #expect(optOut.how == "1006.6(e)_opt_out_link")
    #expect(proposal.channel == .email)
    #expect(proposal.dialingMethod == .notApplicable)
    #expect(proposal.destinationType == .email)
    #expect(proposal.content.includesOptOutNotice == true)
}

@Test func tcpa003UsesASkipTracedNumber() throws {
    let (snapshot, proposal) = try example("TCPA-003")
    #expect(snapshot.destinations.first?.source == .skipTraceVendor)
    #expect(proposal.channel == .call)
    #expect(proposal.dialingMethod == .manual)
}

@Test func vn001IsAValidationNoticeByLetterInStandardTime() throws {
    let (snapshot, proposal) = try example("VN-001")
    #expect(proposal.channel == .letter)
    #expect(proposal.destination == "mail-1")
    #expect(proposal.destinationType == .mail)
    #expect(proposal.content.type == .validationNotice)
    #expect(proposal.content.validationPeriodEndDateStated == (try day("2025-12-10")))
    #expect(snapshot.asOf == (try instant("2025-11-03T14:00:00Z")))
}

/// Every timestamp of the examples, written back in the consumer's zone, is the text it was read from.
@Test(arguments: exampleIDs)
func exampleTimestampsRoundTripThroughTheConsumersZone(id: String) throws {
    let input = try #require(try exampleInputs()[id])
    let json = try #require(try JSONSerialization.jsonObject(with: input) as? [String: Any])
    let facts = try #require(json["facts"] as? [String: Any])
    let proposed = try #require(json["proposed"] as? [String: Any])
    let history = try #require(facts["contact_history"] as? [[String: Any]])
    let zone = try #require(ZoneClock.named("America/New_York"))
    let (snapshot, proposal) = try CheckDocument.decode(input)
    #expect(zone.iso8601(proposal.at) == proposed["timestamp"] as? String)
    #expect(zone.iso8601(snapshot.asOf) == facts["as_of"] as? String)
    #expect(snapshot.history.map { zone.iso8601($0.at) } == history.map { $0["ts"] as? String })
}

// MARK: - Every key

private let everyKey = #"""
{
  "facts": {
    "as_of": "2025-10-15T11:00:00-04:00",
    "jurisdiction": {"consumer_state": "ny", "consumer_city": "Brooklyn, NY (New York City)"},
    "collector": {"name": "Acme", "type": "debt_buyer", "fdcpa_covered": null, "licensed_states": ["NY", "CA"]},
    "consumer": {
      "id": "P1", "date_of_death": "2025-09-01", "language_preference": "es",
      "location_signals": [{"source": "phone_area_code", "tz": "America/Chicago", "detail": "312"}],
      "stated_inconvenient_times": [
        {"local_window": ["21:00", "09:00"], "channels": ["call", "sms"], "statement": "not before nine",
         "recorded_at": "2025-10-01T10:00:00-04:00"},
        {"local_window": ["12:00", "13:00"]}
      ],
      "consent_to_otherwise_inconvenient_times": [
        {"local_window": ["07:00", "08:00"], "date": "2025-10-16", "given_directly_to_collector": true,
         "statement": "call me at 7", "recorded_at": "2025-10-14T10:00:00-04:00"}
      ],
      "stated_inconvenient_places": [
        {"statement": "don't call me at work", "oral": true, "written_confirmation_received": false,
         "recorded_at": "2025-10-02T10:00:00-04:00"}
      ],
      "employer_prohibits_contact": true,
      "employer_prohibition_source": {"statement": "HR letter", "recorded_at": "2025-10-03T10:00:00-04:00"}
    },
    "persons": [{"id": "P1", "role": "consumer"}, {"id": "A1", "role": "consumer_attorney", "name": "Lee Esq."}],
    "debts": [
      {"id": "D1", "type": "student_loan", "creditor": "Lender", "sol_expired": null, "sol_basis": "NY CPLR 213",
       "last_payment_date": "2019-01-15", "past_fcra_obsolescence": false,
       "last_collection_activity_date": "2025-09-30", "student_loan_account_number_at_acquisition": "SL-9"}
    ],
    "destinations": [{"id": "work-1", "type": "work", "source": "creditor_file_employer_number"}],
    "contact_history": [
      {"ts": "2025-10-14T10:00:00.750-04:00", "direction": "inbound", "channel": "call", "person": "P1",
       "destination": "work-1", "debt_ids": ["D1"], "dialing_method": "n/a", "connected": true,
       "outcome": "conversation", "note": "called in", "text": null, "recording_id": "R-1",
       "content": {"type": "response_to_consumer_inquiry", "nycrr_1_3_notice": true}},
      {"ts": "2025-10-14T18:00:00Z", "direction": "outbound", "channel": "letter", "outcome": "mailed"}
    ],
    "consents": [
      {"type": "reg_f_call_consent", "given_directly_to_collector": true, "received_at": "2025-10-14T10:05:00-04:00",
       "requested_date": "2025-10-16", "destination": "work-1", "destinations": ["cell-9", "work-1"],
       "scope_debt_ids": ["D1"], "statement": "call me Thursday"},
      {"type": "nyc_electronic_communication_consent"}
    ],
    "opt_outs": [{"recorded_at": null, "medium": "telephone_calls", "scope": "all_numbers", "statement": "no calls"}],
    "tcpa_revocations": [
      {"received_at": "2025-10-13T10:00:00-04:00", "destination": "work-1", "method": "reply_text",
       "per_se_reasonable": true, "in_response_to": "sms-7", "text": "STOP"}
    ],
    "flags": {
      "cease_communication": {"received_at": "2025-10-10T10:00:00-04:00", "scope_debt_ids": "all"},
      "attorney_representation": {
        "from": "attorney", "written": false, "notice_received_at": "2025-10-09T10:00:00-04:00",
        "attorney_name": "Lee Esq.", "attorney_address": "1 Court St", "scope_debt_ids": ["D1"],
        "attorney_unresponsive": true, "attorney_consented_to_direct_contact": null,
        "consent_received_at": "2025-10-11T10:00:00-04:00",
        "collector_letter_to_attorney_sent_at": "2025-10-09T12:00:00-04:00",
        "request_all_communications_to_attorney": true
      },
      "dispute": {"received_at": "2025-10-08T10:00:00-04:00", "written": true, "within_validation_period": true,
                  "scope": "all", "duplicative": false, "verification_sent_at": null},
      "original_creditor_request": {"received_at": "2025-10-08T10:00:00-04:00", "written": false,
                                    "within_validation_period": false, "responded_at": "2025-10-12T10:00:00-04:00"},
      "bankruptcy": {"status": "discharged", "chapter": 7, "petition_date": "2025-01-02",
                     "discharge_date": "2025-05-02", "debt_is_prepetition": true, "debt_discharged": true,
                     "collector_notified_at": "2025-05-03T10:00:00-04:00"}
    },
    "validation_notice": {"provided_at": "2025-11-03T09:00:00-05:00", "method": "mail",
                          "assumed_receipt_date": "2025-11-10", "validation_period_end_date": "2025-12-10",
                          "actual_receipt_known": false, "note": "B-1 form"}
  },
  "proposed": {
    "action": "file_lawsuit", "channel": "none", "timestamp": "2025-10-15T15:00:00Z", "debt_id": null,
    "additional_debt_ids": ["D1", "D2"], "person": "A1", "destination": "court-1", "destination_type": "court",
    "dialing_method": null,
    "content": {
      "type": "legal_action", "includes_mini_miranda": false, "includes_opt_out_notice": false,
      "threatens_legal_action": true, "payment_deadline_days": 10, "mentions_debt": true, "language": "en",
      "validation_period_end_date_stated": "2025-12-10",
      "itemization_date_basis": {"account_number": "charge_off", "amounts": "last_statement"},
      "dispute_prompts": true, "original_creditor_prompt": false, "english_notice_included_or_previously_sent": true,
      "time_barred_disclosure": false, "ca_license_number_displayed_pt": 12, "nycrr_1_3_notice_in_same_medium": true,
      "remedy": "garnishment", "remedy_intended": true
    }
  }
}
"""#

@Test func everyDocumentedKeyIsReadOntoTheSnapshot() throws {
    let (snapshot, _) = try decode(everyKey)
    #expect(snapshot.asOf == (try instant("2025-10-15T15:00:00Z")))
    #expect(snapshot.jurisdiction.state == .NY)
    #expect(snapshot.jurisdiction.isNewYorkCity())
    #expect(snapshot.collector.type == .debtBuyer)
    #expect(snapshot.collector.fdcpaCovered == nil)
    #expect(snapshot.collector.licensedStates == [.NY, .CA])

    let consumer = snapshot.consumer
    #expect(consumer.dateOfDeath == (try day("2025-09-01")))
    #expect(consumer.deceased, "a date of death implies a deceased consumer")
    #expect(consumer.language == "es")
    #expect(consumer.locationSignals.map(\.zone) == ["America/Chicago"])
    #expect(consumer.inconvenientTimes.count == 2)
    #expect(consumer.inconvenientTimes.first?.window.description == "21:00–09:00")
    #expect(consumer.inconvenientTimes.first?.channels == [.call, .sms])
    #expect(consumer.inconvenientTimes.first?.statement == "not before nine")
    #expect(consumer.inconvenientTimes.first?.recordedAt == (try instant("2025-10-01T14:00:00Z")))
    #expect(consumer.inconvenientTimes.last?.channels == [], "no channels: every channel")
    let timeConsent = try #require(consumer.timeConsents.first)
    #expect(timeConsent.window.description == "07:00–08:00")
    #expect(timeConsent.date == (try day("2025-10-16")))
    #expect(timeConsent.givenDirectlyToCollector)
    #expect(timeConsent.statement == "call me at 7")
    let place = try #require(consumer.inconvenientPlaces.first)
    #expect(place.statement == "don't call me at work" && place.oral && !place.writtenConfirmationReceived)
    #expect(place.recordedAt == (try instant("2025-10-02T14:00:00Z")))
    #expect(consumer.employerProhibitsContact)
    #expect(consumer.employerProhibitionRecordedAt == (try instant("2025-10-03T14:00:00Z")))

    #expect(snapshot.persons.map(\.role) == [.consumer, .consumerAttorney])
    #expect(snapshot.persons.last?.name == "Lee Esq.")
    let debt = try #require(snapshot.debts.first)
    #expect(debt.type == .studentLoan && debt.creditor == "Lender" && debt.solExpired == nil)
    #expect(debt.solBasis == "NY CPLR 213")
    #expect(debt.lastPaymentDate == (try day("2019-01-15")))
    #expect(debt.pastFCRAObsolescence == false)
    #expect(debt.lastCollectionActivityDate == (try day("2025-09-30")))
    #expect(debt.studentLoanAccountNumberAtAcquisition == "SL-9")
    #expect(snapshot.destinations.first?.type == .work)
    #expect(snapshot.destinations.first?.value == nil)
    #expect(snapshot.destinations.first?.source == .creditorFileEmployerNumber)
}

@Test func historyConsentsOptOutsAndRevocationsAreRead() throws {
    let (snapshot, _) = try decode(everyKey)
    let inbound = try #require(snapshot.history.first)
    #expect(inbound.at == (try instant("2025-10-14T14:00:00Z")), "fractions of a second are dropped")
    #expect(inbound.direction == .inbound && inbound.channel == .call && inbound.outcome == .conversation)
    #expect(inbound.person == "P1" && inbound.destination == "work-1" && inbound.debtIDs == ["D1"])
    #expect(inbound.dialingMethod == .notApplicable && inbound.connected == true)
    #expect(inbound.note == "called in" && inbound.text == nil && inbound.recordingID == "R-1")
    #expect(inbound.content?.type == .responseToConsumerInquiry)
    #expect(inbound.content?.nycrr13Notice == true)
    let letter = try #require(snapshot.history.last)
    #expect(letter.channel == .letter && letter.outcome == .mailed && letter.person == nil && letter.debtIDs.isEmpty)
    #expect(letter.dialingMethod == nil && letter.connected == nil)

    let consent = try #require(snapshot.consents.first)
    #expect(consent.type == .regFCallConsent && consent.givenDirectlyToCollector)
    #expect(consent.receivedAt == (try instant("2025-10-14T14:05:00Z")))
    #expect(consent.requestedDate == (try day("2025-10-16")))
    #expect(consent.destinations == ["cell-9", "work-1"], "destination and destinations together, once each")
    #expect(consent.debtIDs == ["D1"] && consent.statement == "call me Thursday")
    #expect(snapshot.consents.last?.type == .nycElectronicCommunicationConsent)
    #expect(snapshot.consents.last?.givenDirectlyToCollector == false, "not stated: not given directly")

    let optOut = try #require(snapshot.optOuts.first)
    #expect(optOut.recordedAt == nil && optOut.medium == .telephoneCalls && optOut.scope == .allNumbers)
    #expect(optOut.statement == "no calls")
    let revocation = try #require(snapshot.tcpaRevocations.first)
    #expect(revocation.receivedAt == (try instant("2025-10-13T14:00:00Z")) && revocation.destination == "work-1")
    #expect(revocation.method == "reply_text" && revocation.perSeReasonable == true)
    #expect(revocation.inResponseTo == "sms-7" && revocation.text == "STOP")
}

@Test func flagsAreReadOntoTheHolds() throws {
    let holds = try decode(everyKey).snapshot.holds
    let cease = try #require(holds.cease)
    #expect(cease.written, "a notice whose form is not stated is taken as written")
    #expect(cease.debtIDs.isEmpty, "\"all\": every debt")
    let attorney = try #require(holds.attorney)
    #expect(attorney.from == .attorney && !attorney.written)
    #expect(attorney.noticeReceivedAt == (try instant("2025-10-09T14:00:00Z")))
    #expect(attorney.attorneyName == "Lee Esq." && attorney.attorneyAddress == "1 Court St")
    #expect(attorney.debtIDs == ["D1"])
    #expect(attorney.attorneyUnresponsive && !attorney.attorneyConsentedToDirectContact)
    #expect(attorney.consentReceivedAt == (try instant("2025-10-11T14:00:00Z")))
    #expect(attorney.collectorLetterToAttorneySentAt == (try instant("2025-10-09T16:00:00Z")))
    #expect(attorney.requestAllCommunicationsToAttorney)
    let dispute = try #require(holds.dispute)
    #expect(dispute.written && dispute.withinValidationPeriod == true && dispute.debtIDs.isEmpty)
    #expect(!dispute.duplicative && dispute.verificationSentAt == nil)
    let request = try #require(holds.originalCreditorRequest)
    #expect(!request.written && request.withinValidationPeriod == false)
    #expect(request.respondedAt == (try instant("2025-10-12T14:00:00Z")))
    let bankruptcy = try #require(holds.bankruptcy)
    #expect(bankruptcy.status == .discharged && bankruptcy.chapter == 7)
    #expect(bankruptcy.petitionDate == (try day("2025-01-02")))
    #expect(bankruptcy.dischargeDate == (try day("2025-05-02")))
    #expect(bankruptcy.debtIsPrepetition == true && bankruptcy.debtDischarged == true)
    #expect(bankruptcy.collectorNotifiedAt == (try instant("2025-05-03T14:00:00Z")))
}

@Test func validationNoticeAndProposalAreRead() throws {
    let (snapshot, proposal) = try decode(everyKey)
    let notice = try #require(snapshot.validationNotice)
    #expect(notice.providedAt == (try day("2025-11-03")), "a timestamp's day as written")
    #expect(notice.method == "mail" && notice.actualReceiptKnown == false && notice.note == "B-1 form")
    #expect(notice.assumedReceiptDate == (try day("2025-11-10")))
    #expect(notice.validationPeriodEndDate == (try day("2025-12-10")))

    #expect(proposal.action == .fileLawsuit && proposal.channel == .none)
    #expect(proposal.debtID == nil && proposal.additionalDebtIDs == ["D1", "D2"] && proposal.debtIDs == ["D1", "D2"])
    #expect(proposal.person == "A1" && proposal.destination == "court-1" && proposal.destinationType == .court)
    #expect(proposal.dialingMethod == .notApplicable)
    let content = proposal.content
    #expect(content.type == .legalAction)
    #expect(content.includesMiniMiranda == false && content.includesOptOutNotice == false)
    #expect(content.threatensLegalAction == true && content.paymentDeadlineDays == 10)
    #expect(content.mentionsDebt == true && content.language == "en")
    #expect(content.validationPeriodEndDateStated == (try day("2025-12-10")))
    #expect(content.itemizationDateBasis == ["account_number": "charge_off", "amounts": "last_statement"])
    #expect(content.disputePrompts == true && content.originalCreditorPrompt == false)
    #expect(content.englishNoticeIncludedOrPreviouslySent == true && content.timeBarredDisclosure == false)
    #expect(content.californiaLicenseNumberDisplayedPt == 12 && content.nycrr13NoticeInSameMedium == true)
    #expect(content.nycrr13Notice == nil)
    #expect(content.remedy == "garnishment" && content.remedyIntended == true)
}

@Test func absentFactsAreNotKnown() throws {
    let (snapshot, proposal) = try decode(#"""
    {"proposed": {"action": "contact", "channel": "sms", "timestamp": "2025-10-15T11:00:00+00:00"}}
    """#)
    #expect(snapshot.asOf == proposal.at)
    #expect(snapshot.jurisdiction.state == nil && snapshot.consumer.locationSignals.isEmpty)
    #expect(snapshot.collector.licensedStates == nil && snapshot.history.isEmpty && snapshot.validationNotice == nil)
    #expect(proposal.debtIDs.isEmpty && proposal.content.type == nil)

    let nulls = try decode(#"""
    {"facts": {"as_of": null, "consumer": null, "flags": null, "persons": null},
     "proposed": {"action": "contact", "channel": "sms", "timestamp": "2025-10-15T11:00:00Z", "content": null}}
    """#)
    #expect(nulls.snapshot.asOf == nulls.proposal.at)
    #expect(nulls.snapshot.persons.isEmpty && nulls.snapshot.holds.cease == nil)
}

@Test func licensedEverywhereAndNowhere() throws {
    func licensed(_ states: String) throws -> Set<USState>? {
        try decode(#"""
        {"facts": {"collector": {"licensed_states": \#(states)}},
         "proposed": {"action": "contact", "channel": "call", "timestamp": "2025-10-15T11:00:00Z"}}
        """#).snapshot.collector.licensedStates
    }
    #expect(try licensed(#"["*"]"#) == nil)
    #expect(try licensed("[]") == [])
    #expect(try licensed(#"["tx", " CA "]"#) == [.TX, .CA])
}

// MARK: - Timestamps

@Test(arguments: [
    ("2025-10-15T07:59:00-04:00", Int64(1_760_529_540)),
    ("2025-10-15T11:59:00Z", 1_760_529_540),
    ("2025-10-15T11:59:00.999Z", 1_760_529_540),
    ("2025-10-15T17:29:00+05:30", 1_760_529_540),
    ("2025-10-15T11:59:00-00:00", 1_760_529_540),
    ("1969-12-31T23:59:59Z", -1),
    ("2024-02-29T00:00:00Z", 1_709_164_800),
])
func timestampsAreReadToTheSecond(text: String, seconds: Int64) {
    #expect(ISOTimestamp(text)?.instant == Instant(secondsSince1970: seconds))
}

@Test(arguments: [
    "2025-10-15T07:59:00", "2025-10-15 07:59:00Z", "2025-10-15T07:59Z", "2025-10-15T24:00:00Z",
    "2025-10-15T07:60:00Z", "2025-10-15T07:59:60Z", "2025-02-29T07:59:00Z", "2025-10-15T07:59:00.Z",
    "2025-10-15T07:59:00-0400", "2025-10-15T07:59:00-04", "2025-10-15T07:59:00+24:00", "2025-10-15T07:59:00z",
    "2025-10-15T07:59:00-04:00 ", "2025-10-15", "", "２025-10-15T07:59:00Z",
])
func malformedTimestampsAreRefused(text: String) {
    #expect(ISOTimestamp(text) == nil)
}

// MARK: - Refusals

/// A minimal valid proposal, and a document around facts and a proposal.
private let callAt11 = #"{"action": "contact", "channel": "call", "timestamp": "2025-10-15T11:00:00-04:00"}"#

private func document(facts: String = "{}", proposed: String = callAt11) -> String {
    #"{"facts": \#(facts), "proposed": \#(proposed)}"#
}

/// A letter proposal with the given content.
private func letter(content: String) -> String {
    document(proposed: #"""
        {"action": "contact", "channel": "letter", "timestamp": "2025-10-15T11:00:00Z", "content": \#(content)}
        """#)
}

/// A past outbound call, with extra members appended.
private func call(_ extra: String = "") -> String {
    #"{"ts": "2025-10-14T10:00:00-04:00", "direction": "outbound", "channel": "call", "outcome": "no_answer"\#(extra)}"#
}

private func history(_ calls: String...) -> String {
    document(facts: #"{"contact_history": [\#(calls.joined(separator: ", "))]}"#)
}

private func consumer(_ members: String) -> String { document(facts: #"{"consumer": {\#(members)}}"#) }

/// A document that must be refused, the JSON path the refusal must name and how its complaint must begin.
struct CheckDocumentRefusal: Sendable, CustomTestStringConvertible {
    let name: String
    let document: String
    let path: String
    let problem: String

    init(_ name: String, _ document: String, at path: String, _ problem: String) {
        self.name = name
        self.document = document
        self.path = path
        self.problem = problem
    }

    var testDescription: String { name }
}

private let refusals: [CheckDocumentRefusal] = [
    // Unknown keys
    .init("unknown top-level key", #"{"facts": {}, "proposed": \#(callAt11), "propsed": {}}"#,
          at: "propsed", "unknown key; expected one of facts, proposed"),
    .init("unknown key in facts", document(facts: #"{"contact_histroy": []}"#),
          at: "facts.contact_histroy", "unknown key; expected one of as_of, jurisdiction,"),
    .init("unknown key in facts.consumer", consumer(#""id": "P1", "deceasd": true"#),
          at: "facts.consumer.deceasd", "unknown key; expected one of id, deceased, date_of_death,"),
    .init("unknown key in contact_history[2]", history(call(), call(), call(#", "outcom": "busy""#)),
          at: "facts.contact_history[2].outcom", "unknown key; expected one of ts, direction,"),
    .init("unknown flag", document(facts: #"{"flags": {"bankrupcy": null}}"#),
          at: "facts.flags.bankrupcy", "unknown key"),
    .init("New York notice flag on the proposal", letter(content: #"{"nycrr_1_3_notice": true}"#),
          at: "proposed.content.nycrr_1_3_notice", "unknown key"),
    .init("unknown itemization part", letter(content: #"{"itemization_date_basis": {"balance": "charge_off"}}"#),
          at: "proposed.content.itemization_date_basis.balance",
          "unknown key; expected one of account_number, amounts"),
    .init("unknown key in employer_prohibition_source", consumer(#""employer_prohibition_source": {"statment": "x"}"#),
          at: "facts.consumer.employer_prohibition_source.statment", "unknown key"),

    // Words outside the vocabularies
    .init("misspelled outcome", history(call(), call().replacingOccurrences(of: "no_answer", with: "no_anser")),
          at: "facts.contact_history[1].outcome",
          "\"no_anser\" is not one of \(ContactOutcome.allCases.map(\.rawValue).joined(separator: ", "))"),
    .init("unknown channel",
          document(proposed: #"{"action": "contact", "channel": "fax", "timestamp": "2025-10-15T11:00:00Z"}"#),
          at: "proposed.channel", "\"fax\" is not one of call, sms, email, letter, voicemail, social_media, none"),
    .init("unknown person role",
          document(facts: #"{"persons": [{"id": "P1", "role": "consumer"}, {"id": "X", "role": "cousin"}]}"#),
          at: "facts.persons[1].role", "\"cousin\" is not one of consumer, spouse,"),
    .init("unknown debt type", document(facts: #"{"debts": [{"id": "D1", "type": "payday"}]}"#),
          at: "facts.debts[0].type", "\"payday\" is not one of credit_card, medical,"),
    .init("unknown channel in a statement",
          consumer(#"""
          "stated_inconvenient_times": [{"local_window": ["21:00", "08:00"], "channels": ["call", "phone"]}]
          """#),
          at: "facts.consumer.stated_inconvenient_times[0].channels[1]", "\"phone\" is not one of call,"),
    .init("dispute scope neither all nor ids", document(facts: #"{"flags": {"dispute": {"scope": "some"}}}"#),
          at: "facts.flags.dispute.scope", "expected \"all\" or an array of debt ids, got \"some\""),

    // Times and dates
    .init("timestamp with a space", history(call().replacingOccurrences(of: "T10", with: " 10")),
          at: "facts.contact_history[0].ts",
          "\"2025-10-14 10:00:00-04:00\" is not an ISO 8601 timestamp with offset (e.g. 2025-10-15T07:59:00-04:00)"),
    .init("timestamp without offset",
          document(proposed: #"{"action": "contact", "channel": "call", "timestamp": "2025-10-15T07:59:00"}"#),
          at: "proposed.timestamp", "\"2025-10-15T07:59:00\" is not an ISO 8601 timestamp with offset"),
    .init("impossible day in a timestamp", document(facts: #"{"as_of": "2025-02-29T10:00:00Z"}"#),
          at: "facts.as_of", "\"2025-02-29T10:00:00Z\" is not an ISO 8601 timestamp"),
    .init("hour 24",
          document(facts: #"""
          {"opt_outs": [{"recorded_at": "2025-10-15T24:00:00Z", "medium": "sms", "scope": "number"}]}
          """#),
          at: "facts.opt_outs[0].recorded_at", "\"2025-10-15T24:00:00Z\" is not an ISO 8601 timestamp"),
    .init("month 13",
          document(facts: #"{"debts": [{"id": "D1", "type": "medical", "last_payment_date": "2025-13-01"}]}"#),
          at: "facts.debts[0].last_payment_date", "\"2025-13-01\" is not a date (YYYY-MM-DD)"),
    .init("US-style date",
          document(facts: #"{"flags": {"bankruptcy": {"status": "pending", "petition_date": "10/01/2025"}}}"#),
          at: "facts.flags.bankruptcy.petition_date", "\"10/01/2025\" is not a date (YYYY-MM-DD)"),
    .init("timestamp where a date belongs", consumer(#""date_of_death": "2025-09-01T00:00:00Z""#),
          at: "facts.consumer.date_of_death", "\"2025-09-01T00:00:00Z\" is not a date (YYYY-MM-DD)"),
    .init("window with one bound", consumer(#""stated_inconvenient_times": [{"local_window": ["21:00"]}]"#),
          at: "facts.consumer.stated_inconvenient_times[0].local_window",
          "expected [\"HH:MM\", \"HH:MM\"], got 1 value"),
    .init("window as one string", consumer(#""stated_inconvenient_times": [{"local_window": "21:00-08:00"}]"#),
          at: "facts.consumer.stated_inconvenient_times[0].local_window", "expected an array, got the string"),
    .init("window with a bad time",
          consumer(#""consent_to_otherwise_inconvenient_times": [{"local_window": ["07:00", "8:00"]}]"#),
          at: "facts.consumer.consent_to_otherwise_inconvenient_times[0].local_window[1]",
          "\"8:00\" is not a time of day (HH:MM)"),
    .init("window with hour 25", consumer(#""stated_inconvenient_times": [{"local_window": ["25:00", "08:00"]}]"#),
          at: "facts.consumer.stated_inconvenient_times[0].local_window[0]", "\"25:00\" is not a time of day"),
    .init("empty window", consumer(#""stated_inconvenient_times": [{"local_window": ["09:00", "09:00"]}]"#),
          at: "facts.consumer.stated_inconvenient_times[0].local_window", "the window starts and ends at 09:00"),

    // Places
    .init("unknown state", document(facts: #"{"jurisdiction": {"consumer_state": "XX"}}"#),
          at: "facts.jurisdiction.consumer_state", "\"XX\" is not a US state code"),
    .init("unknown licensed state", document(facts: #"{"collector": {"licensed_states": ["CA", "ZZ"]}}"#),
          at: "facts.collector.licensed_states[1]", "\"ZZ\" is not a US state code"),
    .init("everywhere and somewhere", document(facts: #"{"collector": {"licensed_states": ["*", "CA"]}}"#),
          at: "facts.collector.licensed_states", "\"*\" (licensed everywhere) must stand alone"),
    .init("unknown zone", consumer(#"""
          "location_signals": [{"source": "mailing_address", "tz": "America/New_York"},
                               {"source": "phone_area_code", "tz": "America/Nowhere"}]
          """#),
          at: "facts.consumer.location_signals[1].tz", "\"America/Nowhere\" is not a known IANA time zone"),

    // Wrong JSON types
    .init("number for a string", document(facts: #"{"debts": [{"id": 7, "type": "medical"}]}"#),
          at: "facts.debts[0].id", "expected a string, got the number 7"),
    .init("string for a number", letter(content: #"{"payment_deadline_days": "10"}"#),
          at: "proposed.content.payment_deadline_days", "expected an integer, got the string \"10\""),
    .init("fraction for an integer",
          document(facts: #"{"flags": {"bankruptcy": {"status": "pending", "chapter": 7.5}}}"#),
          at: "facts.flags.bankruptcy.chapter", "expected an integer, got 7.5"),
    .init("boolean for an integer", letter(content: #"{"ca_license_number_displayed_pt": true}"#),
          at: "proposed.content.ca_license_number_displayed_pt", "expected an integer, got true"),
    .init("number for a boolean", consumer(#""deceased": 1"#),
          at: "facts.consumer.deceased", "expected true or false, got the number 1"),
    .init("string for a boolean", history(call(#", "connected": "yes""#)),
          at: "facts.contact_history[0].connected", "expected true or false, got the string \"yes\""),
    .init("object for an array", document(facts: #"{"persons": {"id": "P1"}}"#),
          at: "facts.persons", "expected an array, got an object"),
    .init("string for a list of ids",
          document(proposed: #"""
          {"action": "contact", "channel": "call", "timestamp": "2025-10-15T11:00:00Z", "additional_debt_ids": "D2"}
          """#),
          at: "proposed.additional_debt_ids", "expected an array, got the string \"D2\""),
    .init("null inside a list",
          document(facts: #"{"consents": [{"type": "reg_f_call_consent", "destinations": ["cell-1", null]}]}"#),
          at: "facts.consents[0].destinations[1]", "expected a string, got null"),
    .init("array for an object", document(facts: #"{"consumer": []}"#),
          at: "facts.consumer", "expected an object, got an array"),

    // Missing facts the domain cannot do without, and documents that are not documents
    .init("missing time of a past contact", history(#"{"direction": "outbound", "channel": "call"}"#),
          at: "facts.contact_history[0].ts", "is required"),
    .init("null role", document(facts: #"{"persons": [{"id": "P1", "role": null}]}"#),
          at: "facts.persons[0].role", "is required"),
    .init("missing proposal", #"{"facts": {}}"#, at: "proposed", "is required"),
    .init("missing proposal time", document(proposed: #"{"action": "contact", "channel": "call"}"#),
          at: "proposed.timestamp", "is required"),
    .init("not JSON", #"{"facts": "#, at: "", "not valid JSON"),
    .init("not an object", "[]", at: "", "expected an object, got an array"),
]

@Test(arguments: refusals)
func invalidDocumentsAreRefusedWithTheirPath(_ expected: CheckDocumentRefusal) throws {
    let error = try #require(rejection(of: expected.document))
    #expect(error.path == expected.path)
    #expect(error.problem.hasPrefix(expected.problem), "\(error)")
    #expect(error.description == "\(expected.path.isEmpty ? "document" : expected.path): \(error.problem)")
}

@Test func aMisspelledOutcomeIsNamedExactly() throws {
    let typo = call().replacingOccurrences(of: "no_answer", with: "no_anser")
    let error = try #require(rejection(of: history(call(), call(), call(), typo)))
    #expect(error.description == """
        facts.contact_history[3].outcome: "no_anser" is not one of no_answer, busy, not_in_service, failed, \
        answered_hung_up, conversation, wrong_party, voicemail_reached_no_message_left, limited_content_message_left, \
        limited_content_message_interrupted, answered_prerecorded_message_played, delivered, mailed, received, \
        returned_undeliverable
        """)
}

@Test func theFirstUnknownKeyInAlphabeticalOrderIsNamed() throws {
    let error = try #require(rejection(of: document(facts: #"{"zeta": 1, "alpha": 2, "as_of": null}"#)))
    #expect(error.path == "facts.alpha")
}

// MARK: - The answer

private func sampleDecision() throws -> ContactDecision {
    let zone = try #require(ZoneClock.named("America/New_York"))
    return ContactDecision(
        allowed: false, rule: "REGF-1006.14b2-7IN7",
        findings: [
            Finding(
                rule: ContactRule("REGF-1006.14b2-7IN7", "12 CFR 1006.14(b)(2)(i)(A)", .federalFrequency) { _, _, _ in nil }, verdict: .block,
                explanation: .stated(message: "7 counted calls to P1 about D1 on 2025-10-05..2025-10-11 (local)", figures: [
                    ("counted_calls_in_window", .int(7)), ("window_start", .date(try day("2025-10-05"))),
                    ("blocked_through", .instant(try instant("2025-10-13T03:59:59Z"))),
                ])),
            Finding(
                rule: ContactRule("CO-5-16-105-TIME/ATTY/WORK", "C.R.S. 5-16-105", .time) { _, _, _ in nil }, verdict: .pass,
                explanation: .stated(message: "Quote \" backslash \\ newline \n tab \t bell \u{7} café", figures: [
                    ("counted_calls_in_window", .int(99)), ("excluded_holidays", .dates([try day("2025-10-13")])),
                    ("local_time", .text("11:00")), ("consent_applies", .bool(false)),
                ])),
        ],
        nextAllowedAt: try instant("2025-10-13T12:00:00Z"), zone: zone, ruleSetVersion: "2025.10")
}

@Test func decisionIsWrittenInTheDocumentedShape() throws {
    let text = String(decoding: CheckDocument.encode(try sampleDecision()), as: UTF8.self)
    #expect(text == #"""
        {
          "allowed": false,
          "rule": "REGF-1006.14b2-7IN7",
          "findings": [
            {
              "rule": "REGF-1006.14b2-7IN7",
              "citation": "12 CFR 1006.14(b)(2)(i)(A)",
              "verdict": "block",
              "message": "7 counted calls to P1 about D1 on 2025-10-05..2025-10-11 (local)"
            },
            {
              "rule": "CO-5-16-105-TIME/ATTY/WORK",
              "citation": "C.R.S. 5-16-105",
              "verdict": "pass",
              "message": "Quote \" backslash \\ newline \n tab \t bell \u0007 café"
            }
          ],
          "next_allowed_at": "2025-10-13T08:00:00-04:00",
          "computed": {
            "counted_calls_in_window": 7,
            "window_start": "2025-10-05",
            "blocked_through": "2025-10-12T23:59:59-04:00",
            "excluded_holidays": [
              "2025-10-13"
            ],
            "local_time": "11:00",
            "consent_applies": false
          }
        }

        """#)
}

@Test func writtenDecisionReadsBackAsJSON() throws {
    let decision = try sampleDecision()
    let json = try #require(try JSONSerialization.jsonObject(with: CheckDocument.encode(decision)) as? [String: Any])
    #expect(json.keys.sorted() == ["allowed", "computed", "findings", "next_allowed_at", "rule"])
    #expect(json["allowed"] as? Bool == false)
    #expect(json["rule"] as? String == "REGF-1006.14b2-7IN7")
    let findings = try #require(json["findings"] as? [[String: String]])
    #expect(findings.map { $0["rule"] } == decision.findings.map(\.rule))
    #expect(findings.map { $0["verdict"] } == ["block", "pass"])
    #expect(findings.last?["message"] == decision.findings.last?.message, "escapes read back to the original text")
    let next = try #require(json["next_allowed_at"] as? String)
    #expect(ISOTimestamp(next)?.instant == decision.nextAllowedAt)
    let computed = try #require(json["computed"] as? [String: Any])
    #expect(computed["counted_calls_in_window"] as? Int == 7, "the deciding finding's figure wins")
    #expect(computed["excluded_holidays"] as? [String] == ["2025-10-13"])
    let blockedThrough = (computed["blocked_through"] as? String).flatMap(ISOTimestamp.init)
    #expect(blockedThrough?.instant == (try instant("2025-10-13T03:59:59Z")))
}

@Test func allowedDecisionWritesNullsAndEmptyCollections() throws {
    let zone = try #require(ZoneClock.named("UTC"))
    let decision = ContactDecision(
        allowed: true, rule: nil, findings: [], nextAllowedAt: nil, zone: zone, ruleSetVersion: "2025.10")
    #expect(String(decoding: CheckDocument.encode(decision), as: UTF8.self) == """
        {
          "allowed": true,
          "rule": null,
          "findings": [],
          "next_allowed_at": null,
          "computed": {}
        }

        """)
}

/// An instant read from a document and written in a decision's zone is the same instant.
@Test func instantsRoundTripThroughTheAnswer() throws {
    let (snapshot, proposal) = try decode(everyKey)
    let zone = try #require(ZoneClock.named("America/Chicago"))
    let decision = ContactDecision(
        allowed: false, rule: "X", findings: [], nextAllowedAt: snapshot.consumer.employerProhibitionRecordedAt,
        zone: zone, ruleSetVersion: "test")
    let json = try #require(try JSONSerialization.jsonObject(with: CheckDocument.encode(decision)) as? [String: Any])
    let written = try #require(json["next_allowed_at"] as? String)
    #expect(written == "2025-10-03T09:00:00-05:00")
    let reread = try decode(#"{"proposed": {"action": "contact", "channel": "call", "timestamp": "\#(written)"}}"#)
    #expect(reread.proposal.at == snapshot.consumer.employerProhibitionRecordedAt)
    #expect(proposal.at == (try instant(zone.iso8601(proposal.at))))
}
