/// The fixed facts of the sample world: cities, terminal makers and their firmware, agents,
/// acquirer realms, merchant categories and response codes. All names are fictitious or public
/// (brand and model names, CUP code values); none is a real merchant or terminal.
enum SampleWorld {
    struct Region {
        /// As the inventory writes it.
        var name: String
        /// As file names write it.
        var ascii: String
        /// The CUP area code inside merchant IDs.
        var areaCode: Int
        var weight: Double
        /// Weights of `NetworkType.allCases`.
        var networkWeights: [Double]
    }

    static let regions: [Region] = [
        Region(name: "上海", ascii: "shanghai", areaCode: 2900, weight: 24, networkWeights: defaultNetworkWeights),
        Region(name: "北京", ascii: "beijing", areaCode: 1000, weight: 22, networkWeights: defaultNetworkWeights),
        Region(name: "广州", ascii: "guangzhou", areaCode: 5810, weight: 16, networkWeights: defaultNetworkWeights),
        Region(name: "深圳", ascii: "shenzhen", areaCode: 5840, weight: 16, networkWeights: defaultNetworkWeights),
        Region(name: "成都", ascii: "chengdu", areaCode: 6510, weight: 12, networkWeights: defaultNetworkWeights),
        // Remote: much more 2G, which the timeouts cause needs.
        Region(name: "乌鲁木齐", ascii: "urumqi", areaCode: 8810, weight: 10, networkWeights: [35, 15, 35, 10, 5]),
    ]
    /// The region whose 2G terminals get the planted timeouts.
    static let timeoutRegion = 5

    /// 4g, 3g, 2g, wifi, eth.
    static let defaultNetworkWeights: [Double] = [50, 10, 10, 18, 12]

    enum NetworkType: Int, CaseIterable {
        case fourG, threeG, twoG, wifi, ethernet

        var text: StaticString {
            switch self {
            case .fourG: return "4g"
            case .threeG: return "3g"
            case .twoG: return "2g"
            case .wifi: return "wifi"
            case .ethernet: return "eth"
            }
        }

        var isCellular: Bool { self == .fourG || self == .threeG || self == .twoG }

        /// One-way network delay in milliseconds.
        var oneWayDelay: ClosedRange<Int64> {
            switch self {
            case .ethernet: return 15...80
            case .wifi: return 30...160
            case .fourG: return 50...260
            case .threeG: return 120...520
            case .twoG: return 300...1300
            }
        }
    }

    struct Model {
        var brand: String
        var model: String
        /// Firmware builds at enrolment, with weights.
        var firmware: [(name: String, weight: Double)]
        /// Within its brand.
        var weight: Double
    }

    struct Brand {
        var name: String
        var weight: Double
        var models: [Model]
    }

    static let oldLandiFirmware = "A8_LandiOS_V1.6.0"
    static let currentLandiFirmware = "A8_LandiOS_V1.8.2"
    static let paxFirmwareBefore = "A920_PayDroid_V02.3.15"
    static let paxFirmwareAfter = "A920_PayDroid_V02.3.16"

    static let brands: [Brand] = [
        Brand(
            name: "PAX", weight: 25,
            models: [
                Model(brand: "PAX", model: "A920", firmware: [(paxFirmwareBefore, 70), (paxFirmwareAfter, 30)], weight: 60),
                Model(brand: "PAX", model: "S920", firmware: [("S920_Prolin_V2.6.8", 1)], weight: 40),
            ]),
        Brand(
            name: "Newland", weight: 18,
            models: [
                Model(brand: "Newland", model: "N910", firmware: [("N910_NLOS_V3.2.1", 1)], weight: 60),
                Model(brand: "Newland", model: "ME31", firmware: [("ME31_NLOS_V1.9.4", 1)], weight: 40),
            ]),
        Brand(
            name: "Landi", weight: 20,
            models: [
                Model(brand: "Landi", model: "A8", firmware: [(currentLandiFirmware, 1)], weight: 65),
                Model(brand: "Landi", model: "P990", firmware: [("P990_LandiOS_V2.1.0", 1)], weight: 35),
            ]),
        Brand(
            name: "Centerm", weight: 10,
            models: [
                Model(brand: "Centerm", model: "K9", firmware: [("K9_CTOS_V5.0.3", 1)], weight: 1)
            ]),
        Brand(
            name: "Verifone", weight: 10,
            models: [
                Model(brand: "Verifone", model: "X990", firmware: [("X990_VOS3_V1.4.2", 1)], weight: 1)
            ]),
        Brand(
            name: "Xinguodu", weight: 17,
            models: [
                Model(brand: "Xinguodu", model: "N5", firmware: [("N5_XGDOS_V1.2.7", 1)], weight: 60),
                Model(brand: "Xinguodu", model: "G2", firmware: [("G2_XGDOS_V1.1.3", 1)], weight: 40),
            ]),
    ]
    /// Every model, flattened, with its weight in the whole fleet.
    static let models: [(model: Model, weight: Double)] = brands.flatMap { brand in
        let total = brand.models.reduce(0) { $0 + $1.weight }
        return brand.models.map { ($0, brand.weight * $0.weight / total) }
    }
    static let landiA8ModelIndex = models.firstIndex { $0.model.model == "A8" }!
    static let paxA920ModelIndex = models.firstIndex { $0.model.model == "A920" }!

    /// Third-party agents (fictitious), with weights, and the share of each one's terminals it
    /// routes through `agentpay-switch`.
    static let agents: [(name: String, weight: Double, agentpayShare: Double)] = [
        ("鑫通支付", 28, 0.5),
        ("QuickPay", 22, 0.5),
        ("汇联代理", 22, 0.5),
        ("捷付通", 16, 0),
        ("PayLink", 12, 0),
    ]

