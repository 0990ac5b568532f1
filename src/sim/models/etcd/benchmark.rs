//! etcd's own benchmark, simulated: the yardstick the etcd model is
//! calibrated against.
//!
//! Like etcd's `benchmark` tool, `clients` clients share `connections`
//! connections; each client sends one request, waits for the reply, sends
//! the next. The result is throughput [requests/s] and mean latency [s],
//! the two columns of etcd's published table (kubernetes.md).

use super::server::{Etcd, EtcdEvent, EtcdOp, EtcdReply};
use super::spec::EtcdSpec;
use crate::sim::engine::calendar::Calendar;
use crate::sim::engine::random::{DurationLaw, SimRng};
use crate::sim::engine::time::{Nanos, from_secs, to_secs};

/// Client↔etcd round trip used by the benchmark: lognormal, mean 0.25 ms,
/// cv 0.2 (calibrated to the 1-client serializable read row: 0.3 ms).
pub const CLIENT_RTT: DurationLaw = DurationLaw::Lognormal {
    mean: 0.000_25,
    cv: 0.2,
};

/// The benchmark tool's own time per request, between a reply and the next
/// send, not counted in its latency column [s]. Every 1-client row of the
/// published table shows it: 1/throughput exceeds the mean latency by
/// 0.04-0.12 ms (1/583 s = 1.72 ms against 1.6 ms).
pub const CLIENT_OVERHEAD: f64 = 0.000_05;

/// What a benchmark client sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BenchmarkOp {
    /// a put of a small value (8-byte key, 256-byte value)
    Write,
    LinearizableRead,
    SerializableRead,
}

/// The outcome of a benchmark run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BenchmarkResult {
    /// completed requests per second
    pub throughput: f64,
    /// mean latency as the client sees it [s]
    pub mean_latency: f64,
}

#[derive(Debug, Clone, Copy)]
enum Event {
    Etcd(EtcdEvent),
    /// client `client`'s request reaches the server
    Arrive {
        client: u32,
    },
    /// client `client` receives its reply
    Reply {
        client: u32,
    },
}

impl From<EtcdEvent> for Event {
    fn from(event: EtcdEvent) -> Self {
        Event::Etcd(event)
    }
}

/// Runs the benchmark for `warmup + measure` seconds of simulated time.
/// (Connections do not limit these tiny requests; they are kept for the
/// table's shape: a client uses connection `client % connections`.)
pub fn run(
    spec: &EtcdSpec,
    op: BenchmarkOp,
    clients: u32,
    warmup: f64,
    measure: f64,
    seed: u64,
) -> BenchmarkResult {
    let mut rng = SimRng::new(seed);
    let mut calendar: Calendar<Event> = Calendar::new();
    let mut etcd = Etcd::new(spec);
    let rtt = CLIENT_RTT.sampler();
    let overhead = from_secs(CLIENT_OVERHEAD);
    let mut sent: Vec<Nanos> = vec![0; clients as usize];
    for client in 0..clients {
        calendar.schedule(rtt.sample(&mut rng) / 2, Event::Arrive { client });
    }
    let (start, end) = (from_secs(warmup), from_secs(warmup + measure));
    let (mut completed, mut latency_sum) = (0u64, 0u128);
    let mut replies = Vec::new();
    while let Some((now, event)) = calendar.pop_until(end) {
        match event {
            Event::Arrive { client } => {
                let token = client as u64;
                let op = match op {
                    BenchmarkOp::Write => EtcdOp::Write { token },
                    BenchmarkOp::LinearizableRead => EtcdOp::Read {
                        token,
                        kib: 0,
                        linearizable: true,
                    },
                    BenchmarkOp::SerializableRead => EtcdOp::Read {
                        token,
                        kib: 0,
                        linearizable: false,
                    },
                };
                etcd.submit(now, op, &mut calendar, &mut rng, &mut replies);
            }
            Event::Etcd(event) => etcd.handle(now, event, &mut calendar, &mut rng, &mut replies),
            Event::Reply { client } => {
                let c = client as usize;
                if now >= start {
                    completed += 1;
                    latency_sum += (now - sent[c]) as u128;
                }
                sent[c] = now + overhead;
                calendar.schedule(sent[c] + rtt.sample(&mut rng) / 2, Event::Arrive { client });
            }
        }
        for reply in replies.drain(..) {
            let (EtcdReply::Done(token) | EtcdReply::Unavailable(token)) = reply;
            let client = token as u32;
            calendar.schedule(now + rtt.sample(&mut rng) / 2, Event::Reply { client });
        }
    }
    BenchmarkResult {
        throughput: completed as f64 / to_secs(end - start),
        mean_latency: if completed == 0 {
            0.0
        } else {
            latency_sum as f64 / completed as f64 / 1e9
        },
    }
}
