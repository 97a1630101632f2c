import RecoupCore

/// Everything the IVR says, in English and Spanish. Required statements (the debt-collector disclosure) come from
/// ``Disclosures``, not from here.
struct IVRScript: Sendable {
    /// The provider's speech language.
    let voice: String
    let chooseLanguage: String
    let askReference: String
    let referenceNotValid: String
    let askIdentity: String
    let notVerified: String
    let tooManyTries: String
    let menu: String
    let askAmount: String
    let askDate: String
    let callbackRecorded: String
    let disputeRecorded: String
    let callsStopped: String
    let transferring: String
    let noAgent: String
    let notUnderstood: String
    let goodbye: String
    let balanceText: @Sendable (_ now: String, _ date: String, _ then: String, _ interest: String, _ fees: String, _ paid: String) -> String
    let promiseRecorded: @Sendable (_ amount: String, _ date: String) -> String
    /// Offered after the menu when payments can be taken on the phone.
    let payNowOption: String
    let noCardOnFile: String
    let askPaymentAmount: String
    /// The charge about to be made, with the fee when one applies, and how to confirm it.
    let confirmPayment: @Sendable (_ amount: String, _ last4: String, _ fee: String?) -> String
    let paymentReceived: @Sendable (_ amount: String) -> String
    let paymentPending: String
    let paymentDeclined: String
    let paymentRefused: String

    static func of(_ language: String) -> IVRScript { language == "es" ? spanish : english }

    /// The balance and how it was reached since the itemization date (1006.34(c)(2)).
    func balance(_ itemization: Itemization, _ locale: DisplayLocale) -> String {
        let paid = Money(
            minorUnits: itemization.paymentsSinceItemization.minorUnits + itemization.creditsSinceItemization.minorUnits,
            currency: itemization.currentBalance.currency)
        return balanceText(
            itemization.currentBalance.formatted(locale), itemization.itemizationDate.iso, itemization.balanceAtItemization.formatted(locale),
            itemization.interestSinceItemization.formatted(locale), itemization.feesSinceItemization.formatted(locale), paid.formatted(locale))
    }

    static let english = IVRScript(
        voice: "en-US",
        chooseLanguage: "Thank you for calling. For English, press 1.",
        askReference: "Please enter the ten-digit reference number from our letter, then press the pound key.",
        referenceNotValid: "That reference number is not valid.",
        askIdentity: "To confirm your identity, enter your five-digit ZIP code, or your date of birth as month, day and four-digit year, then press the pound key.",
        notVerified: "We could not confirm your identity with that information.",
        tooManyTries: "We could not confirm your identity. Please call again or write to us. Goodbye.",
        menu: "For your balance, press 1. To promise a payment, press 2. To ask for a call back, press 3. To dispute this debt, press 4. To stop calls to this number, press 5. To speak with an agent, press 0.",
        askAmount: "Enter the amount in whole dollars you will pay, then press the pound key.",
        askDate: "Enter the month and day you will pay, as four digits.",
        callbackRecorded: "Thank you. An agent will call you back.",
        disputeRecorded: "Your dispute is recorded. You may also dispute in writing, and we will send you verification of the debt.",
        callsStopped: "We will not call this number again.",
        transferring: "Please hold while we connect you to an agent.",
        noAgent: "No agent is available right now. An agent will call you back.",
        notUnderstood: "Sorry, we did not understand.",
        goodbye: "We did not receive your answer. Goodbye.",
        balanceText: { now, date, then, interest, fees, paid in
            "Your balance is \(now). On \(date) you owed \(then). Since then, interest of \(interest) and fees of \(fees) were added, and payments and credits of \(paid) were applied."
        },
        promiseRecorded: { amount, date in "Thank you. Your promise to pay \(amount) on \(date) is recorded." },
        payNowOption: "To pay now with the card we have on file, press 6.",
        noCardOnFile: "We have no card on file for this account. To promise a payment, press 2.",
        askPaymentAmount: "Enter the amount in whole dollars to pay now, then press the pound key.",
        confirmPayment: { amount, last4, fee in
            "You are paying \(amount) with the card ending in \(last4)"
                + (fee.map { ", plus a convenience fee of \($0)" } ?? "") + ". To confirm, press 1. To go back, press any other key."
        },
        paymentReceived: { amount in "Thank you. Your payment of \(amount) was received." },
        paymentPending: "Your payment is being processed. It will show on your account when the card company confirms it.",
        paymentDeclined: "The card was declined. No payment was made.",
        paymentRefused: "We could not take that payment. An agent will call you back.")

    static let spanish = IVRScript(
        voice: "es-US",
        chooseLanguage: "Para español, oprima 2.",
        askReference: "Marque el número de referencia de diez dígitos de nuestra carta y luego oprima la tecla de numeral.",
        referenceNotValid: "Ese número de referencia no es válido.",
        askIdentity: "Para confirmar su identidad, marque su código postal de cinco dígitos, o su fecha de nacimiento como mes, día y año de cuatro dígitos, y luego oprima la tecla de numeral.",
        notVerified: "No pudimos confirmar su identidad con esa información.",
        tooManyTries: "No pudimos confirmar su identidad. Llame de nuevo o escríbanos. Adiós.",
        menu: "Para su saldo, oprima 1. Para prometer un pago, oprima 2. Para pedir que le llamemos, oprima 3. Para disputar esta deuda, oprima 4. Para que no llamemos más a este número, oprima 5. Para hablar con un agente, oprima 0.",
        askAmount: "Marque la cantidad en dólares que pagará y luego oprima la tecla de numeral.",
        askDate: "Marque el mes y el día en que pagará, con cuatro dígitos.",
        callbackRecorded: "Gracias. Un agente le llamará.",
        disputeRecorded: "Su disputa quedó registrada. También puede disputar por escrito, y le enviaremos la verificación de la deuda.",
        callsStopped: "No volveremos a llamar a este número.",
        transferring: "Espere mientras le comunicamos con un agente.",
        noAgent: "No hay agentes disponibles en este momento. Un agente le llamará.",
        notUnderstood: "Disculpe, no entendimos.",
        goodbye: "No recibimos su respuesta. Adiós.",
        balanceText: { now, date, then, interest, fees, paid in
            "Su saldo es de \(now). El \(date) usted debía \(then). Desde entonces se agregaron intereses de \(interest) y cargos de \(fees), y se aplicaron pagos y créditos de \(paid)."
        },
        promiseRecorded: { amount, date in "Gracias. Su promesa de pagar \(amount) el \(date) quedó registrada." },
        payNowOption: "Para pagar ahora con la tarjeta que tenemos registrada, oprima 6.",
        noCardOnFile: "No tenemos una tarjeta registrada para esta cuenta. Para prometer un pago, oprima 2.",
        askPaymentAmount: "Marque la cantidad en dólares que pagará ahora y luego oprima la tecla de numeral.",
        confirmPayment: { amount, last4, fee in
            "Va a pagar \(amount) con la tarjeta que termina en \(last4)"
                + (fee.map { ", más un cargo por conveniencia de \($0)" } ?? "") + ". Para confirmar, oprima 1. Para volver, oprima cualquier otra tecla."
        },
        paymentReceived: { amount in "Gracias. Recibimos su pago de \(amount)." },
        paymentPending: "Su pago se está procesando. Aparecerá en su cuenta cuando la compañía de la tarjeta lo confirme.",
        paymentDeclined: "La tarjeta fue rechazada. No se hizo ningún pago.",
        paymentRefused: "No pudimos tomar ese pago. Un agente le llamará.")
}
