/// Options of matching (analysis.md §1).
public struct MatchOptions: Sendable {
    /// How far a terminal transaction and the acquirer's request may lie apart, after clock correction.
    public var windowMilliseconds: Int64 = 10 * 60 * 1000
    /// Longest wait between an acquirer request and its response when pairing them.
    public var pairingWindowMilliseconds: Int64 = 5 * 60 * 1000
    /// A response sent later than this before the terminal's deadline counts as late (network and clock slack).
    public var lateToleranceMilliseconds: Int64 = 2000
    /// The terminal's wait for a response when its line gives no `lat_ms`.
    public var defaultTimeoutMilliseconds: Int64 = 60_000

    public init() {}
}

/// An acquirer request and its response, paired by realm, STAN, terminal and MTI.
struct AcquirerPair {
    var request: Int?
    var response: Int?
    var realm: Int64
    var tid: Int64
    var stan: Int32
    /// The request's MTI id (or the response's when there is no request).
    var mti: Int64
    /// True when the MTI is of the 04xx reversal class.
    var isReversal: Bool
    var requestTime: Int64?
    var responseTime: Int64?
    var rc: Int64
    var lifespanMs: Int64?
    var matchedTransaction: Int?
    var time: Int64 { requestTime ?? responseTime ?? 0 }
}

enum Correlation {
    /// MTI text facts: message class digit and whether it is a response (function digit odd).
    static func mtiFacts(_ mti: String?) -> (isResponse: Bool, isReversal: Bool, key: String)? {
        guard let mti, mti.utf8.count == 4 else { return nil }
        let digits = Array(mti.utf8)
        guard digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let function = digits[2] - 0x30
        var key = digits
        key[2] = 0x30 + (function & ~1)
        return (function & 1 == 1, digits[1] == 0x34, String(decoding: key, as: UTF8.self))
    }

    /// Pairs each response with the latest earlier unpaired request of the same realm, STAN, class and terminal.
    static func pairMessages(_ data: AnalysisData, options: MatchOptions) -> [AcquirerPair] {
        let m = data.messages
        var pairs: [AcquirerPair] = []
        pairs.reserveCapacity(m.count / 2 + 1)
        var mtiCache: [Int64: (isResponse: Bool, isReversal: Bool, key: String)?] = [:]
        func facts(_ id: Int64) -> (isResponse: Bool, isReversal: Bool, key: String)? {
            if let cached = mtiCache[id] { return cached }
            let value = mtiFacts(data.text(id))
            mtiCache[id] = value
            return value
        }
        var i = 0
        // Messages are sorted by realm, stan, time: walk each (realm, stan) group.
        while i < m.count {
            var j = i
            while j < m.count, m.realm[j] == m.realm[i], m.stan[j] == m.stan[i] { j += 1 }
            var open: [Int] = []  // indices into `pairs` of requests waiting for a response
            for k in i..<j {
                guard let f = facts(m.mti[k]) else { continue }  // not an ISO message we can place (no MTI)
                if !f.isResponse {
                    pairs.append(AcquirerPair(
                        request: k, response: nil, realm: m.realm[k], tid: m.tid[k], stan: m.stan[k], mti: m.mti[k],
                        isReversal: f.isReversal, requestTime: m.ts[k], responseTime: nil, rc: 0,
                        lifespanMs: m.lifespanMs[k] >= 0 ? m.lifespanMs[k] : nil
                    ))
                    open.append(pairs.count - 1)
                    continue
                }
                // The latest open request of the same class and terminal within the window.
                var chosen: Int?
                for (position, p) in open.enumerated().reversed() {
                    let request = pairs[p]
                    guard let rq = request.request, facts(m.mti[rq])?.key == f.key else { continue }
                    guard request.tid == 0 || m.tid[k] == 0 || request.tid == m.tid[k] else { continue }
                    let gap = m.ts[k] - m.ts[rq]
                    guard gap >= -1000, gap <= options.pairingWindowMilliseconds else { continue }
                    chosen = position
                    break
                }
                if let position = chosen {
                    let p = open.remove(at: position)
                    pairs[p].response = k
                    pairs[p].responseTime = m.ts[k]
                    pairs[p].rc = m.rc[k]
                    if pairs[p].tid == 0 { pairs[p].tid = m.tid[k] }
                    if m.lifespanMs[k] >= 0 { pairs[p].lifespanMs = m.lifespanMs[k] }
                } else {
                    pairs.append(AcquirerPair(
                        request: nil, response: k, realm: m.realm[k], tid: m.tid[k], stan: m.stan[k], mti: m.mti[k],
                        isReversal: f.isReversal, requestTime: nil, responseTime: m.ts[k], rc: m.rc[k],
                        lifespanMs: m.lifespanMs[k] >= 0 ? m.lifespanMs[k] : nil
                    ))
                }
            }
            i = j
        }
        return pairs
    }
}
