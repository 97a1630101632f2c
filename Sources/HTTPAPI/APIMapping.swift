import APISpec
import Compliance
import Foundation
import RecoupApp
import RecoupCore
import Templates

/// Domain values → generated API types, in one place, so the wire format never leaks into the domain.
enum APIMapping {
    static func money(_ money: Money) -> Components.Schemas.Money {
        .init(amountMinor: money.minorUnits, currency: money.currency.code, amount: money.decimalString)
    }

    static func summary(_ a: AccountSummary) -> Components.Schemas.AccountSummary {
        .init(
            id: a.id.description, clientId: a.clientID.description, placementId: a.placementID.description,
            clientAccountNumber: a.clientAccountNumber, originalCreditor: a.originalCreditor,
            debtType: debtType(a.debtType), status: status(a.status), currentBalance: money(a.currentBalance),
            primaryConsumerId: a.primaryConsumerID?.description, primaryConsumerName: a.primaryConsumerName,
            state: a.state?.code, placedAt: a.placedAt)
    }

    static func debtType(_ type: DebtType) -> Components.Schemas.DebtType {
        Components.Schemas.DebtType(rawValue: type.rawValue) ?? .other
    }

    static func status(_ status: AccountStatus) -> Components.Schemas.AccountStatus {
        Components.Schemas.AccountStatus(rawValue: status.rawValue) ?? .active
    }

    static func name(_ name: PersonName) -> Components.Schemas.PersonName {
        .init(first: name.first, middle: name.middle, last: name.last)
    }

    static func party(_ party: AccountParty, _ consumer: Consumer) -> Components.Schemas.AccountParty {
        .init(
            consumerId: party.consumerID.description,
            role: Components.Schemas.AccountParty.RolePayload(rawValue: party.role.rawValue) ?? .primary,
            name: name(consumer.name), language: consumer.language)
    }

    static func detail(_ a: Account, parties: [Components.Schemas.AccountParty]) -> Components.Schemas.AccountDetail {
        let i = a.itemization
        return .init(
            id: a.id.description, clientId: a.clientID.description, placementId: a.placementID.description,
            clientAccountNumber: a.clientAccountNumber, originalCreditor: a.originalCreditor,
            currentCreditor: a.currentCreditor, debtType: debtType(a.debtType), status: status(a.status),
            openDate: a.openDate?.iso, chargeOffDate: a.chargeOffDate?.iso, lastPaymentDate: a.lastPaymentDate?.iso,
            lastPaymentAmount: a.lastPaymentAmount.map(money),
            itemization: .init(
                itemizationDate: i.itemizationDate.iso,
                itemizationDateType: .init(rawValue: i.itemizationDateType.rawValue) ?? .chargeOff,
                balanceAtItemization: money(i.balanceAtItemization), interest: money(i.interestSinceItemization),
                fees: money(i.feesSinceItemization), payments: money(i.paymentsSinceItemization),
                credits: money(i.creditsSinceItemization), currentBalance: money(i.currentBalance)),
            placedAt: a.placedAt, studentLoanAccountNumber: a.studentLoanAccountNumber, consumers: parties)
    }

    static func consumer(_ c: Consumer, accounts: [AccountID], role: Role) -> Components.Schemas.Consumer {
        var phones: [Components.Schemas.Phone] = []
        var emails: [Components.Schemas.Email] = []
        var addresses: [Components.Schemas.Address] = []
        for point in c.contactPoints {
            switch point.kind {
            case let .phone(number, type, source, consent):
                phones.append(.init(
                    id: point.id.description, number: number, _type: .init(rawValue: type.rawValue) ?? .unknown,
                    source: .init(rawValue: source.rawValue) ?? .other, consent: .init(rawValue: consent.rawValue) ?? .unknown))
            case let .email(address, source):
                emails.append(.init(id: point.id.description, address: address, source: .init(rawValue: source.rawValue) ?? .unknown))
            case let .postal(a):
                addresses.append(.init(id: point.id.description, line1: a.line1, line2: a.line2, city: a.city, state: a.state.code, zip: a.zip))
            }
        }
        let dob = c.dateOfBirth.map { role.seesFullDateOfBirth ? $0.iso : String($0.iso.prefix(4)) }
        return .init(
            id: c.id.description, name: name(c.name), dateOfBirth: dob, ssnLast4: c.ssn?.lastFour, language: c.language,
            flags: c.flags.names, phones: phones, emails: emails, addresses: addresses,
            accountIds: accounts.map(\.description))
    }

