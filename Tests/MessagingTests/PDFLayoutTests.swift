import Foundation
@testable import Messaging
import Testing

struct PDFLayoutTests {
    /// Every text run of every page, with the page it is on.
    private func runs(_ letter: Letter) -> [(page: Int, run: TextRun)] {
        PDFInspection(PDFRenderer.render(letter)).pageContents.enumerated().flatMap { page, content in
            PDFInspection.textRuns(in: content).map { (page + 1, $0) }
        }
    }

    private func font(_ run: TextRun) -> StandardFont {
        run.fontResource == StandardFont.helveticaBold.resourceName ? .helveticaBold : .helvetica
    }

    @Test(arguments: Sample.allCases)
    func noLineCrossesTheMargins(_ sample: Sample) {
        let letter = sample.letter
        let left = letter.margins.left
        let right = letter.pageSize.width - letter.margins.right
        for (_, run) in runs(letter) {
            let width = font(run).width(of: run.bytes, size: run.size)
            #expect(run.x >= left - 0.01, "\(run.string)")
            #expect(run.x + width <= right + 0.01, "\(run.string) ends at \(run.x + width)")
            #expect(run.y >= letter.margins.bottom / 2 - 0.01)
        }
    }

    @Test func wrappingFillsLinesWithoutExceedingTheWidth() {
        let text = "Lorem ipsum dolor sit amet, señora Núñez — “consectetur” adipiscing elit; sed do eiusmod tempor "
            + "incididunt ut labore et dolore magna aliqua. Supercalifragilisticexpialidociousandthensomemorewords."
        for font in StandardFont.allCases {
            for width in stride(from: 40.0, through: 500, by: 37) {
                let lines = LineBreaker.lines(text, font: font, size: 10, width: width)
                for (index, line) in lines.enumerated() {
                    #expect(font.width(of: line, size: 10) <= width)
                    // Greedy: the next line's first word would not have fitted on this one.
                    if index + 1 < lines.count, let next = lines[index + 1].split(separator: 0x20).first {
                        #expect(font.width(of: line + [0x20] + next, size: 10) > width)
                    }
                }
                let rejoined = lines.map { CP1252.decode($0) }.joined(separator: " ")
                #expect(rejoined.filter { $0 != " " } == text.filter { $0 != " " })
            }
        }
    }

    @Test func explicitLineBreaksAreKept() {
        let lines = LineBreaker.lines("one\ntwo\r\n\nthree", font: .helvetica, size: 10, width: 500)
        #expect(lines.map { CP1252.decode($0) } == ["one", "two", "", "three"])
    }

    @Test func measuresWithTheAFMWidths() {
        // "Hello" in Helvetica: H 722 + e 556 + l 222 + l 222 + o 556 = 2278 thousandths.
        #expect(StandardFont.helvetica.units(of: WinAnsi.encode("Hello")) == 2278)
        // In Helvetica-Bold: 722 + 556 + 278 + 278 + 611 = 2445.
        #expect(StandardFont.helveticaBold.units(of: WinAnsi.encode("Hello")) == 2445)
        #expect(StandardFont.helvetica.width(of: WinAnsi.encode("ñ—"), size: 10) == 15.56)
    }

    @Test func aLongLetterSpillsOntoFurtherPagesWithNumberedFooters() {
        let letter = SampleLetters.long(paragraphs: 30)
        let placed = runs(letter)
        let pageCount = placed.map(\.page).max() ?? 0
        #expect(pageCount >= 2)
        #expect(PDFInspection(PDFRenderer.render(letter)).text.contains("/Count \(pageCount) "))
        for page in 1...pageCount {
            #expect(placed.contains { $0.page == page && $0.run.string == "Page \(page) of \(pageCount)" })
        }
        // Paragraphs keep their order across the page break.
        let numbers = placed.compactMap { $0.run.string.firstMatch(of: /^Paragraph (\d+)\./).flatMap { Int($0.1) } }
        #expect(numbers == Array(1...30))
        // Nothing but the footer is drawn in the bottom margin.
        for (_, run) in placed where !run.string.hasPrefix("Page ") {
            #expect(run.y > letter.margins.bottom)
        }
    }

