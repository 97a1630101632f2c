import Compliance
import Foundation
import RecoupCore
import Templates

/// The letters Recoup prints.
public enum LetterKind: String, Sendable, CaseIterable {
    /// The Regulation F validation notice (Model Form B-1), from the compliance module.
    case validationNotice = "validation_notice"
    /// A final demand: the agent's words with the balance, the disclosure and the reference.
    case finalDemand = "final_demand"
    /// A payment's receipt, mailed to a consumer Recoup may neither email nor text (``PaymentReceipts``); not sent
    /// from the API.
    case receipt
}

/// Queues one-off emails, texts, letters and voicemails to accounts: checked by the compliance engine when asked (a message that
/// may not be sent now is refused with the decision, never queued to wait silently; only what Recoup owes the consumer,
/// a receipt or a reminder, waits for the next lawful instant), composed with the required disclosures, and written to
/// the outbox with its audit event. The dispatcher checks again when it sends.
public struct MessageService: Sendable {
    let snapshots: AccountSnapshots
    let outbox: any OutboxRepository
    let clock: any Clock
    let engine: ComplianceEngine
    /// Where messages that name a template find it.
    let templates: TemplateService?
    /// The agency as messages name it (its California licence, shown to consumers there).
    let sender: TemplateSender

    public init(
        snapshots: AccountSnapshots, outbox: any OutboxRepository, clock: any Clock, templates: TemplateService? = nil,
        sender: TemplateSender = TemplateSender(), engine: ComplianceEngine = ComplianceEngine()
    ) {
        self.snapshots = snapshots
        self.outbox = outbox
        self.clock = clock
        self.templates = templates
        self.sender = sender
        self.engine = engine
    }

    /// What became of one request.
    public enum Queued: Sendable {
        /// Queued (or, for a repeated idempotency key, already queued: `created` false).
        case queued(OutboxMessage, created: Bool)
        /// The engine refuses the message now; the decision says why and when it would be lawful.
        case refused(ContactDecision)
    }

    /// Queues an email (`subject` required), a text (no subject) or a letter (`letter` says which) to the account's
    /// primary consumer, at `destination` or their first address for the channel (email address; mobile or unknown
    /// phone for a text; mailing address for a letter). A validation notice's words come from the compliance
    /// module, so it takes no `text`. With `template`, the subject and text come from the template of that name for the channel (the client's, the
    /// agency's or the shipped one, in the consumer's language) filled with the account's values.
    public func send(
        _ channel: ProposedChannel, account id: AccountID, destination: ContactPointID? = nil, subject: String?, text: String?,
        letter: LetterKind? = nil, template: String? = nil, scope: AccessScope, actor: String, collectorName: String,
        idempotencyKey: String? = nil
    ) async throws -> Queued {
        switch try await compose(channel, account: id, destination: destination, subject: subject, text: text, letter: letter,
                                 template: template, scope: scope, collectorName: collectorName) {
        case let .refused(decision):
            return .refused(decision)
        case let .composed(message):
            let (stored, created) = try await queue(message, idempotencyKey: idempotencyKey, actor: actor)
            return .queued(stored, created: created)
        }
    }

    /// Writes a composed message to the outbox with its `message.queued` audit event (a repeated `idempotencyKey`
    /// answers the message already queued, `created` false).
    public func queue(_ message: OutboxMessage, idempotencyKey: String?, actor: String) async throws -> (OutboxMessage, created: Bool) {
        let queued = QueuedMessage(message: message, idempotencyKey: idempotencyKey, actor: actor)
        return try await outbox.enqueue(queued.message, idempotencyKey: queued.idempotencyKey, audit: queued.audit)
    }

    /// `text` to the account's primary consumer by email (under `subject`), or by text when Recoup may not email them
    /// (no address on file, or email refused) but may text them: composed as ``compose(_:account:destination:subject:text:letter:template:scope:collectorName:deferringUntil:)``
    /// does, `deferringUntil` as there. Nil when neither may go: for what the consumer is owed by whichever medium
    /// reaches them (a receipt, a reminder of a plan's installment).
    public func composeByEmailOrText(
        account id: AccountID, subject: String, text: String, scope: AccessScope, collectorName: String, deferringUntil latest: Date?
    ) async throws -> OutboxMessage? {
        for channel in [ProposedChannel.email, .sms] {
            do {
                if case let .composed(message) = try await compose(
                    channel, account: id, subject: channel == .email ? subject : nil, text: text, scope: scope, collectorName: collectorName,
                    deferringUntil: latest)
                {
                    return message
                }
            } catch RecoupError.invalid {
                continue  // no address on file for this medium
            }
        }
        return nil
    }

