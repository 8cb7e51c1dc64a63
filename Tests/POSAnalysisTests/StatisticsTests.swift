import POSAnalysis
import Testing

// Every expected number below was printed by reference/make_reference.py (scipy 1.17.1,
// numpy, exact rational arithmetic and mpmath at 50 digits); reference/reference-values.txt
// is its output. Regenerate both together if a definition changes.

/// |actual − expected| ≤ relative · max(|actual|, |expected|); exact equality covers 0 and ∞.
private func isClose(_ actual: Double, _ expected: Double, relative: Double = 1e-9) -> Bool {
    actual == expected || abs(actual - expected) <= relative * max(abs(actual), abs(expected))
}

private func table(_ a: Int, _ n1: Int, _ c: Int, _ n0: Int) -> TwoByTwoTable {
    TwoByTwoTable(outcomesInside: a, sizeInside: n1, outcomesOutside: c, sizeOutside: n0)
}

@Suite("StatisticsTests")
struct StatisticsTests {
    // MARK: Row types of the reference tables

    /// z, Φ(z), 1 − Φ(z), ln(1 − Φ(z)).
    typealias NormalRow = (z: Double, cdf: Double, survival: Double, logSurvival: Double)

    /// x, P(χ²₁ > x), its logarithm.
    typealias ChiSquareRow = (x: Double, survival: Double, logSurvival: Double)

    /// o, n, o/n and the 95% score interval.
    typealias WilsonRow = (outcomes: Int, trials: Int, rate: Double, lower: Double, upper: Double)

    /// a, n1, c, n0, the risk ratio, its 95% interval, whether 0.5 was added.
    typealias KatzRow = (
        a: Int, n1: Int, c: Int, n0: Int, ratio: Double, lower: Double, upper: Double, corrected: Bool
    )

    /// a, n1, c, n0, the test used, the one-sided p-value and its logarithm.
    typealias HigherRateRow = (
        a: Int, n1: Int, c: Int, n0: Int, method: HigherRateTestMethod, pValue: Double, logPValue: Double
    )

    /// p-values and their q-values, in input order.
    typealias BenjaminiHochbergRow = (pValues: [Double], qValues: [Double])

    /// strata as (a, n1, c, n0), the pooled ratio, its interval, strata used, 0.5 added.
    typealias MantelHaenszelRow = (
        strata: [(Int, Int, Int, Int)], ratio: Double, lower: Double, upper: Double, contributing: Int, corrected: Bool
    )

    /// upgraded after/before, not upgraded after/before as (outcomes, total), the ratio, its interval, p, 0.5 added.
    typealias DifferenceRow = (
        a1: Int, n1: Int, a0: Int, n0: Int, c1: Int, m1: Int, c0: Int, m0: Int,
        ratio: Double, lower: Double, upper: Double, pValue: Double, corrected: Bool
    )

    /// a seed and the first outputs of `next()`.
    typealias GeneratorRow = (seed: UInt64, next: [UInt64])

    /// a seed, a bound and the first draws of `uniform(below:)`.
    typealias UniformRow = (seed: UInt64, bound: UInt64, draws: [UInt64])

    // MARK: Normal and chi-square tails

    static let normalRows: [NormalRow] = [
        (-40.0, 0.0, 1.0, 0.0),
        (-10.0, 7.61985302416047e-24, 1.0, -7.619853024160525e-24),
        (-1.0, 0.15865525393145707, 0.8413447460685429, -0.17275377902344988),
        (0.0, 0.5, 0.5, -0.6931471805599453),
        (0.5, 0.6914624612740131, 0.3085375387259869, -1.1759117615936185),
        (1.959963984540054, 0.975, 0.025000000000000012, -3.688879454113936),
        (5.0, 0.9999997133484281, 2.866515718791939e-07, -15.064998393988725),
        (10.0, 1.0, 7.619853024160525e-24, -53.23128515051247),
        (20.0, 1.0, 2.7536241186062337e-89, -203.91715537109727),
        (29.5, 1.0, 1.4394745522291793e-191, -439.42947460915025),
        (30.5, 1.0, 1.3029379131780763e-204, -469.4627373229121),
        (37.0, 1.0, 5.725571222524577e-300, -689.0305855768906),
        (38.5, 1.0, 0.0, -745.695270290411),
        (40.0, 1.0, 0.0, -804.6084420137538),
        (100.0, 1.0, 0.0, -5005.524208694205),
        (10000.0, 1.0, 0.0, -50000010.12927891),
    ]

