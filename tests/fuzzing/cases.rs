//! The fuzz cases, shared by the fuzz targets (`fuzz/fuzz_targets/*.rs`
//! include this file) and by the native regression test
//! (`tests/fuzz_regressions.rs`), which replays every input that once
//! crashed a target through exactly the same code.
//!
//! - [`scenario_toml`]: `Scenario::from_toml` on arbitrary text. What it
//!   accepts writes itself back as TOML that reads back equal, and runs.
//! - [`simulation`]: `Simulation::new`, then any sequence of `reconfigure`
//!   (every `ControlPlaneChange` and `StationChange`, arbitrary values) and
//!   `advance_bounded` (arbitrary target times and budgets). Values are
//!   drawn mostly inside their allowed ranges (so a case gets past the
//!   checks and drives the model), sometimes at the ends, sometimes anywhere:
//!   NaN, infinities, negatives, `u32::MAX`.
//!
//! - [`url_state`]: the page's URL-state parser (`lab::url::from_query`) on
//!   arbitrary text: every slider lands in its range, the view's scenario
//!   is valid, at most a few notices, and the query written for the view
//!   reads back to the same view.
//!
//! All check after every step that nothing panicked (the fuzzed build and
//! the tests keep overflow checks on), that requests are conserved and that
//! every number is finite. A case handles at most `MAX_EVENTS` events.
#![allow(dead_code)] // each includer uses one of the cases

use arbitrary::{Result, Unstructured};
use cplab::sim::models::control_plane::spec::{
    CustomSource, FailurePolicy, ResourceSpec, WebhookSpec, WebhookType,
};
use cplab::sim::models::control_plane::{
    ControlPlaneChange as C, ControlPlaneSpec, Discovery, WebhookHandling,
};
use cplab::sim::models::etcd::client::EtcdClientKind;
use cplab::sim::models::flow_control::FlowControlKind;
use cplab::sim::models::request::{
    ClientKind, Resource, ResourceRef, ResourceRule, Subresource, Verb,
};
use cplab::sim::models::watch_cache::CacheLocking;
use cplab::sim::scenario::MAX_DURATION;
use cplab::sim::{
    Change, DurationLaw, Scenario, Simulation, StationChange, StationSpec, from_secs,
};

/// The scenario parser on `data`.
pub fn scenario_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(scenario) = Scenario::from_toml(text) else {
        return;
    };
    let written = scenario.to_toml();
    let again = Scenario::from_toml(&written)
        .unwrap_or_else(|error| panic!("cannot read back {written:?}: {error}"));
    assert_eq!(again, scenario, "round trip through {written:?}");
    let mut sim = Simulation::new(&scenario, scenario.seed.unwrap_or(1))
        .unwrap_or_else(|error| panic!("a checked scenario is refused: {error}"));
    sim.advance_bounded(from_secs(scenario.duration), MAX_EVENTS);
    check_invariants(&sim);
}

/// A simulation driven by `data`.
pub fn simulation(data: &[u8]) {
    let _ = run(&mut Unstructured::new(data));
}

/// Events one fuzz case may handle in all: a case stays a few milliseconds,
/// however heavy the configuration it asks for (no case can hang), so a
/// million cases fit in an hour of one core.
pub const MAX_EVENTS: u64 = 1_500;

/// Requests are conserved: arrived = completed + rejected + timed out + in
/// the system (counted from the model's state). Cheap: checked every step.
pub fn check_conservation(sim: &Simulation) {
    if let Err(broken) = sim.conservation() {
        panic!("{broken}");
    }
}

/// The invariants that hold after any sequence of calls: requests are
/// conserved (arrived = completed + rejected + timed out + in the system,
/// counted from the model's state), and every reported number is finite.
pub fn check_invariants(sim: &Simulation) {
    check_conservation(sim);
    let summary = sim.summary();
    assert!(summary.simulated_s.is_finite());
    for (name, class) in &summary.classes {
        for value in [
            class.mean_queue_wait_s,
            class.mean_response_s,
            class.p50_s,
            class.p90_s,
            class.p99_s,
        ] {
            assert!(value.is_finite(), "{name}: {class:?}");
        }
        assert!(
            class.p50_s <= class.p90_s && class.p90_s <= class.p99_s,
            "{name}: {class:?}"
        );
    }
    if let Some(u) = summary.utilisation {
        assert!(u.is_finite(), "utilisation {u}");
    }
    let snapshot = sim.snapshot();
    assert!(snapshot.time.is_finite());
    if let Some(cp) = sim.control_plane_snapshot(7, 64) {
        assert!(cp.requests.len() <= 64);
        for request in cp.requests {
            assert!(request.arrived.is_finite() && request.stage_since >= request.arrived);
        }
    }
}

