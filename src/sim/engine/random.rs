//! Randomness: one seeded generator per run, and the service-time laws.
//!
//! Every random draw of a run comes from one `SimRng` seeded from the run's
//! seed, so a run is a pure function of (scenario, seed, control changes).
//! The generator is xoshiro256++, chosen by name rather than through a
//! platform-dependent alias (rand's `SmallRng` is a different generator on
//! 32-bit wasm). Distributions come from `rand_distr`, whose float math is
//! `libm`, not the platform's: a sample is the same bits natively and in wasm.

use crate::sim::engine::time::{Nanos, from_secs};
use rand::SeedableRng;
use rand_distr::{Distribution, Exp1, LogNormal, StandardUniform};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

/// Longest duration one draw may give [ns]: 2^56 ns, about 2.3 years. A
/// law's mean is at most a day (see [`DurationLaw::check`]), so only a
/// pathological tail (a log-normal with a cv of 20, an exponential gap of a
/// rate of 1e-300/s) gets here. Without the cap such a draw saturates to
/// `u64::MAX` and `now + draw` overflows (found by fuzzing: `fuzz/`).
pub const MAX_DRAW: Nanos = 1 << 56;

/// The run's random number generator.
#[derive(Debug, Clone)]
pub struct SimRng(Xoshiro256PlusPlus);

impl SimRng {
    pub fn new(seed: u64) -> Self {
        Self(Xoshiro256PlusPlus::seed_from_u64(seed))
    }

    /// A uniform draw in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        StandardUniform.sample(&mut self.0)
    }

    /// An exponential draw with the given mean [ns]: the gap between arrivals
    /// of a Poisson stream, or a memoryless service time.
    #[inline(always)]
    pub fn exponential(&mut self, mean: f64) -> Nanos {
        let unit: f64 = Exp1.sample(&mut self.0);
        round_to_nanos(unit * mean).min(MAX_DRAW)
    }

    /// A uniform integer draw in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        // Lemire's multiply-shift: unbiased enough for n far below 2^64 and
        // branch-free; the bias is at most n / 2^64.
        let x: u64 = rand::Rng::next_u64(&mut self.0);
        ((x as u128 * n as u128) >> 64) as u64
    }

    fn inner(&mut self) -> &mut Xoshiro256PlusPlus {
        &mut self.0
    }
}

/// A non-negative duration [ns] rounded to the nearest nanosecond: the same
/// as `x.round() as Nanos` for every value a draw gives (bar
/// 0.49999999999999994, which goes up, and durations past 292 years, which
/// stop there), but without `round`'s library call (x86-64's baseline and
/// wasm have no instruction for it) and with the signed conversion, which
/// x86-64 does in one instruction: this runs for every random duration.
#[inline(always)]
fn round_to_nanos(x: f64) -> Nanos {
    (x + 0.5) as i64 as Nanos
}

/// The law of a random duration, as written in a scenario.
///
/// ```toml
/// service = { distribution = "exponential", mean = 0.05 }   # seconds
/// service = { distribution = "deterministic", mean = 0.05 }
/// service = { distribution = "lognormal", mean = 0.05, cv = 0.5 }
/// ```
///
/// Written by people (TOML, JSON) the law is a table tagged by
/// `distribution`, as above; in the page's binary messages and shipped
/// catalog (postcard, see `lab::wire`) it is a plain enum, since a format
/// without field names cannot hold a tag beside the fields.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DurationLaw {
    /// Memoryless, coefficient of variation 1.
    Exponential {
        /// mean [s]
        mean: f64,
    },
    /// Always exactly `mean`.
    Deterministic {
        /// the value [s]
        mean: f64,
    },
    /// Log-normal with the given mean and coefficient of variation
    /// (standard deviation / mean): the usual shape of real service times,
    /// with a long right tail.
    Lognormal {
        /// mean [s]
        mean: f64,
        /// coefficient of variation (standard deviation / mean) [1]
        cv: f64,
    },
}

/// The law as people write it: tagged by `distribution`.
#[derive(Serialize, Deserialize)]
#[serde(
    remote = "DurationLaw",
    tag = "distribution",
    rename_all = "lowercase",
    deny_unknown_fields
)]
enum Written {
    Exponential { mean: f64 },
    Deterministic { mean: f64 },
    Lognormal { mean: f64, cv: f64 },
}

/// The law in binary messages: externally tagged, by variant index.
#[derive(Serialize, Deserialize)]
#[serde(remote = "DurationLaw")]
enum Packed {
    Exponential { mean: f64 },
    Deterministic { mean: f64 },
    Lognormal { mean: f64, cv: f64 },
}

written_or_packed!(DurationLaw, Written, Packed);

impl DurationLaw {
    /// The mean [s].
    pub fn mean(&self) -> f64 {
        match *self {
            DurationLaw::Exponential { mean }
            | DurationLaw::Deterministic { mean }
            | DurationLaw::Lognormal { mean, .. } => mean,
        }
    }