    @Test("StandardNormal matches scipy/mpmath, including tails past 1e-300", arguments: normalRows)
    func standardNormal(row: NormalRow) {
        #expect(isClose(StandardNormal.cdf(row.z), row.cdf))
        #expect(isClose(StandardNormal.survival(row.z), row.survival))
        #expect(isClose(StandardNormal.logSurvival(row.z), row.logSurvival))
    }

    static let chiSquareRows: [ChiSquareRow] = [
        (0.0, 1.0, 0.0),
        (1e-10, 0.9999920211543921, -7.978877439053607e-06),
        (1.0, 0.3173105078629141, -1.1478744644493182),
        (3.841458820694124, 0.05000000000000006, -2.99573227355399),
        (10.0, 0.0015654022580025497, -6.459612454150122),
        (100.0, 1.523970604832105e-23, -52.53813796995252),
        (1000.0, 1.7958327848007262e-219, -503.6806665043817),
        (1400.0, 2.1010145162642176e-306, -703.8486181251224),
        (2000.0, 0.0, -1004.0267419589519),
    ]

    @Test("ChiSquareOneDegree matches scipy.stats.chi2(1)", arguments: chiSquareRows)
    func chiSquareOneDegree(row: ChiSquareRow) {
        #expect(isClose(ChiSquareOneDegree.survival(row.x), row.survival))
        #expect(isClose(ChiSquareOneDegree.logSurvival(row.x), row.logSurvival))
    }

    @Test("the 95% quantile is Φ⁻¹(0.975)")
    func quantile() {
        #expect(isClose(StandardNormal.cdf(normalQuantile975), 0.975, relative: 1e-15))
    }

    // MARK: Wilson interval

    static let wilsonRows: [WilsonRow] = [
        (0, 1, 0.0, 0.0, 0.7934506856227626),
        (1, 1, 1.0, 0.20654931437723742, 1.0),
        (0, 2, 0.0, 0.0, 0.6576197724933469),
        (1, 2, 0.5, 0.09453120573423072, 0.9054687942657693),
        (2, 3, 0.6666666666666666, 0.20765960080204773, 0.9385080552796038),
        (0, 10, 0.0, 0.0, 0.2775327998628892),
        (10, 10, 1.0, 0.7224672001371107, 1.0),
        (5, 10, 0.5, 0.236593090512564, 0.7634069094874361),
        (3, 10, 0.3, 0.10779126740630103, 0.6032218525388546),
        (123, 4567, 0.026932340705058025, 0.02262002231302803, 0.032039816815401245),
        (1, 5_000_000, 2e-07, 3.530491185943915e-08, 1.132985954691135e-06),
        (40000, 5_000_000, 0.008, 0.007922292778893843, 0.008078463219621242),
        (4_999_999, 5_000_000, 0.9999998, 0.9999988670140453, 0.9999999646950881),
        (5_000_000, 5_000_000, 1.0, 0.9999992317088261, 1.0),
    ]

    @Test("WilsonInterval matches scipy binomtest(...).proportion_ci(method='wilson')", arguments: wilsonRows)
    func wilson(row: WilsonRow) {
        let interval = WilsonInterval(outcomes: row.outcomes, trials: row.trials)
        #expect(interval.rate == row.rate)
        #expect(isClose(interval.lower, row.lower))
        #expect(isClose(interval.upper, row.upper))
    }

    @Test("no transactions: rate 0, interval [0, 1]")
    func wilsonEmpty() {
        let interval = WilsonInterval(outcomes: 0, trials: 0)
        #expect(interval.rate == 0)
        #expect(interval.lower == 0)
        #expect(interval.upper == 1)
    }

    // MARK: Katz risk ratio