/// A number in [lo, hi] most of the time (log-uniform when lo > 0, skewed
/// towards small values from 0), the ends themselves, or any f64 at all.
fn num(u: &mut Unstructured, lo: f64, hi: f64) -> Result<f64> {
    Ok(match u.int_in_range(0u8..=15)? {
        0 => f64::from_bits(u.arbitrary()?),
        1 => lo,
        2 => hi,
        _ => {
            let t = u.int_in_range(0u32..=u32::MAX)? as f64 / u32::MAX as f64;
            if lo > 0.0 {
                (lo.ln() + t * (hi.ln() - lo.ln())).exp()
            } else {
                lo + t.powi(4) * (hi - lo)
            }
        }
    })
}

/// An integer in [lo, hi] most of the time, the ends, or any u32.
fn int(u: &mut Unstructured, lo: u32, hi: u32) -> Result<u32> {
    Ok(match u.int_in_range(0u8..=15)? {
        0 => u.arbitrary()?,
        1 => lo,
        2 => hi,
        _ => num(u, (lo as f64).max(0.5), hi as f64)?
            .round()
            .clamp(lo as f64, hi as f64) as u32,
    })
}

fn pick<T: Copy>(u: &mut Unstructured, options: &[T]) -> Result<T> {
    u.choose(options).copied()
}

fn law(u: &mut Unstructured, lo: f64, hi: f64) -> Result<DurationLaw> {
    let mean = num(u, lo, hi)?;
    Ok(match u.int_in_range(0u8..=2)? {
        0 => DurationLaw::Exponential { mean },
        1 => DurationLaw::Deterministic { mean },
        _ => DurationLaw::Lognormal {
            mean,
            cv: num(u, 0.0, 20.0)?,
        },
    })
}

const RESOURCES: [Resource; 7] = Resource::ALL;
const RULES: [ResourceRule; 10] = [
    ResourceRule::of(Resource::Pods),
    ResourceRule::of(Resource::Nodes),
    ResourceRule::of(Resource::Leases),
    ResourceRule::of(Resource::Events),
    ResourceRule::of(Resource::ConfigMaps),
    ResourceRule::of(Resource::Deployments),
    ResourceRule {
        resource: Some(Resource::Pods),
        subresource: Some(Subresource::Status),
    },
    ResourceRule {
        resource: Some(Resource::Pods),
        subresource: None,
    },
    ResourceRule {
        resource: None,
        subresource: Some(Subresource::None),
    },
    ResourceRule {
        resource: None,
        subresource: None,
    },
];
const VERBS: [Verb; 7] = [
    Verb::Get,
    Verb::List,
    Verb::Watch,
    Verb::Create,
    Verb::Update,
    Verb::Patch,
    Verb::Delete,
];
const CLIENTS: [ClientKind; 7] = [
    ClientKind::Kubelet,
    ClientKind::ControllerManager,
    ClientKind::Scheduler,
    ClientKind::LeaderElection,
    ClientKind::Operator,
    ClientKind::User,
    ClientKind::Admin,
];
const FLOW_CONTROLS: [FlowControlKind; 3] = [
    FlowControlKind::Apf,
    FlowControlKind::MaxInflight,
    FlowControlKind::ArticleQueue,
];
const HANDLINGS: [WebhookHandling; 2] = [WebhookHandling::Inline, WebhookHandling::Dedicated];
const LOCKINGS: [CacheLocking; 2] = [CacheLocking::PerResource, CacheLocking::NamespaceShards];
const ETCD_CLIENTS: [EtcdClientKind; 2] = [EtcdClientKind::PerResource, EtcdClientKind::Pool];
const DISCOVERIES: [Discovery; 2] = [Discovery::Aggregated, Discovery::Legacy];

fn subset<T: Copy>(u: &mut Unstructured, all: &[T]) -> Result<Vec<T>> {
    let mut out = Vec::new();
    for &item in all {
        if u.arbitrary()? {
            out.push(item);
        }
    }
    Ok(out)
}

