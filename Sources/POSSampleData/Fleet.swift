/// One terminal of the sample world and the merchant it stands at.
struct Terminal {
    var index: Int
    var tid: [UInt8]
    var mid: String
    var region: Int
    var model: Int
    var thirdParty: Bool
    var agent: Int?
    var realm: Int
    var feeTier: Int
    var merchantCategory: Int
    var enrolmentFirmware: String
    var app: String
    /// The code table its firmware boots with on the first day.
    var codeTable: String
    var network: SampleWorld.NetworkType
    /// Signal strength when the link is fine; nil on Ethernet.
    var baseRSSI: Int?
    /// Multiplies the configured transactions per day.
    var activity: Double
    /// Logged time minus true time.
    var clockSkew: Int64
    var oldFirmware: Bool
    var upgrade: PlannedUpgrade?

    var tidText: String { String(decoding: tid, as: UTF8.self) }
    var brandName: String { SampleWorld.models[model].model.brand }
    var modelName: String { SampleWorld.models[model].model.model }
    var isRemoteTwoG: Bool { region == SampleWorld.timeoutRegion && network == .twoG }
}

/// A firmware update a terminal will attempt.
struct PlannedUpgrade {
    var day: Int
    /// Milliseconds after local midnight.
    var timeOfDay: Int64
    var from: String
    var to: String
    var succeeds: Bool
    var planted: Bool
}

/// The fleet: every terminal, drawn once from the seed.
///
/// Shares are drawn as exact quotas (see `SampleRandom.quotas`) so that the planted causes
/// have the populations they need in small fleets too.
struct Fleet {
    var terminals: [Terminal]

    /// Old-firmware terminals among Landi A8 (when the gap or the upgrade is planted).
    static let oldFirmwareShareOfA8 = 0.55
    /// Third-party share among old-firmware terminals: "most", but below the 0.85 at which the
    /// analysis would refine `firmware=…` into `channel=third_party&firmware=…`.
    static let thirdPartyShareOfOldFirmware = 0.70
    static let thirdPartyShareOfOthers = 0.30

    /// Draws the fleet of `configuration`: every terminal's attributes as exact quotas, in a
    /// fixed order of draws, then each terminal's own.
    init(configuration: SampleConfiguration) {
        var rng = SampleRandom(seed: configuration.seed, stream: 1)
        let n = configuration.terminals
        let planted = configuration.plantedCauses
        let placement = Self.drawPlacement(n, rng: &rng)
        let channels = Self.drawChannels(n, models: placement.models, planted: planted, rng: &rng)
        let routing = Self.drawRouting(n, channels: channels, rng: &rng)
        let categories = rng.quotas(count: n, weights: SampleWorld.merchantCategories.map(\.weight))
        let columns = FleetColumns(
            regions: placement.regions, models: placement.models, oldFirmware: channels.oldFirmware, thirdParty: channels.thirdParty,
            agents: channels.agents, realms: routing.realms, feeTiers: routing.feeTiers, categories: categories,
            apps: Self.drawApps(n, thirdParty: channels.thirdParty, rng: &rng),
            networks: Self.drawNetworks(n, regions: placement.regions, rng: &rng),
            skews: Self.drawSkews(n, configuration: configuration, rng: &rng))

        // Who upgrades is drawn apart from who is third-party, so that both channels upgrade.
        var upgradeOrder = channels.oldIndices
        rng.shuffle(&upgradeOrder)
        let upgrading = Set(planted.contains(.firmwareUpgrade) ? upgradeOrder.prefix(channels.oldIndices.count / 2) : [])

        terminals = []
        terminals.reserveCapacity(n)
        for i in 0..<n {
            terminals.append(Self.drawTerminal(i, columns: columns, upgrading: upgrading.contains(i), configuration: configuration, rng: &rng))
        }
    }

