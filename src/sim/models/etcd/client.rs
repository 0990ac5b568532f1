//! The API server's etcd client: connections, streams, retries.
//!
//! Upstream (kubernetes.md): clientv3, one gRPC connection per resource
//! type, requests multiplexed as HTTP/2 streams; on `Unavailable` a request
//! is retried after a fixed ~25 ms (±10%). The article's "tuned etcd gRPC
//! proxy" (A4, **not upstream**): a pool of N connections shared by all
//! resources, retries with back-off 100 ms × attempt up to 3 attempts, and
//! coalescing of identical LISTs in flight.
//!
//! A connection is modelled as a pipe each way: messages cross it one after
//! another at its bandwidth, so a large LIST response delays everything
//! behind it on the same connection (head-of-line blocking), plus half the
//! round trip of latency. At most `max_streams` requests are outstanding on
//! a connection; more wait for a stream.

use crate::sim::engine::random::{DurationLaw, DurationSampler, SimRng};
use crate::sim::engine::time::{Nanos, from_secs};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// How the API server reaches etcd.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EtcdClientKind {
    /// one multiplexed connection per resource type (upstream)
    PerResource,
    /// a shared pool of connections (the article; not upstream)
    Pool,
}

/// The client's parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EtcdClientSpec {
    pub kind: EtcdClientKind,
    /// connections in the article's pool (default 10, the article's flag default)
    #[serde(default = "default_pool")]
    pub pool_connections: u32,
    /// API server ↔ etcd round trip [s] (default: lognormal, mean 0.25 ms, cv 0.2,
    /// as calibrated in `etcd::benchmark`)
    #[serde(default = "default_rtt")]
    pub rtt: DurationLaw,
    /// bandwidth of one connection, each way [MiB/s] (default 125, about
    /// 1 Gbit/s: an assumption for one TCP connection in a data centre)
    #[serde(default = "default_bandwidth")]
    pub bandwidth_mib_s: f64,
    /// outstanding requests per connection; default 1000 (etcd's own
    /// `--max-concurrent-streams` default is 2³²−1: effectively no limit)
    #[serde(default = "default_streams")]
    pub max_streams: u32,
}

fn default_pool() -> u32 {
    10
}
fn default_rtt() -> DurationLaw {
    super::benchmark::CLIENT_RTT
}
fn default_bandwidth() -> f64 {
    125.0
}
fn default_streams() -> u32 {
    1_000
}

impl Default for EtcdClientSpec {
    fn default() -> Self {
        Self {
            kind: EtcdClientKind::PerResource,
            pool_connections: default_pool(),
            rtt: default_rtt(),
            bandwidth_mib_s: default_bandwidth(),
            max_streams: default_streams(),
        }
    }
}

impl EtcdClientSpec {
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if !(1..=1_000).contains(&self.pool_connections) {
            return Err((
                "pool_connections",
                format!("must be 1 to 1000, got {}", self.pool_connections),
            ));
        }
        self.rtt.check().map_err(|m| ("rtt", m))?;
        if !(self.bandwidth_mib_s.is_finite()
            && self.bandwidth_mib_s >= 0.1
            && self.bandwidth_mib_s <= 1e6)
        {
            return Err((
                "bandwidth_mib_s",
                format!("must be 0.1 to 1000000 MiB/s, got {}", self.bandwidth_mib_s),
            ));
        }
        if self.max_streams == 0 {
            return Err(("max_streams", "must be at least 1".into()));
        }
        Ok(())
    }
}

/// Upstream's retry wait on `Unavailable`: 25 ms ± 10%.
pub const UPSTREAM_RETRY: Nanos = 25_000_000;
/// The article's back-off step: 100 ms × attempt …
pub const ARTICLE_BACKOFF: Nanos = 100_000_000;
/// … for at most 3 attempts.
pub const ARTICLE_ATTEMPTS: u32 = 3;

/// When to retry attempt `attempt` (1 = the first failure) after an
/// `Unavailable`, or `None` to give up.
pub fn retry_delay(kind: EtcdClientKind, attempt: u32, rng: &mut SimRng) -> Option<Nanos> {
    match kind {
        EtcdClientKind::PerResource => {
            let jitter = 0.9 + 0.2 * rng.uniform();
            Some((UPSTREAM_RETRY as f64 * jitter) as Nanos)
        }
        EtcdClientKind::Pool => {
            (attempt < ARTICLE_ATTEMPTS).then(|| ARTICLE_BACKOFF * attempt as Nanos)
        }
    }
}

/// One connection: two pipes and its streams.
#[derive(Debug, Clone, Default)]
struct Connection {
    /// the outbound pipe is free from this time [ns]
    outbound_free: Nanos,
    inbound_free: Nanos,
    streams: u32,
    /// calls waiting for a stream: (call id, request KiB)
    waiting: VecDeque<(u64, f64)>,
}

/// The client's connections.
#[derive(Debug, Clone)]
pub struct EtcdClient {
    spec: EtcdClientSpec,
    rtt: DurationSampler,
    connections: Vec<Connection>,
    next_in_pool: usize,
}

impl EtcdClient {
    /// `resources`: how many resource types (one connection each upstream).
    pub fn new(spec: &EtcdClientSpec, resources: usize) -> Self {
        let count = match spec.kind {
            EtcdClientKind::PerResource => resources.max(1),
            EtcdClientKind::Pool => spec.pool_connections as usize,
        };
        Self {
            rtt: spec.rtt.sampler(),
            connections: vec![Connection::default(); count],
            next_in_pool: 0,
            spec: spec.clone(),
        }
    }

