import RecoupCore

/// Maps each object of a check document (docs/compliance-check.md) onto the domain value it describes, one
/// function per object, each listing the keys it accepts next to the code that reads them.
///
/// Absent and null keys leave the domain's "not known" value. Where the domain has no "not known" for a flag, the
/// stricter reading is taken: a notice whose form is not stated is taken as written, a consent as not given
/// directly to the collector, an exception (attorney unresponsive or consenting, a duplicative dispute) as not
/// applying.
enum DocumentMapping {
    /// `{facts, proposed}`: the proposal is read first, since its time is the facts' `as_of` when none is given.
    static func document(_ root: DocumentNode) throws(CheckDocumentError) -> (ContactSnapshot, ProposedContact) {
        let document = try root.object(keys: ["facts", "proposed"])
        let proposal = try proposal(document.required("proposed"))
        guard let facts = document.optional("facts") else { return (ContactSnapshot(asOf: proposal.at), proposal) }
        return (try snapshot(facts, proposedAt: proposal.at), proposal)
    }

    // MARK: - facts

    /// `facts.as_of` defaults to the proposal's time: the facts as they stand when the contact would happen.
    static func snapshot(_ node: DocumentNode, proposedAt: Instant) throws(CheckDocumentError) -> ContactSnapshot {
        let facts = try node.object(keys: [
            "as_of", "jurisdiction", "collector", "consumer", "persons", "debts", "destinations", "contact_history",
            "consents", "opt_outs", "tcpa_revocations", "flags", "validation_notice",
        ])
        var snapshot = try ContactSnapshot(asOf: facts.optional("as_of")?.instant() ?? proposedAt)
        if let node = facts.optional("jurisdiction") { snapshot.jurisdiction = try jurisdiction(node) }
        if let node = facts.optional("collector") { snapshot.collector = try collector(node) }
        if let node = facts.optional("consumer") { snapshot.consumer = try consumer(node) }
        snapshot.persons = try facts.optional("persons")?.list(person) ?? []
        snapshot.debts = try facts.optional("debts")?.list(debt) ?? []
        snapshot.destinations = try facts.optional("destinations")?.list(destination) ?? []
        snapshot.history = try (facts.optional("contact_history")?.list(contactEvent) ?? []).sharingDebtLists()
        snapshot.consents = try facts.optional("consents")?.list(consent) ?? []
        snapshot.optOuts = try facts.optional("opt_outs")?.list(optOut) ?? []
        snapshot.tcpaRevocations = try facts.optional("tcpa_revocations")?.list(tcpaRevocation) ?? []
        if let node = facts.optional("flags") { snapshot.holds = try holds(node) }
        snapshot.validationNotice = try facts.optional("validation_notice").map(validationNotice)
        return snapshot
    }

    static func jurisdiction(_ node: DocumentNode) throws(CheckDocumentError) -> Jurisdiction {
        let object = try node.object(keys: ["consumer_state", "consumer_city"])
        return try Jurisdiction(
            state: object.optional("consumer_state")?.state(), city: object.optional("consumer_city")?.string())
    }

    /// `licensed_states: ["*"]` means licensed everywhere (nil); otherwise the listed states only.
    static func collector(_ node: DocumentNode) throws(CheckDocumentError) -> CollectorProfile {
        let object = try node.object(keys: ["name", "type", "fdcpa_covered", "licensed_states"])
        var collector = CollectorProfile()
        collector.name = try object.optional("name")?.string() ?? collector.name
        collector.type = try object.optional("type")?.word() ?? collector.type
        collector.fdcpaCovered = try object.optional("fdcpa_covered")?.bool()
        if let states = object.optional("licensed_states") {
            let codes = try states.strings()
            if codes.contains("*") {
                guard codes.count == 1 else { throw states.failure("\"*\" (licensed everywhere) must stand alone") }
                collector.licensedStates = nil
            } else {
                collector.licensedStates = Set(try states.list { code throws(CheckDocumentError) in try code.state() })
            }
        }
        return collector
    }

