import Foundation

/// Renders a letter as a print-ready PDF 1.4 file, in pure Swift.
///
/// Mail vendors take PDF, and a writer of our own (rather than a system framework or a C library) builds and runs
/// the same on Linux and macOS with nothing to install. The standard Helvetica fonts are used unembedded with
/// WinAnsiEncoding, so the text extracts cleanly (`pdftotext`, screen readers) and files are a few kilobytes.
/// Output is deterministic: no creation date, no random file ID, the same bytes for the same letter.
public enum PDFRenderer {
    /// The PDF file. Characters WinAnsi lacks print as `?`; check `Letter.unsupportedPDFCharacters()` first.
    public static func render(_ letter: Letter) -> Data {
        let pages = PageComposer.pages(for: letter)
        var file = PDFFile()
        let catalog = file.reserve()
        let pageTree = file.reserve()
        let info = file.reserve()
        let fonts = StandardFont.allCases.map { (font: $0, number: file.reserve()) }
        let pageObjects = pages.map { _ in (page: file.reserve(), contents: file.reserve()) }

        file.write(catalog, "<< /Type /Catalog /Pages \(pageTree) 0 R >>")
        let kids = pageObjects.map { "\($0.page) 0 R" }.joined(separator: " ")
        file.write(pageTree, "<< /Type /Pages /Kids [\(kids)] /Count \(pages.count) >>")
        file.write(info, "<< /Title \(PDFSyntax.textString(letter.title)) /Producer (Recoup) >>")
        for (font, number) in fonts {
            file.write(
                number, "<< /Type /Font /Subtype /Type1 /BaseFont /\(font.baseFont) /Encoding /WinAnsiEncoding >>")
        }
        let fontResources = fonts.map { "/\($0.font.resourceName) \($0.number) 0 R" }.joined(separator: " ")
        let size = letter.pageSize
        let mediaBox = "[0 0 \(DecimalText.twoPlaces(size.width)) \(DecimalText.twoPlaces(size.height))]"
        for (ops, objects) in zip(pages, pageObjects) {
            file.write(
                objects.page,
                "<< /Type /Page /Parent \(pageTree) 0 R /MediaBox \(mediaBox) "
                    + "/Resources << /Font << \(fontResources) >> >> /Contents \(objects.contents) 0 R >>")
            file.writeStream(objects.contents, ContentStream.data(for: ops, pageHeight: size.height))
        }
        return file.finish(root: catalog, info: info)
    }
}
