import Compliance
import Foundation
import RecoupApp
import RecoupCore
import RecoupTestSupport
import Templates
import Testing

/// Every shipped email and text template exactly as a consumer receives it: rendered with sample values, then the
/// statements the composer injects (the full or the short debt-collector disclosure, the California licence, the
/// opt-out notice). A change to a disclosure's wording, or to where it goes, shows here as a snapshot difference.
struct ComposedMessageTests {
    static let keys = ShippedTemplates.all(tenant: TenantID()).filter { $0.channel == .email || $0.channel == .sms }
        .flatMap { template in ["first-ca", "later"].map { "\(template.name).\(template.channel.rawValue).\(template.language).\($0)" } }

    @Test(arguments: keys)
    func aShippedTemplateAsSentMatchesItsSnapshot(_ key: String) throws {
        let parts = key.split(separator: ".").map(String.init)
        let template = try #require(ShippedTemplates.all(tenant: TenantID()).first {
            $0.name == parts[0] && $0.channel.rawValue == parts[1] && $0.language == parts[2]
        })
        let rendered = try TemplateRenderer.render(template, values: .sample)
        let first = parts[3] == "first-ca"
        let body = MessageComposer.body(
            rendered.body, channel: template.channel == .sms ? .sms : .email, language: template.language, firstCommunication: first,
            californiaLicense: first ? "10001-99" : nil)
        let text = (rendered.subject.map { "Subject: \($0)\n\n" } ?? "") + body + (body.hasSuffix("\n") ? "" : "\n")
        if template.channel == .sms { #expect(body.count <= MessageComposer.maxTextLength) }
        try expectSnapshot(text, named: key, in: Bundle.module)
    }
}
