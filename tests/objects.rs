//! Objects as data: a scenario declares a resource's object count and
//! mean size (a new one, or a built-in one's own figures), and a LIST
//! whose selector matches some of the objects in its scope. etcd knows no
//! label selector: upstream's etcd3 store reads chunk after chunk of the
//! whole scope, decodes every object and keeps the ones the selector
//! matches (k8s.io/apiserver `pkg/storage/etcd3/store.go`, `GetList` and
//! `appendChunk`). So a selector that matches nothing still reads, ships
//! and decodes everything in scope; only the response is small.
#![cfg(not(target_arch = "wasm32"))]

use cplab::sim::summary::RunSummary;
use cplab::sim::{Scenario, Simulation};

/// Kubernetes 1.30 (consistent LISTs from etcd), 100 nodes, one API
/// server of 64 GiB (kube-up's 7.5 GiB VM for 100 nodes would be
/// OOM-killed by a few 20,000-secret responses at once), 20,000 secrets of
/// 8 KiB (156 MiB), and an operator listing all of them `rate` times a
/// second with a selector matching `matches`.
fn secrets_list(matches: Option<u32>, rate: f64) -> Scenario {
    let memory_gib = 64;
    let matches = matches.map_or(String::new(), |m| format!("matches = {m}"));
    Scenario::from_toml(&format!(
        r#"
name = "secrets list"
duration = 130.0
warmup = 10.0

[control_plane]
api_servers = 1
consistent_list_from_cache = false
api_server_memory_gib = {memory_gib}

[control_plane.workload]
nodes = 100
user_qps = 0.0
controller_lists_per_minute = 0.0

[[control_plane.workload.resources]]
name = "secrets"
objects = 20000
object_kib = 8

[[control_plane.workload.sources]]
name = "operator"
rate = {rate}
verb = "list"
resource = "secrets"
client = "operator"
objects = 20000
{matches}
"#
    ))
    .unwrap_or_else(|e| panic!("{e}"))
}

fn run(scenario: &Scenario) -> RunSummary {
    let mut sim = Simulation::new(scenario, 1).unwrap_or_else(|e| panic!("{e}"));
    sim.run_to_end();
    assert_eq!(sim.conservation(), Ok(()));
    sim.summary()
}

/// The busiest reading of a resource whose name contains `part`.
fn busy(summary: &RunSummary, part: &str) -> f64 {
    summary
        .bottleneck
        .as_ref()
        .expect("something was busy")
        .ranking
        .iter()
        .filter(|r| r.resource.contains(part))
        .map(|r| r.utilisation)
        .fold(0.0, f64::max)
}

fn leader_cpu(summary: &RunSummary) -> f64 {
    summary.etcd.iter().map(|m| m.cpu_mean).fold(0.0, f64::max)
}