fn webhook(u: &mut Unstructured, i: usize) -> Result<WebhookSpec> {
    Ok(WebhookSpec {
        name: format!("hook-{i}"),
        kind: pick(u, &[WebhookType::Mutating, WebhookType::Validating])?,
        resources: subset(u, &RULES)?,
        verbs: subset(u, &VERBS)?,
        latency: law(u, 1e-6, 60.0)?,
        timeout: num(u, 1.0, 30.0)?,
        failure_policy: pick(u, &[FailurePolicy::Fail, FailurePolicy::Ignore])?,
    })
}

/// A built-in resource's figures, or a declared one (sometimes a name
/// given twice, sometimes a figure left out).
fn resource(u: &mut Unstructured, i: usize) -> Result<ResourceSpec> {
    let names = [
        "secrets",
        "widgets.example.com",
        "pods",
        "nodes",
        "events",
        "Bad Name",
    ];
    let name = if u.arbitrary()? {
        pick(u, &names)?.to_string()
    } else {
        format!("kind{i}")
    };
    let mut optional = |lo: f64, hi: f64| -> Result<Option<f64>> {
        Ok(if u.arbitrary()? {
            Some(num(u, lo, hi)?)
        } else {
            None
        })
    };
    Ok(ResourceSpec {
        name,
        objects: optional(0.0, 2e8)?.map(|o| o as u64),
        object_kib: optional(0.0, 2_000.0)?,
        watchers: optional(0.0, 200_000.0)?.map(|w| w as u32),
    })
}

fn source(u: &mut Unstructured, i: usize) -> Result<CustomSource> {
    Ok(CustomSource {
        name: format!("source-{i}"),
        rate: num(u, 0.0, 1e6)?,
        verb: pick(u, &VERBS)?,
        resource: pick(u, &RESOURCES)?.into(),
        subresource: pick(u, &Subresource::ALL)?,
        client: pick(u, &CLIENTS)?,
        objects: int(u, 0, 1_000_000)?,
        matches: if u.arbitrary()? {
            Some(int(u, 0, 1_000_000)?)
        } else {
            None
        },
        users: int(u, 0, 100_000)?,
        limit: None,
        read_kib_s: if u.arbitrary()? {
            Some(int(u, 0, 100_000)?)
        } else {
            None
        },
    })
}

