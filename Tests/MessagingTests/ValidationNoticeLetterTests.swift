import Compliance
import Foundation
@testable import Messaging
import RecoupCore
import Testing

/// The validation notice as a letter: every 1006.34(c) element, and each state notice, survives into the PDF a
/// standard reader extracts and into the HTML.
struct ValidationNoticeLetterTests {
    static func notice(_ language: NoticeLanguage, state: USState = .CA, timeBarred: Bool = true) -> ValidationNotice {
        let usd = Currency.usd
        let itemization = Itemization(
            itemizationDate: LocalDate(iso: "2025-04-12")!, itemizationDateType: .chargeOff,
            balanceAtItemization: Money(minorUnits: 107_864, currency: usd), interestSinceItemization: Money(minorUnits: 0, currency: usd),
            feesSinceItemization: Money(minorUnits: 2_500, currency: usd), paymentsSinceItemization: Money(minorUnits: 1_000, currency: usd),
            creditsSinceItemization: Money(minorUnits: 0, currency: usd), currentBalance: Money(minorUnits: 109_364, currency: usd))
        return ValidationNotice(
            collector: .init(name: "Acme Recovery LLC", mailingAddress: ["PO Box 1234", "Austin, TX 78701"]), collectorPhone: "1-800-555-0100",
            consumer: .init(name: "Pat Peña", mailingAddress: ["12 Oak St", "Fresno, CA 93650"]),
            creditorOnItemizationDate: "Big Bank", currentCreditor: "Debt Buyer LLC", accountNumber: "4111222233334444",
            itemization: itemization, validationPeriod: ValidationPeriod(providedOn: LocalDate(iso: "2025-11-03")!),
            isConsumerFinancialProduct: true,
            stateNotices: StateNotice.required(state: state, collectorName: "Debt Buyer LLC", californiaLicense: "10099-99",
                                               timeBarred: timeBarred, pastObsolescence: false, language: language),
            language: language)
    }

    /// Phrases every notice must carry, by language.
    static let required: [NoticeLanguage: [String]] = [
        .english: ["attempting to collect a debt", "December 10, 2025", "This is not my debt.", "The amount is wrong.",
                   "name and address of the original creditor", "www.cfpb.gov/debt-collection", "PO Box 1234", "12 Oak St",
                   "$1,078.64", "$25.00", "$10.00", "$1,093.64", "****4444", "Big Bank", "Debt Buyer LLC", "charge-off",
                   "California Debt Collection License #10099-99", "Because of the age of your debt", "en español"],
        .spanish: ["cobrador de deudas", "10 de diciembre de 2025", "Esta no es mi deuda.", "La cantidad es incorrecta.",
                   "acreedor original", "www.cfpb.gov/debt-collection", "PO Box 1234", "Pat Peña", "$1,093.64",
                   "Licencia de Cobro de Deudas de California", "antigüedad de su deuda"],
    ]

    @Test(.enabled(if: PDFTextExtractionTests.pdftotextIsInstalled, "needs pdftotext from poppler-utils"),
          arguments: [NoticeLanguage.english, .spanish])
    func pdfCarriesEveryRequiredElement(_ language: NoticeLanguage) throws {
        let letter = ValidationNoticeLetter.letter(Self.notice(language))
        #expect(letter.unsupportedPDFCharacters().isEmpty)
        let text = try PDFTextExtractionTests.extractText(PDFRenderer.render(letter))
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for phrase in Self.required[language] ?? [] {
            #expect(text.contains(phrase), "missing: \(phrase)")
        }
    }

    @Test(arguments: [NoticeLanguage.english, .spanish])
    func htmlCarriesEveryRequiredElement(_ language: NoticeLanguage) {
        let html = HTMLRenderer.render(ValidationNoticeLetter.letter(Self.notice(language)), language: language.rawValue)
        #expect(html.contains("lang=\"\(language.rawValue)\""))
        for phrase in Self.required[language] ?? [] {
            #expect(html.contains(phrase), "missing: \(phrase)")
        }
    }