    static let katzRows: [KatzRow] = [
        (30, 200, 100, 2000, 3.0, 2.0490653425434435, 4.392246461417657, false),  // typical
        (0, 10, 5, 100, 0.8347107438016529, 0.04938763433530241, 14.107620970212691, true),  // a = 0
        (5, 10, 0, 100, 101.0, 5.975903754571592, 1707.0221373957356, true),  // c = 0
        (10, 10, 5, 100, 17.52892561983471, 7.698507531642547, 39.912052059802335, true),  // a = n1
        (1, 1, 0, 1, 3.0, 0.23890475166198244, 37.67191710248513, true),  // tiny 1/1 vs 0/1
        (1, 2, 1, 3, 1.5, 0.18058784345928497, 12.459310421453043, false),  // tiny 1/2 vs 1/3
        (2, 3, 0, 1, 2.5, 0.20162845823885048, 30.997608445709613, true),  // tiny 2/3 vs 0/1
        (1, 3, 2, 3, 0.5, 0.08354738489782344, 2.9923138863741134, false),  // tiny 1/3 vs 2/3
        (10, 10, 20, 20, 0.9778270509977827, 0.8456489470990937, 1.1306650885606537, true),  // all outcome
        (0, 10, 0, 20, 1.9090909090909092, 0.040565992881340746, 89.84441992667172, true),  // no outcome
        (7, 10, 3, 10, 2.3333333333333335, 0.8329861806388967, 6.536056144735293, false),  // expected exactly 5
        (7, 10, 2, 9, 3.15, 0.8689770101920925, 11.418598977441961, false),  // expected 4.26
        (10, 1000, 300, 10000, 0.3333333333333333, 0.17812136261426909, 0.6237944145516555, false),  // rate below outside
        (40000, 4_950_000, 39400, 5_000_000, 1.025483258985797, 1.0113720648792306, 1.0397913398821297, false),  // huge, moderate p
        (40000, 200000, 30000, 5_000_000, 33.333333333333336, 32.86049601496478, 33.81297441782703, false),  // huge, p underflows
        (15925, 1_000_000, 10000, 1_000_000, 1.5925, 1.5534089549197232, 1.632574758867061, false),  // huge, p near 1e-300
        (3, 10, 40000, 5_000_000, 37.5, 14.549229994543545, 96.65459962674255, false),  // huge fisher, upper tail
        (1, 500, 40000, 5_000_000, 0.25, 0.035284139270847475, 1.771334126085339, false),  // huge fisher, a below mean
        (146, 150, 40000, 5_000_000, 121.66666666666667, 118.28010326663784, 125.15019321895586, false),  // huge fisher, p near 1e-300
        (200, 200, 40, 5_000_000, 123149.70831030035, 90499.65235103706, 167579.10403993138, true),  // fisher far tail
        (4_999_990, 5_000_000, 2, 10, 4.99999, 1.4475114604201238, 17.270951342135877, false),  // fisher, support at the top of a huge S
        (2, 4, 2, 4, 1.0, 0.2500976532599064, 3.998438157917381, false),  // fisher 2/4 vs 2/4
        (3, 5, 0, 5, 7.0, 0.45262061406520543, 108.25843648592851, true),  // fisher 3/5 vs 0/5
        (10, 100000, 50000, 100000, 0.0002, 0.00010761094202541791, 0.00037170941213907337, false),  // chi-square far below: p rounds to 1
    ]

    @Test("Katz risk ratio matches numpy/mpmath, 0.5 added only for a zero cell", arguments: katzRows)
    func katz(row: KatzRow) throws {
        let estimate = try #require(table(row.a, row.n1, row.c, row.n0).riskRatio())
        #expect(isClose(estimate.ratio, row.ratio))
        #expect(isClose(estimate.lower, row.lower))
        #expect(isClose(estimate.upper, row.upper))
        #expect(estimate.zeroCellCorrected == row.corrected)
        #expect(estimate.lower <= estimate.ratio && estimate.ratio <= estimate.upper)
    }