    /// A date of death implies a deceased consumer unless `deceased` says otherwise.
    static func consumer(_ node: DocumentNode) throws(CheckDocumentError) -> ConsumerFacts {
        let object = try node.object(keys: [
            "id", "deceased", "date_of_death", "language_preference", "location_signals", "stated_inconvenient_times",
            "consent_to_otherwise_inconvenient_times", "stated_inconvenient_places", "employer_prohibits_contact",
            "employer_prohibition_source",
        ])
        var consumer = ConsumerFacts()
        consumer.id = try object.optional("id")?.string() ?? ""
        consumer.dateOfDeath = try object.optional("date_of_death")?.date()
        consumer.deceased = try object.optional("deceased")?.bool() ?? (consumer.dateOfDeath != nil)
        consumer.language = try object.optional("language_preference")?.string()
        consumer.locationSignals = try object.optional("location_signals")?.list(locationSignal) ?? []
        consumer.inconvenientTimes = try object.optional("stated_inconvenient_times")?.list(inconvenientTime) ?? []
        consumer.timeConsents = try object.optional("consent_to_otherwise_inconvenient_times")?.list(timeConsent) ?? []
        consumer.inconvenientPlaces = try object.optional("stated_inconvenient_places")?.list(inconvenientPlace) ?? []
        consumer.employerProhibitsContact = try object.optional("employer_prohibits_contact")?.bool() ?? false
        if let source = try object.optional("employer_prohibition_source")?.object(keys: ["statement", "recorded_at"]) {
            // The statement is checked but not kept: the snapshot records only when the prohibition became known.
            _ = try source.optional("statement")?.string()
            consumer.employerProhibitionRecordedAt = try source.optional("recorded_at")?.instant()
        }
        return consumer
    }

    static func locationSignal(_ node: DocumentNode) throws(CheckDocumentError) -> LocationSignal {
        let object = try node.object(keys: ["source", "tz", "detail"])
        return try LocationSignal(
            source: object.required("source").word(), zone: object.required("tz").zone(),
            detail: object.optional("detail")?.string())
    }

    /// No `channels`: the statement covers every channel.
    static func inconvenientTime(_ node: DocumentNode) throws(CheckDocumentError) -> InconvenientTime {
        let object = try node.object(keys: ["local_window", "channels", "statement", "recorded_at"])
        return try InconvenientTime(
            window: object.required("local_window").window(),
            channels: Set(object.optional("channels")?.words() ?? []),
            statement: object.optional("statement")?.string(), recordedAt: object.optional("recorded_at")?.instant())
    }

    static func timeConsent(_ node: DocumentNode) throws(CheckDocumentError) -> TimeConsent {
        let object = try node.object(keys: [
            "local_window", "date", "given_directly_to_collector", "statement", "recorded_at",
        ])
        return try TimeConsent(
            window: object.required("local_window").window(), date: object.optional("date")?.date(),
            givenDirectlyToCollector: object.optional("given_directly_to_collector")?.bool() ?? false,
            statement: object.optional("statement")?.string(), recordedAt: object.optional("recorded_at")?.instant())
    }

    /// A statement of unknown form binds as if written (not oral).
    static func inconvenientPlace(_ node: DocumentNode) throws(CheckDocumentError) -> InconvenientPlace {
        let object = try node.object(keys: ["statement", "oral", "written_confirmation_received", "recorded_at"])
        return try InconvenientPlace(
            statement: object.required("statement").string(), oral: object.optional("oral")?.bool() ?? false,
            writtenConfirmationReceived: object.optional("written_confirmation_received")?.bool() ?? false,
            recordedAt: object.optional("recorded_at")?.instant())
    }

    static func person(_ node: DocumentNode) throws(CheckDocumentError) -> Person {
        let object = try node.object(keys: ["id", "role", "name"])
        return try Person(
            id: object.required("id").string(), role: object.required("role").word(),
            name: object.optional("name")?.string())
    }

    static func debt(_ node: DocumentNode) throws(CheckDocumentError) -> DebtFacts {
        let object = try node.object(keys: [
            "id", "type", "creditor", "sol_expired", "sol_basis", "last_payment_date", "past_fcra_obsolescence",
            "last_collection_activity_date", "student_loan_account_number_at_acquisition",
        ])
        var debt = try DebtFacts(id: object.required("id").string(), type: object.required("type").word())
        debt.creditor = try object.optional("creditor")?.string()
        debt.solExpired = try object.optional("sol_expired")?.bool()
        debt.solBasis = try object.optional("sol_basis")?.string()
        debt.lastPaymentDate = try object.optional("last_payment_date")?.date()
        debt.pastFCRAObsolescence = try object.optional("past_fcra_obsolescence")?.bool()
        debt.lastCollectionActivityDate = try object.optional("last_collection_activity_date")?.date()
        debt.studentLoanAccountNumberAtAcquisition =
            try object.optional("student_loan_account_number_at_acquisition")?.string()
        return debt
    }