fn control_plane(u: &mut Unstructured) -> Result<ControlPlaneSpec> {
    let mut s = ControlPlaneSpec::upstream(int(u, 1, 15_000)?);
    // Each field keeps its upstream default unless the input says otherwise,
    // so short inputs give realistic configurations.
    macro_rules! maybe {
        ($field:expr, $value:expr) => {
            if u.arbitrary::<bool>()? {
                $field = $value;
            }
        };
    }
    maybe!(s.flow_control, pick(u, &FLOW_CONTROLS)?);
    maybe!(s.max_requests_inflight, int(u, 1, 100_000)?);
    maybe!(s.max_mutating_requests_inflight, int(u, 0, 100_000)?);
    maybe!(s.request_timeout, num(u, 1e-3, 3_600.0)?);
    maybe!(s.queue_wait_limit, num(u, 1e-3, 3_600.0)?);
    maybe!(s.article_queue_capacity, int(u, 0, 10_000_000)?);
    maybe!(s.article_timeout, num(u, 1e-3, 3_600.0)?);
    maybe!(s.webhook_handling, pick(u, &HANDLINGS)?);
    maybe!(s.webhook_concurrency, int(u, 1, 100_000)?);
    if u.arbitrary::<bool>()? {
        let n = u.int_in_range(0usize..=4)?;
        s.webhooks = (0..n).map(|i| webhook(u, i)).collect::<Result<_>>()?;
    }
    maybe!(s.cache_locking, pick(u, &LOCKINGS)?);
    maybe!(s.watch_cache.read_base, num(u, 0.0, 1.0)?);
    maybe!(s.watch_cache.read_per_object, num(u, 0.0, 1.0)?);
    maybe!(s.watch_cache.write_hold, num(u, 0.0, 1.0)?);
    maybe!(s.watch_cache.dispatch_base, num(u, 0.0, 1.0)?);
    maybe!(s.watch_cache.dispatch_per_watcher, num(u, 0.0, 1.0)?);
    maybe!(s.discovery, pick(u, &DISCOVERIES)?);
    maybe!(s.processing, law(u, 1e-6, 86_400.0)?);
    maybe!(s.serialize_per_kib, num(u, 0.0, 1.0)?);
    let w = &mut s.workload;
    maybe!(w.pods_per_node, int(u, 0, 110)?);
    maybe!(w.namespaces, int(u, 1, 10_000)?);
    maybe!(w.pod_churn_per_node_hour, num(u, 0.0, 3_600.0)?);
    maybe!(w.user_qps, num(u, 0.0, 100_000.0)?);
    maybe!(w.operator_qps, num(u, 0.0, 100_000.0)?);
    maybe!(w.controller_lists_per_minute, num(u, 0.0, 6_000.0)?);
    maybe!(w.crds, int(u, 0, 2_000)?);
    maybe!(w.discovery_clients, int(u, 0, 100_000)?);
    maybe!(w.derived, u.arbitrary()?);
    if u.arbitrary::<bool>()? {
        let n = u.int_in_range(0usize..=5)?;
        w.resources = (0..n).map(|i| resource(u, i)).collect::<Result<_>>()?;
    }
    if u.arbitrary::<bool>()? {
        let n = u.int_in_range(0usize..=3)?;
        w.sources = (0..n).map(|i| source(u, i)).collect::<Result<_>>()?;
        for source in &mut w.sources {
            if u.arbitrary()? {
                let declared = ["secrets", "widgets.example.com", "undeclared"];
                source.resource = ResourceRef::Declared(pick(u, &declared)?.to_string());
            }
        }
    }
    let e = &mut s.etcd;
    maybe!(e.members, int(u, 1, 9)?);
    maybe!(e.fsync, law(u, 1e-6, 10.0)?);
    maybe!(e.peer_rtt, law(u, 1e-6, 1.0)?);
    maybe!(e.apply, num(u, 0.0, 1.0)?);
    maybe!(e.read, num(u, 0.0, 1.0)?);
    maybe!(e.read_per_kib, num(u, 0.0, 1.0)?);
    maybe!(e.cores, int(u, 1, 1_024)?);
    maybe!(e.read_loop, num(u, 0.0, 1.0)?);
    maybe!(e.raft_loop, num(u, 0.0, 1.0)?);
    maybe!(e.election, num(u, 0.0, 600.0)?);
    let c = &mut s.etcd_client;
    maybe!(c.kind, pick(u, &ETCD_CLIENTS)?);
    maybe!(c.pool_connections, int(u, 1, 1_000)?);
    maybe!(c.rtt, law(u, 1e-6, 1.0)?);
    maybe!(c.bandwidth_mib_s, num(u, 0.1, 1e6)?);
    maybe!(c.max_streams, int(u, 1, 100_000)?);
    Ok(s)
}

fn station(u: &mut Unstructured) -> Result<StationSpec> {
    Ok(StationSpec {
        arrival_rate: num(u, 1e-3, 1e7)?,
        servers: int(u, 1, 1_000_000)?,
        queue_capacity: if u.arbitrary()? {
            Some(int(u, 0, 10_000_000)?)
        } else {
            None
        },
        queue_timeout: if u.arbitrary()? {
            Some(num(u, 1e-3, 86_400.0)?)
        } else {
            None
        },
        service: law(u, 1e-6, 86_400.0)?,
    })
}

fn control_plane_change(u: &mut Unstructured) -> Result<C> {
    Ok(match u.int_in_range(0u8..=16)? {
        0 => C::Nodes(int(u, 1, 15_000)?),
        1 => {
            // Both flags are drawn (the inputs saved before the flags were
            // two changes read the same bytes); the parity picks one.
            let (read_only, mutating) = (int(u, 1, 100_000)?, int(u, 0, 100_000)?);
            if read_only % 2 == 0 {
                C::MaxRequestsInflight(read_only)
            } else {
                C::MaxMutatingRequestsInflight(mutating)
            }
        }
        2 => C::WebhookConcurrency(int(u, 1, 100_000)?),
        3 => C::WebhookLatency(num(u, 1e-6, 60.0)?),
        4 => C::WebhookTimeout(num(u, 1.0, 30.0)?),
        5 => C::EtcdConnections(int(u, 1, 1_000)?),
        6 => C::FsyncLatency(num(u, 1e-6, 10.0)?),
        7 => C::Namespaces(int(u, 1, 10_000)?),
        8 => C::FlowControl(pick(u, &FLOW_CONTROLS)?),
        9 => C::WebhookHandling(pick(u, &HANDLINGS)?),
        10 => C::CacheLocking(pick(u, &LOCKINGS)?),
        11 => C::EtcdClient(pick(u, &ETCD_CLIENTS)?),
        12 => C::Discovery(pick(u, &DISCOVERIES)?),
        13 => C::SlowWebhook(if u.arbitrary()? {
            f64::INFINITY
        } else {
            num(u, 1.0, 10_000.0)?
        }),
        14 => C::FsyncSpike(num(u, 1.0, 10_000.0)?),
        15 => C::LeaderElection,
        _ => C::RestartStorm(num(u, 0.0, 1.0)?),
    })
}

