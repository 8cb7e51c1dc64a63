import Glibc

/// Seconds on a clock that only goes forward: what the ingest, the analysis, the report and the
/// nightly run time their steps with (a difference of two readings, never a date).
package func monotonicSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}
