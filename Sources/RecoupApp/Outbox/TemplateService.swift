import Compliance
import Foundation
import RecoupCore
import Templates

/// Templates as stored: one per tenant, client (or none), name, channel and language.
public protocol TemplateRepository: Sendable {
    /// Saves a template, replacing the one with the same tenant, client, name, channel and language, with its audit
    /// event; returns the stored template (the replaced one's id is kept). A client of another tenant is not found.
    func save(_ template: MessageTemplate, audit: AuditEntry) async throws -> MessageTemplate
    func templates(tenantID: TenantID) async throws -> [MessageTemplate]
    /// Deletes a tenant's template with its audit event; false when the tenant has no such template.
    func deleteTemplate(_ id: UUID, tenantID: TenantID, audit: AuditEntry, at: Date) async throws -> Bool
}

/// What every message from this deployment may say about the agency, beyond its name.
public struct TemplateSender: Sendable {
    public var agencyPhone: String
    /// Where consumers pay: `<url>/r/<reference>` becomes `{{portal_link}}`.
    public var portalURL: String
    /// The agency's California debt collection licence number, shown on every email and text to a consumer there.
    public var californiaLicense: String?

    public init(agencyPhone: String? = nil, portalURL: String? = nil, californiaLicense: String? = nil) {
        self.agencyPhone = agencyPhone ?? ""
        self.portalURL = portalURL ?? ""
        self.californiaLicense = californiaLicense
    }
}

/// Saves, lists, previews and chooses templates. A template is checked when saved (``TemplateRenderer/problems(_:)``)
/// and every change writes an audit event. When a message names a template, the creditor client's version wins,
/// then the agency's, then the shipped one, in the consumer's language (else English).
public struct TemplateService: Sendable {
    let templates: any TemplateRepository
    let accounts: AccountService
    let clock: any Clock
    let sender: TemplateSender

    public init(templates: any TemplateRepository, accounts: AccountService, clock: any Clock, sender: TemplateSender) {
        self.templates = templates
        self.accounts = accounts
        self.clock = clock
        self.sender = sender
    }

    public func save(_ template: MessageTemplate, scope: AccessScope, actor: String) async throws -> MessageTemplate {
        var template = template
        template.tenantID = scope.tenantID
        template.updatedAt = clock.now()
        let problems = TemplateRenderer.problems(template)
        guard problems.isEmpty else { throw RecoupError.invalid(problems.map { FieldProblem(field: $0.field, reason: $0.reason) }) }
        return try await templates.save(template, audit: AuditEntry(
            actor: actor, action: "template.saved", subjectType: "template", subjectID: template.id.lowercasedString,
            afterDigest: AuditChain.hexDigest(Data(((template.subject ?? "") + "\n" + template.body).utf8)),
            details: ["name": template.name, "channel": template.channel.rawValue, "language": template.language,
                      "client_id": template.clientID?.description ?? ""]))
    }

    /// One template by id: a saved one of the tenant, else a shipped one; `shipped` says which.
    public func template(_ id: UUID, scope: AccessScope) async throws -> (template: MessageTemplate, shipped: Bool) {
        let (saved, shipped) = try await list(scope: scope)
        if let found = saved.first(where: { $0.id == id }) { return (found, false) }
        if let found = shipped.first(where: { $0.id == id }) { return (found, true) }
        throw RecoupError.notFound("template \(id.lowercasedString)")
    }

    /// Changes a saved template's subject and text; its name, channel, language and client say which template it
    /// is, so `changed` must keep them.
    public func update(_ id: UUID, to changed: MessageTemplate, scope: AccessScope, actor: String) async throws -> MessageTemplate {
        let (current, shipped) = try await template(id, scope: scope)
        guard !shipped else { throw RecoupError.notFound("saved template \(id.lowercasedString)") }
        var problems: [FieldProblem] = []
        if changed.name != current.name { problems.append(FieldProblem(field: "name", reason: "stays \(current.name); save a new template to rename")) }
        if changed.channel != current.channel { problems.append(FieldProblem(field: "channel", reason: "stays \(current.channel.rawValue)")) }
        if changed.language != current.language { problems.append(FieldProblem(field: "language", reason: "stays \(current.language)")) }
        if changed.clientID != current.clientID { problems.append(FieldProblem(field: "client_id", reason: "stays as saved")) }
        guard problems.isEmpty else { throw RecoupError.invalid(problems) }
        var template = current
        template.subject = changed.subject
        template.body = changed.body
        return try await save(template, scope: scope, actor: actor)
    }

