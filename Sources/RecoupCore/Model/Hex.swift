extension Sequence<UInt8> {
    /// Lower-case hexadecimal, two digits per byte: how Recoup writes digests, MACs and signatures.
    ///
    /// Hand-rolled because `String(format:)` per byte costs more than the hashing it prints (it was a third of a
    /// placement import's time).
    public var hexString: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
