//! Every slider of the page at its minimum and maximum, under every
//! mechanism variant and every fault: the model runs within a frame's event
//! budget, its numbers stay finite and it conserves requests. Values outside
//! a slider's range are refused with a readable reason, never a panic.
//!
//! The slider ranges are the page's own (`cplab::lab::Knob::range`), so this
//! test follows any change of them.
//!
//! Coverage: the full product (48 mechanism combinations × 4 faults × 2⁹
//! extremes of the 9 model sliders) is about 98,000 runs, too slow for the
//! normal suite. Instead each of the 192 (mechanisms, fault) pairs runs
//! twice, with two rows of a 16-row strength-2 covering array over the 9
//! sliders (every pair of sliders sees all four min/max combinations), all
//! rows including "all at minimum" and "all at maximum" used 24 times each.
//! So every value of every axis is covered, every mechanism combination
//! meets every fault, and every pair of slider extremes occurs.
#![cfg(not(target_arch = "wasm32"))]

use cplab::lab::Knob;
use cplab::sim::models::control_plane::{
    ControlPlaneChange as C, ControlPlaneSpec, Discovery, WebhookHandling,
};
use cplab::sim::models::etcd::client::EtcdClientKind;
use cplab::sim::models::flow_control::FlowControlKind;
use cplab::sim::models::watch_cache::CacheLocking;
use cplab::sim::{Change, LatencyHistogram, Scenario, Simulation, from_secs};

/// The page's numeric controls that reach the model (all but Speed), in
/// the page's order.
const KNOBS: [Knob; 9] = {
    let mut knobs = [Knob::Nodes; 9];
    let mut i = 0;
    while i < 9 {
        knobs[i] = Knob::ALL[i];
        i += 1;
    }
    knobs
};

/// Events one frame may handle (the page's budget adapts between 2,000 and
/// 2,000,000; 20,000 is its starting value).
const FRAME_EVENTS: u64 = 20_000;
/// Frames per run, each asking for 0.5 simulated seconds.
const FRAMES: usize = 8;

/// Each slider's (min, max), from the page's own ranges.
fn extremes() -> Vec<(f64, f64)> {
    KNOBS
        .iter()
        .map(|knob| (knob.range().min, knob.range().max))
        .collect()
}

/// The change a slider sends at `value` (as `Params::changes_since` does:
/// latencies are in ms on the page, counts are rounded).
fn slider_change(knob: usize, value: f64, read_only: f64, mutating: f64) -> C {
    let n = |x: f64| x.round() as u32;
    match KNOBS[knob] {
        Knob::Nodes => C::Nodes(n(value)),
        Knob::MaxRequestsInflight | Knob::MaxMutatingRequestsInflight => C::InflightLimits {
            read_only: n(read_only),
            mutating: n(mutating),
        },
        Knob::WebhookConcurrency => C::WebhookConcurrency(n(value)),
        Knob::WebhookLatency => C::WebhookLatency(value / 1e3),
        Knob::WebhookTimeout => C::WebhookTimeout(value),
        Knob::EtcdConnections => C::EtcdConnections(n(value)),
        Knob::EtcdFsyncLatency => C::FsyncLatency(value / 1e3),
        Knob::Namespaces => C::Namespaces(n(value)),
        Knob::Speed => unreachable!("Speed does not reach the model"),
    }
}

#[derive(Debug, Clone, Copy)]
struct Mechanisms {
    consistent_list: bool,
    flow_control: FlowControlKind,
    webhook_handling: WebhookHandling,
    cache_locking: CacheLocking,
    etcd_client: EtcdClientKind,
    discovery: Discovery,
}

fn every_mechanism_combination() -> Vec<Mechanisms> {
    let mut all = Vec::new();
    for flow_control in [
        FlowControlKind::Apf,
        FlowControlKind::MaxInflight,
        FlowControlKind::ArticleQueue,
    ] {
        for webhook_handling in [WebhookHandling::Inline, WebhookHandling::Dedicated] {
            for cache_locking in [CacheLocking::PerResource, CacheLocking::NamespaceShards] {
                for etcd_client in [EtcdClientKind::PerResource, EtcdClientKind::Pool] {
                    for discovery in [Discovery::Aggregated, Discovery::Legacy] {
                        all.push(Mechanisms {
                            consistent_list: all.len() % 2 == 0,
                            flow_control,
                            webhook_handling,
                            cache_locking,
                            etcd_client,
                            discovery,
                        });
                    }
                }
            }
        }
    }
    all
}

