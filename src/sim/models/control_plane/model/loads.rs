//! How busy each finite resource of the control plane is, and which one
//! limits it: the readout behind "what limits the control plane now".
//!
//! Every resource with a fixed number of units keeps an exact time
//! integral of the units in use ([`Load`](crate::sim::engine::load::Load)):
//! the API server's cores (processor-shared: cores in use against cores),
//! the flow control's seats or slots (each APF level against its current
//! limit, and all of them together against the server's), the article's
//! webhook slots, etcd's read cores and its serial apply loop, each way of
//! each etcd connection (a processor-shared wire: busy all the time means
//! its bandwidth is the limit), each resource's watch cache lock and its
//! watch dispatcher (serial).
//!
//! Not counted, on purpose: etcd's WAL disk, whose group commit makes each
//! fsync cover everything appended meanwhile, so a disk busy all the time
//! still takes more writes (it sets latency, not throughput); webhooks
//! upstream, which hold no slot of the API server's (their latency holds
//! the request's seats, and shows there).

use super::{ControlPlane, CpEvent};
use crate::sim::engine::context::Cx;
use crate::sim::engine::load::LoadReading;
use crate::sim::engine::time::NANOS_PER_SEC;
use crate::sim::engine::time::Nanos;
use crate::sim::models::control_plane::workload::{stream_count, stream_rate};
use crate::sim::models::etcd::client::Way;
use crate::sim::models::request::Resource;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The API server a resource is of (its index), as its name says it:
/// `None` when the control plane runs one, whose resources keep their
/// plain names ("node-high seats", not "node-high seats on apiserver-1").
pub type On = Option<u8>;

/// A finite resource of the control plane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceId {
    /// an API server's cores
    ApiServerCpu(On),
    /// APF's limited levels' seats together: the server concurrency limit
    ServerSeats(On),
    /// one limit of the flow control, by name: an APF level's seats,
    /// max-inflight's read-only or mutating slots, the article's workers
    Limit(&'static str, On),
    /// the article's dedicated webhook slots (not upstream)
    WebhookSlots(On),
    /// the etcd leader's cores serving reads
    EtcdCores,
    /// etcd's apply loop (one goroutine)
    EtcdApply,
    /// one way of one etcd connection: the resource type whose client
    /// owns it (`None`: the article's shared pool) and its place there
    EtcdConnection {
        server: On,
        owner: Option<Resource>,
        index: u16,
        way: Way,
    },
    /// a resource's watch cache lock (all its shards together)
    CacheLock(Resource, On),
    /// a resource's watch dispatcher (serial: it sends each event to
    /// every interested watcher in turn)
    Dispatcher(Resource, On),
}

impl ResourceId {
    /// Whether it is an API server's CPU.
    fn is_cpu(&self) -> bool {
        matches!(self, ResourceId::ApiServerCpu(_))
    }

    /// The API server it is of (`Some(None)` for the only one), `None`
    /// for etcd's own.
    fn server(&self) -> Option<On> {
        match *self {
            ResourceId::ApiServerCpu(on)
            | ResourceId::ServerSeats(on)
            | ResourceId::Limit(_, on)
            | ResourceId::WebhookSlots(on)
            | ResourceId::CacheLock(_, on)
            | ResourceId::Dispatcher(_, on)
            | ResourceId::EtcdConnection { server: on, .. } => Some(on),
            ResourceId::EtcdCores | ResourceId::EtcdApply => None,
        }
    }

    /// The same resource whatever the number of servers: the first
    /// server's resources are named plainly while it is the only one, and
    /// after "on apiserver-1" (readings taken before a second server came
    /// must still match).
    pub fn same(&self, other: &ResourceId) -> bool {
        let plain = |id: &ResourceId| {
            let first = |on: On| on.filter(|&i| i > 0);
            match *id {
                ResourceId::ApiServerCpu(on) => ResourceId::ApiServerCpu(first(on)),
                ResourceId::ServerSeats(on) => ResourceId::ServerSeats(first(on)),
                ResourceId::Limit(name, on) => ResourceId::Limit(name, first(on)),
                ResourceId::WebhookSlots(on) => ResourceId::WebhookSlots(first(on)),
                ResourceId::CacheLock(r, on) => ResourceId::CacheLock(r, first(on)),
                ResourceId::Dispatcher(r, on) => ResourceId::Dispatcher(r, first(on)),
                ResourceId::EtcdConnection {
                    server,
                    owner,
                    index,
                    way,
                } => ResourceId::EtcdConnection {
                    server: first(server),
                    owner,
                    index,
                    way,
                },
                other => other,
            }
        };
        plain(self) == plain(other)
    }
}

