#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The bytes of the `<log>` element being read, kept whole so that a malformed element can be
/// rejected with its text.
///
/// A class, so that the element parser can read the bytes while the scanner's other state changes;
/// the scanner copies it before writing when it is shared (copy on write), so scanners stay values.
/// Its fields live behind a pointer rather than in stored properties: a class's stored properties
/// pay a dynamic exclusivity check on every access, which showed in profiles of this hot path.
final class AcquirerLogBytes {
    private struct Storage {
        var base: UnsafeMutableRawPointer
        var count: Int
        var capacity: Int
    }

    private let storage: UnsafeMutablePointer<Storage>

    init(capacity: Int = 64 << 10) {
        storage = .allocate(capacity: 1)
        storage.initialize(to: Storage(base: .allocate(byteCount: capacity, alignment: 16), count: 0, capacity: capacity))
    }

    deinit {
        storage.pointee.base.deallocate()
        storage.deinitialize(count: 1)
        storage.deallocate()
    }

    /// A copy with the same bytes (for copy on write).
    func copy() -> AcquirerLogBytes {
        let other = AcquirerLogBytes(capacity: max(storage.pointee.capacity, 1))
        other.append(UnsafeRawPointer(base), count)
        return other
    }

    var base: UnsafeMutableRawPointer { storage.pointee.base }
    var count: Int { storage.pointee.count }
    var pointer: UnsafePointer<UInt8> { UnsafePointer(storage.pointee.base.assumingMemoryBound(to: UInt8.self)) }

    func bytes(upTo end: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage.pointee.base, count: min(end, storage.pointee.count))
    }

    func append(_ source: UnsafeRawPointer, _ length: Int) {
        guard length > 0 else { return }
        let count = storage.pointee.count
        reserve(count + length)
        (storage.pointee.base + count).copyMemory(from: source, byteCount: length)
        storage.pointee.count = count + length
    }

    func append(_ byte: UInt8) {
        let count = storage.pointee.count
        reserve(count + 1)
        storage.pointee.base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        storage.pointee.count = count + 1
    }

    /// Drops the first `n` bytes (the rest moves to the front).
    func removeFirst(_ n: Int) {
        let count = storage.pointee.count
        let n = min(n, count)
        if n < count { memmove(storage.pointee.base, storage.pointee.base + n, count - n) }
        storage.pointee.count = count - n
    }

    func removeAll() { storage.pointee.count = 0 }

    @inline(__always)
    private func reserve(_ needed: Int) {
        if needed > storage.pointee.capacity { grow(needed) }
    }

    private func grow(_ needed: Int) {
        let newCapacity = max(needed, storage.pointee.capacity * 2)
        let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        grown.copyMemory(from: storage.pointee.base, byteCount: storage.pointee.count)
        storage.pointee.base.deallocate()
        storage.pointee.base = grown
        storage.pointee.capacity = newCapacity
    }
}

/// Byte-level XML helpers shared by the acquirer-log scanner's parts.
enum AcquirerLogSyntax {
    static let lessThan = UInt8(ascii: "<")
    static let greaterThan = UInt8(ascii: ">")
    static let slash = UInt8(ascii: "/")
    static let newline: UInt8 = 0x0A

    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D }

    @inline(__always)
    static func isNameStart(_ b: UInt8) -> Bool {
        let lower = b | 0x20
        return (lower >= 0x61 && lower <= 0x7A) || b == 0x5F || b == 0x3A || b >= 0x80
    }

    @inline(__always)
    static func isNameChar(_ b: UInt8) -> Bool {
        isNameStart(b) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2E
    }

    /// Offset of the first `byte` in `from..<to`, by `memchr`.
    @inline(__always)
    static func find(_ byte: UInt8, _ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Int? {
        guard from < to, let hit = memchr(p + from, Int32(byte), to - from) else { return nil }
        return UnsafeRawPointer(p).distance(to: UnsafeRawPointer(hit))
    }

    /// Offset of the first byte of `pattern` (three bytes, as `-->`) found whole in `from..<to`.
    static func find3(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Int? {
        var i = from + 2
        while i < to, let hit = find(c, p, i, to) {
            if p[hit - 1] == b, p[hit - 2] == a { return hit - 2 }
            i = hit + 1
        }
        return nil
    }

    /// Whether `pattern` is at `at`; nil when the bytes end before it could be told.
    @inline(__always)
    static func hasPrefix(_ pattern: StaticString, _ p: UnsafePointer<UInt8>, _ at: Int, _ count: Int) -> Bool? {
        let n = pattern.utf8CodeUnitCount
        let available = min(n, count - at)
        if memcmp(p + at, pattern.utf8Start, available) != 0 { return false }
        return available == n ? true : nil
    }

    @inline(__always)
    static func equals(_ p: UnsafePointer<UInt8>, _ length: Int, _ name: StaticString) -> Bool {
        length == name.utf8CodeUnitCount && memcmp(p, name.utf8Start, length) == 0
    }

    /// Whether `<log` starts at `i` as a start tag: followed by whitespace, `>` or `/`. At `to`, a
    /// `<log` counts only when `endIsLineEnd` (the end of a line is whitespace).
    @inline(__always)
    static func isLogStart(_ p: UnsafePointer<UInt8>, _ i: Int, _ to: Int, endIsLineEnd: Bool) -> Bool {
        guard i + 3 < to, p[i + 1] == 0x6C, p[i + 2] == 0x6F, p[i + 3] == 0x67 else { return false }
        guard i + 4 < to else { return endIsLineEnd }
        let next = p[i + 4]
        return isSpace(next) || next == greaterThan || next == slash
    }

    /// The first `<log` start tag in `from..<to` (raw: inside comments and attribute values too,
    /// since that is where interleaved output lands).
    static func findLogStart(_ p: UnsafePointer<UInt8>, from: Int, to: Int, endIsLineEnd: Bool) -> Int? {
        var i = from
        while let lt = find(lessThan, p, i, to) {
            if isLogStart(p, lt, to, endIsLineEnd: endIsLineEnd) { return lt }
            i = lt + 1
        }
        return nil
    }

    static func containsNonBlank(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
        var i = from
        while i < to {
            if !isSpace(p[i]) { return true }
            i += 1
        }
        return false
    }

    static func countNewlines(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Int {
        var n = 0
        var i = from
        while let hit = find(newline, p, i, to) {
            n += 1
            i = hit + 1
        }
        return n
    }
}