    static let officialApps: [(name: String, weight: Double)] = [("epos-4.2.0", 65), ("epos-4.1.9", 35)]
    static let thirdPartyApps: [(name: String, weight: Double)] = [("upay-3.7.2", 50), ("smartpos-2.5.1", 50)]

    static let feeTiers: [(name: String, rate: String)] = [
        ("standard", "0.60"), ("preferential", "0.38"), ("waived", "0.00"), ("capped", "0.50"),
    ]
    /// Fee tiers of merchants on the ordinary routes.
    static let feeTierWeights: [Double] = [45, 35, 8, 12]
    /// Merchants signed by the agents that route through agentpay-switch are mostly `waived`
    /// (the second decoy of the nonstandard-code cause).
    static let agentpayFeeTierWeights: [Double] = [20, 15, 65, 0]

    static let merchantCategories: [(code: Int, weight: Double)] = [
        (5411, 20), (5812, 20), (5814, 12), (5999, 15), (5311, 8), (5912, 8), (4121, 7), (5541, 5), (7011, 5),
    ]

    /// An acquirer realm (a jPOS channel) and how its log looks.
    struct Realm {
        var name: String
        var ascii: String
        var address: String
        /// Share of the terminals not routed through agentpay-switch.
        var weight: Double
        var timeStyle: AcquirerTimeStyle
        /// When `legacyJposTimestamps` is on.
        var legacy: Bool
        /// Field 41 padded to 15 characters when `paddedTIDs` is on.
        var padsTID: Bool
        /// Share of requests whose field 2 is logged in full when `fullCardNumbers` is on (the
        /// rest as jPOS's ProtectedLogListener writes it: `622848______1234`).
        var fullPANShare: Double
        /// Logs track 2 (field 35) of chip and swipe requests when `fullCardNumbers` is on.
        var logsTrack2: Bool

        var realm: String { name + "/" + address }
    }

    static let realms: [Realm] = [
        Realm(
            name: "cup-channel", ascii: "cup-channel", address: "10.1.2.3:5000", weight: 55,
            timeStyle: .localNoOffset, legacy: false, padsTID: false, fullPANShare: 0, logsTrack2: false),
        Realm(
            name: "bankcard-host", ascii: "bankcard-host", address: "10.1.4.20:8000", weight: 27,
            timeStyle: .localWithOffset, legacy: false, padsTID: true, fullPANShare: 0, logsTrack2: false),
        Realm(
            name: "legacy-switch", ascii: "legacy-switch", address: "10.1.3.9:5001", weight: 18,
            timeStyle: .javaDate, legacy: true, padsTID: false, fullPANShare: 1, logsTrack2: true),
        Realm(
            name: "agentpay-switch", ascii: "agentpay-switch", address: "10.9.0.5:7001", weight: 0,
            timeStyle: .localNoOffset, legacy: false, padsTID: false, fullPANShare: 0.2, logsTrack2: false),
    ]
    static let agentpayRealm = 3

    /// The private code the user catalogue (`codes-private.csv`) declares for agentpay-switch.
    /// The agents' payment apps know it too, so terminals show it as `declined`.
    static let declaredPrivateCode = (code: "Q7", meaning: "风控拦截（代理商自定义）")
    /// Private codes in no catalogue.
    static let undeclaredPrivateCodes = ["Q1", "X9"]
    /// CUP 2015 codes that a `CUP2010` table lacks.
    static let newerCUPCodes = ["A7", "D1", "F3"]
    /// Declines every code table knows, with weights.
    static let knownDeclines: [(code: String, weight: Double)] = [
        ("51", 35), ("05", 25), ("55", 15), ("61", 10), ("14", 10), ("54", 5),
    ]

    /// Card BINs, with the length of their card numbers.
    static let cardRanges: [(bin: String, length: Int)] = [
        ("622848", 19), ("621700", 19), ("622202", 19), ("622588", 16), ("625807", 16),
        ("436742", 16), ("403391", 16), ("524094", 16), ("356833", 16), ("621483", 16),
    ]

    enum TransactionType: Int, CaseIterable {
        case sale, refund, void, preauth, balance, reversal

        var text: StaticString {
            switch self {
            case .sale: return "sale"
            case .refund: return "refund"
            case .void: return "void"
            case .preauth: return "preauth"
            case .balance: return "balance"
            case .reversal: return "reversal"
            }
        }

        /// ISO 8583 field 3.
        var processingCode: StaticString {
            switch self {
            case .sale, .reversal: return "000000"
            case .refund, .void: return "200000"
            case .preauth: return "030000"
            case .balance: return "310000"
            }
        }
    }
    /// sale, refund, void, preauth, balance.
    static let transactionTypeWeights: [Double] = [82, 3, 4, 4, 7]

    enum EntryMode: Int, CaseIterable {
        case chip, nfc, qr, swipe, manual

        var text: StaticString {
            switch self {
            case .chip: return "chip"
            case .nfc: return "nfc"
            case .qr: return "qr"
            case .swipe: return "swipe"
            case .manual: return "manual"
            }
        }

        /// ISO 8583 field 22.
        var posEntryMode: StaticString {
            switch self {
            case .chip: return "051"
            case .nfc: return "071"
            case .qr: return "031"
            case .swipe: return "021"
            case .manual: return "011"
            }
        }

        var hasCard: Bool { self != .qr }
    }
    static let entryModeWeights: [Double] = [45, 25, 15, 12, 3]

    /// Relative transaction volume by local hour (07–22).
    static let hourWeights: [Double] = [2, 4, 6, 7, 9, 10, 8, 6, 6, 6, 8, 10, 9, 7, 4, 2]
    static let firstTransactionHour = 7
}
