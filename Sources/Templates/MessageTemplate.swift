import Compliance
import Foundation
import Mustache
import RecoupCore

/// The channels a template writes for.
public enum TemplateChannel: String, Sendable, CaseIterable {
    case email, sms, letter
    /// A prerecorded limited-content voicemail (1006.2(j)).
    case voicemail
}

/// A message template: mustache text for one channel and language, owned by a tenant (and optionally one of its
/// creditor clients, whose accounts then use it in preference to the tenant's). Required statements are not in
/// the text: the composer adds them, so no template can leave them out or reword them.
public struct MessageTemplate: Sendable, Equatable {
    public var id: UUID
    public var tenantID: TenantID
    public var clientID: ClientID?
    public var name: String
    public var channel: TemplateChannel
    public var language: String
    /// An email's subject line (mustache); nil for other channels.
    public var subject: String?
    public var body: String
    public var updatedAt: Date

    public init(
        id: UUID = UUID(), tenantID: TenantID, clientID: ClientID?, name: String, channel: TemplateChannel, language: String,
        subject: String?, body: String, updatedAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.clientID = clientID
        self.name = name
        self.channel = channel
        self.language = language
        self.subject = subject
        self.body = body
        self.updatedAt = updatedAt
    }
}

/// One reason a template cannot be saved.
public struct TemplateProblem: Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public var description: String { "\(field): \(reason)" }
}

/// Checks and renders templates. Pure: text in, text or problems out.
public enum TemplateRenderer {
    /// The languages templates are written in.
    public static let languages: Set<String> = ["en", "es"]
    /// A text's limit with the statements the composer adds (about 130 characters): 10 segments.
    static let textLimit = 1600 - 160

    /// Every problem with a template, empty when it can be saved: mustache syntax, unknown variables, a subject
    /// where there is none or none where one is needed, required statements typed by hand (they are added, and
    /// must not be reworded), a text too long with them, and, for a voicemail, anything a limited-content message
    /// may not say.
    public static func problems(_ template: MessageTemplate) -> [TemplateProblem] {
        var problems: [TemplateProblem] = []
        if template.name.trimmingCharacters(in: .whitespaces).isEmpty { problems.append(.init(field: "name", reason: "must not be empty")) }
        if !languages.contains(template.language) { problems.append(.init(field: "language", reason: "must be en or es")) }
        switch (template.channel, template.subject) {
        case (.email, nil): problems.append(.init(field: "subject", reason: "an email template needs a subject"))
        case (.email, let subject?) where subject.contains(where: \.isNewline): problems.append(.init(field: "subject", reason: "must be one line"))
        case (.sms, _?), (.letter, _?), (.voicemail, _?): problems.append(.init(field: "subject", reason: "only email templates have a subject"))
        default: break
        }
        for (field, text) in [("subject", template.subject), ("body", template.body)] {
            guard let text else { continue }
            do {
                let used = try variables(in: text)
                for unknown in used.subtracting(TemplateValues.names).sorted() {
                    problems.append(.init(field: field, reason: "unknown variable {{\(unknown)}}"))
                }
                if template.channel == .voicemail {
                    for name in used.subtracting(limitedContentVariables).sorted() {
                        problems.append(.init(field: field, reason: "a limited-content voicemail may not say {{\(name)}} (1006.2(j))"))
                    }
                }
            } catch {
                problems.append(.init(field: field, reason: "not valid mustache: \(error)"))
            }
        }
        let lower = template.body.lowercased()
        if typedStatements.contains(where: { lower.contains($0) }) {
            problems.append(.init(field: "body", reason: "the debt-collector disclosure and the opt-out instruction are added to every message; do not type them"))
        }
        if template.channel == .voicemail, let word = revealingWord(in: template.body) {
            problems.append(.init(field: "body", reason: "a limited-content voicemail may not mention \"\(word)\" (1006.2(j)): only a business name, a request to call back, a person's name and a phone number"))
        }
        if template.channel == .sms, problems.isEmpty, let rendered = try? render(template, values: .sample),
           rendered.body.count > textLimit
        {
            problems.append(.init(field: "body", reason: "too long for a text with the required statements: \(rendered.body.count) characters, at most \(textLimit)"))
        }
        return problems
    }

    /// Renders a template with one message's values: the subject (email) and the body, as plain text.
    public static func render(_ template: MessageTemplate, values: TemplateValues) throws -> (subject: String?, body: String) {
        let context = values.context(language: template.language)
        let subject = try template.subject.map { try MustacheTemplate(string: plainText + $0).render(context) }
        let body = try MustacheTemplate(string: plainText + template.body).render(context)
        return (subject, body.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Plain text: the channels escape for themselves (the email's HTML part, TwiML, PDF).
    static let plainText = "{{% CONTENT_TYPE: TEXT}}"

    /// What a limited-content message may carry (1006.2(j)): a neutral business name, a person to call, a number.
    static let limitedContentVariables: Set<String> = ["agent_name", "agency_name", "agency_phone"]

    /// Statements the composer adds; typed in a template they would be doubled or reworded.
    static let typedStatements = [
        "debt collector", "cobrador de deudas", "reply stop", "responda stop", "attempting to collect", "intentando cobrar",
    ]

    /// A word a limited-content message must not contain (1006.2(j)): checked in a voicemail template when it is
    /// saved, and again in its words once filled in, where an agency's own name ("Acme Collections") may say it.
    public static func revealingWord(in text: String) -> String? {
        let lower = text.lowercased()
        return ["debt", "collect", "recover", "balance", "owe", "payment", "pay ", "account", "creditor", "bill", "overdue", "past due",
                "deuda", "cobr", "recupera", "saldo", "pago", "cuenta", "acreedor", "factura"].first { lower.contains($0) }
    }

    /// The variable names a mustache text reads, sections' names prefixed by their section (`payment_options.label`).
    static func variables(in text: String) throws -> Set<String> {
        let template = try MustacheTemplate(string: plainText + text)
        // Twice: once with every section present, once with every section empty, so inverted sections are read too.
        let log = Recorder.Log()
        _ = template.render(Recorder(path: nil, log: log, empty: false))
        _ = template.render(Recorder(path: nil, log: log, empty: true))
        return log.names
    }

    /// Answers every lookup with a value that makes sections render once, and writes down each name asked for.
    final class Recorder: MustacheParent, @unchecked Sendable {
        final class Log: @unchecked Sendable {
            let lock = NSLock()
            var names: Set<String> = []
        }

        let path: String?
        let log: Log
        let empty: Bool

        init(path: String?, log: Log, empty: Bool) {
            self.path = path
            self.log = log
            self.empty = empty
        }

        func child(named name: String) -> Any? {
            let full = path.map { "\($0).\(name)" } ?? name
            // A name not known under this section may be the enclosing context's (mustache looks outwards).
            let known = TemplateValues.names.contains(full) ? full : name
            log.lock.withLock { _ = log.names.insert(known) }
            return empty ? [] as [Any] : [Recorder(path: known, log: log, empty: false)]
        }
    }
}