/// The page's four fault buttons, as `Params::changes_since` sends them.
const FAULTS: [(&str, C); 4] = [
    ("slow webhook", C::SlowWebhook(50.0)),
    ("fsync spike", C::FsyncSpike(50.0)),
    ("leader election", C::LeaderElection),
    ("restart storm", C::RestartStorm(0.5)),
];

/// 16 rows over 9 two-level factors (false = minimum, true = maximum) in
/// which every pair of columns shows all four combinations: the first 8
/// columns of the 16-run Hadamard (Sylvester) matrix's rows with their
/// complements, plus the all-minimum and all-maximum rows.
fn covering_rows() -> Vec<[bool; 9]> {
    // Columns 1, 2, 4, 8, 3, 5, 6, 9, 10 of H16: entry (r, c) is the parity
    // of popcount(r & c); distinct nonzero columns are pairwise balanced.
    const COLUMNS: [u32; 9] = [1, 2, 4, 8, 3, 5, 6, 9, 10];
    let mut rows: Vec<[bool; 9]> = (0..16u32)
        .map(|r| COLUMNS.map(|c| (r & c).count_ones() % 2 == 1))
        .collect();
    // Row 0 of H16 is all minimum; make the all-maximum row explicit too.
    rows[15] = [true; 9];
    rows
}

/// The page's scenario at these slider values and mechanisms (what
/// `live::page_scenario` builds from the page's `Params`).
fn page_scenario(values: &[f64; 9], m: Mechanisms) -> Scenario {
    let n = |x: f64| x.round() as u32;
    let mut spec = ControlPlaneSpec::upstream(n(values[0]));
    spec.flow_control = m.flow_control;
    spec.max_requests_inflight = n(values[1]);
    spec.max_mutating_requests_inflight = n(values[2]);
    spec.webhook_handling = m.webhook_handling;
    spec.webhook_concurrency = n(values[3]);
    for hook in &mut spec.webhooks {
        hook.latency = hook.latency.with_mean(values[4] / 1e3);
        hook.timeout = values[5];
    }
    spec.etcd_client.pool_connections = n(values[6]);
    spec.etcd.fsync = spec.etcd.fsync.with_mean(values[7] / 1e3);
    spec.workload.namespaces = n(values[8]);
    spec.cache_locking = m.cache_locking;
    spec.discovery = m.discovery;
    // The two versions of consistent LISTs alternate over the combinations
    // (1.31+ from the cache; 1.30 from etcd).
    spec.consistent_list_from_cache = m.consistent_list;
    spec.etcd_client.kind = m.etcd_client;
    Scenario {
        name: "extremes".into(),
        duration: 30.0 * 86_400.0,
        control_plane: Some(spec),
        ..Scenario::default()
    }
}

fn default_values() -> [f64; 9] {
    // The page's defaults (Params::default): upstream 1.32 at 1,000 nodes.
    [1_000.0, 400.0, 200.0, 500.0, 25.0, 10.0, 10.0, 0.8, 100.0]
}

fn assert_sane(sim: &Simulation, what: &str) {
    let (arrived, finished) = sim.metrics().iter().fold((0u64, 0u64), |(a, f), class| {
        let c = class.all;
        (a + c.arrived, f + c.completed + c.rejected + c.timed_out)
    });
    assert_eq!(
        arrived,
        finished + sim.in_system(),
        "{what}: conservation at t = {} ns",
        sim.now()
    );
    for (name, class) in sim.summary().classes {
        for value in [
            class.mean_queue_wait_s,
            class.mean_response_s,
            class.p50_s,
            class.p90_s,
            class.p99_s,
        ] {
            assert!(
                value.is_finite() && value >= 0.0,
                "{what}: {name} {class:?}"
            );
        }
    }
    // The readouts' figures: quantiles of the last windows.
    let mut recent: LatencyHistogram<u32> = LatencyHistogram::new();
    for class in &sim.metrics()[0..3] {
        class.windows.merge_recent(10, &mut recent);
    }
    for q in [0.5, 0.99] {
        let v = recent.quantile(q);
        assert!(
            v.is_finite() && v >= 0.0,
            "{what}: recent quantile {q} = {v}"
        );
    }
    let snapshot = sim.control_plane_snapshot(50, 120).expect("control plane");
    assert!(snapshot.requests.len() <= 120, "{what}");
    for request in &snapshot.requests {
        assert!(request.arrived.is_finite() && request.stage_since.is_finite());
    }
}

