//! Every slider of the page at its minimum and maximum, under every
//! mechanism variant and every fault: the model runs within a frame's event
//! budget, its numbers stay finite and it conserves requests. Values outside
//! a slider's range are refused with a readable reason, never a panic.
//!
//! The sliders, their ranges and the faults are the page's own control table
//! (`cplab::lab::CONTROLS`), so this test follows any change of them.
//!
//! Coverage: the full product (48 mechanism combinations × 4 faults × 2⁹
//! extremes of the 9 model sliders) is about 98,000 runs, too slow for the
//! normal suite. Instead each of the 192 (mechanisms, fault) pairs runs
//! twice, with two rows of a 32-row strength-2 covering array over the 9
//! sliders (every pair of sliders sees all four min/max combinations), all
//! rows including "all at minimum" and "all at maximum" used 12 times each.
//! So every value of every axis is covered, every mechanism combination
//! meets every fault, and every pair of slider extremes occurs.
#![cfg(not(target_arch = "wasm32"))]

use cplab::lab::controls::{Binding, Input};
use cplab::lab::{CONTROLS, Control, Params};
use cplab::sim::models::control_plane::{
    ControlPlaneChange as C, ControlPlaneSpec, Discovery, WebhookHandling,
};
use cplab::sim::models::etcd::client::EtcdClientKind;
use cplab::sim::models::flow_control::FlowControlKind;
use cplab::sim::models::watch_cache::CacheLocking;
use cplab::sim::{Change, LatencyHistogram, Scenario, Simulation, from_secs};

/// The page's sliders that reach the model (all but Speed), in the page's
/// order, from its control table.
fn sliders() -> Vec<Control> {
    CONTROLS
        .iter()
        .filter(|r| r.is_model_slider())
        .map(|r| r.control)
        .collect()
}

/// Events one frame may handle (the page's budget adapts between 2,000 and
/// 2,000,000; 20,000 is its starting value).
const FRAME_EVENTS: u64 = 20_000;
/// Frames per run, each asking for 0.5 simulated seconds.
const FRAMES: usize = 8;

/// Each slider's (min, max), from the page's own ranges.
fn extremes() -> Vec<(f64, f64)> {
    sliders()
        .iter()
        .map(|c| c.row().range().expect("a slider"))
        .map(|range| (range.min, range.max))
        .collect()
}

/// The change a slider sends at `value` (its row's).
fn slider_change(slider: usize, value: f64) -> C {
    sliders()[slider].row().change(value).expect("a setting")
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

/// The page's fault buttons, as `Params::changes_since` sends them when
/// pressed or turned on.
fn faults() -> Vec<(&'static str, C)> {
    CONTROLS
        .iter()
        .filter_map(|row| match &row.binding {
            Binding::Fault(fault) => Some((row.label, (fault.change)(1.0))),
            _ => None,
        })
        .collect()
}

/// 32 rows over the sliders as two-level factors (false = minimum, true =
/// maximum) in which every pair of columns shows all four combinations:
/// distinct nonzero columns of the 32-run Hadamard (Sylvester) matrix
/// (up to 31 sliders), plus the all-minimum and all-maximum rows.
fn covering_rows(factors: usize) -> Vec<Vec<bool>> {
    // Entry (r, c) of H32 is the parity of popcount(r & c); distinct
    // nonzero columns are pairwise balanced.
    const COLUMNS: [u32; 31] = [
        1, 2, 4, 8, 16, 3, 5, 6, 9, 10, 12, 17, 18, 20, 24, 7, 11, 13, 14, 19, 21, 22, 25, 26, 28,
        15, 23, 27, 29, 30, 31,
    ];
    assert!(factors <= COLUMNS.len(), "H32 covers at most 31 sliders");
    let mut rows: Vec<Vec<bool>> = (0..32u32)
        .map(|r| {
            COLUMNS[..factors]
                .iter()
                .map(|c| (r & c).count_ones() % 2 == 1)
                .collect()
        })
        .collect();
    // Row 0 of H32 is all minimum; make the all-maximum row explicit too.
    rows[31] = vec![true; factors];
    rows
}

/// The page's scenario at these slider values and mechanisms: the sliders
/// written as their rows write them.
fn page_scenario(values: &[f64], m: Mechanisms) -> Scenario {
    let mut spec = ControlPlaneSpec::upstream(1_000);
    for (control, &value) in sliders().iter().zip(values) {
        spec.apply(control.row().change(value).expect("a setting"));
    }
    spec.flow_control = m.flow_control;
    spec.webhook_handling = m.webhook_handling;
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

fn default_values() -> Vec<f64> {
    // The page's defaults: upstream 1.32 at 1,000 nodes.
    let page = Params::default();
    sliders().iter().map(|&c| page.get(c)).collect()
}

fn assert_sane(sim: &Simulation, what: &str) {
    assert_eq!(sim.conservation(), Ok(()), "{what}");
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
    assert!(!sliders().contains(&Control::Speed) && sliders().len() >= 9);
    let ranges = extremes();
    assert_eq!(ranges.len(), sliders().len());
    for (control, (min, max)) in sliders().iter().zip(&ranges) {
        assert!(
            min.is_finite() && max.is_finite() && min < max,
            "{control:?}: {min}..{max}"
        );
    }
    assert!(CONTROLS.iter().any(|r| matches!(r.input, Input::Press)));
}

#[test]
fn every_slider_extreme_runs_under_every_mechanism_and_fault() {
    let (sliders, ranges, faults) = (sliders(), extremes(), faults());
    let rows = covering_rows(sliders.len());
    let mut runs = 0;
    let mut row = 0;
    for (m_index, m) in every_mechanism_combination().into_iter().enumerate() {
        for (f_index, (fault, fault_change)) in faults.iter().enumerate() {
            for _ in 0..2 {
                let pick = &rows[row % rows.len()];
                row += 1;
                let values: Vec<f64> = (0..sliders.len())
                    .map(|k| if pick[k] { ranges[k].1 } else { ranges[k].0 })
                    .collect();
                let what = format!("{m:?}, {fault}, sliders {values:?}");
                // Half the runs start at these values (a link to the page),
                // half start at the defaults and move every slider there.
                let direct = (m_index + f_index + row) % 2 == 0;
                let start = if direct {
                    values.clone()
                } else {
                    default_values()
                };
                let mut sim = Simulation::new(&page_scenario(&start, m), runs as u64)
                    .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
                if !direct {
                    for (k, &value) in values.iter().enumerate() {
                        sim.reconfigure(Change::ControlPlane(slider_change(k, value)))
                            .unwrap_or_else(|e| {
                                panic!("{what}: slider {:?} refused: {e}", sliders[k])
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
    assert_eq!(runs, 48 * faults.len() * 2);
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
        // 0 is valid: no limit (`pkg/server/filters/maxinflight.go`).
        C::MaxRequestsInflight(100_001),
        C::MaxMutatingRequestsInflight(100_001),
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