    static func destination(_ node: DocumentNode) throws(CheckDocumentError) -> Destination {
        let object = try node.object(keys: ["id", "type", "value", "person", "source"])
        return try Destination(
            id: object.required("id").string(), type: object.required("type").word(),
            value: object.optional("value")?.string(), person: object.optional("person")?.string(),
            source: object.optional("source")?.word())
    }

    static func contactEvent(_ node: DocumentNode) throws(CheckDocumentError) -> ContactEvent {
        let object = try node.object(keys: [
            "ts", "direction", "channel", "person", "destination", "debt_ids", "dialing_method", "connected", "outcome",
            "note", "text", "recording_id", "content",
        ])
        var event = try ContactEvent(
            at: object.required("ts").instant(), direction: object.required("direction").word(),
            channel: object.required("channel").word(), person: object.optional("person")?.string(),
            destination: object.optional("destination")?.string(),
            debtIDs: object.optional("debt_ids")?.strings() ?? [],
            dialingMethod: object.optional("dialing_method")?.word(), connected: object.optional("connected")?.bool(),
            outcome: object.optional("outcome")?.word())
        event.note = try object.optional("note")?.string()
        event.text = try object.optional("text")?.string()
        event.recordingID = try object.optional("recording_id")?.string()
        event.content = try object.optional("content").map(recordedContent)
        return event
    }

    /// `destination` and `destinations` may both be given; together they are the destinations covered.
    static func consent(_ node: DocumentNode) throws(CheckDocumentError) -> Consent {
        let object = try node.object(keys: [
            "type", "given_directly_to_collector", "received_at", "requested_date", "destination", "destinations",
            "scope_debt_ids", "statement",
        ])
        var destinations = try object.optional("destinations")?.strings() ?? []
        if let single = try object.optional("destination")?.string(), !destinations.contains(single) {
            destinations.insert(single, at: 0)
        }
        return try Consent(
            type: object.required("type").word(),
            givenDirectlyToCollector: object.optional("given_directly_to_collector")?.bool() ?? false,
            receivedAt: object.optional("received_at")?.instant(),
            requestedDate: object.optional("requested_date")?.date(), destinations: destinations,
            debtIDs: object.optional("scope_debt_ids")?.debtScope() ?? [],
            statement: object.optional("statement")?.string())
    }

    static func optOut(_ node: DocumentNode) throws(CheckDocumentError) -> OptOut {
        let object = try node.object(keys: ["recorded_at", "medium", "scope", "destination", "how", "statement"])
        return try OptOut(
            recordedAt: object.optional("recorded_at")?.instant(), medium: object.required("medium").word(),
            scope: object.required("scope").word(), destination: object.optional("destination")?.string(),
            how: object.optional("how")?.string(), statement: object.optional("statement")?.string())
    }

    static func tcpaRevocation(_ node: DocumentNode) throws(CheckDocumentError) -> TCPARevocation {
        let object = try node.object(keys: [
            "received_at", "destination", "method", "per_se_reasonable", "in_response_to", "text",
        ])
        var revocation = try TCPARevocation(
            receivedAt: object.optional("received_at")?.instant(),
            destination: object.optional("destination")?.string(),
            method: object.optional("method")?.string(), perSeReasonable: object.optional("per_se_reasonable")?.bool())
        revocation.inResponseTo = try object.optional("in_response_to")?.string()
        revocation.text = try object.optional("text")?.string()
        return revocation
    }

    // MARK: - flags

    static func holds(_ node: DocumentNode) throws(CheckDocumentError) -> Holds {
        let object = try node.object(keys: [
            "cease_communication", "attorney_representation", "dispute", "original_creditor_request", "bankruptcy",
        ])
        var holds = Holds()
        holds.cease = try object.optional("cease_communication").map(cease)
        holds.attorney = try object.optional("attorney_representation").map(attorney)
        holds.dispute = try object.optional("dispute").map(dispute)
        holds.originalCreditorRequest = try object.optional("original_creditor_request").map(originalCreditorRequest)
        holds.bankruptcy = try object.optional("bankruptcy").map(bankruptcy)
        return holds
    }

    static func cease(_ node: DocumentNode) throws(CheckDocumentError) -> CeaseNotice {
        let object = try node.object(keys: ["received_at", "written", "medium", "scope_debt_ids", "text"])
        var cease = try CeaseNotice(
            receivedAt: object.optional("received_at")?.instant(), written: object.optional("written")?.bool() ?? true,
            debtIDs: object.optional("scope_debt_ids")?.debtScope() ?? [])
        cease.medium = try object.optional("medium")?.string()
        cease.text = try object.optional("text")?.string()
        return cease
    }