    /// Each terminal's attributes drawn for the whole fleet, by terminal index.
    private struct FleetColumns {
        var regions: [Int]
        var models: [Int]
        var oldFirmware: [Bool]
        var thirdParty: [Bool]
        var agents: [Int?]
        var realms: [Int]
        var feeTiers: [Int]
        var categories: [Int]
        var apps: [String]
        var networks: [SampleWorld.NetworkType]
        var skews: [Int64]
    }

    /// Regions and models of the fleet.
    private struct Placement {
        var regions: [Int]
        var models: [Int]
    }

    /// Two terminals in every region first, so every region has its files, the rest by region
    /// weight, shuffled; models by weight.
    private static func drawPlacement(_ n: Int, rng: inout SampleRandom) -> Placement {
        var regions = Array(0..<SampleWorld.regions.count).flatMap { [$0, $0] }
        regions += rng.quotas(count: n - regions.count, weights: SampleWorld.regions.map(\.weight))
        rng.shuffle(&regions)
        let models = rng.quotas(count: n, weights: SampleWorld.models.map(\.weight))
        return Placement(regions: regions, models: models)
    }

    /// Old firmware, channel and agent of the fleet.
    private struct Channels {
        var oldFirmware: [Bool]
        /// The old-firmware terminals, in the shuffled order the third-party share is taken from.
        var oldIndices: [Int]
        var thirdParty: [Bool]
        var thirdPartyIndices: [Int]
        var agents: [Int?]
    }

    /// Old firmware on a share of the Landi A8 (when the gap or the upgrade is planted), most of
    /// those third-party, a share of the others; agents of the third-party terminals by weight.
    private static func drawChannels(_ n: Int, models: [Int], planted: Set<PlantedCause>, rng: inout SampleRandom) -> Channels {
        let hasOldFirmware = planted.contains(.codeTableGap) || planted.contains(.firmwareUpgrade)
        var oldFirmware = [Bool](repeating: false, count: n)
        if hasOldFirmware {
            let a8 = (0..<n).filter { models[$0] == SampleWorld.landiA8ModelIndex }
            let count = Int((Double(a8.count) * Self.oldFirmwareShareOfA8).rounded())
            for i in a8.prefix(count) { oldFirmware[i] = true }
        }
        var oldIndices = (0..<n).filter { oldFirmware[$0] }
        rng.shuffle(&oldIndices)
        let otherIndices = (0..<n).filter { !oldFirmware[$0] }
        var thirdParty = [Bool](repeating: false, count: n)
        let oldThirdParty = Int((Double(oldIndices.count) * Self.thirdPartyShareOfOldFirmware).rounded())
        for i in oldIndices.prefix(oldThirdParty) { thirdParty[i] = true }
        for (k, label) in rng.quotas(count: otherIndices.count, weights: [1 - Self.thirdPartyShareOfOthers, Self.thirdPartyShareOfOthers])
            .enumerated()
        where label == 1 {
            thirdParty[otherIndices[k]] = true
        }

        let thirdPartyIndices = (0..<n).filter { thirdParty[$0] }
        var agents = [Int?](repeating: nil, count: n)
        for (k, agent) in rng.quotas(count: thirdPartyIndices.count, weights: SampleWorld.agents.map(\.weight)).enumerated() {
            agents[thirdPartyIndices[k]] = agent
        }
        return Channels(
            oldFirmware: oldFirmware, oldIndices: oldIndices, thirdParty: thirdParty, thirdPartyIndices: thirdPartyIndices, agents: agents)
    }

    /// Acquirer realm and fee tier of the fleet.
    private struct Routing {
        var realms: [Int]
        var feeTiers: [Int]
    }