    @Test func aBoxSpanningPagesIsFramedOnEachPage() {
        let pages = PDFInspection(PDFRenderer.render(SampleLetters.long(paragraphs: 30))).pageContents
        let boxedPages = pages.filter { $0.contains("(Boxed ") }
        #expect(boxedPages.count >= 2)
        for content in boxedPages {
            #expect(content.contains(" re S Q"))
        }
    }

    @Test func aTearOffPartMovesToANewPageRatherThanSplit() {
        let filler = (1...30).map { Block.paragraph("Filler line \($0).") }
        let form: [Block] = [.detach(label: "Detach here"), .heading("Reply", level: .section)]
            + (1...6).map { .checkbox("Option \($0)") }
        let placed = runs(Letter(title: "t", blocks: filler + form))
        let detachPage = placed.first { $0.run.string == "Detach here" }?.page
        #expect(detachPage == 2)
        #expect(placed.filter { $0.run.string.hasPrefix("Option") }.allSatisfy { $0.page == detachPage })
        #expect(placed.first { $0.run.string == "Filler line 30." }?.page == 1)
    }

    @Test func aHeadingIsNeverLastOnAPage() {
        // 34 lines of 13 + 6 pt leave room for the heading (8 + 16.9 pt) but not for the line after it too.
        let filler = (1...34).map { Block.paragraph("Filler line \($0).") }
        let section: [Block] = [.heading("Section", level: .section), .paragraph("Body")]
        let placed = runs(Letter(title: "t", blocks: filler + section))
        #expect(placed.first { $0.run.string == "Filler line 34." }?.page == 1)
        #expect(placed.first { $0.run.string == "Section" }?.page == 2)
        #expect(placed.first { $0.run.string == "Body" }?.page == 2)
    }

    @Test func aPageBreakStartsANewPage() {
        let letter = Letter(title: "t", blocks: [.paragraph("first"), .pageBreak, .paragraph("second"), .pageBreak])
        let placed = runs(letter)
        #expect(placed.first { $0.run.string == "first" }?.page == 1)
        #expect(placed.first { $0.run.string == "second" }?.page == 2)
        #expect(placed.map(\.page).max() == 2)  // the trailing break adds no blank page
    }

    @Test func amountsAreRightAlignedAtTheMargin() {
        let right = SampleLetters.english.pageSize.width - SampleLetters.english.margins.right
        let amounts = runs(SampleLetters.english).map(\.run).filter { $0.string.contains("$") && $0.x > 306 }
        #expect(amounts.map(\.string) == ["$2,234.56", "+ $75.00", "+ $25.00", "– $50.00", "$2,284.56"])
        for run in amounts {
            #expect(abs(run.x + font(run).width(of: run.bytes, size: run.size) - right) < 0.01)
        }
    }

    @Test func aLongCutLineLabelWrapsInsteadOfBeingCut() {
        let label = String(repeating: "Detach and return this part with your payment. ", count: 4)
        let placed = runs(Letter(title: "t", blocks: [.detach(label: label)])).map(\.run.string)
        let printed = placed.filter { !$0.hasPrefix("Page ") }
        #expect(printed.count > 1)
        #expect(printed.joined(separator: " ") == label.trimmingCharacters(in: .whitespaces))
    }

    @Test func checkboxesAreDrawnAsSquares() {
        let content = PDFInspection(PDFRenderer.render(Letter(title: "t", blocks: [.checkbox("This is not my debt.")])))
            .pageContents[0]
        #expect(content.contains(" 8 8 re S Q"))
        #expect(content.contains("(This is not my debt.) Tj"))
    }

    @Test func absurdInputsStillTerminate() {
        let letter = Letter(
            title: "t", margins: Margins(top: 390, left: 300, bottom: 390, right: 300),
            blocks: [.paragraph("Too narrow and too short", size: .nan), .spacer(-5), .spacer(.infinity),
                     .paragraph("Huge", size: 1000)])
        #expect(PDFInspection(PDFRenderer.render(letter)).text.hasSuffix("%%EOF\n"))
    }
}