#[test]
fn a_selector_matching_nothing_still_reads_and_decodes_everything_in_scope() {
    let all = run(&secrets_list(None, 0.5));
    let none = run(&secrets_list(Some(0), 0.5));
    let quiet = run(&secrets_list(None, 0.0));

    // Per LIST (the only LISTs: no user's, no controller's), etcd reads the
    // same 156 MiB either way: its leader's cores and the secrets
    // connection from etcd are as busy.
    let lists = |s: &RunSummary| s.classes["list"].arrived as f64;
    let measured = all.simulated_s - all.warmup_s;
    let per_list =
        |s: &RunSummary, busy: f64, idle: f64| (busy - idle) * measured / lists(s).max(1.0);
    assert!(lists(&all) >= 10.0 && lists(&none) >= 10.0 && lists(&quiet) == 0.0);
    let etcd = |s: &RunSummary| per_list(s, leader_cpu(s), leader_cpu(&quiet));
    let (etcd_all, etcd_none) = (etcd(&all), etcd(&none));
    assert!(etcd_all > 0.01, "{etcd_all} core-s a LIST");
    assert!(
        (etcd_none - etcd_all).abs() < 0.05 * etcd_all,
        "etcd: {etcd_none} core-s a LIST with no match, {etcd_all} with all"
    );
    let from_etcd = "secrets etcd connection 1, from etcd";
    let link = |s: &RunSummary| per_list(s, busy(s, from_etcd), 0.0) * 3.0;
    let (link_all, link_none) = (link(&all), link(&none));
    assert!(link_all > 0.1, "{link_all} s a LIST");
    assert!(
        (link_none - link_all).abs() < 0.1 * link_all,
        "{link_none} vs {link_all}"
    );

    // The API server decodes all of it either way; it encodes a response
    // of 20,000 secrets only when they match.
    let idle_cpu = quiet.api_servers[0].cpu_mean;
    let cpu = |s: &RunSummary| per_list(s, s.api_servers[0].cpu_mean, idle_cpu);
    let (cpu_all, cpu_none) = (cpu(&all), cpu(&none));
    assert!(
        cpu_none > 0.2 * cpu_all,
        "decoding: {cpu_none} of {cpu_all}"
    );
    assert!(
        cpu_none < 0.8 * cpu_all,
        "no encoding: {cpu_none} of {cpu_all}"
    );

    // Its heap holds etcd's raw reply either way, and the response only
    // when it has objects.
    let peak = |s: &RunSummary| s.api_servers[0].peak_memory_gib;
    let raw_gib = 20_000.0 * 8.0 / 1024.0 / 1024.0;
    assert!(
        peak(&none) > peak(&quiet) + 0.9 * raw_gib,
        "{} vs {}",
        peak(&none),
        peak(&quiet)
    );
    assert!(peak(&all) > peak(&none) + 2.0 * raw_gib);

    // The latency is etcd's read either way: the list class's p50 within
    // a factor of two.
    let p50 = |s: &RunSummary| s.classes["list"].p50_s;
    assert!(
        p50(&none) > 0.4 * p50(&all),
        "{} vs {}",
        p50(&none),
        p50(&all)
    );
}

/// A declared resource's objects fill every API server's watch cache (3
/// bytes of heap a stored byte, the model's `watch_cache_memory_factor`):
/// 100,000 objects of 10 KiB add 2.86 GiB.
#[test]
fn a_declared_resource_fills_the_watch_cache() {
    let scenario = |extra: &str| {
        Scenario::from_toml(&format!(
            r#"
name = "crd objects"
duration = 20.0

[control_plane]
api_servers = 1

[control_plane.workload]
nodes = 100
{extra}
"#
        ))
        .unwrap_or_else(|e| panic!("{e}"))
    };
    let without = run(&scenario(""));
    let with = run(&scenario(
        r#"
[[control_plane.workload.resources]]
name = "widgets.example.com"
objects = 100000
object_kib = 10
"#,
    ));
    let added = with.api_servers[0].peak_memory_gib - without.api_servers[0].peak_memory_gib;
    let expected = 100_000.0 * 10.0 * 3.0 / 1024.0 / 1024.0;
    assert!(
        (added - expected).abs() < 0.05 * expected,
        "{added} GiB, expected {expected}"
    );
}

/// A built-in resource's own figures replace the derived ones: pods of
/// 12 KiB instead of 4 hold three times the cache (30,000 pods at 1,000
/// nodes: 0.34 GiB at 4 KiB, 1.03 GiB at 12, times the factor of 3).
#[test]
fn a_built_in_resource_takes_the_scenarios_object_size() {
    let scenario = |kib: f64| {
        Scenario::from_toml(&format!(
            r#"
name = "big pods"
duration = 20.0

[control_plane]
api_servers = 1

[control_plane.workload]
nodes = 1000

[[control_plane.workload.resources]]
name = "pods"
object_kib = {kib}
"#
        ))
        .unwrap_or_else(|e| panic!("{e}"))
    };
    let small = run(&scenario(4.0));
    let big = run(&scenario(12.0));
    let added = big.api_servers[0].peak_memory_gib - small.api_servers[0].peak_memory_gib;
    let expected = 30_000.0 * 8.0 * 3.0 / 1024.0 / 1024.0;
    assert!(
        (added - expected).abs() < 0.1 * expected,
        "{added} GiB, expected {expected}"
    );
}