    /// The agentpay route for its share of each agent's terminals, the other realms by weight;
    /// fee tiers by weight, with weights of their own on the agentpay route.
    private static func drawRouting(_ n: Int, channels: Channels, rng: inout SampleRandom) -> Routing {
        var realms = [Int](repeating: -1, count: n)
        for (agent, info) in SampleWorld.agents.enumerated() where info.agentpayShare > 0 {
            let members = channels.thirdPartyIndices.filter { channels.agents[$0] == agent }
            let routed = Int((Double(members.count) * info.agentpayShare).rounded())
            for i in members.prefix(routed) { realms[i] = SampleWorld.agentpayRealm }
        }
        let unrouted = (0..<n).filter { realms[$0] < 0 }
        for (k, realm) in rng.quotas(count: unrouted.count, weights: SampleWorld.realms.map(\.weight)).enumerated() {
            realms[unrouted[k]] = realm
        }

        let agentpayIndices = (0..<n).filter { realms[$0] == SampleWorld.agentpayRealm }
        let ordinaryIndices = (0..<n).filter { realms[$0] != SampleWorld.agentpayRealm }
        var feeTiers = [Int](repeating: 0, count: n)
        for (k, tier) in rng.quotas(count: agentpayIndices.count, weights: SampleWorld.agentpayFeeTierWeights).enumerated() {
            feeTiers[agentpayIndices[k]] = tier
        }
        for (k, tier) in rng.quotas(count: ordinaryIndices.count, weights: SampleWorld.feeTierWeights).enumerated() {
            feeTiers[ordinaryIndices[k]] = tier
        }
        return Routing(realms: realms, feeTiers: feeTiers)
    }

    /// Each terminal's payment app: an official one, or a third-party one on third-party terminals.
    private static func drawApps(_ n: Int, thirdParty: [Bool], rng: inout SampleRandom) -> [String] {
        var apps = [String](repeating: "", count: n)
        let officialIndices = (0..<n).filter { !thirdParty[$0] }
        for (k, app) in rng.quotas(count: officialIndices.count, weights: SampleWorld.officialApps.map(\.weight)).enumerated() {
            apps[officialIndices[k]] = SampleWorld.officialApps[app].name
        }
        let thirdPartyIndices = (0..<n).filter { thirdParty[$0] }
        for (k, app) in rng.quotas(count: thirdPartyIndices.count, weights: SampleWorld.thirdPartyApps.map(\.weight)).enumerated() {
            apps[thirdPartyIndices[k]] = SampleWorld.thirdPartyApps[app].name
        }
        return apps
    }

    /// Each terminal's network, by its region's weights.
    private static func drawNetworks(_ n: Int, regions: [Int], rng: inout SampleRandom) -> [SampleWorld.NetworkType] {
        var networks = [SampleWorld.NetworkType](repeating: .fourG, count: n)
        for (r, region) in SampleWorld.regions.enumerated() {
            let members = (0..<n).filter { regions[$0] == r }
            for (k, type) in rng.quotas(count: members.count, weights: region.networkWeights).enumerated() {
                networks[members[k]] = SampleWorld.NetworkType(rawValue: type)!
            }
        }
        return networks
    }

    /// Each terminal's clock skew: with the fault, 30 s to 5 min either way on 1% of the
    /// terminals (at least two); 0 otherwise.
    private static func drawSkews(_ n: Int, configuration: SampleConfiguration, rng: inout SampleRandom) -> [Int64] {
        var skews = [Int64](repeating: 0, count: n)
        if configuration.faults.contains(.clockSkew) {
            var candidates = Array(0..<n)
            rng.shuffle(&candidates)
            for (k, i) in candidates.prefix(max(2, n / 100)).enumerated() {
                let size = rng.inRange(Int64(30_000)...300_000)
                skews[i] = k % 2 == 0 ? size : -size
            }
        }
        return skews
    }