    /// The same law with its mean replaced (a slider moves the mean, not the shape).
    pub fn with_mean(self, mean: f64) -> Self {
        match self {
            DurationLaw::Exponential { .. } => DurationLaw::Exponential { mean },
            DurationLaw::Deterministic { .. } => DurationLaw::Deterministic { mean },
            DurationLaw::Lognormal { cv, .. } => DurationLaw::Lognormal { mean, cv },
        }
    }

    /// Checks the parameters; `Err` says what is wrong, for a message naming the field.
    pub fn check(&self) -> Result<(), String> {
        let mean = self.mean();
        if !(mean.is_finite() && mean > 0.0 && mean <= 86_400.0) {
            return Err(format!(
                "mean must be a number of seconds in (0, 86400], got {mean}"
            ));
        }
        if let DurationLaw::Lognormal { cv, .. } = *self
            && !(cv.is_finite() && (0.0..=20.0).contains(&cv))
        {
            return Err(format!("cv must be a number in [0, 20], got {cv}"));
        }
        Ok(())
    }

    /// Prepares a sampler; the law must have passed [`DurationLaw::check`].
    pub fn sampler(&self) -> DurationSampler {
        match *self {
            DurationLaw::Exponential { mean } => DurationSampler::Exponential { mean: mean * 1e9 },
            DurationLaw::Deterministic { mean } => DurationSampler::Fixed(from_secs(mean)),
            DurationLaw::Lognormal { mean, cv } => {
                // For a log-normal X = exp(N(mu, sigma^2)):
                // E[X] = exp(mu + sigma^2 / 2), CV^2 = exp(sigma^2) - 1.
                let sigma2 = libm::log1p(cv * cv);
                let mu = libm::log(mean * 1e9) - sigma2 / 2.0;
                match LogNormal::new(mu, libm::sqrt(sigma2)) {
                    Ok(law) => DurationSampler::LogNormal(law),
                    Err(_) => DurationSampler::Fixed(from_secs(mean)),
                }
            }
        }
    }
}

/// A ready-to-draw duration law (parameters in nanoseconds).
#[derive(Debug, Clone, Copy)]
pub enum DurationSampler {
    Exponential { mean: f64 },
    Fixed(Nanos),
    LogNormal(LogNormal<f64>),
}

impl DurationSampler {
    /// One draw [ns], at most [`MAX_DRAW`].
    #[inline(always)]
    pub fn sample(&self, rng: &mut SimRng) -> Nanos {
        match *self {
            DurationSampler::Exponential { mean } => rng.exponential(mean),
            DurationSampler::Fixed(value) => value.min(MAX_DRAW),
            DurationSampler::LogNormal(law) => {
                let x: f64 = law.sample(rng.inner());
                round_to_nanos(x).min(MAX_DRAW)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_mean_and_cv(law: DurationLaw, n: usize) -> (f64, f64) {
        let mut rng = SimRng::new(7);
        let sampler = law.sampler();
        let xs: Vec<f64> = (0..n)
            .map(|_| sampler.sample(&mut rng) as f64 / 1e9)
            .collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, var.sqrt() / mean)
    }

    #[test]
    fn laws_have_the_stated_mean_and_spread() {
        let (m, cv) = sample_mean_and_cv(DurationLaw::Exponential { mean: 0.2 }, 200_000);
        assert!((m / 0.2 - 1.0).abs() < 0.01, "exponential mean {m}");
        assert!((cv - 1.0).abs() < 0.02, "exponential cv {cv}");
        let fixed = DurationLaw::Deterministic { mean: 0.05 }.sampler();
        let mut rng = SimRng::new(1);
        assert!((0..1000).all(|_| fixed.sample(&mut rng) == 50_000_000));
        let (m, cv) = sample_mean_and_cv(DurationLaw::Lognormal { mean: 0.1, cv: 0.5 }, 200_000);
        assert!((m / 0.1 - 1.0).abs() < 0.01, "lognormal mean {m}");
        assert!((cv - 0.5).abs() < 0.02, "lognormal cv {cv}");
    }

    #[test]
    fn same_seed_same_draws() {
        let mut a = SimRng::new(42);
        let mut b = SimRng::new(42);
        let mut c = SimRng::new(43);
        let da: Vec<_> = (0..100).map(|_| a.exponential(1e6)).collect();
        let db: Vec<_> = (0..100).map(|_| b.exponential(1e6)).collect();
        let dc: Vec<_> = (0..100).map(|_| c.exponential(1e6)).collect();
        assert_eq!(da, db);
        assert_ne!(da, dc);
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = SimRng::new(1);
        assert!((0..10_000).all(|_| rng.below(7) < 7));
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(DurationLaw::Exponential { mean: -1.0 }.check().is_err());
        assert!(DurationLaw::Exponential { mean: f64::NAN }.check().is_err());
        assert!(
            DurationLaw::Lognormal {
                mean: 1.0,
                cv: -0.1
            }
            .check()
            .is_err()
        );
        assert!(DurationLaw::Deterministic { mean: 0.01 }.check().is_ok());
    }
}
