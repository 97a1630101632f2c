import Compliance
import RecoupCore

/// Lays a ``ValidationNotice`` out as a letter in the order of the CFPB's Model Form B-1: who is collecting, the
/// itemization, the rights with the end date, then the tear-off response form with the dispute and
/// original-creditor prompts and both mailing addresses. Every sentence comes from ``Disclosures``.
public enum ValidationNoticeLetter {
    public static func letter(_ notice: ValidationNotice) -> Letter {
        let text = Disclosures.texts(notice.language)
        let locale: DisplayLocale = notice.language == .spanish ? .esUS : .enUS
        let end = LocalizedDate.text(notice.endDate, notice.language)
        let item = notice.itemization
        func money(_ amount: Money) -> String { amount.formatted(locale) }

        var blocks: [Block] = [
            // The return-address window shows the business name only when it does not reveal debt collection.
            .envelope(
                returnAddress: Envelope.returnAddress(name: notice.collector.name, address: notice.collector.mailingAddress),
                recipient: [notice.consumer.name] + notice.consumer.mailingAddress),
            .paragraph(([notice.collector.name] + [notice.collectorPhone].compactMap { $0 }).joined(separator: " · "), bold: true),
            .heading(text.title, level: .title),
            .paragraph(text.introduction(notice.collector.name)),
            .table([
                TableRow(text.labels.creditorOnItemization, notice.creditorOnItemizationDate),
                TableRow(text.labels.currentCreditor, notice.currentCreditor),
                TableRow(text.labels.account, notice.accountNumber),
            ]),
            .heading(text.itemizationHeading, level: .section),
            .paragraph(text.itemizationDateIntroduction(item.itemizationDateType, LocalizedDate.text(item.itemizationDate, notice.language))),
            .table([
                TableRow(text.itemizationLabels[0], money(item.balanceAtItemization)),
                TableRow(text.itemizationLabels[1], "+ " + money(item.interestSinceItemization)),
                TableRow(text.itemizationLabels[2], "+ " + money(item.feesSinceItemization)),
                TableRow(text.itemizationLabels[3], "– " + money(item.paymentsSinceItemization)),
                TableRow(text.itemizationLabels[4], "– " + money(item.creditsSinceItemization)),
                TableRow(text.itemizationLabels[5], money(item.currentBalance), emphasized: true),
            ]),
            .box(title: text.rightsHeading, blocks: [
                .paragraph(text.disputeRight(end)),
                .paragraph(text.originalCreditorRight(end)),
                .paragraph(text.assumedValid(end)),
            ] + (notice.isConsumerFinancialProduct ? [.paragraph(text.cfpbStatement)] : [])),
            .paragraph(text.miniMirandaInitial, bold: true),
        ]
        for state in notice.stateNotices { blocks.append(.paragraph(state.text, bold: true, size: 12)) }
        if notice.language == .english { blocks.append(.paragraph(text.spanishOffer)) }
        blocks += [
            .detach(label: text.detachHere),
            .paragraph(text.mailFormTo, bold: true),
            .paragraph(([notice.collector.name] + notice.collector.mailingAddress).joined(separator: "\n")),
            .paragraph(([notice.consumer.name] + notice.consumer.mailingAddress).joined(separator: "\n")),
            .heading(text.responseHeading, level: .section),
            .paragraph(text.disputePromptsIntroduction),
        ]
        blocks += text.disputePrompts.map(Block.checkbox)
        blocks.append(.checkbox(text.originalCreditorPrompt))
        return Letter(
            title: "\(text.title) — \(notice.accountNumber)",
            pageNumbering: notice.language == .spanish ? .spanish : .english, blocks: blocks)
    }
}