    static func client(_ client: Client) -> Components.Schemas.Client {
        .init(id: client.id.description, name: client.name, createdAt: client.createdAt)
    }

    static func apiKey(_ key: APIKeyRecord) -> Components.Schemas.ApiKey {
        let role: Components.Schemas.ApiKey.RolePayload = switch key.role {
        case .admin: .admin
        case .manager: .manager
        case .agent: .agent
        case .compliance: .compliance
        case .client: .client
        }
        return .init(
            id: key.id.description, role: role, clientId: key.clientID?.description, createdAt: key.createdAt, revokedAt: key.revokedAt,
            expiresAt: key.expiresAt, lastUsedAt: key.lastUsedAt)
    }

    static func placement(_ report: PlacementReport) -> Components.Schemas.PlacementSummary {
        let p = report.placement
        return .init(
            id: p.id.description, clientId: p.clientID.description, fileDigest: p.fileDigest, receivedAt: p.receivedAt,
            mode: .init(rawValue: report.mode.rawValue) ?? .acceptValid,
            outcome: .init(rawValue: report.outcome.rawValue) ?? .processed, rows: p.counts.rows,
            imported: p.counts.imported, updated: p.counts.updated, unchanged: p.counts.unchanged,
            rejected: p.counts.rejected, ignoredColumns: report.ignoredColumns,
            errorsUrl: "/v1/placements/\(p.id)/errors")
    }

    static func auditEvent(_ e: AuditEvent) -> Components.Schemas.AuditEvent {
        .init(
            id: e.id.lowercasedString, sequence: e.sequence, occurredAt: e.occurredAt, actor: e.actor,
            action: e.action, subjectType: e.subjectType, subjectId: e.subjectID, beforeDigest: e.beforeDigest,
            afterDigest: e.afterDigest, details: .init(additionalProperties: e.details), previousHash: e.previousHash,
            hash: e.hash)
    }

    static func contact(_ contact: RecordedContact) -> Components.Schemas.RecordedContact {
        .init(
            id: contact.id.lowercasedString, accountId: contact.accountID.description, occurredAt: contact.occurredAt,
            direction: contact.direction.rawValue, channel: contact.channel.rawValue,
            destinationId: contact.destinationID?.description, dialingMethod: contact.dialingMethod?.rawValue,
            outcome: contact.outcome.rawValue, contentType: contact.contentType?.rawValue, recordedBy: contact.recordedBy)
    }

    static func communication(_ message: OutboxMessage, events: [EngagementEvent] = []) -> Components.Schemas.Communication {
        .init(
            id: message.id.lowercasedString, accountId: message.accountID.description, channel: message.channel.rawValue,
            destinationId: message.destinationID.description, recipient: message.recipient, language: message.language,
            subject: message.subject, status: .init(rawValue: message.status.rawValue) ?? .queued, dueAt: message.dueAt,
            attempts: message.attempts, lastError: message.lastError, rule: message.rule, createdAt: message.createdAt,
            sentAt: message.sentAt, providerRef: message.providerRef,
            events: events.map { .init(kind: .init(rawValue: $0.kind.rawValue) ?? .failed, occurredAt: $0.occurredAt, detail: $0.detail) })
    }