    @Test("no risk ratio without both groups (single attribute value, empty subset)")
    func katzDegenerate() {
        #expect(table(7, 50, 0, 0).riskRatio() == nil)
        #expect(table(0, 0, 7, 50).riskRatio() == nil)
        #expect(table(0, 0, 0, 0).riskRatio() == nil)
    }

    // MARK: One-sided test of a higher rate

    static let higherRateRows: [HigherRateRow] = [
        (30, 200, 100, 2000, .chiSquare, 5.3724427006740965e-09, -19.041983152769067),  // typical, z = 5.71853
        (0, 10, 5, 100, .fisherExact, 1.0, 0.0),  // a = 0
        (5, 10, 0, 100, .fisherExact, 2.058966143096088e-06, -13.093306573426284),  // c = 0
        (10, 10, 5, 100, .fisherExact, 6.40330774891207e-11, -23.47162133031497),  // a = n1
        (1, 1, 0, 1, .fisherExact, 0.5, -0.6931471805599453),  // tiny 1/1 vs 0/1
        (1, 2, 1, 3, .fisherExact, 0.7, -0.3566749439387324),  // tiny 1/2 vs 1/3
        (2, 3, 0, 1, .fisherExact, 0.5, -0.6931471805599453),  // tiny 2/3 vs 0/1
        (1, 3, 2, 3, .fisherExact, 0.95, -0.051293294387550536),  // tiny 1/3 vs 2/3
        (10, 10, 20, 20, .degenerateTable, 1.0, 0.0),  // all outcome
        (0, 10, 0, 20, .degenerateTable, 1.0, 0.0),  // no outcome
        (7, 10, 3, 10, .chiSquare, 0.036819135060151324, -3.3017375944864935),  // expected exactly 5, z = 1.78885
        (7, 10, 2, 9, .fisherExact, 0.05125679274286085, -2.9709071284223305),  // expected 4.26
        (10, 1000, 300, 10000, .chiSquare, 0.9998656881321126, -0.00013432088853399568),  // rate below outside, z = -3.64382
        (40000, 4_950_000, 39400, 5_000_000, .chiSquare, 0.0001857268403214635, -8.591233564123897),  // huge, moderate p, z = 3.55958
        (40000, 200000, 30000, 5_000_000, .chiSquare, 0.0, -272504.32075445796),  // huge, p underflows, z = 738.237
        (15925, 1_000_000, 10000, 1_000_000, .chiSquare, 1.3377444141651003e-300, -690.4845429755578),  // huge, p near 1e-300, z = 37.0392
        (3, 10, 40000, 5_000_000, .fisherExact, 5.891703929110219e-05, -9.73938021727425),  // huge fisher, upper tail
        (1, 500, 40000, 5_000_000, .fisherExact, 0.9819748026539648, -0.018189630168722905),  // huge fisher, a below mean
        (146, 150, 40000, 5_000_000, .fisherExact, 1.8168162846428445e-299, -687.8758571300849),  // huge fisher, p near 1e-300
        (200, 200, 40, 5_000_000, .fisherExact, 0.0, -2116.3014069217247),  // fisher far tail
        (4_999_990, 5_000_000, 2, 10, .fisherExact, 2.0324712246683325e-43, -98.30190659400911),  // fisher, support at the top of a huge S
        (2, 4, 2, 4, .fisherExact, 0.7571428571428571, -0.27820332849723717),  // fisher 2/4 vs 2/4
        (3, 5, 0, 5, .fisherExact, 0.08333333333333333, -2.4849066497880004),  // fisher 3/5 vs 0/5
        (10, 100000, 50000, 100000, .chiSquare, 1.0, 0.0),  // chi-square far below: p rounds to 1, z = -258.13
        (7, 50, 0, 0, .degenerateTable, 1.0, 0.0),  // single value (n0 = 0)
        (0, 0, 7, 50, .degenerateTable, 1.0, 0.0),  // empty subset (n1 = 0)
    ]

