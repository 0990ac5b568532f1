//! The API server's etcd client: connections, streams, retries.
//!
//! **Upstream** (k8s.io/apiserver `pkg/storage/storagebackend/factory/
//! etcd3.go`, `newETCD3Storage`): one clientv3 client per resource type.
//! Each client is one gRPC `ClientConn` whose resolver asks for the
//! `round_robin` balancer (etcd `client/v3/internal/resolver`): one HTTP/2
//! connection per `--etcd-servers` endpoint, each call on the next one.
//! Retries (`client/v3/retry.go`, `retry_interceptor.go`): a read (Range)
//! that fails with `Unavailable` is retried, up to 100 attempts within the
//! request's deadline, waiting 25 ms ± 10% only on every quorum-th attempt
//! (the others go at once, to the next endpoint); a write (Put, Txn) is
//! not retried (`isSafeRetryMutableRPC` only matches errors today's gRPC no
//! longer produces), so it fails and the API server answers 500.
//!
//! The article's "tuned etcd gRPC proxy" (A4, **not upstream**): a pool of
//! N connections shared by all resources, retries of every call with
//! back-off 100 ms × attempt up to 3 attempts, and coalescing of identical
//! LISTs in flight.
//!
//! **A connection's bandwidth is shared.** grpc-go's `loopyWriter`
//! (`internal/transport/controlbuf.go`, `processData`) writes one DATA frame
//! of at most 16 KiB for the stream at the head of its active streams, then
//! moves that stream to the tail: round-robin, frame by frame. Each way of a
//! connection is modelled as processor sharing of its bandwidth between the
//! messages crossing it, the limit of that round-robin as frames shrink:
//! [`tests::processor_sharing_is_loopys_round_robin_within_a_frame_per_stream`]
//! checks that no message finishes more than one 16 KiB frame per other
//! active stream away from the frame-by-frame schedule. So a small reply
//! is not stuck behind a large LIST's; it shares the wire with it. Half the
//! round trip is added after each crossing. At most `max_streams` calls are
//! outstanding on a connection; more wait for a stream.

