//! The `cplab` binary as a user runs it: output, JSON shape, exit codes.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::process::{Command, Output};

fn cplab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cplab"))
        .args(args)
        .output()
        .expect("cplab runs")
}

fn scenario_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cplab-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write scenario");
    path
}

const SMALL: &str = r#"
name = "small"
duration = 2000.0
warmup = 100.0
[station]
arrival_rate = 4.0
servers = 2
queue_capacity = 3
service = { distribution = "exponential", mean = 0.4 }
"#;

#[test]
fn json_output_has_every_field_per_class() {
    let path = scenario_file("small.toml", SMALL);
    let out = cplab(&[
        "run",
        path.to_str().expect("utf-8 path"),
        "--seed",
        "3",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(json["seed"], 3);
    let utilisation = json["utilisation"].as_f64().expect("utilisation");
    assert!((0.0..=1.0).contains(&utilisation));
    let class = &json["classes"]["request"];
    for key in [
        "arrived",
        "completed",
        "rejected",
        "timed_out",
        "in_flight",
        "mean_queue_wait_s",
        "mean_response_s",
        "p50_s",
        "p90_s",
        "p99_s",
    ] {
        assert!(class[key].is_number(), "missing {key} in {class}");
    }
    let count = |key: &str| class[key].as_u64().expect("count");
    assert_eq!(
        count("arrived"),
        count("completed") + count("rejected") + count("timed_out") + count("in_flight")
    );
    assert!(
        count("rejected") > 0,
        "a 3-place queue at load 0.8 rejects some"
    );
}

#[test]
fn the_same_seed_prints_the_same_bytes() {
    let path = scenario_file("same.toml", SMALL);
    let path = path.to_str().expect("utf-8 path");
    let a = cplab(&["run", path, "--seed", "9", "--json"]).stdout;
    let b = cplab(&["run", path, "--seed", "9", "--json"]).stdout;
    assert_eq!(a, b);
    let table = cplab(&["run", path]);
    assert!(String::from_utf8_lossy(&table.stdout).contains("utilisation"));
}

#[test]
fn bad_input_is_one_line_naming_the_field_with_exit_code_2() {
    let cases = [
        (
            "negative.toml",
            SMALL.replace("arrival_rate = 4.0", "arrival_rate = -4.0"),
            "station.arrival_rate",
        ),
        (
            "zero.toml",
            SMALL.replace("servers = 2", "servers = 0"),
            "station.servers",
        ),
        (
            "string.toml",
            SMALL.replace("servers = 2", "servers = \"two\""),
            "station.servers",
        ),
        (
            "typo.toml",
            SMALL.replace("servers = 2", "server = 2"),
            "server",
        ),
        (
            "syntax.toml",
            "[station\narrival_rate = 1".to_owned(),
            "line",
        ),
    ];
    for (name, text, expected) in cases {
        let path = scenario_file(name, &text);
        let out = cplab(&["run", path.to_str().expect("utf-8 path")]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
    let missing = cplab(&["run", "/no/such/scenario.toml"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn the_worked_example_in_the_repository_runs() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/static/scenarios/mm1.toml");
    let text = std::fs::read_to_string(example).expect("example exists");
    // A shorter run of the same file: its keys and values must all be valid.
    let path = scenario_file(
        "mm1-short.toml",
        &text.replace("duration = 200000.0", "duration = 20000.0"),
    );
    let out = cplab(&["run", path.to_str().expect("utf-8 path"), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn sweep_prints_one_csv_row_per_point_and_p99_falls_with_more_servers() {
    let path = scenario_file("sweep.toml", SMALL);
    let out = cplab(&[
        "sweep",
        path.to_str().expect("utf-8 path"),
        "--param",
        "station.servers=1..4",
        "--points",
        "4",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 4, "{text}");
    let header: Vec<&str> = text.lines().next().unwrap_or_default().split(',').collect();
    let p99_column = header
        .iter()
        .position(|h| *h == "p99_s")
        .expect("p99 column");
    let p99: Vec<f64> = rows
        .iter()
        .map(|r| r[p99_column].parse().expect("number"))
        .collect();
    assert!(
        p99.windows(2).all(|w| w[1] <= w[0]),
        "p99 by servers: {p99:?}"
    );
    let servers: Vec<&str> = rows.iter().map(|r| r[0]).collect();
    assert_eq!(servers, ["1", "2", "3", "4"]);

    let bad = cplab(&[
        "sweep",
        path.to_str().expect("utf-8 path"),
        "--param",
        "station.nope=1..2",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("station.nope"));
}