/// " on apiserver-N", or nothing for the only API server.
struct OnServer(On);

impl fmt::Display for OnServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(i) => write!(f, " on apiserver-{}", i + 1),
            None => Ok(()),
        }
    }
}

/// Names resources: a declared one by the name its workload gives it.
pub type NameOf<'a> = &'a dyn Fn(Resource) -> &'a str;

/// A resource id with the names to write it with.
pub struct Named<'a>(pub ResourceId, pub NameOf<'a>);

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Named(*self, &Resource::name).fmt(f)
    }
}

impl fmt::Display for Named<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.1;
        match self.0 {
            ResourceId::ApiServerCpu(on) => write!(f, "CPU of apiserver-{}", on.unwrap_or(0) + 1),
            ResourceId::ServerSeats(on) => write!(f, "APF seats{}", OnServer(on)),
            ResourceId::Limit(name, on) => {
                let on = OnServer(on);
                match name {
                    "read-only" | "mutating" => write!(f, "{name} inflight slots{on}"),
                    "workers" => write!(f, "the article queue's workers{on}"),
                    level => write!(f, "{level} seats{on}"),
                }
            }
            ResourceId::WebhookSlots(on) => write!(f, "webhook slots{}", OnServer(on)),
            ResourceId::EtcdCores => write!(f, "etcd cores"),
            ResourceId::EtcdApply => write!(f, "etcd apply"),
            ResourceId::EtcdConnection {
                server,
                owner,
                index,
                way,
            } => {
                let way = match way {
                    Way::Out => "to etcd",
                    Way::In => "from etcd",
                };
                let on = OnServer(server);
                match owner {
                    Some(r) => write!(f, "{} etcd connection {}{on}, {way}", name(r), index + 1),
                    None => write!(f, "etcd pool connection {}{on}, {way}", index + 1),
                }
            }
            ResourceId::CacheLock(r, on) => write!(f, "{} cache lock{}", name(r), OnServer(on)),
            ResourceId::Dispatcher(r, on) => {
                write!(f, "{} watch dispatcher{}", name(r), OnServer(on))
            }
        }
    }
}

/// One resource's integrals at one instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResourceLoad {
    pub resource: ResourceId,
    pub reading: LoadReading,
}

/// A resource's utilisation over a stretch of time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceUse {
    /// its name, as the readout shows it
    pub resource: String,
    /// time-weighted fraction of its units in use, 0 to 1
    pub utilisation: f64,
}

/// What limits a run, and the resources nearest to limiting it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bottleneck {
    /// the busiest resource (all APF seats rather than one level when the
    /// levels together are saturated and within 5 points of the busiest:
    /// the seats are then short everywhere, and borrowing cannot help;
    /// the CPU whenever it is saturated: it slows every request, so seats
    /// are held longer and fill up because of it)
    pub resource: String,
    pub utilisation: f64,
    /// whether it is at its limit ([`SATURATED`] or more): else nothing
    /// limits the control plane yet, and it is only the busiest
    pub saturated: bool,
    /// the busiest resources, busiest first (at most [`RANKED`])
    pub ranking: Vec<ResourceUse>,
}

/// The utilisation from which a resource counts as the limit: queues
/// grow fast past it (an M/M/1 queue at 90% holds 9 on average).
pub const SATURATED: f64 = 0.9;

/// Seconds of readings the model keeps for "what limits it now": the
/// page's readouts' window (`lab::readouts::READOUT_WINDOWS`).
pub const RECENT_SECONDS: usize = 10;

/// How many resources a [`Bottleneck`] lists.
pub const RANKED: usize = 5;

/// The utilisations between two sets of readings (`before` may lack a
/// resource made since: it counts from its start), busiest first.
pub fn ranking(before: &[ResourceLoad], after: &[ResourceLoad]) -> Vec<(ResourceId, f64)> {
    let mut ranked: Vec<(ResourceId, f64)> = after
        .iter()
        .map(|now| {
            let then = before
                .iter()
                .find(|b| b.resource.same(&now.resource))
                .map_or(LoadReading::default(), |b| b.reading);
            (now.resource, now.reading.since(then))
        })
        .collect();
    // An insertion sort, stable: ties keep the order resources are listed
    // in (a few dozen; the standard sorts on floats cost the page's module
    // kilobytes).
    for i in 1..ranked.len() {
        let mut j = i;
        while j > 0 && ranked[j - 1].1 < ranked[j].1 {
            ranked.swap(j - 1, j);
            j -= 1;
        }
    }
    ranked
}

