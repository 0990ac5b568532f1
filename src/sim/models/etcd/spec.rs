//! The etcd cluster's parameters, each with its source or calibration.

use crate::sim::engine::random::DurationLaw;
use serde::{Deserialize, Serialize};

/// The etcd cluster's parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EtcdSpec {
    /// cluster members (odd; 3 is the usual production size) [default 3]
    #[serde(default = "default_members")]
    pub members: u32,
    /// WAL fsync duration [s]. Default: lognormal, mean 0.8 ms, cv 0.3: an
    /// SSD (kubernetes.md: "SSD fsync < 1 ms"; WAL fsync p99 should be < 10 ms)
    #[serde(default = "default_fsync")]
    pub fsync: DurationLaw,
    /// round trip between members [s]. Default: lognormal, mean 0.25 ms, cv 0.2
    /// (same region; calibrated to the 1-client write row)
    #[serde(default = "default_peer_rtt")]
    pub peer_rtt: DurationLaw,
    /// time to apply one committed write to the backend [s], serially.
    /// Default 22.5 µs: 1000 clients saturate at 44,341 writes/s (kubernetes.md)
    #[serde(default = "default_apply")]
    pub apply: f64,
    /// CPU time of one read [s] (plus `read_per_kib` per KiB returned).
    /// Default 43 µs: 8 cores serve 185,758 serializable reads/s (kubernetes.md)
    #[serde(default = "default_read")]
    pub read: f64,
    /// CPU time per KiB of a read's response [s]; default 2 µs (assumption:
    /// decoding and copying at ~500 MB/s per core)
    #[serde(default = "default_read_per_kib")]
    pub read_per_kib: f64,
    /// cores serving reads in parallel; default 8 (the benchmark's 8 vCPU)
    #[serde(default = "default_cores")]
    pub cores: u32,
    /// leader's wait in its read loop before a ReadIndex round [s]; default
    /// 0.15 ms (calibrated to the 1-client linearizable read row, 0.7 ms)
    #[serde(default = "default_read_loop")]
    pub read_loop: f64,
    /// the leader's raft loop: from an entry being durable on a quorum to its
    /// apply starting (a Ready cycle) [s]; default 0.3 ms (calibrated to
    /// the 1-client write row, 1.6 ms)
    #[serde(default = "default_raft_loop")]
    pub raft_loop: f64,
    /// how long a leader election stops commits [s]; default 1.0 s, the
    /// election timeout (kubernetes.md: heartbeat 100 ms, election 1000 ms)
    #[serde(default = "default_election")]
    pub election: f64,
    /// etcd's version, `major.minor.patch`; default "3.5.16", the version
    /// Kubernetes 1.32 ships with. Before 3.4.31, and from 3.5.0 to 3.5.12,
    /// etcd's progress notifications cannot be requested, so the API server
    /// serves no consistent read from its cache
    /// (`pkg/storage/feature/feature_support_checker.go`)
    #[serde(default = "default_version")]
    pub version: String,
}

fn default_version() -> String {
    "3.5.16".into()
}

fn default_members() -> u32 {
    3
}
fn default_fsync() -> DurationLaw {
    DurationLaw::Lognormal {
        mean: 0.000_8,
        cv: 0.3,
    }
}
fn default_peer_rtt() -> DurationLaw {
    DurationLaw::Lognormal {
        mean: 0.000_25,
        cv: 0.2,
    }
}
fn default_apply() -> f64 {
    22.5e-6
}
fn default_read() -> f64 {
    43e-6
}
fn default_read_per_kib() -> f64 {
    2e-6
}
fn default_cores() -> u32 {
    8
}
fn default_read_loop() -> f64 {
    0.000_15
}
fn default_raft_loop() -> f64 {
    0.000_3
}
fn default_election() -> f64 {
    1.0
}

impl Default for EtcdSpec {
    fn default() -> Self {
        Self {
            members: default_members(),
            fsync: default_fsync(),
            peer_rtt: default_peer_rtt(),
            apply: default_apply(),
            read: default_read(),
            read_per_kib: default_read_per_kib(),
            cores: default_cores(),
            read_loop: default_read_loop(),
            raft_loop: default_raft_loop(),
            election: default_election(),
            version: default_version(),
        }
    }
}

impl EtcdSpec {
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if !(1..=9).contains(&self.members) {
            return Err(("members", format!("must be 1 to 9, got {}", self.members)));
        }
        self.fsync.check().map_err(|m| ("fsync", m))?;
        self.peer_rtt.check().map_err(|m| ("peer_rtt", m))?;
        let seconds = |name: &'static str, value: f64, max: f64| {
            if value.is_finite() && (0.0..=max).contains(&value) {
                Ok(())
            } else {
                Err((name, format!("must be seconds in [0, {max}], got {value}")))
            }
        };
        seconds("apply", self.apply, 1.0)?;
        seconds("read", self.read, 1.0)?;
        seconds("read_per_kib", self.read_per_kib, 1.0)?;
        seconds("read_loop", self.read_loop, 1.0)?;
        seconds("raft_loop", self.raft_loop, 1.0)?;
        seconds("election", self.election, 600.0)?;
        if !(1..=1024).contains(&self.cores) {
            return Err(("cores", format!("must be 1 to 1024, got {}", self.cores)));
        }
        self.parsed_version().ok_or_else(|| {
            (
                "version",
                format!("must be a version like 3.5.16, got \"{}\"", self.version),
            )
        })?;
        Ok(())
    }

    /// The version as (major, minor, patch).
    pub fn parsed_version(&self) -> Option<(u32, u32, u32)> {
        let mut parts = self.version.trim_start_matches('v').split('.');
        let mut next = || parts.next()?.parse::<u32>().ok();
        let version = (next()?, next()?, next()?);
        parts.next().is_none().then_some(version)
    }

    /// Whether the API server can request progress notifications from
    /// this etcd (`feature_support_checker.go`,
    /// `endpointSupportsRequestWatchProgress`: not before 3.4.31, nor from
    /// 3.5.0 to 3.5.12), which consistent reads from its cache need.
    pub fn supports_watch_progress(&self) -> bool {
        match self.parsed_version() {
            Some(v) => !(v < (3, 4, 31) || ((3, 5, 0)..(3, 5, 13)).contains(&v)),
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `pkg/storage/feature/feature_support_checker.go`: "if
    /// ver.LessThan(v3_4_31) || ver.AtLeast(v3_5_0) && ver.LessThan(v3_5_13)"
    /// RequestWatchProgress is not supported.
    #[test]
    fn progress_requests_need_etcd_3_4_31_or_3_5_13() {
        let at = |version: &str| EtcdSpec {
            version: version.into(),
            ..EtcdSpec::default()
        };
        for (version, supported) in [
            ("3.4.30", false),
            ("3.4.31", true),
            ("3.5.0", false),
            ("3.5.8", false),
            ("3.5.12", false),
            ("3.5.13", true),
            ("3.5.16", true),
            ("3.6.0", true),
        ] {
            assert_eq!(
                at(version).supports_watch_progress(),
                supported,
                "{version}"
            );
        }
        assert!(at("3.5").check().is_err());
        assert!(at("v3.5.16").check().is_ok());
    }
}