use super::pipe::Pipe;
use crate::sim::engine::load::LoadReading;
use crate::sim::engine::random::{DurationLaw, DurationSampler, SimRng};
use crate::sim::engine::time::Nanos;
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
    /// `--etcd-servers` endpoints: each upstream client holds one connection
    /// to each and sends each call on the next (default 3, one per member of
    /// the default cluster)
    #[serde(default = "default_endpoints")]
    pub endpoints: u32,
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
fn default_endpoints() -> u32 {
    3
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
            endpoints: default_endpoints(),
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
        if !(1..=9).contains(&self.endpoints) {
            return Err((
                "endpoints",
                format!("must be 1 to 9, got {}", self.endpoints),
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

/// clientv3's wait between rounds of retries (`defaultBackoffWaitBetween`):
/// 25 ms, jittered ± 10% (`defaultBackoffJitterFraction`).
pub const UPSTREAM_RETRY: Nanos = 25_000_000;
/// clientv3's attempts at most (`defaultUnaryMaxRetries`).
pub const UPSTREAM_ATTEMPTS: u32 = 100;
/// The article's back-off step: 100 ms × attempt …
pub const ARTICLE_BACKOFF: Nanos = 100_000_000;
/// … for at most 3 attempts.
pub const ARTICLE_ATTEMPTS: u32 = 3;

/// When to retry a call after its `attempt`-th `Unavailable` (1 = the first
/// failure), or `None` to give up. `write`: the call is a mutation;
/// `endpoints`: the client's `--etcd-servers`.
///
/// Upstream (`client/v3/retry.go`, `roundRobinQuorumBackoff`): a write is
/// never retried; a read is, at once except on every quorum-th attempt,
/// which waits 25 ms ± 10%, up to 100 attempts. The article's client
/// retries everything after 100 ms × attempt, 3 attempts.
pub fn retry_delay(
    kind: EtcdClientKind,
    write: bool,
    attempt: u32,
    endpoints: u32,
    rng: &mut SimRng,
) -> Option<Nanos> {
    match kind {
        EtcdClientKind::PerResource => {
            if write || attempt >= UPSTREAM_ATTEMPTS {
                return None;
            }
            let quorum = endpoints.max(1) / 2 + 1;
            if !attempt.is_multiple_of(quorum) {
                return Some(0);
            }
            let jitter = 0.9 + 0.2 * rng.uniform();
            Some((UPSTREAM_RETRY as f64 * jitter) as Nanos)
        }
        EtcdClientKind::Pool => {
            (attempt < ARTICLE_ATTEMPTS).then(|| ARTICLE_BACKOFF * attempt as Nanos)
        }
    }
}

/// Which way a message crosses a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// API server to etcd
    Out,
    /// etcd to API server
    In,
}

/// A pipe to wake at `at` [ns] (its first message will be across).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wake {
    pub connection: u32,
    pub way: Way,
    pub epoch: u32,
    pub at: Nanos,
}

/// What became of a call sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// every stream of its connection is taken
    WaitingForStream,
    /// crossing; the outbound pipe's next wake-up
    OnWire(Option<Wake>),
}

/// One connection: two pipes and its streams.
#[derive(Debug, Clone)]
struct Connection {
    outbound: Pipe,
    inbound: Pipe,
    streams: u32,
    /// calls waiting for a stream: (call id, request KiB)
    waiting: VecDeque<(u64, f64)>,
}

impl Connection {
    fn new(now: Nanos) -> Self {
        Self {
            outbound: Pipe::new(now),
            inbound: Pipe::new(now),
            streams: 0,
            waiting: VecDeque::new(),
        }
    }
}

/// The client's connections.
#[derive(Debug, Clone)]
pub struct EtcdClient {
    spec: EtcdClientSpec,
    rtt: DurationSampler,
    /// bandwidth of one way of one connection [KiB/ns]
    kib_per_ns: f64,
    connections: Vec<Connection>,
    /// upstream: each resource's next endpoint; the pool: `[next connection]`
    next: Vec<u32>,
}

impl EtcdClient {
    /// Connections made at `now` [ns]; `resources`: how many resource
    /// types (one client each upstream).
    pub fn new(now: Nanos, spec: &EtcdClientSpec, resources: usize) -> Self {
        let (count, cursors) = match spec.kind {
            EtcdClientKind::PerResource => {
                let resources = resources.max(1);
                (resources * spec.endpoints.max(1) as usize, resources)
            }
            EtcdClientKind::Pool => (spec.pool_connections.max(1) as usize, 1),
        };
        Self {
            rtt: spec.rtt.sampler(),
            kib_per_ns: spec.bandwidth_mib_s * 1024.0 / 1e9,
            connections: vec![Connection::new(now); count],
            next: vec![0; cursors],
            spec: spec.clone(),
        }
    }

    pub fn kind(&self) -> EtcdClientKind {
        self.spec.kind
    }

    /// `--etcd-servers` of an upstream client.
    pub fn endpoints(&self) -> u32 {
        self.spec.endpoints.max(1)
    }

    /// The connection the next call of `resource` goes on: its client's
    /// next endpoint upstream, the pool's next connection for the article.
    pub fn connection_for(&mut self, resource: usize) -> usize {
        match self.spec.kind {
            EtcdClientKind::PerResource => {
                let endpoints = self.endpoints() as usize;
                let client = resource % self.next.len();
                let endpoint = self.next[client] as usize;
                self.next[client] = ((endpoint + 1) % endpoints) as u32;
                client * endpoints + endpoint
            }
            EtcdClientKind::Pool => {
                let c = self.next[0] as usize;
                self.next[0] = ((c + 1) % self.connections.len()) as u32;
                c
            }
        }
    }

    fn wake(&self, connection: usize, way: Way, next: Option<(Nanos, u32)>) -> Option<Wake> {
        next.map(|(at, epoch)| Wake {
            connection: connection as u32,
            way,
            epoch,
            at,
        })
    }

    /// Sends call `id` of `kib` KiB on `connection` at `now`: it waits for
    /// a stream (a later [`EtcdClient::received`] starts it), or it is on
    /// the wire.
    pub fn send(&mut self, now: Nanos, connection: usize, id: u64, kib: f64) -> Sent {
        let max = self.spec.max_streams;
        let c = &mut self.connections[connection];
        if c.streams >= max {
            c.waiting.push_back((id, kib));
            return Sent::WaitingForStream;
        }
        Sent::OnWire(self.start(now, connection, id, kib))
    }

    fn start(&mut self, now: Nanos, connection: usize, id: u64, kib: f64) -> Option<Wake> {
        let rate = self.kib_per_ns;
        let c = &mut self.connections[connection];
        c.streams += 1;
        let next = c.outbound.enter(now, id, kib, rate);
        self.wake(connection, Way::Out, next)
    }

    /// etcd replied to call `id` at `now` with `kib` KiB: the inbound
    /// pipe's next wake-up.
    pub fn reply(&mut self, now: Nanos, connection: usize, id: u64, kib: f64) -> Option<Wake> {
        let rate = self.kib_per_ns;
        let next = self.connections[connection]
            .inbound
            .enter(now, id, kib, rate);
        self.wake(connection, Way::In, next)
    }

    /// The wake-up `wake` is due: the calls whose message is across go to
    /// `done` with the time they reach the other end (half a round trip
    /// on) [ns]; returns the pipe's next wake-up.
    pub fn woken(
        &mut self,
        wake: Wake,
        rng: &mut SimRng,
        done: &mut Vec<(u64, Nanos)>,
    ) -> Option<Wake> {
        let rate = self.kib_per_ns;
        let connection = wake.connection as usize;
        let c = self.connections.get_mut(connection)?;
        let pipe = match wake.way {
            Way::Out => &mut c.outbound,
            Way::In => &mut c.inbound,
        };
        let start = done.len();
        let next = pipe.wake(wake.at, wake.epoch, rate, done);
        for (_, at) in &mut done[start..] {
            *at = at.saturating_add(self.rtt.sample(rng) / 2);
        }
        self.wake(connection, wake.way, next)
    }

    /// A reply was received: its stream is free. A call that was waiting
    /// for a stream starts: (its id, the outbound pipe's next wake-up).
    pub fn received(&mut self, now: Nanos, connection: usize) -> Option<(u64, Option<Wake>)> {
        let c = &mut self.connections[connection];
        c.streams = c.streams.saturating_sub(1);
        let (id, kib) = c.waiting.pop_front()?;
        Some((id, self.start(now, connection, id, kib)))
    }

    /// Removes and returns the calls waiting for a stream, oldest first per
    /// connection: a client about to be dropped hands them on.
    pub fn take_waiting(&mut self) -> Vec<u64> {
        self.connections
            .iter_mut()
            .flat_map(|c| c.waiting.drain(..).map(|(id, _)| id))
            .collect()
    }

    /// Removes and returns the messages crossing any connection, outbound
    /// then inbound per connection: a client about to be dropped hands them on.
    pub fn take_crossing(&mut self, now: Nanos) -> Vec<(u64, Way)> {
        let mut crossing = Vec::new();
        for c in &mut self.connections {
            for (pipe, way) in [(&mut c.outbound, Way::Out), (&mut c.inbound, Way::In)] {
                crossing.extend(pipe.take_all(now).into_iter().map(|id| (id, way)));
            }
        }
        crossing
    }

    /// Each connection's two ways, busy (a message crossing) over time up
    /// to `now`: (connection, way, reading [s]). A way is processor-shared,
    /// so busy all the time means its bandwidth is the limit.
    pub fn pipe_readings(&self, now: Nanos) -> impl Iterator<Item = (usize, Way, LoadReading)> {
        self.connections.iter().enumerate().flat_map(move |(i, c)| {
            [(Way::Out, &c.outbound), (Way::In, &c.inbound)]
                .map(|(way, pipe)| (i, way, pipe.reading(now)))
        })
    }

    /// The resource type whose client owns `connection` upstream (its
    /// index in the resources), `None` for the article's shared pool.
    pub fn owner(&self, connection: usize) -> Option<usize> {
        match self.spec.kind {
            EtcdClientKind::PerResource => Some(connection / self.endpoints() as usize),
            EtcdClientKind::Pool => None,
        }
    }

    /// Connections in all (upstream: resources × endpoints).
    pub fn connections(&self) -> usize {
        self.connections.len()
    }

    /// Streams in use per resource's client upstream (its endpoints'
    /// connections together), per connection of the pool (for drawing).
    pub fn streams_in_use(&self) -> Vec<u32> {
        let per = match self.spec.kind {
            EtcdClientKind::PerResource => self.endpoints() as usize,
            EtcdClientKind::Pool => 1,
        };
        self.connections
            .chunks(per)
            .map(|group| group.iter().map(|c| c.streams).sum())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Drives one pipe's wake-ups to the end: each call's time across [ns].
    fn drain(client: &mut EtcdClient, mut wakes: Vec<Wake>) -> Vec<(u64, Nanos)> {
        let mut rng = SimRng::new(1);
        let mut done = Vec::new();
        while let Some(i) = (0..wakes.len()).min_by_key(|&i| wakes[i].at) {
            let wake = wakes.swap_remove(i);
            if let Some(next) = client.woken(wake, &mut rng, &mut done) {
                wakes.push(next);
            }
        }
        done
    }

    fn no_rtt() -> EtcdClientSpec {
        EtcdClientSpec {
            rtt: DurationLaw::Deterministic { mean: 0.0 },
            endpoints: 1,
            ..Default::default()
        }
    }

    /// grpc-go `internal/transport/controlbuf.go` (`loopyWriter.processData`):
    /// streams take turns, one frame each. The model's old pipe sent a whole
    /// 125 MiB LIST reply before a 1 KiB one behind it (1 s); shared, the
    /// small reply is across in microseconds and the big one a little later.
    #[test]
    fn a_small_reply_shares_the_connection_with_a_big_one() {
        let mut client = EtcdClient::new(0, &no_rtt(), 1);
        let mut wakes = Vec::new();
        wakes.extend(client.reply(0, 0, 1, 125.0 * 1024.0)); // 125 MiB: 1 s alone
        // The newer wake-up supersedes the older one (its epoch).
        wakes.extend(client.reply(1_000, 0, 2, 1.0));
        let done = drain(&mut client, wakes);
        let at = |id| done.iter().find(|d| d.0 == id).expect("across").1;
        assert!(at(2) < 20_000, "the small reply took {} ns", at(2));
        assert!((1_000_000_000..1_000_020_000).contains(&at(1)));
    }

    /// The same check against loopy's schedule itself: frames of 16 KiB
    /// round-robin over the active streams, on messages of mixed sizes
    /// arriving together. Processor sharing finishes every message within
    /// one frame time per stream of loopy's.
    #[test]
    fn processor_sharing_is_loopys_round_robin_within_a_frame_per_stream() {
        let sizes_kib = [1.0, 3.0, 16.0, 40.0, 200.0, 1_000.0, 5.0, 64.0];
        let mut client = EtcdClient::new(0, &no_rtt(), 1);
        let mut wakes = Vec::new();
        for (id, &kib) in sizes_kib.iter().enumerate() {
            wakes.extend(client.reply(0, 0, id as u64, kib));
        }
        let shared = drain(&mut client, wakes);
        // loopy: the head stream writes min(16 KiB, what is left), then
        // goes to the tail if anything is left.
        let kib_per_ns = client.kib_per_ns;
        let mut active: VecDeque<(usize, f64)> = sizes_kib.iter().copied().enumerate().collect();
        let mut clock = 0.0_f64;
        let mut loopy = vec![0.0; sizes_kib.len()];
        while let Some((id, left)) = active.pop_front() {
            let frame = left.min(16.0);
            clock += frame / kib_per_ns;
            if left > frame {
                active.push_back((id, left - frame));
            } else {
                loopy[id] = clock;
            }
        }
        let frame_time = 16.0 / kib_per_ns;
        for (id, at) in shared {
            let gap = (at as f64 - loopy[id as usize]).abs();
            assert!(
                gap <= frame_time * sizes_kib.len() as f64,
                "message {id}: {at} ns shared, {} ns loopy",
                loopy[id as usize]
            );
        }
    }

    /// clientv3's resolver asks for `round_robin`: one connection per
    /// endpoint, each call on the next (`client/v3/internal/resolver`).
    #[test]
    fn an_upstream_client_sends_its_calls_round_robin_over_the_endpoints() {
        let mut client = EtcdClient::new(0, &EtcdClientSpec::default(), 7);
        let pods: Vec<usize> = (0..6).map(|_| client.connection_for(0)).collect();
        assert_eq!(pods, vec![0, 1, 2, 0, 1, 2]);
        assert_eq!(
            client.connection_for(3),
            9,
            "the events' client, endpoint 0"
        );
        assert_eq!(client.streams_in_use().len(), 7, "drawn per resource");
    }

    #[test]
    fn streams_are_limited_per_connection() {
        let spec = EtcdClientSpec {
            max_streams: 1,
            ..Default::default()
        };
        let mut client = EtcdClient::new(0, &spec, 1);
        assert!(matches!(client.send(0, 0, 1, 1.0), Sent::OnWire(_)));
        assert_eq!(client.send(0, 0, 2, 1.0), Sent::WaitingForStream);
        let (id, _) = client.received(10, 0).expect("the waiting call starts");
        assert_eq!(id, 2);
    }

    /// etcd `client/v3/retry.go`: `isSafeRetryMutableRPC` does not retry a
    /// write that reached etcd; reads are retried on `Unavailable`, the wait
    /// of `roundRobinQuorumBackoff` only on every quorum-th attempt.
    #[test]
    fn upstream_retries_reads_not_writes_and_the_article_retries_both() {
        let mut rng = SimRng::new(1);
        let upstream = |write, attempt, rng: &mut SimRng| {
            retry_delay(EtcdClientKind::PerResource, write, attempt, 3, rng)
        };
        assert_eq!(upstream(true, 1, &mut rng), None, "a write fails");
        assert_eq!(
            upstream(false, 1, &mut rng),
            Some(0),
            "to the next endpoint"
        );
        let waited = upstream(false, 2, &mut rng).expect("retried");
        assert!((22_500_000..=27_500_000).contains(&waited));
        assert_eq!(upstream(false, 100, &mut rng), None);
        for write in [false, true] {
            let article = |a, rng: &mut SimRng| retry_delay(EtcdClientKind::Pool, write, a, 3, rng);
            assert_eq!(article(1, &mut rng), Some(100_000_000));
            assert_eq!(article(2, &mut rng), Some(200_000_000));
            assert_eq!(article(3, &mut rng), None);
        }
    }
}