#[test]
fn slider_ranges_are_read_from_the_page() {
    assert!(!KNOBS.contains(&Knob::Speed) && Knob::ALL[9] == Knob::Speed);
    let ranges = extremes();
    assert_eq!(ranges.len(), KNOBS.len());
    for (knob, (min, max)) in KNOBS.iter().zip(&ranges) {
        assert!(
            min.is_finite() && max.is_finite() && min < max,
            "{knob:?}: {min}..{max}"
        );
    }
}

#[test]
fn every_slider_extreme_runs_under_every_mechanism_and_fault() {
    let ranges = extremes();
    let rows = covering_rows();
    let mut runs = 0;
    let mut row = 0;
    for (m_index, m) in every_mechanism_combination().into_iter().enumerate() {
        for (f_index, (fault, fault_change)) in FAULTS.iter().enumerate() {
            for _ in 0..2 {
                let pick = rows[row % rows.len()];
                row += 1;
                let values: [f64; 9] =
                    std::array::from_fn(|k| if pick[k] { ranges[k].1 } else { ranges[k].0 });
                let what = format!("{m:?}, {fault}, sliders {values:?}");
                // Half the runs start at these values (a link to the page),
                // half start at the defaults and move every slider there.
                let direct = (m_index + f_index + row) % 2 == 0;
                let start = if direct { values } else { default_values() };
                let mut sim = Simulation::new(&page_scenario(&start, m), runs as u64)
                    .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
                if !direct {
                    for k in 0..KNOBS.len() {
                        let change = slider_change(k, values[k], values[1], values[2]);
                        sim.reconfigure(Change::ControlPlane(change))
                            .unwrap_or_else(|e| {
                                panic!("{what}: slider {:?} refused: {e}", KNOBS[k])
                            });
                    }
                }
                let mut frame_target = 0;
                for frame in 0..FRAMES {
                    if frame == 1 {
                        sim.reconfigure(Change::ControlPlane(*fault_change))
                            .unwrap_or_else(|e| panic!("{what}: fault refused: {e}"));
                    }
                    frame_target += from_secs(0.5);
                    let advance = sim.advance_bounded(frame_target, FRAME_EVENTS);
                    assert!(advance.events <= FRAME_EVENTS, "{what}");
                    // A heavy configuration slows its clock rather than the frame.
                    frame_target = frame_target.min(sim.now());
                    assert_sane(&sim, &what);
                }
                runs += 1;
            }
        }
    }
    assert_eq!(runs, 48 * 4 * 2);
}

#[test]
fn out_of_range_values_are_refused_with_a_reason() {
    let m = every_mechanism_combination()[0];
    let mut sim = Simulation::new(&page_scenario(&default_values(), m), 1).expect("defaults");
    sim.run_for(1.0);
    let events = sim.events();
    for bad in [
        C::Nodes(0),
        C::Nodes(15_001),
        C::InflightLimits {
            read_only: 0,
            mutating: 1,
        },
        C::WebhookConcurrency(0),
        C::WebhookLatency(f64::NAN),
        C::WebhookLatency(-1.0),
        C::WebhookTimeout(0.5),
        C::WebhookTimeout(f64::INFINITY),
        C::EtcdConnections(0),
        C::FsyncLatency(f64::NAN),
        C::FsyncLatency(1e9),
        C::Namespaces(0),
        C::SlowWebhook(f64::NAN),
        C::SlowWebhook(0.5),
        C::FsyncSpike(f64::NEG_INFINITY),
        C::RestartStorm(1.5),
    ] {
        let reason = sim
            .reconfigure(Change::ControlPlane(bad))
            .expect_err(&format!("{bad:?} should be refused"));
        assert!(reason.contains("must be"), "{bad:?}: {reason}");
    }
    assert_eq!(sim.events(), events);
    // A scenario out of range gets a ScenarioError naming the field.
    let mut values = default_values();
    values[0] = 0.0;
    let error = Simulation::new(&page_scenario(&values, m), 1).expect_err("0 nodes");
    assert_eq!(error.field, "control_plane.workload.nodes", "{error}");
    values = default_values();
    values[7] = f64::NAN;
    let error = Simulation::new(&page_scenario(&values, m), 1).expect_err("NaN fsync");
    assert!(error.field.starts_with("control_plane.etcd"), "{error}");
    assert!(!error.to_string().contains('\n'));
}
