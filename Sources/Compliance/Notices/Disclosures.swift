import RecoupCore

/// Every required statement, in every language Recoup writes, defined once: the debt-collector disclosures of
/// 1006.18(e), the electronic opt-out notice of 1006.6(e), the rights statements and prompts of 1006.34(c) (Model
/// Form B-1 wording) and the state notices. Templates take their text from here, so none can omit or reword one.
public struct Disclosures: Sendable {
    public let miniMirandaInitial: String
    public let miniMirandaSubsequent: String
    public let electronicOptOut: String
    /// The opt-out statement closing every text (short: a text is paid per segment).
    public let textOptOut: String
    /// The one confirmation of a text opt-out (47 CFR 64.1200(a)(11), 1006.14(h)(2)(i)): nothing else in it.
    public let textStopConfirmation: String
    /// The answer to START: texts resume.
    public let textStartConfirmation: String
    /// The answer to HELP: who is texting, how to reach a person, how to stop. No debt details (anyone may hold the phone).
    /// Without a phone number it points to the number on the collector's letters.
    public let textHelp: @Sendable (_ collector: String, _ phone: String?) -> String
    public let title: String
    public let introduction: @Sendable (_ collector: String) -> String
    public let itemizationHeading: String
    public let itemizationLabels: [String]  // on the date, interest, fees, payments, credits, now
    public let itemizationDateIntroduction: @Sendable (_ type: ItemizationDateType, _ date: String) -> String
    public let rightsHeading: String
    public let disputeRight: @Sendable (_ date: String) -> String
    public let originalCreditorRight: @Sendable (_ date: String) -> String
    public let assumedValid: @Sendable (_ date: String) -> String
    public let cfpbStatement: String
    public let responseHeading: String
    public let disputePromptsIntroduction: String
    public let disputePrompts: [String]
    public let originalCreditorPrompt: String
    public let mailFormTo: String
    public let detachHere: String
    public let spanishOffer: String
    public let labels: (account: String, creditorOnItemization: String, currentCreditor: String, reference: String)
    public let californiaLicense: @Sendable (_ number: String) -> String
    public let timeBarred: @Sendable (_ owner: String, _ pastObsolescence: Bool) -> String
    public let timeBarredTexas: @Sendable (_ owner: String) -> String
    public let massachusettsRights: String

    public static func texts(_ language: NoticeLanguage) -> Disclosures { language == .spanish ? spanish : english }

    static let itemizationNames: [ItemizationDateType: (en: String, es: String)] = [
        .lastStatement: ("last statement", "último estado de cuenta"), .chargeOff: ("charge-off", "cancelación contable"),
        .lastPayment: ("last payment", "último pago"), .transaction: ("transaction", "transacción"), .judgment: ("judgment", "sentencia"),
    ]

    public static let english = Disclosures(
        miniMirandaInitial: "This is a communication from a debt collector. We are attempting to collect a debt, and any information we obtain will be used for that purpose.",
        miniMirandaSubsequent: "This communication is from a debt collector.",
        electronicOptOut: "To stop receiving electronic messages at this address or number, reply STOP or use the unsubscribe link; it is free and asks for nothing else.",
        textOptOut: "Reply STOP to opt out.",
        textStopConfirmation: "You are unsubscribed and will receive no more texts from us at this number. Reply START to resubscribe.",
        textStartConfirmation: "You are subscribed to texts from us again. Reply STOP to opt out, HELP for help.",
        textHelp: { collector, phone in "\(collector): call us at \(phone ?? "the number on our letters"). Reply STOP to opt out. Msg & data rates may apply." },
        title: "Notice of debt",
        introduction: { "\($0) is a debt collector. We are trying to collect a debt that you owe. We will use any information you give us to help collect the debt." },
        itemizationHeading: "Our information shows:",
        itemizationLabels: ["As of the itemization date, you owed:", "Between then and today, you were charged this amount in interest:",
                            "You were charged this amount in fees:", "You paid or were credited this amount toward the debt: payments",
                            "credits", "Total amount of the debt now:"],
        itemizationDateIntroduction: { type, date in "Itemization date (\(itemizationNames[type]?.en ?? type.rawValue)): \(date)" },
        rightsHeading: "How can you dispute the debt?",
        disputeRight: { "Call or write to us by \($0) to dispute all or part of the debt. If you do not, we will assume that our information is correct. If you write to us by \($0), we must stop collection on any amount you dispute until we send you information that shows you owe the debt." },
        originalCreditorRight: { "You may also request the name and address of the original creditor, if different from the current creditor. If you write by \($0), we must stop collection until we send you that information." },
        assumedValid: { "If you do not dispute the debt or any part of it by \($0), we will assume that our information is correct." },
        cfpbStatement: "Go to www.cfpb.gov/debt-collection to learn more about your rights under federal law.",
        responseHeading: "How do you want to respond?",
        disputePromptsIntroduction: "Check all that apply. I want to dispute the debt because I think:",
        disputePrompts: ["This is not my debt.", "The amount is wrong.", "Other (please describe on reverse or attach additional information)."],
        originalCreditorPrompt: "I want you to send me the name and address of the original creditor.",
        mailFormTo: "Mail this form to:",
        detachHere: "Detach and return this form",
        spanishOffer: "Póngase en contacto con nosotros para solicitar una copia de este formulario en español.",
        labels: ("Account number", "Creditor on the itemization date", "Current creditor", "Reference"),
        californiaLicense: { "California Debt Collection License #\($0)" },
        timeBarred: { owner, past in
            past
                ? "The law limits how long you can be sued on a debt. Because of the age of your debt, \(owner) cannot sue you for it and \(owner) cannot report it to any credit reporting agencies."
                : "The law limits how long you can be sued on a debt. Because of the age of your debt, \(owner) cannot sue you for it. If you do not pay the debt, \(owner) may report or continue to report it to the credit reporting agencies as unpaid."
        },
        timeBarredTexas: { "THE LAW LIMITS HOW LONG YOU CAN BE SUED ON A DEBT. BECAUSE OF THE AGE OF YOUR DEBT, \($0.uppercased()) CANNOT SUE YOU FOR IT." },
        massachusettsRights: "NOTICE OF IMPORTANT RIGHTS: You have the right to make a written or oral request that telephone calls regarding your debt not be made to you at your place of employment. Any such oral request will be valid for only ten days unless you provide written confirmation of the request postmarked or delivered within seven days of such request. You may terminate this request by writing to the debt collector."
    )