    @Test(
        "one-sided p-value matches scipy chi2_contingency / fisher_exact(greater) and exact arithmetic",
        arguments: higherRateRows)
    func higherRate(row: HigherRateRow) {
        let test = table(row.a, row.n1, row.c, row.n0).higherRateTest()
        #expect(test.method == row.method)
        if row.pValue == 0 {
            // Below the smallest Double: the p-value must underflow, its logarithm must not.
            #expect(test.pValue < 1e-250)
        } else {
            #expect(isClose(test.pValue, row.pValue))
        }
        #expect(isClose(test.logPValue, row.logPValue))
    }

    // MARK: Benjamini–Hochberg

    static let benjaminiHochbergRows: [BenjaminiHochbergRow] = [
        ([0.01, 0.04, 0.03, 0.005], [0.02, 0.04, 0.039999999999999994, 0.02]),
        ([0.01, 0.01, 0.02, 0.02, 0.5], [0.025, 0.025, 0.025, 0.025, 0.5]),
        ([0.03], [0.03]),
        ([1.0], [1.0]),
        ([0.9, 0.95, 0.8], [0.95, 0.95, 0.95]),
        ([0.0, 1e-300, 0.05, 1.0, 0.05, 0.2], [0.0, 3e-300, 0.07500000000000001, 1.0, 0.07500000000000001, 0.24]),
        (
            [0.04, 0.001, 0.04, 0.04, 0.3, 0.02, 0.011],
            [0.04666666666666667, 0.007, 0.04666666666666667, 0.04666666666666667, 0.3, 0.04666666666666667, 0.0385]
        ),
    ]

    @Test("BH q-values match scipy.stats.false_discovery_control", arguments: benjaminiHochbergRows)
    func benjaminiHochberg(row: BenjaminiHochbergRow) {
        let qValues = benjaminiHochbergQValues(row.pValues)
        #expect(qValues.count == row.qValues.count)
        for (actual, expected) in zip(qValues, row.qValues) {
            #expect(isClose(actual, expected))
        }
    }

    @Test("BH: empty input, and NaN p-values neither tested nor counted")
    func benjaminiHochbergEdges() {
        #expect(benjaminiHochbergQValues([]).isEmpty)
        let qValues = benjaminiHochbergQValues([0.01, .nan, 0.04, 0.03, 0.005])
        #expect(qValues[1].isNaN)
        // Without the NaN this is the first reference row: 0.02, 0.04, 0.04, 0.02.
        #expect(isClose(qValues[0], 0.02) && isClose(qValues[2], 0.04))
        #expect(isClose(qValues[3], 0.04) && isClose(qValues[4], 0.02))
    }

    // MARK: Mantel–Haenszel

    static let mantelHaenszelRows: [MantelHaenszelRow] = [
        // Doll & Hill 1950, published 2.4751 (1.5831, 3.8698)
        ([(647, 1269, 2, 29), (41, 69, 19, 51)], 2.4751191035161333, 1.5830866619243122, 3.869791037935864, 2, false),
        (
            [(2, 39, 1, 43), (4, 44, 4, 44), (6, 107, 4, 110), (7, 103, 5, 100), (7, 110, 3, 106), (11, 154, 4, 146)], 1.7345277485479758,
            1.0286670820539117, 2.924742672309244, 6, false
        ),  // Lidocaine, Hine et al. 1989, six strata
        // two strata where S does not vary
        ([(5, 50, 3, 60), (4, 40, 0, 0), (0, 0, 2, 30), (10, 100, 8, 200)], 2.330827067669173, 1.0982878119907984, 4.946567520886585, 2, false),
        ([(0, 20, 3, 50), (0, 30, 5, 70)], 0.2608101957214383, 0.03397606176355301, 2.002055407882024, 2, true),  // no outcome inside S: corrected
        ([(3, 20, 0, 50), (2, 30, 0, 70)], 14.16872427983539, 1.7579774831221346, 114.19528955596395, 2, true),  // no outcome outside S: corrected
        (
            [(40000, 2_000_000, 30000, 3_000_000), (20000, 500000, 10000, 1_000_000)], 2.4347826086956523, 2.4046605590075663, 2.465281983105938, 2,
            false
        ),  // huge strata
        ([(30, 200, 100, 2000)], 3.0, 2.0490653425434435, 4.392246461417658, 1, false),  // one stratum equals Katz
        ([(10, 10, 20, 20), (5, 5, 7, 7)], 1.0, 1.0, 1.0, 2, false),  // every transaction an outcome
    ]

