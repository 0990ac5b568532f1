//! The etcd model alone against etcd's published benchmark (kubernetes.md,
//! from etcd's performance guide: etcd 3.2, 3 members, 8 vCPU, SSD).
#![cfg(not(target_arch = "wasm32"))]

use cplab::sim::models::etcd::EtcdSpec;
use cplab::sim::models::etcd::benchmark::{BenchmarkOp, run};

fn within(what: &str, got: f64, published: f64, tolerance: f64) {
    let off = (got / published - 1.0).abs();
    assert!(
        off <= tolerance,
        "{what}: model {got:.4}, published {published}, off by {:.1}%",
        off * 100.0
    );
}

#[test]
fn one_client_writes_583_per_second_at_1_6_ms() {
    let r = run(&EtcdSpec::default(), BenchmarkOp::Write, 1, 1.0, 20.0, 1);
    eprintln!(
        "1 client writes: {:.0}/s, {:.3} ms",
        r.throughput,
        r.mean_latency * 1e3
    );
    within("writes/s, 1 client", r.throughput, 583.0, 0.15);
    within("write latency, 1 client", r.mean_latency * 1e3, 1.6, 0.15);
}

#[test]
fn a_thousand_clients_write_44k_per_second_at_22_ms() {
    let r = run(&EtcdSpec::default(), BenchmarkOp::Write, 1000, 0.5, 3.0, 1);
    eprintln!(
        "1000 client writes: {:.0}/s, {:.3} ms",
        r.throughput,
        r.mean_latency * 1e3
    );
    within("writes/s, 1000 clients", r.throughput, 44_341.0, 0.15);
    within(
        "write latency, 1000 clients",
        r.mean_latency * 1e3,
        22.0,
        0.15,
    );
}

#[test]
fn one_client_reads() {
    let lin = run(
        &EtcdSpec::default(),
        BenchmarkOp::LinearizableRead,
        1,
        1.0,
        10.0,
        1,
    );
    let ser = run(
        &EtcdSpec::default(),
        BenchmarkOp::SerializableRead,
        1,
        1.0,
        10.0,
        1,
    );
    eprintln!(
        "1 client reads: linearizable {:.0}/s {:.3} ms, serializable {:.0}/s {:.3} ms",
        lin.throughput,
        lin.mean_latency * 1e3,
        ser.throughput,
        ser.mean_latency * 1e3
    );
    within(
        "linearizable read latency",
        lin.mean_latency * 1e3,
        0.7,
        0.15,
    );
    within("linearizable reads/s", lin.throughput, 1_353.0, 0.15);
    within(
        "serializable read latency",
        ser.mean_latency * 1e3,
        0.3,
        0.15,
    );
    within("serializable reads/s", ser.throughput, 2_909.0, 0.15);
}