/// The bottleneck readout calls a declared resource by its name.
#[test]
fn the_bottleneck_names_a_declared_resource() {
    let storm = run(&secrets_list(Some(0), 20.0));
    let ranking = &storm.bottleneck.as_ref().expect("busy").ranking;
    assert!(
        ranking.iter().any(|r| r.resource.starts_with("secrets ")),
        "{ranking:?}"
    );
    assert!(ranking.iter().all(|r| !r.resource.contains("declared-")));
}

/// Bad declarations are refused with the field and the reason.
#[test]
fn bad_declarations_are_refused_with_the_reason() {
    let refused = |resources: &str, source_extra: &str| {
        let text = format!(
            r#"
name = "bad"
duration = 10.0
[control_plane.workload]
nodes = 10
{resources}
[[control_plane.workload.sources]]
name = "operator"
rate = 1.0
verb = "list"
resource = "secrets"
client = "operator"
objects = 100
{source_extra}
"#
        );
        Scenario::from_toml(&text).expect_err("refused").to_string()
    };
    let secrets =
        "[[control_plane.workload.resources]]\nname = \"secrets\"\nobjects = 100\nobject_kib = 2\n";
    let message = refused("", "");
    assert!(message.contains("neither built in"), "{message}");
    let message = refused(secrets, "matches = 101");
    assert!(
        message.contains("matches (101) must be at most objects (100)"),
        "{message}"
    );
    let message = refused(&format!("{secrets}{secrets}"), "");
    assert!(message.contains("declared twice"), "{message}");
    let message = refused(
        "[[control_plane.workload.resources]]\nname = \"secrets\"\nobjects = 100\n",
        "",
    );
    assert!(
        message.contains("give its objects and object_kib"),
        "{message}"
    );
    let message = refused(
        "[[control_plane.workload.resources]]\nname = \"secrets\"\nobjects = 100\nobject_kib = 2000\n",
        "",
    );
    assert!(message.contains("etcd's request limit"), "{message}");
    let five: String = (0..5)
        .map(|i| format!("[[control_plane.workload.resources]]\nname = \"kind{i}\"\nobjects = 1\nobject_kib = 1\n"))
        .collect();
    let message = refused(&format!("{secrets}{five}"), "");
    assert!(message.contains("at most 4 resources"), "{message}");
    let message = refused(
        "[[control_plane.workload.resources]]\nname = \"Secrets!\"\nobjects = 1\nobject_kib = 1\n",
        "",
    );
    assert!(message.contains("lowercase plural"), "{message}");
}

/// A selector belongs to a LIST.
#[test]
fn a_selector_on_a_get_is_refused() {
    let text = r#"
name = "bad"
duration = 10.0
[control_plane.workload]
nodes = 10
[[control_plane.workload.sources]]
name = "reader"
rate = 1.0
verb = "get"
resource = "pods"
client = "operator"
matches = 0
"#;
    let message = Scenario::from_toml(text).expect_err("refused").to_string();
    assert!(
        message.contains("matches is a LIST's selector; a Get request has none"),
        "{message}"
    );
}

/// A declared resource and a selector survive the scenario file: written
/// and read back, the same scenario.
#[test]
fn declared_resources_and_selectors_round_trip_through_toml() {
    let scenario = secrets_list(Some(25), 1.0);
    let written = scenario.to_toml();
    assert!(written.contains("name = \"secrets\""), "{written}");
    assert!(written.contains("matches = 25"), "{written}");
    let back = Scenario::from_toml(&written).unwrap_or_else(|e| panic!("{e}\n{written}"));
    assert_eq!(back, scenario);
}