    static func attorney(_ node: DocumentNode) throws(CheckDocumentError) -> AttorneyRepresentation {
        let object = try node.object(keys: [
            "from", "written", "notice_received_at", "attorney_name", "attorney_address", "scope_debt_ids",
            "attorney_unresponsive", "attorney_consented_to_direct_contact", "consent_received_at",
            "collector_letter_to_attorney_sent_at", "request_all_communications_to_attorney",
        ])
        var attorney = try AttorneyRepresentation(
            written: object.optional("written")?.bool() ?? true,
            noticeReceivedAt: object.optional("notice_received_at")?.instant(),
            attorneyName: object.optional("attorney_name")?.string(),
            attorneyAddress: object.optional("attorney_address")?.string(),
            debtIDs: object.optional("scope_debt_ids")?.debtScope() ?? [])
        attorney.from = try object.optional("from")?.word()
        attorney.attorneyUnresponsive = try object.optional("attorney_unresponsive")?.bool() ?? false
        attorney.attorneyConsentedToDirectContact =
            try object.optional("attorney_consented_to_direct_contact")?.bool() ?? false
        attorney.consentReceivedAt = try object.optional("consent_received_at")?.instant()
        attorney.collectorLetterToAttorneySentAt =
            try object.optional("collector_letter_to_attorney_sent_at")?.instant()
        attorney.requestAllCommunicationsToAttorney =
            try object.optional("request_all_communications_to_attorney")?.bool() ?? false
        return attorney
    }

    /// `scope` is `"all"` or the ids of the disputed debts.
    static func dispute(_ node: DocumentNode) throws(CheckDocumentError) -> DisputeFacts {
        let object = try node.object(keys: [
            "received_at", "written", "within_validation_period", "scope", "duplicative", "verification_sent_at",
        ])
        return try DisputeFacts(
            receivedAt: object.optional("received_at")?.instant(), written: object.optional("written")?.bool() ?? true,
            withinValidationPeriod: object.optional("within_validation_period")?.bool(),
            debtIDs: object.optional("scope")?.debtScope() ?? [],
            duplicative: object.optional("duplicative")?.bool() ?? false,
            verificationSentAt: object.optional("verification_sent_at")?.instant())
    }

    static func originalCreditorRequest(_ node: DocumentNode) throws(CheckDocumentError) -> OriginalCreditorRequest {
        let object = try node.object(keys: ["received_at", "written", "within_validation_period", "responded_at"])
        return try OriginalCreditorRequest(
            receivedAt: object.optional("received_at")?.instant(), written: object.optional("written")?.bool() ?? true,
            withinValidationPeriod: object.optional("within_validation_period")?.bool(),
            respondedAt: object.optional("responded_at")?.instant())
    }

    static func bankruptcy(_ node: DocumentNode) throws(CheckDocumentError) -> BankruptcyFacts {
        let object = try node.object(keys: [
            "status", "chapter", "petition_date", "discharge_date", "debt_is_prepetition", "debt_discharged",
            "collector_notified_at",
        ])
        var bankruptcy = try BankruptcyFacts(
            status: object.required("status").word(), petitionDate: object.optional("petition_date")?.date())
        bankruptcy.chapter = try object.optional("chapter")?.int()
        bankruptcy.dischargeDate = try object.optional("discharge_date")?.date()
        bankruptcy.debtIsPrepetition = try object.optional("debt_is_prepetition")?.bool()
        bankruptcy.debtDischarged = try object.optional("debt_discharged")?.bool()
        bankruptcy.collectorNotifiedAt = try object.optional("collector_notified_at")?.instant()
        return bankruptcy
    }

    /// `provided_at` is a date or a timestamp; only its day counts toward the validation period.
    static func validationNotice(_ node: DocumentNode) throws(CheckDocumentError) -> ValidationNoticeFacts {
        let object = try node.object(keys: [
            "provided_at", "method", "assumed_receipt_date", "validation_period_end_date", "actual_receipt_known",
            "note",
        ])
        var notice = try ValidationNoticeFacts(providedAt: object.optional("provided_at")?.day())
        notice.method = try object.optional("method")?.string()
        notice.assumedReceiptDate = try object.optional("assumed_receipt_date")?.date()
        notice.validationPeriodEndDate = try object.optional("validation_period_end_date")?.date()
        notice.actualReceiptKnown = try object.optional("actual_receipt_known")?.bool()
        notice.note = try object.optional("note")?.string()
        return notice
    }