    /// The agency's saved templates, then the shipped ones it has not replaced.
    public func list(scope: AccessScope) async throws -> (saved: [MessageTemplate], shipped: [MessageTemplate]) {
        let saved = try await templates.templates(tenantID: scope.tenantID)
        let shipped = ShippedTemplates.all(tenant: scope.tenantID).filter { shipped in
            !saved.contains { $0.clientID == nil && $0.name == shipped.name && $0.channel == shipped.channel && $0.language == shipped.language }
        }
        return (saved, shipped)
    }

    public func delete(_ id: UUID, scope: AccessScope, actor: String) async throws {
        let audit = AuditEntry(actor: actor, action: "template.deleted", subjectType: "template", subjectID: id.lowercasedString)
        guard try await templates.deleteTemplate(id, tenantID: scope.tenantID, audit: audit, at: clock.now()) else {
            throw RecoupError.notFound("template \(id.lowercasedString)")
        }
    }

    /// The template a message to `account` named `name` on `channel` uses.
    public func choose(_ name: String, channel: TemplateChannel, account: Account, language: String) async throws -> MessageTemplate {
        let saved = try await templates.templates(tenantID: account.tenantID)
        let candidates = saved.filter { $0.name == name && $0.channel == channel && ($0.clientID == nil || $0.clientID == account.clientID) }
            + ShippedTemplates.all(tenant: account.tenantID).filter { $0.name == name && $0.channel == channel }
        for wanted in [language, "en"] {
            let inLanguage = candidates.filter { $0.language == wanted }
            if let chosen = inLanguage.first(where: { $0.clientID == account.clientID }) ?? inLanguage.first { return chosen }
        }
        throw RecoupError.invalid([FieldProblem(field: "template", reason: "no \(channel.rawValue) template named \(name)")])
    }

    /// The values a message to this account fills a template with.
    public func values(account: Account, consumer: Consumer, agencyName: String) -> TemplateValues {
        TemplateValues(
            consumerName: consumer.name.full, consumerFirstName: consumer.name.first,
            creditor: account.currentCreditor ?? account.originalCreditor, originalCreditor: account.originalCreditor,
            itemization: account.itemization, portalLink: sender.portalURL.isEmpty ? "" : "\(sender.portalURL)/r/\(account.referenceCode)",
            paymentOptions: [.init(label: consumer.language == "es" ? "Pago total" : "Pay in full", amount: account.itemization.currentBalance)],
            agentName: agencyName, agencyName: agencyName, agencyPhone: sender.agencyPhone, reference: account.referenceCode,
            accountNumber: "****" + String(account.clientAccountNumber.suffix(4)))
    }

    /// A template rendered as a message would carry it, required statements included: with an account's real
    /// values, or with sample values when no account is named.
    public func preview(_ template: MessageTemplate, account id: AccountID?, scope: AccessScope, agencyName: String) async throws
        -> (subject: String?, body: String)
    {
        let problems = TemplateRenderer.problems(template)
        guard problems.isEmpty else { throw RecoupError.invalid(problems.map { FieldProblem(field: $0.field, reason: $0.reason) }) }
        var values = TemplateValues.sample
        if let id {
            let (account, consumer) = try await accounts.accountWithPrimaryConsumer(id, scope: scope)
            values = self.values(account: account, consumer: consumer, agencyName: agencyName)
        }
        let rendered = try TemplateRenderer.render(template, values: values)
        switch template.channel {
        case .email: return (rendered.subject, MessageComposer.body(rendered.body, channel: .email, language: template.language))
        case .sms: return (nil, MessageComposer.body(rendered.body, channel: .sms, language: template.language))
        case .letter, .voicemail: return (nil, rendered.body)
        }
    }
}