    @Test("Mantel–Haenszel risk ratio with Greenland–Robins interval matches numpy", arguments: mantelHaenszelRows)
    func mantelHaenszel(row: MantelHaenszelRow) throws {
        let pooled = try #require(MantelHaenszelRiskRatio(strata: row.strata.map { table($0.0, $0.1, $0.2, $0.3) }))
        #expect(isClose(pooled.estimate.ratio, row.ratio))
        #expect(isClose(pooled.estimate.lower, row.lower))
        #expect(isClose(pooled.estimate.upper, row.upper))
        #expect(pooled.contributingStrata == row.contributing)
        #expect(pooled.estimate.zeroCellCorrected == row.corrected)
    }

    @Test("Mantel–Haenszel reproduces the published Doll & Hill example: 2.4751 (1.5831 to 3.8698)")
    func mantelHaenszelPublished() throws {
        // Fagerland, Lydersen & Laake, Statistical Analysis of Contingency Tables (2017), ch. 10.
        let pooled = try #require(MantelHaenszelRiskRatio(strata: [table(647, 1269, 2, 29), table(41, 69, 19, 51)]))
        #expect((pooled.estimate.ratio * 1e4).rounded() == 24751)
        #expect((pooled.estimate.lower * 1e4).rounded() == 15831)
        #expect((pooled.estimate.upper * 1e4).rounded() == 38698)
    }

    @Test("Mantel–Haenszel over one stratum is the Katz risk ratio")
    func mantelHaenszelOneStratum() throws {
        let single = table(123, 4567, 890, 76543)
        let pooled = try #require(MantelHaenszelRiskRatio(strata: [single]))
        let katz = try #require(single.riskRatio())
        #expect(isClose(pooled.estimate.ratio, katz.ratio, relative: 1e-12))
        #expect(isClose(pooled.estimate.standardErrorOfLog, katz.standardErrorOfLog, relative: 1e-12))
    }

    @Test("no stratum in which S varies: nil (aliased, not confounded)")
    func mantelHaenszelAliased() {
        #expect(MantelHaenszelRiskRatio(strata: [TwoByTwoTable]()) == nil)
        #expect(MantelHaenszelRiskRatio(strata: [table(4, 40, 0, 0), table(0, 0, 2, 30)]) == nil)
    }

    // MARK: Difference in differences

    static let differenceRows: [DifferenceRow] = [
        (120, 4000, 40, 4100, 300, 50000, 290, 51000, 2.9142156862745097, 1.97321514028839, 4.3039671106958926, 7.607157601424571e-08, false),
        (5, 400, 0, 380, 30, 5000, 28, 5100, 9.574582373546692, 0.5081248028089538, 180.41360532108945, 0.13154766545080182, true),
        (40000, 2_500_000, 12000, 2_400_000, 40000, 5_000_000, 39000, 5_000_000, 3.12, 3.0441311836407743, 3.1977596932460965, 0.0, false),
        (1, 2, 1, 3, 1, 1, 1, 2, 0.8888888888888888, 0.09935168130299739, 7.952794018456997, 0.9160993988551112, true),
        (10, 100, 10, 100, 20, 200, 20, 200, 1.0, 0.3611625443357659, 2.7688364025653756, 1.0, false),
        (8, 300, 30, 310, 50, 2000, 48, 2100, 0.25193650793650796, 0.10682466267082297, 0.5941699458188716, 0.001637266718181062, false),
    ]

