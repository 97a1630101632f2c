import Foundation
import RecoupCore
import RecoupTestSupport
import Templates
import Testing

/// Templates are checked when saved (syntax, unknown variables, typed disclosures, length, limited-content
/// voicemails) and every shipped template renders, in both languages, exactly as its snapshot says.
struct TemplateTests {
    let tenant = TenantID()

    func template(_ channel: TemplateChannel, _ body: String, subject: String? = nil, language: String = "en") -> MessageTemplate {
        MessageTemplate(tenantID: tenant, clientID: nil, name: "t", channel: channel, language: language, subject: subject, body: body,
                        updatedAt: Date(timeIntervalSince1970: 0))
    }

    @Test func aGoodTemplateRendersItsVariables() throws {
        let email = template(.email, "Hi {{consumer_first_name}}, {{#payment_options}}{{label}}: {{amount}}; {{/payment_options}}owed {{itemization.at_itemization}}.",
                             subject: "Your {{creditor}} account")
        #expect(TemplateRenderer.problems(email).isEmpty)
        let rendered = try TemplateRenderer.render(email, values: .sample)
        #expect(rendered.subject == "Your Big Bank account")
        #expect(rendered.body == "Hi Pat, Pay in full: $1,134.56; Six monthly payments of: $189.10; owed $1,234.56.")
    }

    @Test("rejected when saved, saying which field and why", arguments: [
        (TemplateChannel.email, "Hi {{first_name}}", "Hi" as String?, "unknown variable {{first_name}}"),
        (.email, "Hi {{#payment_options}}{{amount_due}}{{/payment_options}}", "Hi", "unknown variable {{amount_due}}"),
        (.email, "Hi {{^payment_options}}{{nothing}}{{/payment_options}}", "Hi", "unknown variable {{nothing}}"),
        (.email, "Hi {{#consumer_name}}", "Hi", "not valid mustache"),
        (.email, "Hi", nil, "an email template needs a subject"),
        (.sms, "Hi", "Subject", "only email templates have a subject"),
        (.sms, "Hi {{consumer_first_name}}. Reply STOP to opt out.", nil, "do not type them"),
        (.email, "This is a communication from a debt collector.", "Hi", "do not type them"),
        (.sms, String(repeating: "A long text {{balance}}. ", count: 70), nil, "too long for a text"),
        (.voicemail, "Hi {{consumer_first_name}}, call {{agency_phone}}", nil, "may not say {{consumer_first_name}}"),
        (.voicemail, "This is {{agency_name}} about your account. Call {{agency_phone}}.", nil, "may not mention \"account\""),
        (.voicemail, "Le habla {{agent_name}} sobre su deuda.", nil, "may not mention \"deuda\""),
    ])
    func rejected(_ channel: TemplateChannel, _ body: String, _ subject: String?, _ reason: String) {
        let problems = TemplateRenderer.problems(template(channel, body, subject: subject))
        #expect(problems.contains { $0.reason.contains(reason) }, "\(problems)")
    }

    @Test func aLimitedContentVoicemailMaySayWhoIsCallingAndWhereToCall() {
        let voicemail = template(.voicemail, "Hello, this is {{agent_name}} from {{agency_name}}. Please call me at {{agency_phone}}.")
        #expect(TemplateRenderer.problems(voicemail).isEmpty)
    }

    @Test(arguments: ShippedTemplates.all(tenant: TenantID()).map { "\($0.name).\($0.channel.rawValue).\($0.language)" })
    func everyShippedTemplateIsValidAndMatchesItsSnapshot(_ key: String) throws {
        let shipped = try #require(ShippedTemplates.all(tenant: tenant).first { "\($0.name).\($0.channel.rawValue).\($0.language)" == key })
        #expect(TemplateRenderer.problems(shipped).isEmpty, "\(TemplateRenderer.problems(shipped))")
        let rendered = try TemplateRenderer.render(shipped, values: .sample)
        let text = (rendered.subject.map { "Subject: \($0)\n\n" } ?? "") + rendered.body + "\n"
        try expectSnapshot(text, named: key, in: Bundle.module)
    }

    @Test func everyShippedTemplateExistsInBothLanguages() {
        let shipped = ShippedTemplates.all(tenant: tenant)
        for template in shipped {
            let other = template.language == "en" ? "es" : "en"
            #expect(shipped.contains { $0.name == template.name && $0.channel == template.channel && $0.language == other }, "\(template.name)")
        }
    }
}
