import Foundation
import RecoupCore

/// The templates every agency starts with, in English and Spanish: what a message uses when neither the creditor
/// client nor the agency has saved one of that name, channel and language.
public enum ShippedTemplates {
    /// Name, channel, language, subject, body.
    static let texts: [(String, TemplateChannel, String, String?, String)] = [
        ("reminder", .email, "en", "Your {{creditor}} account",
         """
         Hello {{consumer_first_name}},

         Your {{creditor}} account has a balance of {{balance}}. You can pay or set up a plan at {{portal_link}}:
         {{#payment_options}}
         - {{label}} {{amount}}
         {{/payment_options}}

         Questions? Call {{agent_name}} at {{agency_phone}} and quote reference {{reference}}.
         """),
        ("reminder", .email, "es", "Su cuenta de {{creditor}}",
         """
         Hola, {{consumer_first_name}}:

         Su cuenta de {{creditor}} tiene un saldo de {{balance}}. Puede pagar o acordar un plan en {{portal_link}}:
         {{#payment_options}}
         - {{label}} {{amount}}
         {{/payment_options}}

         ¿Preguntas? Llame a {{agent_name}} al {{agency_phone}} y mencione la referencia {{reference}}.
         """),
        ("reminder", .sms, "en", nil,
         "{{agency_name}}: {{consumer_first_name}}, your {{creditor}} balance is {{balance}}. Pay or set up a plan: {{portal_link}}"),
        ("reminder", .sms, "es", nil,
         "{{agency_name}}: {{consumer_first_name}}, su saldo con {{creditor}} es {{balance}}. Pague o acuerde un plan: {{portal_link}}"),
        ("final_demand", .letter, "en", nil,
         """
         Our records show that your {{creditor}} account, originally with {{original_creditor}}, remains unpaid with a balance of {{balance}}.

         Please pay in full or call {{agency_phone}} by the end of the month to agree on a plan. You can also pay at {{portal_link}}.
         """),
        ("final_demand", .letter, "es", nil,
         """
         Nuestros registros indican que su cuenta de {{creditor}}, originalmente con {{original_creditor}}, sigue sin pagarse con un saldo de {{balance}}.

         Pague el total o llame al {{agency_phone}} antes de fin de mes para acordar un plan. También puede pagar en {{portal_link}}.
         """),
        ("callback", .voicemail, "en", nil,
         "Hello, this is {{agent_name}} from {{agency_name}}. Please call me back at {{agency_phone}}. If you prefer, you can reply at the same number. To stop these calls, tell us when you call back."),
        ("callback", .voicemail, "es", nil,
         "Hola, le habla {{agent_name}} de {{agency_name}}. Por favor devuélvame la llamada al {{agency_phone}}. Si no desea recibir estas llamadas, díganoslo cuando llame."),
    ]

    /// The shipped templates as a tenant's (ids by position, so they stay the same from run to run).
    public static func all(tenant: TenantID) -> [MessageTemplate] {
        texts.enumerated().map { index, text in
            let (name, channel, language, subject, body) = text
            return MessageTemplate(
                id: UUID(text: String(format: "00000000-0000-4000-8000-%012x", index + 1))!,
                tenantID: tenant, clientID: nil, name: name, channel: channel, language: language, subject: subject, body: body,
                updatedAt: Date(timeIntervalSince1970: 0))
        }
    }
}