    /// The account's primary consumer and the zone their days are counted in (the engine's first candidate), from
    /// one load: the language, the days a receipt or a reminder names, and where a day begins.
    public func primaryConsumer(account id: AccountID, scope: AccessScope, collectorName: String) async throws -> (Consumer, ZoneClock) {
        let (_, consumer, snapshot) = try await snapshots.load(id, scope: scope, collectorName: collectorName, at: Instant(clock.now()))
        return (consumer, engine.prepare(snapshot).primaryZone)
    }

    /// What ``send(_:account:destination:subject:text:letter:template:scope:actor:collectorName:idempotencyKey:)``
    /// would queue, decided and composed but not stored: for a use case that queues it in its own transaction (a
    /// payment's receipt).
    public enum Composed: Sendable {
        case composed(OutboxMessage)
        case refused(ContactDecision)
    }

    /// Checks, decides and composes a message as `send` does, without queueing it. `deferringUntil` composes a message
    /// the engine refuses only for now (the hour, the consumer's inconvenient times, a state's weekly cap) to be due at
    /// the engine's next lawful instant, when that is no later than the given instant, instead of refusing it: for a
    /// message owed to the consumer whenever it may go (a receipt) or until it is moot (a reminder, until its day). The
    /// dispatcher decides it again then.
    public func compose(
        _ channel: ProposedChannel, account id: AccountID, destination: ContactPointID? = nil, subject: String?, text: String?,
        letter: LetterKind? = nil, template: String? = nil, scope: AccessScope, collectorName: String, deferringUntil latest: Date? = nil
    ) async throws -> Composed {
        var subject = subject, text = text
        if let template {
            guard subject == nil, text == nil else {
                throw RecoupError.invalid([FieldProblem(field: "template", reason: "send a template or a subject and text, not both")])
            }
            (subject, text) = try await fill(template, channel: channel, letter: letter, account: id, scope: scope, agencyName: collectorName)
        }
        var problems: [FieldProblem] = []
        var needsText = true
        switch channel {
        case .email:
            let subject = subject ?? ""
            if subject.trimmingCharacters(in: .whitespaces).isEmpty { problems.append(FieldProblem(field: "subject", reason: "must not be empty")) }
            if subject.contains(where: \.isNewline) { problems.append(FieldProblem(field: "subject", reason: "must be one line")) }
        case .sms:
            if subject != nil { problems.append(FieldProblem(field: "subject", reason: "a text has no subject")) }
        case .letter:
            if subject != nil { problems.append(FieldProblem(field: "subject", reason: "a letter has no subject")) }
            switch letter {
            case nil: problems.append(FieldProblem(field: "letter", reason: "say which letter: validation_notice or final_demand"))
            case .validationNotice?:
                needsText = false
                if text != nil { problems.append(FieldProblem(field: "text", reason: "a validation notice's words are the model notice's; send no text")) }
            case .finalDemand?, .receipt?: break
            }
        case .voicemail:
            // Only a template can be checked to hold nothing a limited-content message may not say (1006.2(j)).
            if template == nil { problems.append(FieldProblem(field: "template", reason: "a voicemail is left from a voicemail template")) }
        default:
            problems.append(FieldProblem(field: "channel", reason: "\(channel.rawValue) messages are not sent from here (email, sms, letter or voicemail)"))
        }
        if needsText, (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problems.append(FieldProblem(field: "text", reason: "must not be empty"))
        }
        guard problems.isEmpty else { throw RecoupError.invalid(problems) }

        let now = clock.now()
        let (account, consumer, snapshot) = try await snapshots.load(id, scope: scope, collectorName: collectorName, at: Instant(now))
        let (point, address) = try Self.destination(channel, destination, of: consumer)
        if channel == .letter, let returned = snapshot.history.last(where: { $0.destination == point.id.description && $0.outcome == .returnedUndeliverable }) {
            throw RecoupError.invalid([FieldProblem(
                field: "destination_id",
                reason: "mail to this address came back undeliverable (a letter of \(LocalDate(utc: returned.at.date).iso)): record the consumer's new address first")])
        }
        let license = MessageComposer.californiaLicense(sender.californiaLicense, for: snapshot.jurisdiction.state)
        var proposal = AccountSnapshots.proposal(
            channel, to: point, account: account, consumer: consumer, at: Instant(now), showingCaliforniaLicense: license != nil)
        if letter == .validationNotice { proposal.content.type = .validationNotice }
        let decision = engine.decide(snapshot, proposal, on: account)
        var dueAt = now
        if !decision.allowed {
            guard let latest, let next = decision.nextAllowedAt, next.date <= latest else { return .refused(decision) }
            dueAt = next.date
        }

        // A letter's statements are laid out by its renderer; emails and texts get theirs here; a limited-content
        // voicemail has none.
        let body = channel == .letter || channel == .voicemail ? (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines) : MessageComposer.body(
            text ?? "", channel: channel, language: consumer.language, firstCommunication: !MessageComposer.hasCommunicated(snapshot.history),
            californiaLicense: license)
        if channel == .sms, body.count > MessageComposer.maxTextLength {
            throw RecoupError.invalid([FieldProblem(
                field: "text", reason: "too long for a text: \(body.count) characters with the required statements, at most \(MessageComposer.maxTextLength)")])
        }
        return .composed(OutboxMessage(
            tenantID: scope.tenantID, accountID: account.id, consumerID: consumer.id, channel: channel, destinationID: point.id,
            recipient: address, language: consumer.language, subject: letter?.rawValue ?? subject ?? "", body: body, dueAt: dueAt, createdAt: now))
    }

