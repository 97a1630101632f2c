import Foundation
import RecoupCore

extension CheckDocument {
    /// The check document of a snapshot and proposal: the inverse of ``decode(_:)``, with sorted keys so the same
    /// facts always give the same bytes. A live decision stores it (or its digest), so an examiner can re-run the
    /// exact question with `recoup check-contact` and get the same answer.
    public static func document(_ snapshot: ContactSnapshot, _ proposal: ProposedContact) -> Data {
        let document: [String: Any] = ["facts": facts(snapshot), "proposed": proposed(proposal)]
        return (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }

    /// `2025-10-15T11:00:00Z`.
    static func timestamp(_ instant: Instant) -> String {
        let seconds = instant.secondsSince1970
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let second = Int(seconds - day * 86_400)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(LocalDate(dayNumber: Int(day)).iso)T\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))Z"
    }

    /// Drops absent values, so the document says only what is known.
    private static func object(_ pairs: [(String, Any?)]) -> [String: Any] {
        var result: [String: Any] = [:]
        for (key, value) in pairs { if let value { result[key] = value } }
        return result
    }

    private static func window(_ window: LocalWindow) -> [String] { [window.start.description, window.end.description] }

    private static func facts(_ s: ContactSnapshot) -> [String: Any] {
        let consumer = s.consumer
        let holds = s.holds
        return object([
            ("as_of", timestamp(s.asOf)),
            ("jurisdiction", object([("consumer_state", s.jurisdiction.state?.rawValue), ("consumer_city", s.jurisdiction.city)])),
            ("collector", object([
                ("name", s.collector.name), ("type", s.collector.type.rawValue), ("fdcpa_covered", s.collector.fdcpaCovered),
                ("licensed_states", s.collector.licensedStates.map { $0.map(\.rawValue).sorted() } ?? ["*"]),
            ])),
            ("consumer", object([
                ("id", consumer.id), ("deceased", consumer.deceased), ("date_of_death", consumer.dateOfDeath?.iso),
                ("language_preference", consumer.language),
                ("location_signals", consumer.locationSignals.map {
                    object([("source", $0.source.rawValue), ("tz", $0.zone), ("detail", $0.detail)])
                }),
                ("stated_inconvenient_times", consumer.inconvenientTimes.map {
                    object([("local_window", window($0.window)), ("channels", $0.channels.map(\.rawValue).sorted()),
                            ("statement", $0.statement), ("recorded_at", $0.recordedAt.map(timestamp))])
                }),
                ("consent_to_otherwise_inconvenient_times", consumer.timeConsents.map {
                    object([("local_window", window($0.window)), ("date", $0.date?.iso),
                            ("given_directly_to_collector", $0.givenDirectlyToCollector), ("statement", $0.statement),
                            ("recorded_at", $0.recordedAt.map(timestamp))])
                }),
                ("stated_inconvenient_places", consumer.inconvenientPlaces.map {
                    object([("statement", $0.statement), ("oral", $0.oral),
                            ("written_confirmation_received", $0.writtenConfirmationReceived), ("recorded_at", $0.recordedAt.map(timestamp))])
                }),
                ("employer_prohibits_contact", consumer.employerProhibitsContact),
                ("employer_prohibition_source", consumer.employerProhibitionRecordedAt.map { ["recorded_at": timestamp($0)] }),
            ])),
            ("persons", s.persons.map { object([("id", $0.id), ("role", $0.role.rawValue), ("name", $0.name)]) }),
            ("debts", s.debts.map {
                object([("id", $0.id), ("type", $0.type.rawValue), ("creditor", $0.creditor), ("sol_expired", $0.solExpired),
                        ("sol_basis", $0.solBasis), ("last_payment_date", $0.lastPaymentDate?.iso),
                        ("past_fcra_obsolescence", $0.pastFCRAObsolescence),
                        ("last_collection_activity_date", $0.lastCollectionActivityDate?.iso),
                        ("student_loan_account_number_at_acquisition", $0.studentLoanAccountNumberAtAcquisition)])
            }),
            ("destinations", s.destinations.map {
                object([("id", $0.id), ("type", $0.type.rawValue), ("value", $0.value), ("person", $0.person), ("source", $0.source?.rawValue)])
            }),
            ("contact_history", s.history.map { event in
                object([("ts", timestamp(event.at)), ("direction", event.direction.rawValue), ("channel", event.channel.rawValue),
                        ("person", event.person), ("destination", event.destination), ("debt_ids", event.debtIDs),
                        ("dialing_method", event.dialingMethod?.rawValue), ("connected", event.connected),
                        ("outcome", event.outcome?.rawValue), ("note", event.note), ("text", event.text),
                        ("recording_id", event.recordingID), ("content", event.content.map { content($0, recorded: true) })])
            }),
            ("consents", s.consents.map {
                object([("type", $0.type.rawValue), ("given_directly_to_collector", $0.givenDirectlyToCollector),
                        ("received_at", $0.receivedAt.map(timestamp)), ("requested_date", $0.requestedDate?.iso),
                        ("destinations", $0.destinations), ("scope_debt_ids", $0.debtIDs), ("statement", $0.statement)])
            }),
            ("opt_outs", s.optOuts.map {
                object([("recorded_at", $0.recordedAt.map(timestamp)), ("medium", $0.medium.rawValue), ("scope", $0.scope.rawValue),
                        ("destination", $0.destination), ("how", $0.how), ("statement", $0.statement)])
            }),
            ("tcpa_revocations", s.tcpaRevocations.map {
                object([("received_at", $0.receivedAt.map(timestamp)), ("destination", $0.destination), ("method", $0.method),
                        ("per_se_reasonable", $0.perSeReasonable), ("in_response_to", $0.inResponseTo), ("text", $0.text)])
            }),
            ("flags", object([
                ("cease_communication", holds.cease.map {
                    object([("received_at", $0.receivedAt.map(timestamp)), ("written", $0.written), ("medium", $0.medium),
                            ("scope_debt_ids", $0.debtIDs), ("text", $0.text)])
                }),
                ("attorney_representation", holds.attorney.map {
                    object([("from", $0.from?.rawValue), ("written", $0.written), ("notice_received_at", $0.noticeReceivedAt.map(timestamp)),
                            ("attorney_name", $0.attorneyName), ("attorney_address", $0.attorneyAddress), ("scope_debt_ids", $0.debtIDs),
                            ("attorney_unresponsive", $0.attorneyUnresponsive),
                            ("attorney_consented_to_direct_contact", $0.attorneyConsentedToDirectContact),
                            ("consent_received_at", $0.consentReceivedAt.map(timestamp)),
                            ("collector_letter_to_attorney_sent_at", $0.collectorLetterToAttorneySentAt.map(timestamp)),
                            ("request_all_communications_to_attorney", $0.requestAllCommunicationsToAttorney)])
                }),
                ("dispute", holds.dispute.map {
                    object([("received_at", $0.receivedAt.map(timestamp)), ("written", $0.written),
                            ("within_validation_period", $0.withinValidationPeriod), ("scope", $0.debtIDs),
                            ("duplicative", $0.duplicative), ("verification_sent_at", $0.verificationSentAt.map(timestamp))])
                }),
                ("original_creditor_request", holds.originalCreditorRequest.map {
                    object([("received_at", $0.receivedAt.map(timestamp)), ("written", $0.written),
                            ("within_validation_period", $0.withinValidationPeriod), ("responded_at", $0.respondedAt.map(timestamp))])
                }),
                ("bankruptcy", holds.bankruptcy.map {
                    object([("status", $0.status.rawValue), ("chapter", $0.chapter), ("petition_date", $0.petitionDate?.iso),
                            ("discharge_date", $0.dischargeDate?.iso), ("debt_is_prepetition", $0.debtIsPrepetition),
                            ("debt_discharged", $0.debtDischarged), ("collector_notified_at", $0.collectorNotifiedAt.map(timestamp))])
                }),
            ])),
            ("validation_notice", s.validationNotice.map {
                object([("provided_at", $0.providedAt?.iso), ("method", $0.method), ("assumed_receipt_date", $0.assumedReceiptDate?.iso),
                        ("validation_period_end_date", $0.validationPeriodEndDate?.iso), ("actual_receipt_known", $0.actualReceiptKnown),
                        ("note", $0.note)])
            }),
        ])
    }

    private static func content(_ c: ContentFacts, recorded: Bool) -> [String: Any] {
        object([
            ("type", c.type?.rawValue), ("includes_mini_miranda", c.includesMiniMiranda),
            ("includes_opt_out_notice", c.includesOptOutNotice), ("threatens_legal_action", c.threatensLegalAction),
            ("payment_deadline_days", c.paymentDeadlineDays), ("mentions_debt", c.mentionsDebt), ("language", c.language),
            ("validation_period_end_date_stated", c.validationPeriodEndDateStated?.iso), ("itemization_date_basis", c.itemizationDateBasis),
            ("dispute_prompts", c.disputePrompts), ("original_creditor_prompt", c.originalCreditorPrompt),
            ("english_notice_included_or_previously_sent", c.englishNoticeIncludedOrPreviouslySent),
            ("time_barred_disclosure", c.timeBarredDisclosure), ("ca_license_number_displayed_pt", c.californiaLicenseNumberDisplayedPt),
            ("nycrr_1_3_notice_in_same_medium", c.nycrr13NoticeInSameMedium),
            ("nycrr_1_3_notice", recorded ? c.nycrr13Notice : nil), ("remedy", c.remedy), ("remedy_intended", c.remedyIntended),
        ])
    }

    private static func proposed(_ p: ProposedContact) -> [String: Any] {
        object([
            ("action", p.action.rawValue), ("channel", p.channel.rawValue), ("timestamp", timestamp(p.at)), ("debt_id", p.debtID),
            ("additional_debt_ids", p.additionalDebtIDs), ("person", p.person), ("destination", p.destination),
            ("destination_type", p.destinationType?.rawValue), ("dialing_method", p.dialingMethod.rawValue),
            ("content", content(p.content, recorded: false)),
        ])
    }
}