/// The bottleneck of a ranking, `None` if nothing was busy at all; no
/// resource declared.
pub fn bottleneck(ranked: &[(ResourceId, f64)]) -> Option<Bottleneck> {
    bottleneck_named(ranked, &Resource::name)
}

/// The bottleneck of a ranking, with resources named by `name`.
pub fn bottleneck_named(ranked: &[(ResourceId, f64)], name: NameOf) -> Option<Bottleneck> {
    let &(top, top_use) = ranked.first().filter(|(_, u)| *u > 0.0)?;
    // The CPU of the top resource's server, or the busiest CPU (ranked
    // busiest first) for etcd's own.
    let cpu = match top.server() {
        Some(on) => ranked
            .iter()
            .find(|(r, _)| *r == ResourceId::ApiServerCpu(on)),
        None => ranked.iter().find(|(r, _)| r.is_cpu()),
    }
    .copied();
    let (resource, utilisation) = match (top, cpu) {
        // A saturated CPU slows every request on its server: seats are held
        // longer and fill because of it. It is named over seats, and over
        // anything within 5 points of it (not over etcd apply at 99% while
        // it is at 90%).
        (ResourceId::Limit(..) | ResourceId::ServerSeats(_), Some((cpu, u))) if u >= SATURATED => {
            (cpu, u)
        }
        (_, Some((cpu, u))) if u >= SATURATED && u >= top_use - 0.05 => (cpu, u),
        (ResourceId::Limit(_, on), _) => {
            let all_seats = ranked
                .iter()
                .find(|(r, _)| *r == ResourceId::ServerSeats(on))
                .map(|&(_, u)| u);
            match all_seats {
                Some(seats) if seats >= SATURATED && seats >= top_use - 0.05 => {
                    (ResourceId::ServerSeats(on), seats)
                }
                _ => (top, top_use),
            }
        }
        _ => (top, top_use),
    };
    Some(Bottleneck {
        resource: Named(resource, name).to_string(),
        utilisation,
        saturated: utilisation >= SATURATED,
        ranking: ranked
            .iter()
            .take(RANKED)
            .map(|(r, u)| ResourceUse {
                resource: Named(*r, name).to_string(),
                utilisation: *u,
            })
            .collect(),
    })
}

/// A reading of `used` of `capacity` unit·s, for tests.
#[cfg(test)]
pub(crate) fn reading_of(resource: ResourceId, used: f64, capacity: f64) -> ResourceLoad {
    ResourceLoad {
        resource,
        reading: LoadReading {
            used,
            capacity,
            start: 0,
        },
    }
}

impl ControlPlane {
    /// The API server `index`'s resources are named after it when the
    /// control plane runs several.
    pub(super) fn on(&self, index: usize) -> On {
        (self.servers.len() > 1).then_some(index as u8)
    }

