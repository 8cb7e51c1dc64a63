// A stand-in for swift-crypto's `Crypto` module, for the fuzz build of POSInput only.
//
// The fuzz harnesses are built by plain `swiftc`, outside SwiftPM, where linking swift-crypto
// and BoringSSL is impractical. `LineSource` needs `SHA256()`, `update(bufferPointer:)` and
// `finalize()`; this module offers the same calls with an order-sensitive 64-bit FNV-1a fold
// instead of SHA-256. That is enough for what the fuzzer checks: every raw byte is read (AddressSanitizer
// sees each access) and two readings of a file with different chunk sizes hash the same bytes in
// the same order. It is not a cryptographic hash and never ships.

/// The SHA-256 interface `LineSource` uses, computing FNV-1a instead (fuzz builds only).
public struct SHA256 {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    /// A fresh hasher.
    public init() {}

    /// Folds `bufferPointer`'s bytes into the state, in order.
    public mutating func update(bufferPointer: UnsafeRawBufferPointer) {
        for byte in bufferPointer {
            state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
    }

    /// 32 bytes derived from the state (the length of a SHA-256 digest).
    public func finalize() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var value = state
        for _ in 0..<32 {
            bytes.append(UInt8(truncatingIfNeeded: value))
            value = (value >> 8) | (value << 56)
        }
        return bytes
    }
}