    /// The subject and text of the named template for this account.
    private func fill(
        _ name: String, channel: ProposedChannel, letter: LetterKind?, account id: AccountID, scope: AccessScope, agencyName: String
    ) async throws -> (String?, String) {
        let templateChannel: TemplateChannel
        switch channel {
        case .email: templateChannel = .email
        case .sms: templateChannel = .sms
        case .letter where letter == .finalDemand: templateChannel = .letter
        case .voicemail: templateChannel = .voicemail
        default: throw RecoupError.invalid([FieldProblem(field: "template", reason: "templates write emails, texts, voicemails and final demands")])
        }
        guard let templates else { throw RecoupError.invalid([FieldProblem(field: "template", reason: "templates are not available here")]) }
        let (account, consumer) = try await snapshots.accounts.accountWithPrimaryConsumer(id, scope: scope)
        let chosen = try await templates.choose(name, channel: templateChannel, account: account, language: consumer.language)
        let rendered = try TemplateRenderer.render(chosen, values: templates.values(account: account, consumer: consumer, agencyName: agencyName))
        if channel == .voicemail, let word = TemplateRenderer.revealingWord(in: rendered.body) {
            throw RecoupError.invalid([FieldProblem(field: "template", reason: """
                filled in, this voicemail would say "\(word)" (the agency's name is "\(agencyName)"): a limited-content message may \
                not reveal that it is about a debt (1006.2(j)); leave {{agency_name}} out of the voicemail template
                """)])
        }
        return (rendered.subject, rendered.body)
    }

    /// The contact point a message on `channel` goes to: the one asked for, or the first that can receive it.
    static func destination(_ channel: ProposedChannel, _ wanted: ContactPointID?, of consumer: Consumer) throws -> (ContactPoint, String) {
        let candidates: [(ContactPoint, String)] = consumer.contactPoints.compactMap { point in
            switch (channel, point.kind) {
            case let (.email, .email(address, _)): (point, address)
            case let (.sms, .phone(number, type, _, _)) where type == .cell || type == .unknown: (point, number)
            case let (.voicemail, .phone(number, _, _, _)): (point, number)
            case let (.letter, .postal(address)):
                (point, [address.line1, address.line2, "\(address.city), \(address.state.rawValue) \(address.zip)"].compactMap { $0 }.joined(separator: ", "))
            default: nil
            }
        }
        if let found = wanted.map({ wanted in candidates.first { $0.0.id == wanted } }) ?? candidates.first { return found }
        let what = switch channel {
        case .email: "an email address"
        case .letter: "a mailing address"
        case .voicemail: "a phone number"
        default: "a mobile number"
        }
        throw RecoupError.invalid([FieldProblem(
            field: "destination_id",
            reason: wanted == nil ? "the consumer has no \(what) on file" : "not \(what) of this account's consumer")])
    }

    /// The messages queued to an account in scope, newest first, each with what happened to it after it left.
    public func communications(account id: AccountID, scope: AccessScope) async throws -> [(OutboxMessage, [EngagementEvent])] {
        _ = try await snapshots.accounts.account(id, scope: scope)
        let messages = try await outbox.messages(account: id, tenantID: scope.tenantID)
        let events = try await outbox.engagement(messages: messages.map(\.id), tenantID: scope.tenantID)
        return messages.map { ($0, events[$0.id] ?? []) }
    }

    /// Records what happened to a message after it left; returns the message. One the target does not name
    /// (another tenant's, or a message purged since) is not found.
    @discardableResult
    public func track(_ kind: EngagementKind, _ target: EngagementTarget, detail: String? = nil) async throws -> OutboxMessage {
        guard let message = try await outbox.recordEngagement(kind, of: target, detail: detail, at: clock.now()) else {
            throw RecoupError.notFound("message")
        }
        return message
    }

    /// The tenant's messages in one status (`dead`: the dead-letter queue), oldest first.
    public func outbox(status: OutboxStatus, scope: AccessScope, limit: Int) async throws -> [OutboxMessage] {
        guard (1...AccountService.maxPageSize).contains(limit) else {
            throw RecoupError.invalid([FieldProblem(field: "limit", reason: "must be between 1 and \(AccountService.maxPageSize)")])
        }
        return try await outbox.messages(status: status, tenantID: scope.tenantID, limit: limit)
    }
}
