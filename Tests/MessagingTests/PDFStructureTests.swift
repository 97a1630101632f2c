import Foundation
import Messaging
import Testing

struct PDFStructureTests {
    let pdf = PDFRenderer.render(SampleLetters.english)

    @Test func startsWithTheHeaderAndEndsWithEOF() {
        let inspection = PDFInspection(pdf)
        #expect(inspection.text.hasPrefix("%PDF-1.4\n"))
        #expect(inspection.text.hasSuffix("%%EOF\n"))
    }

    @Test func xrefOffsetsPointExactlyAtObjectHeaders() throws {
        let inspection = PDFInspection(pdf)
        let startXref = try #require(inspection.startXref)
        #expect(inspection.text.utf8.dropFirst(startXref).starts(with: "xref\n".utf8))
        let entries = inspection.xrefEntries
        #expect(entries.count > 5)
        #expect(entries.first == "0000000000 65535 f \n")
        #expect(inspection.text.contains("/Size \(entries.count) "))
        for (number, entry) in entries.enumerated().dropFirst() {
            #expect(entry.utf8.count == 20)
            #expect(entry.hasSuffix(" 00000 n \n"))
            let offset = try #require(Int(entry.prefix(10)))
            let header = "\(number) 0 obj\n"
            #expect(inspection.bytes[offset...].starts(with: Array(header.utf8)), "object \(number) at \(offset)")
            #expect(offset == 0 || inspection.bytes[offset - 1] == UInt8(ascii: "\n"))
        }
    }

    @Test func streamLengthsAreExact() {
        let streams = PDFInspection(pdf).streams
        #expect(!streams.isEmpty)
        for stream in streams {
            #expect(stream.declaredLength == stream.content.count)
        }
    }

    @Test func isDeterministicAsciiWithProducerAndNoCreationDate() {
        #expect(PDFRenderer.render(SampleLetters.english) == pdf)
        #expect(pdf.allSatisfy { $0 == 0x0A || (0x20...0x7E).contains($0) })
        let text = PDFInspection(pdf).text
        #expect(text.contains("/Producer (Recoup)"))
        #expect(!text.contains("CreationDate"))
        #expect(text.contains("/Title <FEFF0056"))  // UTF-16BE "V…" of "Validation notice — …"
    }

    @Test func declaresBothStandardFontsWithWinAnsiEncoding() {
        let text = PDFInspection(pdf).text
        #expect(text.contains("/Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding"))
        #expect(text.contains("/Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding"))
        #expect(text.contains("/MediaBox [0 0 612 792]"))
    }

    @Test func anEmptyLetterStillHasOnePage() {
        let text = PDFInspection(PDFRenderer.render(Letter(title: "", blocks: []))).text
        #expect(text.contains("/Count 1 "))
        #expect(text.contains("(Page 1 of 1) Tj"))
    }
}