    /// Terminal `i` with its own draws: TID (rising with the index in random steps, so unique and
    /// 8 digits long), MID, firmware, signal, planned upgrade and activity.
    private static func drawTerminal(
        _ i: Int, columns: FleetColumns, upgrading: Bool, configuration: SampleConfiguration, rng: inout SampleRandom
    ) -> Terminal {
        let step = max(1, 70_000_000 / configuration.terminals)
        var tid = OutputBuffer(capacity: 8)
        tid.appendPadded(20_000_000 + i * step + rng.below(step), width: 8)
        let region = SampleWorld.regions[columns.regions[i]]
        let category = SampleWorld.merchantCategories[columns.categories[i]].code
        var mid = OutputBuffer(capacity: 15)
        mid.append("898")
        mid.appendPadded(region.areaCode, width: 4)
        mid.appendPadded(category, width: 4)
        mid.appendPadded(rng.below(10_000), width: 4)
        let model = SampleWorld.models[columns.models[i]].model
        let oldFirmware = columns.oldFirmware[i]
        let firmware =
            oldFirmware
            ? SampleWorld.oldLandiFirmware
            : model.firmware[rng.weightedIndex(model.firmware.map(\.weight))].name
        let network = columns.networks[i]
        let rssi: Int?
        switch network {
        case .ethernet: rssi = nil
        case .wifi: rssi = -rng.inRange(40...78)
        case .fourG, .threeG, .twoG: rssi = -rng.inRange(62...100)
        }
        var upgrade: PlannedUpgrade?
        if upgrading {
            upgrade = PlannedUpgrade(
                day: configuration.days / 2, timeOfDay: 12 * 3_600_000 + rng.inRange(Int64(0)...7_200_000),
                from: SampleWorld.oldLandiFirmware, to: SampleWorld.currentLandiFirmware, succeeds: true, planted: true)
        } else if firmware == SampleWorld.paxFirmwareBefore {
            // Routine upgrades, in null data too: docs/analysis.md §6 must find no effect in them.
            let roll = rng.uniform()
            if roll < 0.15 {
                upgrade = PlannedUpgrade(
                    day: rng.below(configuration.days), timeOfDay: 10 * 3_600_000 + rng.inRange(Int64(0)...36_000_000),
                    from: SampleWorld.paxFirmwareBefore, to: SampleWorld.paxFirmwareAfter, succeeds: roll < 0.12, planted: false)
            }
        }
        let gapPlanted = configuration.plantedCauses.contains(.codeTableGap)
        return Terminal(
            index: i, tid: tid.bytes, mid: String(decoding: mid.bytes, as: UTF8.self),
            region: columns.regions[i], model: columns.models[i], thirdParty: columns.thirdParty[i], agent: columns.agents[i],
            realm: columns.realms[i], feeTier: columns.feeTiers[i], merchantCategory: category, enrolmentFirmware: firmware,
            app: columns.apps[i], codeTable: oldFirmware && gapPlanted ? "CUP2010" : "CUP2015",
            network: network, baseRSSI: rssi, activity: 0.4 + 1.2 * rng.uniform(), clockSkew: columns.skews[i],
            oldFirmware: oldFirmware, upgrade: upgrade)
    }

    /// The inventory CSV (docs/formats.md §3), LF line ends; with a BOM when asked.
    func inventoryCSV(bom: Bool) -> [UInt8] {
        var out = OutputBuffer(capacity: terminals.count * 100)
        if bom { out.append([0xEF, 0xBB, 0xBF]) }
        out.append("tid,mid,brand,model,channel,agent,fee_tier,fee_rate,region,mcc,firmware\n")
        for t in terminals {
            out.append(t.tid)
            out.append(0x2C)
            out.append(t.mid)
            out.append(0x2C)
            out.append(t.brandName)
            out.append(0x2C)
            out.append(t.modelName)
            out.append(0x2C)
            out.append(t.thirdParty ? "third_party" : "official")
            out.append(0x2C)
            if let agent = t.agent { out.append(SampleWorld.agents[agent].name) }
            out.append(0x2C)
            out.append(SampleWorld.feeTiers[t.feeTier].name)
            out.append(0x2C)
            out.append(SampleWorld.feeTiers[t.feeTier].rate)
            out.append(0x2C)
            out.append(SampleWorld.regions[t.region].name)
            out.append(0x2C)
            out.appendInt(t.merchantCategory)
            out.append(0x2C)
            out.append(t.enrolmentFirmware)
            out.append(0x0A)
        }
        return out.bytes
    }
}
