//! Simulated time.
//!
//! Time is an integer count of nanoseconds since the start of a run. Integers
//! make event order exact (no two float sums that "should" be equal but are
//! not) and identical on every platform. A `u64` of nanoseconds spans 584
//! years of simulated time, far beyond any run.

/// A point in simulated time or a duration [ns].
pub type Nanos = u64;

/// Nanoseconds per second.
pub const NANOS_PER_SEC: Nanos = 1_000_000_000;

/// Converts seconds to nanoseconds, rounding to the nearest nanosecond.
/// Negative and NaN inputs give 0; values past `u64::MAX` ns saturate.
pub fn from_secs(seconds: f64) -> Nanos {
    // `as` saturates floats to the integer range and maps NaN to 0.
    (seconds * NANOS_PER_SEC as f64).round() as Nanos
}

/// Converts nanoseconds to seconds.
pub fn to_secs(nanos: Nanos) -> f64 {
    nanos as f64 / NANOS_PER_SEC as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_both_ways() {
        assert_eq!(from_secs(1.5), 1_500_000_000);
        assert_eq!(to_secs(250_000_000), 0.25);
        assert_eq!(from_secs(-3.0), 0);
        assert_eq!(from_secs(f64::NAN), 0);
        assert_eq!(from_secs(f64::INFINITY), u64::MAX);
    }
}
