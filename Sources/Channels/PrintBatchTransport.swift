import Crypto
import Foundation
import Messaging
import RecoupApp
import RecoupCore
#if canImport(Glibc)
import Glibc
#endif

/// Files letters in the day's print batch for a print-and-mail vendor: `<folder>/<YYYY-MM-DD>/<message id>.pdf`
/// and one `manifest.csv` per day (message, account, reference, kind, language, recipient and address, pages,
/// SHA-256 of the PDF). Filing a message again (a retry after a crash) rewrites its PDF and leaves its manifest row
/// alone, so the vendor never mails a letter twice; several dispatcher processes share a batch through a file
/// lock on the manifest.
public struct PrintBatchTransport: LetterTransport {
    /// A letter ready to print and where it goes.
    public struct Rendered: Sendable {
        public var letter: Letter
        public var recipientName: String
        public var address: [String]
        public var reference: String

        public init(letter: Letter, recipientName: String, address: [String], reference: String) {
            self.letter = letter
            self.recipientName = recipientName
            self.address = address
            self.reference = reference
        }
    }

    public static let manifestHeader = "message_id,account_id,reference,kind,language,recipient,address_line1,address_line2,address_line3,pages,file,sha256"

    let folder: String
    let clock: any RecoupApp.Clock
    let render: @Sendable (OutboxMessage) async throws -> Rendered

    public init(folder: String, clock: any RecoupApp.Clock, render: @escaping @Sendable (OutboxMessage) async throws -> Rendered) {
        self.folder = folder
        self.clock = clock
        self.render = render
    }

    public func send(_ message: OutboxMessage) async throws -> String {
        let rendered: Rendered
        do {
            rendered = try await render(message)
        } catch let error as RecoupError {
            throw TransportFailure.permanent("cannot print: \(error)")  // no address, no letterhead: no retry helps
        }
        let unsupported = rendered.letter.unsupportedPDFCharacters()
        guard unsupported.isEmpty else {
            throw TransportFailure.permanent("cannot print characters \(String(unsupported)) in the letter's font")
        }
        let pdf = PDFRenderer.render(rendered.letter)
        let day = ISO8601DateFormatter.day.string(from: clock.now())
        let batch = (folder as NSString).appendingPathComponent(day)
        let id = message.id.lowercasedString
        let file = id + ".pdf"
        // A retry just after midnight (UTC) finds the letter in the batch it was first filed in, and it stays there:
        // filed again in today's, the vendor would print and mail it twice.
        let yesterday = ISO8601DateFormatter.day.string(from: clock.now().addingTimeInterval(-86_400))
        let earlier = ((folder as NSString).appendingPathComponent(yesterday) as NSString).appendingPathComponent("manifest.csv")
        if Self.lists(id, manifest: earlier) { return "\(yesterday)/\(file)" }
        do {
            try FileManager.default.createDirectory(atPath: batch, withIntermediateDirectories: true)
            try pdf.write(to: URL(fileURLWithPath: (batch as NSString).appendingPathComponent(file)), options: .atomic)
            let pages = Self.pageCount(pdf)
            let digest = SHA256.hash(data: pdf).map { String(format: "%02x", $0) }.joined()
            let lines = rendered.address + Array(repeating: "", count: max(0, 3 - rendered.address.count))
            let row = [id, message.accountID.description, rendered.reference, message.subject, message.language, rendered.recipientName]
                + lines.prefix(3) + [String(pages), file, digest]
            try Self.append(row.map(Self.csvField).joined(separator: ","), id: id,
                            manifest: (batch as NSString).appendingPathComponent("manifest.csv"))
        } catch {
            throw TransportFailure.transient("cannot write the print batch: \(error)")
        }
        return "\(day)/\(file)"
    }

    static func pageCount(_ pdf: Data) -> Int {
        String(decoding: pdf, as: UTF8.self).components(separatedBy: "/Type /Page ").count - 1
    }

    static func csvField(_ value: String) -> String {
        value.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
    }

    /// Whether a day's manifest lists the message `id` (false when there is no such manifest).
    static func lists(_ id: String, manifest: String) -> Bool {
        guard let text = try? String(contentsOfFile: manifest, encoding: .utf8) else { return false }
        return lists(id, manifestText: text)
    }

    static func lists(_ id: String, manifestText text: String) -> Bool {
        text.split(separator: "\n").contains { $0.hasPrefix(id + ",") }
    }

    /// Appends `row` unless the manifest already lists `id`, holding an exclusive lock on the file meanwhile.
    static func append(_ row: String, id: String, manifest: String) throws {
        let descriptor = open(manifest, O_RDWR | O_CREAT | O_APPEND, 0o640)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else { throw CocoaError(.fileLocking) }
        defer { flock(descriptor, LOCK_UN) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        try handle.seek(toOffset: 0)
        let existing = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        guard !lists(id, manifestText: existing) else { return }
        let text = (existing.isEmpty ? manifestHeader + "\n" : "") + row + "\n"
        try handle.write(contentsOf: Data(text.utf8))
    }
}

extension ISO8601DateFormatter {
    /// `YYYY-MM-DD` in UTC: the batch a letter belongs to.
    static var day: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter
    }
}