    /// Every finite resource's integrals up to `now`: each API server's
    /// (the CPUs first, in server order), then etcd's, then each server's
    /// etcd connections and caches.
    pub fn loads(&self, now: Nanos) -> Vec<ResourceLoad> {
        let mut loads = Vec::new();
        for (i, server) in self.servers.iter().enumerate() {
            loads.push(ResourceLoad {
                resource: ResourceId::ApiServerCpu(self.on(i)),
                reading: server.cpu.reading(now),
            });
        }
        for (i, server) in self.servers.iter().enumerate() {
            let on = self.on(i);
            let limits = server.flow.loads(now);
            if server.flow.is_apf() {
                let all = limits
                    .iter()
                    .fold(LoadReading::default(), |sum, (_, r)| sum.plus(*r));
                loads.push(ResourceLoad {
                    resource: ResourceId::ServerSeats(on),
                    reading: all,
                });
            }
            loads.extend(limits.into_iter().map(|(name, reading)| ResourceLoad {
                resource: ResourceId::Limit(name, on),
                reading,
            }));
            if let Some(reading) = server.admission.slots_reading(now, &self.spec) {
                loads.push(ResourceLoad {
                    resource: ResourceId::WebhookSlots(on),
                    reading,
                });
            }
        }
        loads.push(ResourceLoad {
            resource: ResourceId::EtcdCores,
            reading: self.etcd.cores_reading(now),
        });
        loads.push(ResourceLoad {
            resource: ResourceId::EtcdApply,
            reading: self.etcd.apply_reading(now),
        });
        for (i, server) in self.servers.iter().enumerate() {
            let on = self.on(i);
            let client = server.storage.client();
            let endpoints = client.endpoints() as usize;
            loads.extend(client.pipe_readings(now).map(|(connection, way, reading)| {
                let owner = client.owner(connection).and_then(Resource::of_index);
                let index = match owner {
                    Some(_) => connection % endpoints,
                    None => connection,
                };
                ResourceLoad {
                    resource: ResourceId::EtcdConnection {
                        server: on,
                        owner,
                        index: index as u16,
                        way,
                    },
                    reading,
                }
            }));
            let resources = || self.spec.workload.all_resources();
            for (resource, reading) in resources().zip(server.cache.held_readings(now)) {
                loads.push(ResourceLoad {
                    resource: ResourceId::CacheLock(resource, on),
                    reading,
                });
            }
            let dispatchers = server.cache.dispatcher_readings(now);
            for (resource, reading) in resources().zip(dispatchers) {
                loads.push(ResourceLoad {
                    resource: ResourceId::Dispatcher(resource, on),
                    reading,
                });
            }
        }
        loads
    }

    /// Takes every resource's readings now, once a second, keeping the
    /// last [`RECENT_SECONDS`] of them (and one more: the window's start).
    /// With no request in flight and no workload the marks pause (an idle
    /// model run to the end of time would otherwise take billions of
    /// them); the next event that is not periodic resumes them.
    pub(super) fn mark_loads(&mut self, cx: &mut Cx<CpEvent>) {
        if self.recent_loads.len() > RECENT_SECONDS {
            self.recent_loads.pop_front();
        }
        let loads = self.loads(cx.now);
        // Each CPU's busy cores over the last second (a reading after the
        // marks paused covers more than a second: it is left out).
        let measured = self.metrics.measured(cx.now.saturating_sub(NANOS_PER_SEC));
        for server in &mut self.servers {
            let used = server.cpu.reading(cx.now).used;
            if let Some((at, then)) = server.cpu_mark
                && measured
                && cx.now - at == NANOS_PER_SEC
            {
                let cores = used - then;
                server.cpu_seconds.record((cores.max(0.0) * 1e9) as Nanos);
            }
            server.cpu_mark = Some((cx.now, used));
        }
        self.recent_loads.push_back(loads);
        let workload = (0..stream_count(&self.spec.workload))
            .any(|i| stream_rate(&self.spec.workload, i) > 0.0);
        self.marking = workload || self.requests.len() > 0;
        if self.marking {
            cx.after(NANOS_PER_SEC, CpEvent::LoadMark);
        }
    }

    /// Every resource's utilisation over the last `seconds` (at most
    /// [`RECENT_SECONDS`]; fewer at the start of a run), busiest first.
    pub fn recent_ranking(&self, now: Nanos, seconds: usize) -> Vec<(ResourceId, f64)> {
        let back = seconds.clamp(1, RECENT_SECONDS);
        let first = self.recent_loads.len().saturating_sub(back + 1);
        let then = self.recent_loads.get(first).map_or(&[][..], |l| &l[..]);
        ranking(then, &self.loads(now))
    }

    /// What limited the control plane over the last `seconds` (at most 10).
    pub fn recent_bottleneck(&self, now: Nanos, seconds: usize) -> Option<Bottleneck> {
        let workload = &self.spec.workload;
        let name = |r| workload.resource_name(r);
        bottleneck_named(&self.recent_ranking(now, seconds), &name)
    }

    /// What limited the measured part of the run so far (from the end of
    /// the warm-up, or the start), `None` before anything was busy.
    pub fn bottleneck(&self, now: Nanos) -> Option<Bottleneck> {
        let before = self.loads_at_warmup.as_deref().unwrap_or(&[]);
        let workload = &self.spec.workload;
        let name = |r| workload.resource_name(r);
        bottleneck_named(&ranking(before, &self.loads(now)), &name)
    }
}

#[cfg(test)]
#[path = "loads_tests.rs"]
mod tests;
