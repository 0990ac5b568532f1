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

/// A finite resource of the control plane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceId {
    /// the API server's cores
    ApiServerCpu,
    /// APF's limited levels' seats together: the server concurrency limit
    ServerSeats,
    /// one limit of the flow control, by name: an APF level's seats,
    /// max-inflight's read-only or mutating slots, the article's workers
    Limit(&'static str),
    /// the article's dedicated webhook slots (not upstream)
    WebhookSlots,
    /// the etcd leader's cores serving reads
    EtcdCores,
    /// etcd's apply loop (one goroutine)
    EtcdApply,
    /// one way of one etcd connection: the resource type whose client
    /// owns it (`None`: the article's shared pool) and its place there
    EtcdConnection {
        owner: Option<Resource>,
        index: u16,
        way: Way,
    },
    /// a resource's watch cache lock (all its shards together)
    CacheLock(Resource),
    /// a resource's watch dispatcher (serial: it sends each event to
    /// every interested watcher in turn)
    Dispatcher(Resource),
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ResourceId::ApiServerCpu => write!(f, "CPU of apiserver-1"),
            ResourceId::ServerSeats => write!(f, "APF seats"),
            ResourceId::Limit(name) => match name {
                "read-only" | "mutating" => write!(f, "{name} inflight slots"),
                "workers" => write!(f, "the article queue's workers"),
                level => write!(f, "{level} seats"),
            },
            ResourceId::WebhookSlots => write!(f, "webhook slots"),
            ResourceId::EtcdCores => write!(f, "etcd cores"),
            ResourceId::EtcdApply => write!(f, "etcd apply"),
            ResourceId::EtcdConnection { owner, index, way } => {
                let way = match way {
                    Way::Out => "to etcd",
                    Way::In => "from etcd",
                };
                match owner {
                    Some(r) => write!(f, "{} etcd connection {}, {way}", r.name(), index + 1),
                    None => write!(f, "etcd pool connection {}, {way}", index + 1),
                }
            }
            ResourceId::CacheLock(r) => write!(f, "{} cache lock", r.name()),
            ResourceId::Dispatcher(r) => write!(f, "{} watch dispatcher", r.name()),
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
                .find(|b| b.resource == now.resource)
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

/// The bottleneck of a ranking, `None` if nothing was busy at all.
pub fn bottleneck(ranked: &[(ResourceId, f64)]) -> Option<Bottleneck> {
    let &(top, top_use) = ranked.first().filter(|(_, u)| *u > 0.0)?;
    let all_seats = ranked
        .iter()
        .find(|(r, _)| *r == ResourceId::ServerSeats)
        .map(|&(_, u)| u);
    let cpu = ranked
        .iter()
        .find(|(r, _)| *r == ResourceId::ApiServerCpu)
        .map_or(0.0, |&(_, u)| u);
    let (resource, utilisation) = match (top, all_seats) {
        _ if cpu >= SATURATED => (ResourceId::ApiServerCpu, cpu),
        (ResourceId::Limit(_), Some(seats)) if seats >= SATURATED && seats >= top_use - 0.05 => {
            (ResourceId::ServerSeats, seats)
        }
        _ => (top, top_use),
    };
    Some(Bottleneck {
        resource: resource.to_string(),
        utilisation,
        saturated: utilisation >= SATURATED,
        ranking: ranked
            .iter()
            .take(RANKED)
            .map(|(r, u)| ResourceUse {
                resource: r.to_string(),
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
    /// Every finite resource's integrals up to `now`.
    pub fn loads(&self, now: Nanos) -> Vec<ResourceLoad> {
        let server = &self.server;
        let mut loads = vec![ResourceLoad {
            resource: ResourceId::ApiServerCpu,
            reading: server.cpu.reading(now),
        }];
        let limits = server.flow.loads(now);
        if server.flow.is_apf() {
            let all = limits
                .iter()
                .fold(LoadReading::default(), |sum, (_, r)| sum.plus(*r));
            loads.push(ResourceLoad {
                resource: ResourceId::ServerSeats,
                reading: all,
            });
        }
        loads.extend(limits.into_iter().map(|(name, reading)| ResourceLoad {
            resource: ResourceId::Limit(name),
            reading,
        }));
        if let Some(reading) = server.admission.slots_reading(now, &self.spec) {
            loads.push(ResourceLoad {
                resource: ResourceId::WebhookSlots,
                reading,
            });
        }
        loads.push(ResourceLoad {
            resource: ResourceId::EtcdCores,
            reading: self.etcd.cores_reading(now),
        });
        loads.push(ResourceLoad {
            resource: ResourceId::EtcdApply,
            reading: self.etcd.apply_reading(now),
        });
        let client = server.storage.client();
        let endpoints = client.endpoints() as usize;
        loads.extend(client.pipe_readings(now).map(|(connection, way, reading)| {
            let owner = client
                .owner(connection)
                .and_then(|r| Resource::ALL.get(r).copied());
            let index = match owner {
                Some(_) => connection % endpoints,
                None => connection,
            };
            ResourceLoad {
                resource: ResourceId::EtcdConnection {
                    owner,
                    index: index as u16,
                    way,
                },
                reading,
            }
        }));
        for (resource, reading) in Resource::ALL.iter().zip(server.cache.held_readings(now)) {
            loads.push(ResourceLoad {
                resource: ResourceId::CacheLock(*resource),
                reading,
            });
        }
        let dispatchers = server.cache.dispatcher_readings(now);
        for (resource, reading) in Resource::ALL.iter().zip(dispatchers) {
            loads.push(ResourceLoad {
                resource: ResourceId::Dispatcher(*resource),
                reading,
            });
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
        // The CPU is listed first; its busy cores over the last second.
        if let (Some(last), Some(cpu)) = (self.recent_loads.back(), loads.first())
            && self.metrics.measured(cx.now.saturating_sub(NANOS_PER_SEC))
        {
            let used = cpu.reading.used - last[0].reading.used;
            self.cpu_seconds.record((used.max(0.0) * 1e9) as Nanos);
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

    /// What limited the measured part of the run so far (from the end of
    /// the warm-up, or the start), `None` before anything was busy.
    pub fn bottleneck(&self, now: Nanos) -> Option<Bottleneck> {
        let before = self.loads_at_warmup.as_deref().unwrap_or(&[]);
        bottleneck(&ranking(before, &self.loads(now)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reading_of as load;

    /// The busiest resource is named; a level at 100% while the seats
    /// together are at 97% is the seats running out, not the level.
    #[test]
    fn the_busiest_resource_is_the_bottleneck_and_full_seats_are_all_seats() {
        let after = [
            load(ResourceId::ServerSeats, 97.0, 100.0),
            load(ResourceId::Limit("node-high"), 10.0, 10.0),
            load(ResourceId::EtcdApply, 0.6, 1.0),
        ];
        let ranked = ranking(&[], &after);
        assert_eq!(ranked[0].0, ResourceId::Limit("node-high"));
        let b = bottleneck(&ranked).unwrap();
        assert_eq!((b.resource.as_str(), b.utilisation), ("APF seats", 0.97));
        assert!(b.saturated);
        assert_eq!(b.ranking.len(), 3);

        // Seats with room elsewhere: the level itself is the limit.
        let after = [
            load(ResourceId::ServerSeats, 50.0, 100.0),
            load(ResourceId::Limit("node-high"), 10.0, 10.0),
            load(ResourceId::EtcdApply, 0.6, 1.0),
        ];
        let b = bottleneck(&ranking(&[], &after)).unwrap();
        assert_eq!(b.resource, "node-high seats");

        // A quiet control plane: the busiest is named, and not saturated.
        let after = [
            load(ResourceId::ServerSeats, 0.5, 100.0),
            load(ResourceId::Limit("global-default"), 0.6, 100.0),
        ];
        let b = bottleneck(&ranking(&[], &after)).unwrap();
        assert_eq!(b.resource, "global-default seats");
        assert!(!b.saturated);
    }

    /// Utilisation is over the window between the readings: etcd apply
    /// busy 9 of the last 10 s reads 90% though it was idle before.
    #[test]
    fn the_ranking_measures_between_the_readings() {
        let before = [load(ResourceId::EtcdApply, 1.0, 50.0)];
        let after = [
            load(ResourceId::EtcdApply, 10.0, 60.0),
            load(ResourceId::EtcdCores, 8.0, 80.0),
        ];
        let ranked = ranking(&before, &after);
        assert_eq!(ranked[0], (ResourceId::EtcdApply, 0.9));
        assert_eq!(
            ranked[1],
            (ResourceId::EtcdCores, 0.1),
            "new: from its start"
        );
        assert!(bottleneck(&ranking(&[], &[load(ResourceId::EtcdCores, 0.0, 1.0)])).is_none());
    }

    #[test]
    fn resources_are_named_as_the_readout_shows_them() {
        let names = [
            (ResourceId::Limit("workload-low"), "workload-low seats"),
            (ResourceId::Limit("mutating"), "mutating inflight slots"),
            (
                ResourceId::EtcdConnection {
                    owner: Some(Resource::Pods),
                    index: 1,
                    way: Way::In,
                },
                "pods etcd connection 2, from etcd",
            ),
            (ResourceId::CacheLock(Resource::Pods), "pods cache lock"),
        ];
        for (id, name) in names {
            assert_eq!(id.to_string(), name);
        }
    }
}