    // MARK: - proposed

    /// `dialing_method` absent: `n/a`, the domain's default for a proposal.
    static func proposal(_ node: DocumentNode) throws(CheckDocumentError) -> ProposedContact {
        let object = try node.object(keys: [
            "action", "channel", "timestamp", "debt_id", "additional_debt_ids", "person", "destination",
            "destination_type", "dialing_method", "content",
        ])
        var proposal = try ProposedContact(
            action: object.required("action").word(), channel: object.required("channel").word(),
            at: object.required("timestamp").instant())
        proposal.debtID = try object.optional("debt_id")?.string()
        proposal.additionalDebtIDs = try object.optional("additional_debt_ids")?.strings() ?? []
        proposal.person = try object.optional("person")?.string()
        proposal.destination = try object.optional("destination")?.string()
        proposal.destinationType = try object.optional("destination_type")?.word()
        proposal.dialingMethod = try object.optional("dialing_method")?.word() ?? proposal.dialingMethod
        proposal.content = try object.optional("content").map(proposedContent) ?? ContentFacts()
        return proposal
    }

    // MARK: - content

    static let proposedContentKeys = [
        "type", "includes_mini_miranda", "includes_opt_out_notice", "threatens_legal_action", "payment_deadline_days",
        "mentions_debt", "language", "validation_period_end_date_stated", "itemization_date_basis", "dispute_prompts",
        "original_creditor_prompt", "english_notice_included_or_previously_sent", "time_barred_disclosure",
        "ca_license_number_displayed_pt", "nycrr_1_3_notice_in_same_medium", "remedy", "remedy_intended",
    ]

    static func proposedContent(_ node: DocumentNode) throws(CheckDocumentError) -> ContentFacts {
        try content(node.object(keys: proposedContentKeys))
    }

    /// A past contact's content may also say whether a New York notice was included.
    static func recordedContent(_ node: DocumentNode) throws(CheckDocumentError) -> ContentFacts {
        let object = try node.object(keys: proposedContentKeys + ["nycrr_1_3_notice"])
        var content = try content(object)
        content.nycrr13Notice = try object.optional("nycrr_1_3_notice")?.bool()
        return content
    }

    private static func content(_ object: DocumentObject) throws(CheckDocumentError) -> ContentFacts {
        var content = try ContentFacts(type: object.optional("type")?.word())
        content.includesMiniMiranda = try object.optional("includes_mini_miranda")?.bool()
        content.includesOptOutNotice = try object.optional("includes_opt_out_notice")?.bool()
        content.threatensLegalAction = try object.optional("threatens_legal_action")?.bool()
        content.paymentDeadlineDays = try object.optional("payment_deadline_days")?.int()
        content.mentionsDebt = try object.optional("mentions_debt")?.bool()
        content.language = try object.optional("language")?.string()
        content.validationPeriodEndDateStated = try object.optional("validation_period_end_date_stated")?.date()
        content.itemizationDateBasis = try object.optional("itemization_date_basis").map(itemizationDateBasis)
        content.disputePrompts = try object.optional("dispute_prompts")?.bool()
        content.originalCreditorPrompt = try object.optional("original_creditor_prompt")?.bool()
        content.englishNoticeIncludedOrPreviouslySent =
            try object.optional("english_notice_included_or_previously_sent")?.bool()
        content.timeBarredDisclosure = try object.optional("time_barred_disclosure")?.bool()
        content.californiaLicenseNumberDisplayedPt = try object.optional("ca_license_number_displayed_pt")?.int()
        content.nycrr13NoticeInSameMedium = try object.optional("nycrr_1_3_notice_in_same_medium")?.bool()
        content.remedy = try object.optional("remedy")?.string()
        content.remedyIntended = try object.optional("remedy_intended")?.bool()
        return content
    }

    /// The itemization-date type each part of a notice uses, `{account_number, amounts}`, kept as written so the
    /// content rule can compare the parts.
    static func itemizationDateBasis(_ node: DocumentNode) throws(CheckDocumentError) -> [String: String] {
        let parts = ["account_number", "amounts"]
        let object = try node.object(keys: parts)
        var basis: [String: String] = [:]
        for part in parts {
            if let type = try object.optional(part)?.string() { basis[part] = type }
        }
        return basis
    }
}
