import Crypto
import Foundation
import RecoupCore

/// The secrets storage works with, all derived from one master key with HKDF so an operator keeps one secret.
///
/// - `sealing`: AES-256-GCM for personal data at rest (SSN, date of birth).
/// - `searching`: HMAC-SHA256 for equality search (SSN, SSN last four, identity) without plaintext.
/// - `checkpoint`: HMAC-SHA256 signing audit checkpoints; may be configured separately so the database operator
///   who can rewrite tables cannot also re-sign the chain.
public struct DataKeys: Sendable {
    public let sealing: SymmetricKey
    public let searching: SymmetricKey
    public let checkpoint: SymmetricKey
    /// Signs the links handed to consumers (one-click unsubscribe), so a link names one message and cannot be forged.
    public let links: SymmetricKey

    public init(master: SymmetricKey, checkpoint: SymmetricKey? = nil) {
        func derive(_ label: String) -> SymmetricKey {
            HKDF<SHA256>.deriveKey(
                inputKeyMaterial: master, salt: Data("recoup".utf8), info: Data(label.utf8), outputByteCount: 32)
        }
        sealing = derive("recoup/sealing/v1")
        searching = derive("recoup/searching/v1")
        self.checkpoint = checkpoint ?? derive("recoup/audit-checkpoint/v1")
        links = derive("recoup/consumer-links/v1")
    }

    public enum KeyError: Error, CustomStringConvertible {
        case malformed(String)
        public var description: String {
            switch self {
            case let .malformed(source): "\(source) must be 32 bytes, base64-encoded"
            }
        }
    }

    /// Parses a base64 key of exactly 32 bytes.
    public static func key(base64: String, source: String) throws -> SymmetricKey {
        guard let data = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32
        else { throw KeyError.malformed(source) }
        return SymmetricKey(data: data)
    }

    /// Reads the master key file of the embedded default, creating it once (mode 0600) when absent.
    public static func loadOrCreateMasterKey(at path: String) throws -> SymmetricKey {
        let manager = FileManager.default
        if let existing = manager.contents(atPath: path) {
            return try key(base64: String(decoding: existing, as: UTF8.self), source: path)
        }
        try manager.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0) }.base64EncodedString() + "\n"
        guard manager.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw KeyError.malformed("could not write \(path)")
        }
        return key
    }
}

/// Seals and opens personal fields, and hashes them for search.
struct FieldCipher: Sendable {
    let keys: DataKeys
    /// The HMAC with the search key already absorbed: copying it is cheaper than keying a new one per value.
    private let keyedSearch: HMAC<SHA256>

    init(keys: DataKeys) {
        self.keys = keys
        keyedSearch = HMAC<SHA256>(key: keys.searching)
    }

    /// AES-GCM with a random nonce; the base64 of nonce ‖ ciphertext ‖ tag.
    func seal(_ plaintext: String) throws -> String {
        guard let combined = try AES.GCM.seal(Data(plaintext.utf8), using: keys.sealing).combined else {
            throw StorageError.corrupt("AES-GCM produced no combined box")
        }
        return combined.base64EncodedString()
    }

    func open(_ sealed: String) throws -> String {
        guard let data = Data(base64Encoded: sealed) else { throw StorageError.corrupt("sealed field is not base64") }
        let box = try AES.GCM.SealedBox(combined: data)
        return String(decoding: try AES.GCM.open(box, using: keys.sealing), as: UTF8.self)
    }

    /// HMAC-SHA256 hex of a labelled value, so equal inputs match and the hash reveals nothing without the key.
    func searchHash(_ label: String, _ value: String) -> String {
        var hmac = keyedSearch
        hmac.update(data: Data("\(label):\(value)".utf8))
        return hmac.finalize().hexString
    }
}

/// Failures inside storage that are not the caller's fault.
public enum StorageError: Error, CustomStringConvertible {
    case corrupt(String)
    case unsupportedDatabase(String)

    public var description: String {
        switch self {
        case let .corrupt(what): "stored data is corrupt: \(what)"
        case let .unsupportedDatabase(what): "unsupported database: \(what)"
        }
    }
}
