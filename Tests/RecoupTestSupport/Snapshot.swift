import Foundation
import Testing

/// Compares `text` with `Snapshots/<name>.txt` of the calling test target (its `resources: [.copy("Snapshots")]`,
/// found through `bundle`); with `RECORD_SNAPSHOTS` set, the file beside the calling source file is rewritten
/// first, to be reviewed in the diff.
public func expectSnapshot(
    _ text: String, named name: String, in bundle: Bundle, sourceFile: String = #filePath, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let folder = URL(fileURLWithPath: sourceFile).deletingLastPathComponent().appendingPathComponent("Snapshots")
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil {
        try text.write(to: folder.appendingPathComponent("\(name).txt"), atomically: true, encoding: .utf8)
    }
    let url = try #require(bundle.url(forResource: "Snapshots", withExtension: nil), sourceLocation: sourceLocation)
    let expected = try String(contentsOf: url.appendingPathComponent("\(name).txt"), encoding: .utf8)
    #expect(text == expected, "\(name) differs from \(folder.lastPathComponent)/\(name).txt beside \(URL(fileURLWithPath: sourceFile).lastPathComponent) (RECORD_SNAPSHOTS=1 rewrites it)",
            sourceLocation: sourceLocation)
}
