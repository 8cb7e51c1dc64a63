import Crypto

/// SHA-256 of a byte string held in memory, in lower-case hex: the version of each canned query
/// and the hash of each report file in a manifest.
///
/// swift-crypto's `SHA256`, the one implementation in the project: `LineSource` streams input
/// files through the same type.
public enum SHA256Digest {
    /// The digest of `bytes` as 64 lower-case hex digits.
    public static func hex(of bytes: [UInt8]) -> String {
        hexDigits(digest(bytes))
    }

    /// The 32-byte digest of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return Array(hasher.finalize())
    }

    /// `bytes` (a digest) as lower-case hex, two digits a byte.
    static func hexDigits<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in bytes {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
