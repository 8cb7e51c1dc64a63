import Glibc

/// The standard normal distribution: the tails the p-values of the analysis are read from.
///
/// Tails are computed from `erfc`, never as `1 - cdf`, so a survival probability of 1e-300 keeps
/// all its digits. Below about 1e-308 a `Double` underflows to 0; `logSurvival(_:)` keeps going
/// and is what ranks or compares such p-values.
public enum StandardNormal {
    /// P(Z ≤ z).
    public static func cdf(_ z: Double) -> Double {
        0.5 * erfc(-z * halfSquareRoot2)
    }

    /// P(Z > z), to full relative precision down to about 1e-308, where `Double` runs out.
    public static func survival(_ z: Double) -> Double {
        0.5 * erfc(z * halfSquareRoot2)
    }

    /// ln P(Z > z), finite for every finite z (about −z²/2 far in the upper tail).
    ///
    /// NaN gives NaN; `+infinity` gives `-infinity`.
    public static func logSurvival(_ z: Double) -> Double {
        if z < -1 {
            // The survival is near 1: log1p keeps the small complement.
            return log1p(-survival(-z))
        }
        if z <= 30 {
            // erfc(30/√2) ≈ 5e-198, far from underflow: the direct route is exact to rounding.
            return log(survival(z))
        }
        if z == .infinity { return -.infinity }
        return -0.5 * z * z - log(z) - logSquareRoot2Pi + log(z * millsRatio(z))
    }

    /// The Mills ratio P(Z > z)/φ(z) for z ≥ 30 by its continued fraction
    /// 1/(z + 1/(z + 2/(z + 3/(z + …)))), evaluated bottom-up.
    ///
    /// At z = 30 each level shrinks the error by about k/z², so 40 levels are far past
    /// double precision.
    private static func millsRatio(_ z: Double) -> Double {
        var tail = z
        var level = 40.0
        while level >= 1 {
            tail = z + level / tail
            level -= 1
        }
        return 1 / tail
    }

    private static let halfSquareRoot2 = 0.70710678118654752440
    private static let logSquareRoot2Pi = 0.91893853320467274178
}

/// The chi-square distribution with one degree of freedom: the square of a standard normal.
public enum ChiSquareOneDegree {
    /// P(X > x) = P(|Z| > √x); 1 for x ≤ 0.
    public static func survival(_ x: Double) -> Double {
        guard x > 0 else { return x.isNaN ? .nan : 1 }
        return erfc((0.5 * x).squareRoot())
    }

    /// ln P(X > x), finite far beyond the point where `survival(_:)` underflows.
    public static func logSurvival(_ x: Double) -> Double {
        guard x > 0 else { return x.isNaN ? .nan : 0 }
        let root = (0.5 * x).squareRoot()
        if root < 0.5 {
            // The survival is near 1; erf of a small argument keeps the digits erfc rounds away.
            return log1p(-erf(root))
        }
        return logTwo + StandardNormal.logSurvival(x.squareRoot())
    }

    private static let logTwo = 0.69314718055994530942
}

/// The multiplier of a two-sided 95% normal interval, Φ⁻¹(0.975), to double precision.
public let normalQuantile975 = 1.959963984540054