    public static let spanish = Disclosures(
        miniMirandaInitial: "Esta es una comunicación de un cobrador de deudas. Estamos intentando cobrar una deuda y cualquier información que obtengamos se usará para ese fin.",
        miniMirandaSubsequent: "Esta comunicación es de un cobrador de deudas.",
        electronicOptOut: "Para dejar de recibir mensajes electrónicos en esta dirección o número, responda STOP o use el enlace para cancelar la suscripción; es gratis y no le pide nada más.",
        textOptOut: "Responda STOP para no recibir más mensajes.",
        textStopConfirmation: "Se canceló su suscripción: no recibirá más mensajes nuestros en este número. Responda START para volver a suscribirse.",
        textStartConfirmation: "Volverá a recibir nuestros mensajes. Responda STOP para cancelar, HELP para ayuda.",
        textHelp: { collector, phone in "\(collector): llámenos al \(phone ?? "número que aparece en nuestras cartas"). Responda STOP para no recibir más mensajes. Pueden aplicarse tarifas." },
        title: "Aviso de deuda",
        introduction: { "\($0) es un cobrador de deudas. Estamos intentando cobrar una deuda que usted debe. Usaremos cualquier información que nos dé para ayudar a cobrar la deuda." },
        itemizationHeading: "Nuestra información indica:",
        itemizationLabels: ["A la fecha de desglose, usted debía:", "Desde entonces hasta hoy, se le cobró esta cantidad en intereses:",
                            "Se le cobró esta cantidad en cargos:", "Usted pagó o se le acreditó esta cantidad a la deuda: pagos",
                            "créditos", "Cantidad total de la deuda ahora:"],
        itemizationDateIntroduction: { type, date in "Fecha de desglose (\(itemizationNames[type]?.es ?? type.rawValue)): \(date)" },
        rightsHeading: "¿Cómo puede disputar la deuda?",
        disputeRight: { "Llámenos o escríbanos a más tardar el \($0) para disputar toda la deuda o parte de ella. Si no lo hace, asumiremos que nuestra información es correcta. Si nos escribe a más tardar el \($0), debemos dejar de cobrar cualquier cantidad que usted dispute hasta que le enviemos información que demuestre que usted debe la deuda." },
        originalCreditorRight: { "También puede solicitar el nombre y la dirección del acreedor original, si es diferente del acreedor actual. Si nos escribe a más tardar el \($0), debemos dejar de cobrar hasta que le enviemos esa información." },
        assumedValid: { "Si usted no disputa la deuda o parte de ella a más tardar el \($0), asumiremos que nuestra información es correcta." },
        cfpbStatement: "Visite www.cfpb.gov/debt-collection para obtener más información sobre sus derechos según la ley federal.",
        responseHeading: "¿Cómo desea responder?",
        disputePromptsIntroduction: "Marque todas las opciones que correspondan. Quiero disputar la deuda porque creo que:",
        disputePrompts: ["Esta no es mi deuda.", "La cantidad es incorrecta.", "Otro (describa al reverso o adjunte información adicional)."],
        originalCreditorPrompt: "Quiero que me envíen el nombre y la dirección del acreedor original.",
        mailFormTo: "Envíe este formulario a:",
        detachHere: "Desprenda y devuelva este formulario",
        spanishOffer: "Póngase en contacto con nosotros para solicitar una copia de este formulario en español.",
        labels: ("Número de cuenta", "Acreedor a la fecha de desglose", "Acreedor actual", "Referencia"),
        californiaLicense: { "Licencia de Cobro de Deudas de California n.º \($0)" },
        timeBarred: { owner, past in
            past
                ? "La ley limita el tiempo durante el cual se le puede demandar por una deuda. Debido a la antigüedad de su deuda, \(owner) no puede demandarle por ella y \(owner) no puede reportarla a ninguna agencia de informes de crédito."
                : "La ley limita el tiempo durante el cual se le puede demandar por una deuda. Debido a la antigüedad de su deuda, \(owner) no puede demandarle por ella. Si usted no paga la deuda, \(owner) puede reportarla o seguir reportándola a las agencias de informes de crédito como no pagada."
        },
        timeBarredTexas: { "LA LEY LIMITA EL TIEMPO DURANTE EL CUAL SE LE PUEDE DEMANDAR POR UNA DEUDA. DEBIDO A LA ANTIGÜEDAD DE SU DEUDA, \($0.uppercased()) NO PUEDE DEMANDARLE POR ELLA." },
        massachusettsRights: "AVISO DE DERECHOS IMPORTANTES: Usted tiene derecho a solicitar por escrito o verbalmente que no se le hagan llamadas sobre su deuda en su lugar de trabajo. Una solicitud verbal será válida solo por diez días, a menos que usted envíe una confirmación por escrito con matasellos o entregada dentro de los siete días siguientes a la solicitud. Puede cancelar esta solicitud escribiendo al cobrador de deudas."
    )
}