    /// What a #10 double-window envelope shows of page 1: in the return window exactly the return address (no
    /// revealing business name), in the recipient window exactly the consumer's name and address, and nothing else
    /// of the letter above the line where its text begins. Validation notices, final demands and receipts, both languages.
    @Test(arguments: [NoticeLanguage.english, .spanish])
    func theWindowsShowTheAddressesAndNothingElse(_ language: NoticeLanguage) throws {
        let demand = AccountLetter(
            .finalDemand, collectorName: "Acme Recovery LLC", collectorAddress: ["PO Box 1234", "Austin, TX 78701"], collectorPhone: "1-800-555-0100",
            consumerName: "Pat Peña", consumerAddress: ["12 Oak St", "Apt 4", "Fresno, CA 93650"], date: LocalDate(iso: "2025-11-03")!,
            creditor: "Big Bank", accountNumber: "****4444", reference: "REF-1", balance: Money(minorUnits: 109_364, currency: .usd),
            text: "Your account remains unpaid.", californiaLicense: nil, language: language)
        var receipt = demand
        receipt.kind = .receipt
        receipt.text = "Thank you. We received your payment of $30.00 on November 3, 2025. Reference REF-1."
        #expect(AccountLetterLayout.letter(receipt).title == (language == .spanish ? "Recibo de pago — REF-1" : "Payment receipt — REF-1"))
        for (letter, recipient) in [(ValidationNoticeLetter.letter(Self.notice(language)), ["Pat Peña", "12 Oak St", "Fresno, CA 93650"]),
                                    (AccountLetterLayout.letter(demand), ["Pat Peña", "12 Oak St", "Apt 4", "Fresno, CA 93650"]),
                                    (AccountLetterLayout.letter(receipt), ["Pat Peña", "12 Oak St", "Apt 4", "Fresno, CA 93650"])] {
            let page = try #require(PDFInspection(PDFRenderer.render(letter)).pageContents.first)
            // Top-down coordinates of each run's baseline, as the windows are given.
            let runs = PDFInspection.textRuns(in: page).map { (text: $0.string, x: $0.x, y: letter.pageSize.height - $0.y, size: $0.size) }
            let inReturn = runs.filter { EnvelopeWindows.returnAddress.contains(x: $0.x, y: $0.y) }.map(\.text)
            let inRecipient = runs.filter { EnvelopeWindows.recipient.contains(x: $0.x, y: $0.y) }.map(\.text)
            #expect(inReturn == ["PO Box 1234", "Austin, TX 78701"], "\(letter.title): the name says what the business does, so it stays inside")
            #expect(inRecipient == recipient, "\(letter.title)")
            let elsewhere = runs.filter { !EnvelopeWindows.returnAddress.contains(x: $0.x, y: $0.y) && !EnvelopeWindows.recipient.contains(x: $0.x, y: $0.y) }
            // A line's top is its baseline less Helvetica's ascender (0.718 of the size).
            let above = elsewhere.filter { $0.y - 0.718 * $0.size < EnvelopeWindows.bodyTop - 0.01 }
            #expect(!elsewhere.isEmpty && above.isEmpty, "\(letter.title): \(above.map(\.text))")
        }
        let html = HTMLRenderer.render(AccountLetterLayout.letter(demand), language: language.rawValue)
        #expect(html.contains("<p class=\"recipient\">Pat Peña<br>\n12 Oak St<br>\nApt 4"), "\(html.prefix(2000))")
    }

    @Test func stateNoticesFollowTheConsumersStateAndTheDebtsAge() {
        #expect(Self.notice(.english, state: .OH).stateNotices.isEmpty)
        #expect(Self.notice(.english, state: .CA, timeBarred: false).stateNotices.map(\.rule) == ["CA-1788.11f-LICNUM"])
        #expect(Self.notice(.english, state: .WV).stateNotices.map(\.rule) == ["WV-46A-2-128f-TIMEBARRED"])
        #expect(Self.notice(.english, state: .TX).stateNotices.first?.text.hasPrefix("THE LAW LIMITS") == true)
        #expect(Self.notice(.english, state: .MA, timeBarred: false).stateNotices.map(\.rule) == ["MA-209CMR18.16-1d-FREQ"])
    }

    @Test func theValidationPeriodSkipsHolidaysAndNeverRollsForward() {
        // Provided Wed 2025-11-05: Veterans Day (Tue 11-11) is not a business day → receipt Thu 11-13, end Sat 12-13.
        let period = ValidationPeriod(providedOn: LocalDate(iso: "2025-11-05")!)
        #expect(period.assumedReceiptDate.iso == "2025-11-13")
        #expect(period.earliestEndDate.iso == "2025-12-13")
        #expect(period.excludedHolidays.map(\.iso) == ["2025-11-11"])
    }
}
