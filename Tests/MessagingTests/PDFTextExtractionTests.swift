import Foundation
@testable import Messaging
import Testing

/// Opens the PDFs with a real reader (poppler's `pdftotext`) and checks that every word comes back out.
struct PDFTextExtractionTests {
    static let pdftotext = "/usr/bin/pdftotext"

    /// Whether poppler's `pdftotext` is installed; when it is not, says so once, and the test is skipped.
    static let pdftotextIsInstalled: Bool = {
        let installed = FileManager.default.isExecutableFile(atPath: pdftotext)
        if !installed {
            print("pdftotext not installed: PDF text extraction check skipped (CI installs poppler-utils)")
        }
        return installed
    }()

    @Test(.enabled(if: pdftotextIsInstalled, "needs pdftotext from poppler-utils"), arguments: [
        (Sample.english, ["Page 1 of 2", "Page 2 of 2"]),
        (Sample.spanish, ["Página 1 de 2", "Página 2 de 2"]),
    ])
    func pdftotextExtractsEveryWord(_ sample: Sample, _ footers: [String]) throws {
        let letter = sample.letter
        let extracted = try Self.extractText(PDFRenderer.render(letter))
        let words = letter.blocks.flatMap(\.printedText).flatMap { $0.split(whereSeparator: \.isWhitespace) }
        #expect(words.count > 40)
        for word in words {
            #expect(extracted.contains(word), "missing \(word)")
        }
        for footer in footers {
            #expect(extracted.contains(footer))
        }
    }

    /// Writes the PDF to a temporary file and runs `pdftotext -layout file -`, returning its UTF-8 output.
    static func extractText(_ pdf: Data) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("messaging-\(UUID().uuidString).pdf")
        try pdf.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.pdftotext)
        process.arguments = ["-layout", file.path, "-"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let diagnostics = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(diagnostics.isEmpty, "pdftotext complained: \(String(decoding: diagnostics, as: UTF8.self))")
        return String(decoding: data, as: UTF8.self)
    }
}