    @Test("difference-in-differences ratio matches the hand computation", arguments: differenceRows)
    func differenceInDifferences(row: DifferenceRow) throws {
        let did = try #require(
            DifferenceInDifferences(
                upgradedAfter: OutcomeCount(outcomes: row.a1, total: row.n1),
                upgradedBefore: OutcomeCount(outcomes: row.a0, total: row.n0),
                notUpgradedAfter: OutcomeCount(outcomes: row.c1, total: row.m1),
                notUpgradedBefore: OutcomeCount(outcomes: row.c0, total: row.m0)))
        #expect(isClose(did.estimate.ratio, row.ratio))
        #expect(isClose(did.estimate.lower, row.lower))
        #expect(isClose(did.estimate.upper, row.upper))
        #expect(did.estimate.zeroCellCorrected == row.corrected)
        if row.pValue == 0 {
            #expect(did.pValue < 1e-250)
        } else {
            #expect(isClose(did.pValue, row.pValue))
        }
    }

    @Test("difference in differences needs transactions in all four groups")
    func differenceInDifferencesEmpty() {
        let some = OutcomeCount(outcomes: 3, total: 100)
        let none = OutcomeCount(outcomes: 0, total: 0)
        let noBefore = DifferenceInDifferences(
            upgradedAfter: some, upgradedBefore: none, notUpgradedAfter: some, notUpgradedBefore: some)
        let noControl = DifferenceInDifferences(
            upgradedAfter: some, upgradedBefore: some, notUpgradedAfter: some, notUpgradedBefore: none)
        #expect(noBefore == nil)
        #expect(noControl == nil)
    }

    // MARK: Seeded generator

    static let generatorRows: [GeneratorRow] = [
        (
            seed: 0,
            next: [
                11_091_344_671_253_066_420, 13_793_997_310_169_335_082, 1_900_383_378_846_508_768, 7_684_712_102_626_143_532,
                13_521_403_990_117_723_737, 18_442_103_541_295_991_498,
            ]
        ),
        (
            seed: 1_234_567,
            next: [
                3_504_822_795_582_309_479, 1_819_558_768_956_484_042, 1_250_851_346_055_027_673, 16_940_231_675_099_994_102,
                11_585_879_347_611_423_030, 8_134_400_763_355_999_650,
            ]
        ),
        (
            seed: 3_735_928_559,
            next: [
                14_219_364_052_333_592_195, 7_332_719_151_195_188_792, 6_122_488_799_882_574_371, 4_799_409_443_904_522_999,
                18_090_429_560_773_761_838, 11_343_726_250_536_552_999,
            ]
        ),
    ]

    @Test("xoshiro256** seeded by SplitMix64 gives the reference stream", arguments: generatorRows)
    func generatorStream(row: GeneratorRow) {
        var generator = Xoshiro256StarStar(seed: row.seed)
        #expect(row.next.map { _ in generator.next() } == row.next)
    }

    static let uniformRows: [UniformRow] = [
        (seed: 42, bound: 1, draws: [0, 0, 0, 0, 0, 0, 0, 0]),
        (seed: 42, bound: 6, draws: [0, 2, 4, 5, 5, 4, 4, 5]),
        (seed: 42, bound: 1000, draws: [83, 378, 680, 924, 991, 769, 719, 850]),
        (
            seed: 7, bound: 9_223_372_036_854_775_809,
            draws: [
                6_461_677_535_414_237_997, 7_744_196_453_246_319_819, 9_049_029_322_324_588_832, 9_139_072_988_219_048_332, 1_400_256_439_129_669_809,
                6_750_200_521_807_187_948, 2_367_621_049_898_315_487, 1_443_456_880_271_936_157,
            ]
        ),
        (
            seed: 7, bound: 3_000_000_000,
            draws: [2_101_729_446, 836_253_688, 2_518_882_385, 2_943_293_175, 2_972_580_836, 2_618_321_816, 182_256_238, 313_307_367]
        ),
    ]

    @Test("uniform(below:) is Lemire's unbiased draw, rejections included", arguments: uniformRows)
    func generatorUniform(row: UniformRow) {
        var generator = Xoshiro256StarStar(seed: row.seed)
        #expect(row.draws.map { _ in generator.uniform(below: row.bound) } == row.draws)
        if row.bound <= UInt64(Int.max) {
            var twin = Xoshiro256StarStar(seed: row.seed)
            #expect(row.draws.map { _ in UInt64(twin.uniform(below: Int(row.bound))) } == row.draws)
        }
    }
}