    static func template(_ template: MessageTemplate, shipped: Bool) -> Components.Schemas.Template {
        .init(
            id: template.id.lowercasedString, name: template.name, channel: .init(rawValue: template.channel.rawValue) ?? .email,
            language: template.language, clientId: template.clientID?.description, subject: template.subject, body: template.body,
            shipped: shipped, updatedAt: shipped ? nil : template.updatedAt)
    }

    static func template(_ input: Components.Schemas.TemplateInput, tenantID: TenantID) throws -> MessageTemplate {
        MessageTemplate(
            tenantID: tenantID,
            clientID: try input.clientId.map { text in
                guard let id = ClientID(text) else { throw RecoupError.invalid([FieldProblem(field: "client_id", reason: "must be a UUID")]) }
                return id
            }, name: input.name,
            channel: TemplateChannel(rawValue: input.channel.rawValue) ?? .email, language: input.language.rawValue,
            subject: input.subject, body: input.body, updatedAt: Date())
    }

    static func inbound(_ message: InboundMessage) -> Components.Schemas.InboundMessage {
        .init(
            id: message.id.lowercasedString, channel: message.channel.rawValue, sender: message.sender, recipient: message.recipient,
            body: message.body, intent: .init(rawValue: message.intent) ?? .conversation, accountIds: message.accountIDs.map(\.description),
            reply: message.reply, status: .init(rawValue: message.status.rawValue) ?? .open, receivedAt: message.receivedAt)
    }

    /// The finding that decided a decision, and a sentence for it even when no finding did (a recall).
    static func deciding(_ decision: ContactDecision) -> (citation: String?, message: String) {
        let finding = decision.findings.first { $0.rule == decision.rule && ($0.verdict == .block || decision.allowed) }
        if let finding { return (finding.citation, finding.message) }
        // Refusals no rule of the law made: the client's recall, the agency's own ceiling.
        return switch decision.rule {
        case _ where decision.allowed: (nil, "no rule stands in the way")
        case ContactPressure.rule?: ("agency policy", "the agency's ceiling on attempts per consumer across all media is reached")
        default: (nil, "the account was recalled by its client; no activity")
        }
    }

    /// The 409 problem of a message or call the engine refuses now: the deciding rule, its citation, the next lawful time.
    static func refusal(_ decision: ContactDecision) -> Components.Schemas.MessageRefusal {
        let deciding = deciding(decision)
        return .init(
            value1: .init(_type: "https://recoup.dev/problems/409", title: "Conflict", status: 409, detail: deciding.message),
            value2: .init(rule: decision.rule, citation: deciding.citation, nextAllowedAt: decision.nextAllowedAt.map { decision.zone.iso8601($0) }))
    }

    /// A client's layout as the API shows it: the contract's object, read from the mapping file's JSON.
    static func mapping(_ json: Data) throws -> Components.Schemas.PlacementMapping {
        try JSONDecoder().decode(Components.Schemas.PlacementMapping.self, from: json)
    }

    /// The mapping file's JSON of the contract's object (keys sorted, so equal layouts have equal digests).
    static func json(_ mapping: Components.Schemas.PlacementMapping) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(mapping)
    }

    static func call(_ call: AgentCall) -> Components.Schemas.AgentCall {
        .init(
            id: call.id.lowercasedString, accountId: call.accountID.description, destinationId: call.destinationID.description,
            consumerNumber: call.consumerNumber, agentPhone: call.agentPhone, agent: call.agent, providerRef: call.providerRef,
            status: .init(rawValue: call.status.rawValue) ?? .ended, outcome: call.outcome.rawValue, createdAt: call.createdAt,
            updatedAt: call.updatedAt)
    }

    static func fact(_ fact: RecordedFact) throws -> Components.Schemas.RecordedFact {
        .init(
            id: fact.id.lowercasedString, accountId: fact.accountID.description, kind: fact.kind.rawValue,
            fact: try JSONDecoder().decode(Components.Schemas.RecordedFact.FactPayload.self, from: fact.fact), recordedAt: fact.recordedAt,
            recordedBy: fact.recordedBy)
    }
}