    pub fn kind(&self) -> EtcdClientKind {
        self.spec.kind
    }

    /// The connection a call of `resource` uses.
    pub fn connection_for(&mut self, resource: usize) -> usize {
        match self.spec.kind {
            EtcdClientKind::PerResource => resource % self.connections.len(),
            EtcdClientKind::Pool => {
                let c = self.next_in_pool;
                self.next_in_pool = (c + 1) % self.connections.len();
                c
            }
        }
    }

    fn transfer(&self, kib: f64) -> Nanos {
        from_secs(kib / 1024.0 / self.spec.bandwidth_mib_s)
    }

    /// Sends call `id` of `kib` KiB on `connection` at `now`: returns when it
    /// reaches etcd [ns], or `None` if it waits for a stream (it is sent by
    /// a later [`EtcdClient::received`], which reports it).
    pub fn send(
        &mut self,
        now: Nanos,
        connection: usize,
        id: u64,
        kib: f64,
        rng: &mut SimRng,
    ) -> Option<Nanos> {
        let max = self.spec.max_streams;
        let c = &mut self.connections[connection];
        if c.streams >= max {
            c.waiting.push_back((id, kib));
            return None;
        }
        Some(self.start(now, connection, kib, rng))
    }

    fn start(&mut self, now: Nanos, connection: usize, kib: f64, rng: &mut SimRng) -> Nanos {
        let transfer = self.transfer(kib);
        let half_rtt = self.rtt.sample(rng) / 2;
        let c = &mut self.connections[connection];
        c.streams += 1;
        // Transfers queue up on the pipe: saturate rather than overflow when
        // huge LISTs pile up on a slow connection.
        let sent = now.max(c.outbound_free).saturating_add(transfer);
        c.outbound_free = sent;
        sent.saturating_add(half_rtt)
    }

    /// etcd replied at `now` with `kib` KiB: returns when the reply is fully
    /// received [ns] (after the pipe has carried everything ahead of it).
    pub fn reply(&mut self, now: Nanos, connection: usize, kib: f64, rng: &mut SimRng) -> Nanos {
        let transfer = self.transfer(kib);
        let half_rtt = self.rtt.sample(rng) / 2;
        let c = &mut self.connections[connection];
        let received = now
            .saturating_add(half_rtt)
            .max(c.inbound_free)
            .saturating_add(transfer);
        c.inbound_free = received;
        received
    }

    /// A reply was received: its stream is free. A call that was waiting
    /// for a stream starts: returns (its id, when it reaches etcd).
    pub fn received(
        &mut self,
        now: Nanos,
        connection: usize,
        rng: &mut SimRng,
    ) -> Option<(u64, Nanos)> {
        let c = &mut self.connections[connection];
        c.streams = c.streams.saturating_sub(1);
        let (id, kib) = c.waiting.pop_front()?;
        Some((id, self.start(now, connection, kib, rng)))
    }

    /// Removes and returns the calls waiting for a stream, oldest first per
    /// connection: a client about to be dropped hands them on.
    pub fn take_waiting(&mut self) -> Vec<u64> {
        self.connections
            .iter_mut()
            .flat_map(|c| c.waiting.drain(..).map(|(id, _)| id))
            .collect()
    }

    /// Per connection: streams in use (for drawing).
    pub fn streams_in_use(&self) -> Vec<u32> {
        self.connections.iter().map(|c| c.streams).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_big_reply_delays_small_ones_behind_it_on_one_connection() {
        let spec = EtcdClientSpec {
            rtt: DurationLaw::Deterministic { mean: 0.000_2 },
            ..Default::default()
        };
        let mut client = EtcdClient::new(&spec, 2);
        let mut rng = SimRng::new(1);
        let big = client.reply(0, 0, 125.0 * 1024.0, &mut rng); // 125 MiB: 1 s
        let small_same = client.reply(1_000, 0, 1.0, &mut rng);
        let small_other = client.reply(1_000, 1, 1.0, &mut rng);
        assert!(big >= 1_000_000_000);
        assert!(small_same > big, "head-of-line on the shared connection");
        assert!(
            small_other < 1_000_000,
            "another resource's connection is free"
        );
    }

    #[test]
    fn streams_are_limited_per_connection() {
        let spec = EtcdClientSpec {
            max_streams: 1,
            ..Default::default()
        };
        let mut client = EtcdClient::new(&spec, 1);
        let mut rng = SimRng::new(1);
        assert!(client.send(0, 0, 1, 1.0, &mut rng).is_some());
        assert!(client.send(0, 0, 2, 1.0, &mut rng).is_none());
        let (id, _) = client
            .received(10, 0, &mut rng)
            .expect("the waiting call starts");
        assert_eq!(id, 2);
    }

    #[test]
    fn retry_policies() {
        let mut rng = SimRng::new(1);
        let upstream =
            retry_delay(EtcdClientKind::PerResource, 7, &mut rng).expect("always retries");
        assert!((22_500_000..=27_500_000).contains(&upstream));
        assert_eq!(
            retry_delay(EtcdClientKind::Pool, 1, &mut rng),
            Some(100_000_000)
        );
        assert_eq!(
            retry_delay(EtcdClientKind::Pool, 2, &mut rng),
            Some(200_000_000)
        );
        assert_eq!(retry_delay(EtcdClientKind::Pool, 3, &mut rng), None);
    }
}
