/// Options of matching (docs/analysis.md §1).
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
///
/// Stored narrow (millions of pairs): indices and ids as `Int32` with -1 or 0 for none, times with
/// `Int64.min` for none; the optional views below are what the code reads.
struct AcquirerPair {
    private var requestIndex: Int32
    private var responseIndex: Int32
    private var realmID: Int32
    private var tidID: Int32
    var stan: Int32
    private var mtiID: Int32
    private var rcID: Int32
    /// True when the MTI is of the 04xx reversal class.
    var isReversal: Bool
    private var requestAt: Int64
    private var responseAt: Int64
    private var lifespan: Int32
    private var matchedIndex: Int32

    init(
        request: Int?, response: Int?, realm: Int64, tid: Int64, stan: Int32, mti: Int64, isReversal: Bool,
        requestTime: Int64?, responseTime: Int64?, rc: Int64, lifespanMs: Int64?
    ) {
        requestIndex = Int32(request ?? -1)
        responseIndex = Int32(response ?? -1)
        realmID = Int32(truncatingIfNeeded: realm)
        tidID = Int32(truncatingIfNeeded: tid)
        self.stan = stan
        mtiID = Int32(truncatingIfNeeded: mti)
        rcID = Int32(truncatingIfNeeded: rc)
        self.isReversal = isReversal
        requestAt = requestTime ?? .min
        responseAt = responseTime ?? .min
        lifespan = Int32(clamping: lifespanMs ?? -1)
        matchedIndex = -1
    }

    /// Index of the request in `AnalysisData.messages`.
    var request: Int? {
        get { requestIndex < 0 ? nil : Int(requestIndex) }
        set { requestIndex = Int32(newValue ?? -1) }
    }
    /// Index of the response in `AnalysisData.messages`.
    var response: Int? {
        get { responseIndex < 0 ? nil : Int(responseIndex) }
        set { responseIndex = Int32(newValue ?? -1) }
    }
    var realm: Int64 { Int64(realmID) }
    var tid: Int64 {
        get { Int64(tidID) }
        set { tidID = Int32(truncatingIfNeeded: newValue) }
    }
    /// The request's MTI id (or the response's when there is no request).
    var mti: Int64 { Int64(mtiID) }
    var rc: Int64 {
        get { Int64(rcID) }
        set { rcID = Int32(truncatingIfNeeded: newValue) }
    }
    var requestTime: Int64? { requestAt == .min ? nil : requestAt }
    var responseTime: Int64? {
        get { responseAt == .min ? nil : responseAt }
        set { responseAt = newValue ?? .min }
    }
    var lifespanMs: Int64? {
        get { lifespan < 0 ? nil : Int64(lifespan) }
        set { lifespan = Int32(clamping: newValue ?? -1) }
    }
    /// Index of the terminal transaction this pair matched.
    var matchedTransaction: Int? {
        get { matchedIndex < 0 ? nil : Int(matchedIndex) }
        set { matchedIndex = Int32(newValue ?? -1) }
    }
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

    /// Pairs each response with the latest earlier unpaired request of the same realm, STAN, class and
    /// terminal (field 41), within the pairing window.
    static func pairMessages(_ data: AnalysisData, options: MatchOptions) -> [AcquirerPair] {
        let m = data.messages
        var pairs: [AcquirerPair] = []
        pairs.reserveCapacity(m.count / 2 + 1)
        // MTI facts by dictionary id, worked out once per distinct MTI; the class key is an integer.
        var mtiFactsByID: [Int64: (isResponse: Bool, isReversal: Bool, key: Int32)] = [:]
        var classKeys: [String: Int32] = [:]
        for id in Set(m.mti) {
            guard let f = mtiFacts(data.text(id)) else { continue }
            let key = classKeys[f.key] ?? Int32(classKeys.count)
            classKeys[f.key] = key
            mtiFactsByID[id] = (f.isResponse, f.isReversal, key)
        }
        func facts(_ id: Int64) -> (isResponse: Bool, isReversal: Bool, key: Int32)? { mtiFactsByID[id] }
        var i = 0
        // Messages are sorted by realm, STAN, terminal, time: walk each (realm, STAN, terminal) group,
        // which stays small however many terminals share a STAN. Messages without field 41 (echo
        // tests, some responses) form a group of their own and pair among themselves.
        while i < m.count {
            var j = i
            while j < m.count, m.realm[j] == m.realm[i], m.stan[j] == m.stan[i], m.tid[j] == m.tid[i] { j += 1 }
            var open: [Int] = []  // indices into `pairs` of requests waiting for a response
            for k in i..<j {
                guard let f = facts(m.mti[k]) else { continue }  // not an ISO message we can place (no MTI)
                if !f.isResponse {
                    pairs.append(
                        AcquirerPair(
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
                    pairs.append(
                        AcquirerPair(
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
