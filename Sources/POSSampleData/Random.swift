/// The generator's own pseudo-random numbers, so that a seed gives the same bytes on every
/// machine and every Swift version (the standard library's `random(in:using:)` may change its
/// algorithm; `SystemRandomNumberGenerator` cannot be seeded at all).
///
/// xoshiro256** (Blackman and Vigna, 2018), seeded through SplitMix64 as its authors advise.
struct SampleRandom {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator for one independent stream: the seed and the labels (a purpose, a terminal
    /// index, a day) are hashed together, so that adding a terminal or a day does not shift the
    /// numbers every other terminal or day draws.
    init(seed: UInt64, stream labels: UInt64...) {
        var mixer = SplitMix64(state: seed)
        var state = mixer.next()
        for label in labels {
            mixer = SplitMix64(state: state ^ (label &* 0x9E37_79B9_7F4A_7C15))
            state = mixer.next()
        }
        var splitMix = SplitMix64(state: state)
        s0 = splitMix.next()
        s1 = splitMix.next()
        s2 = splitMix.next()
        s3 = splitMix.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }  // the one state xoshiro cannot leave
    }

    mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    /// Uniform in [0, 1), 53 bits.
    mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in 0..<bound (Lemire's multiply-shift; the bias for bounds this small is far
    /// below anything a test could see).
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// Uniform in the closed range.
    mutating func inRange(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// Uniform in the closed range, for millisecond spans.
    mutating func inRange(_ range: ClosedRange<Int64>) -> Int64 {
        range.lowerBound + Int64(below(Int(range.upperBound - range.lowerBound) + 1))
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool {
        uniform() < p
    }

    /// An index drawn with the given (not necessarily normalised) weights.
    mutating func weightedIndex(_ weights: [Double]) -> Int {
        var total = 0.0
        for w in weights { total += w }
        var target = uniform() * total
        for (i, w) in weights.enumerated() {
            if target < w { return i }
            target -= w
        }
        return weights.count - 1
    }

    /// A count with the given mean: a binomial of `2·mean + 2` trials, so that only integer and
    /// IEEE arithmetic is involved (libm's `exp` and `log` may round differently between C
    /// libraries, and one ulp would change the bytes a seed gives).
    mutating func count(mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        let trials = Int(mean * 2) + 2
        let p = mean / Double(trials)
        var n = 0
        for _ in 0..<trials where uniform() < p { n += 1 }
        return n
    }

    /// Fisher–Yates, in place.
    mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, below(i + 1))
        }
    }

    /// `count` labels in exact proportion to `weights` (largest-remainder rounding), shuffled.
    ///
    /// The fleet is drawn this way rather than label by label so that a small fleet still has
    /// the shares the planted causes rely on (enough old-firmware Landi terminals, enough 2G
    /// terminals in Ürümqi), whatever the seed.
    mutating func quotas(count: Int, weights: [Double]) -> [Int] {
        guard count > 0 else { return [] }
        var total = 0.0
        for w in weights { total += w }
        var counts = weights.map { Int(($0 / total * Double(count)).rounded(.down)) }
        var assigned = counts.reduce(0, +)
        let remainders = weights.enumerated()
            .map { (index: $0.offset, rest: $0.element / total * Double(count) - Double(counts[$0.offset])) }
            .sorted { $0.rest != $1.rest ? $0.rest > $1.rest : $0.index < $1.index }
        var k = 0
        while assigned < count {
            counts[remainders[k % remainders.count].index] += 1
            assigned += 1
            k += 1
        }
        var labels: [Int] = []
        labels.reserveCapacity(count)
        for (label, n) in counts.enumerated() {
            labels.append(contentsOf: repeatElement(label, count: n))
        }
        shuffle(&labels)
        return labels
    }
}

private struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@inline(__always)
private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 - k))
}