fn station_change(u: &mut Unstructured) -> Result<StationChange> {
    Ok(match u.int_in_range(0u8..=3)? {
        0 => StationChange::ArrivalRate(num(u, 1e-3, 1e7)?),
        1 => StationChange::Servers(int(u, 1, 1_000_000)?),
        2 => StationChange::QueueCapacity(if u.arbitrary()? {
            Some(int(u, 0, 10_000_000)?)
        } else {
            None
        }),
        _ => StationChange::ServiceMean(num(u, 1e-6, 86_400.0)?),
    })
}

fn run(u: &mut Unstructured) -> Result<()> {
    let mut scenario = Scenario {
        duration: num(u, 1.0, MAX_DURATION)?,
        ..Scenario::default()
    };
    scenario.warmup = num(u, 0.0, scenario.duration)?;
    if u.arbitrary()? {
        scenario.control_plane = Some(control_plane(u)?);
    } else {
        scenario.station = Some(station(u)?);
    }
    let seed: u64 = u.arbitrary()?;
    let mut sim = match Simulation::new(&scenario, seed) {
        Ok(sim) => sim,
        Err(error) => {
            // A refusal names a field (or the whole file) and says why.
            assert!(!error.message.is_empty(), "{error:?}");
            return Ok(());
        }
    };
    let mut budget = MAX_EVENTS;
    while !u.is_empty() && budget > 0 {
        // Out of input halfway through a step ends the case, still checked.
        if step(u, &mut sim, &mut budget).is_err() {
            break;
        }
        // The full check walks every histogram: once at the end is enough
        // for finiteness and keeps a case fast (a million cases to run).
        check_conservation(&sim);
    }
    check_invariants(&sim);
    Ok(())
}

/// One call: an advance, or a change of either model (a change of the
/// other model's kind must be refused with a reason).
fn step(u: &mut Unstructured, sim: &mut Simulation, budget: &mut u64) -> Result<()> {
    match u.int_in_range(0u8..=3)? {
        0 | 1 => {
            let target = match u.int_in_range(0u8..=7)? {
                0 => u.arbitrary::<u64>()?,
                1 => u64::MAX,
                _ => sim.now().saturating_add(from_secs(num(u, 0.0, 3_600.0)?)),
            };
            let max_events = u.int_in_range(0..=*budget)?;
            let advance = sim.advance_bounded(target, max_events);
            assert!(advance.events <= max_events);
            *budget -= advance.events;
        }
        2 => apply(sim, Change::ControlPlane(control_plane_change(u)?)),
        _ => apply(sim, Change::Station(station_change(u)?)),
    }
    Ok(())
}

/// A change is applied or refused with a reason; either way the run goes on.
fn apply(sim: &mut Simulation, change: Change) {
    let before = sim.events();
    if let Err(reason) = sim.reconfigure(change) {
        assert!(!reason.is_empty());
        assert_eq!(sim.events(), before);
    }
}

/// The URL-state parser on arbitrary text (lossily decoded, as a browser
/// hands the page its query string).
pub fn url_state(data: &[u8]) {
    use cplab::lab::CONTROLS;
    use cplab::lab::url::{from_query, to_query};
    let query = String::from_utf8_lossy(data);
    let (params, notices) = from_query(&query);
    assert!(notices.len() <= 8, "{} notices", notices.len());
    for notice in &notices {
        assert!(!notice.0.contains('\n'), "a notice is one line: {notice:?}");
    }
    for row in CONTROLS.iter() {
        let Some(range) = row.range() else {
            continue;
        };
        let value = params.get(row.control);
        assert!(
            value >= range.min && value <= range.max,
            "{:?} = {value} outside its range",
            row.control
        );
    }
    assert!(params.scenario().is_ok(), "the view's scenario is valid");
    let (again, notices) = from_query(&to_query(&params));
    assert!(
        notices.is_empty(),
        "the written query reads cleanly: {notices:?}"
    );
    assert_eq!(again, params, "the written query reads back to the view");
}
