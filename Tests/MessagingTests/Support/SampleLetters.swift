import Messaging
import RecoupCore

/// Letters shaped like the CFPB's model validation notice (Regulation F, Model Form B-1), in English and Spanish.
enum SampleLetters {
    private static func amount(_ cents: Int64) -> String {
        Money(minorUnits: cents, currency: .usd).formatted(.enUS)
    }

    static let english = Letter(
        title: "Validation notice — reference 1234567",
        blocks: [
            .paragraph("Example Debt Collector\n123 Main Street, Anytown, ST 12345\n(555) 555-1234, Monday–Friday 8 a.m.–5 p.m.", size: 9),
            .spacer(12),
            .paragraph("Jane Doe\n456 Elm Street\nAnytown, ST 12345"),
            .spacer(6),
            .paragraph("Reference: 1234567", bold: true),
            .heading("Notice: We are trying to collect a debt that you owe to Bank of Rockville.", level: .title),
            .paragraph("Example Debt Collector is a debt collector. We will use any information you give us to help collect the debt."),
            .heading("Our information shows:", level: .section),
            .paragraph("You had a Main Street Department Store credit card from Bank of Rockville with account number 123-456-789."),
            .table([
                TableRow("As of January 2, 2025, you owed:", amount(223_456)),
                TableRow("Between January 2, 2025 and today:", ""),
                TableRow("You were charged this amount in interest:", "+ " + amount(7_500)),
                TableRow("You were charged this amount in fees:", "+ " + amount(2_500)),
                TableRow("You paid or were credited this amount toward the debt:", "– " + amount(5_000)),
                TableRow("Total amount of the debt now:", amount(228_456), emphasized: true),
            ]),
            .box(title: "How can you dispute the debt?", blocks: [
                .paragraph("• Call or write to us by November 10, 2025, to dispute all or part of the debt. If you do not, we will assume that our information is correct."),
                .paragraph("• If you write to us by November 10, 2025, we must stop collection on any amount you dispute until we send you information that shows you owe the debt. You may use the form below or write to us without the form. You may also include supporting documents. We accept disputes electronically at www.example.com/dispute."),
            ]),
            .box(title: "What else can you do?", blocks: [
                .paragraph("• Write to ask for the name and address of the original creditor, if different from the current creditor. If you write by November 10, 2025, we must stop collection until we send you that information."),
                .paragraph("• Go to www.cfpb.gov/debt-collection to learn more about your rights under federal law. Contact us about your payment options."),
                .paragraph("• Póngase en contacto con nosotros para solicitar una copia de este formulario en español."),
            ]),
            .detach(label: "Detach and return this part"),
            .paragraph("Mail this form to: Example Debt Collector, 123 Main Street, Anytown, ST 12345", bold: true),
            .heading("How do you want to respond?", level: .section),
            .paragraph("Check all that apply. I want to dispute the debt because I think:"),
            .checkbox("This is not my debt."),
            .checkbox("The amount is wrong."),
            .checkbox("Other (please describe on reverse or attach additional information)."),
            .checkbox("I want you to send me the name and address of the original creditor."),
            .checkbox("I enclosed this amount: $ ________  Make your check payable to Example Debt Collector. Include the reference number 1234567."),
            .checkbox("Quiero este formulario en español."),
        ]
    )

    static let spanish = Letter(
        title: "Aviso de validación — referencia 1234567",
        pageNumbering: .spanish,
        blocks: [
            .heading("Aviso: estamos tratando de cobrar una deuda que usted le debe a Bank of Rockville.", level: .title),
            .paragraph("Example Debt Collector es un cobrador de deudas. Usaremos cualquier información que nos proporcione para ayudar a cobrar la deuda."),
            .heading("¿Qué indica nuestra información?", level: .section),
            .table([
                TableRow("Al 2 de enero de 2025, usted debía:", amount(223_456)),
                TableRow("Total de la deuda ahora:", amount(228_456), emphasized: true),
            ]),
            .box(title: "¿Cómo puede disputar la deuda?", blocks: [
                .paragraph("• Llame o escríbanos antes del 10 de noviembre de 2025 para disputar toda o parte de la deuda. Si no lo hace, asumiremos que nuestra información es correcta."),
                .paragraph("• Averigüe sus derechos en www.cfpb.gov/debt-collection — la “Oficina” le ayudará. ¡Importante! No ignore este aviso; está en su interés responder pronto, señora Núñez (‘urgente’)."),
            ]),
            .detach(label: "Desprenda y devuelva esta parte"),
            .checkbox("Esta no es mi deuda."),
            .checkbox("La cantidad es incorrecta."),
            .pageBreak,
            .paragraph("Página adicional: información útil para el consumidor. Ñandú, acción, pingüino, vergüenza."),
        ]
    )

    /// A letter long enough for several pages, with a box that has to continue on the next page.
    static func long(paragraphs count: Int) -> Letter {
        let sentence = "Collection letters must be clear and conspicuous, so every line is measured before it is placed."
        return Letter(
            title: "Long letter",
            blocks: [.heading("A long letter", level: .title)]
                + (1...count).map { .paragraph("Paragraph \($0). " + String(repeating: sentence + " ", count: 3)) }
                + [.box(title: "A long box", blocks: (1...count).map { .paragraph("Boxed \($0). " + sentence + " " + sentence) })]
        )
    }
}

/// The samples by name, so that parameterized tests report a name rather than a whole letter.
enum Sample: String, CaseIterable {
    case english, spanish, long

    var letter: Letter {
        switch self {
        case .english: SampleLetters.english
        case .spanish: SampleLetters.spanish
        case .long: SampleLetters.long(paragraphs: 30)
        }
    }
}
