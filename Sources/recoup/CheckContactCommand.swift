import ArgumentParser
import Compliance
import Foundation

/// `recoup check-contact PATH|-`: decides one contact check document (docs/compliance-check.md) with the same
/// engine that gates every real contact, and prints the decision as JSON. No database is needed: compliance
/// officers use it for what-if questions and auditors to re-check a recorded decision from its inputs.
struct CheckContactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-contact",
        abstract: "Decide a contact check document; print allowed, rule, findings, next_allowed_at and computed.",
        discussion: "Exit status 0 when the document was evaluated (allowed or not), 2 when it is invalid.")

    @Argument(help: "The document's path, or - for standard input.") var path: String

    func run() async throws {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
                throw ExitCode(2)
            }
            data = contents
        }
        let snapshot: ContactSnapshot, proposal: ProposedContact
        do {
            (snapshot, proposal) = try CheckDocument.decode(data)
        } catch {
            FileHandle.standardError.write(Data("invalid check document: \(error)\n".utf8))
            throw ExitCode(2)
        }
        FileHandle.standardOutput.write(CheckDocument.encode(ComplianceEngine().decide(snapshot, proposal)))
    }
}
