//! The run's metrics as a CSV file (the JSON and TOML files are the
//! worker's: see `wire`).

use crate::sim::{Simulation, to_secs};

/// The run's metrics as CSV: one row per class and 1-second window (the
/// live time series), then one row per class for the summary since the
/// warm-up.
pub fn metrics_csv(sim: &Simulation) -> String {
    let mut out = String::from(
        "kind,class,window_start_s,arrived,completed,rejected,timed_out,mean_s,p50_s,p90_s,p99_s\n",
    );
    for class in sim.metrics() {
        for w in class.windows.windows() {
            out.push_str(&format!(
                "window,{},{},,{},{},{},{},{},{},{}\n",
                class.name,
                to_secs(w.start),
                w.completed,
                w.rejected,
                w.timed_out,
                w.mean,
                w.p50,
                w.p90,
                w.p99
            ));
        }
    }
    for (name, c) in &sim.summary_rows().classes {
        out.push_str(&format!(
            "summary,{name},,{},{},{},{},{},{},{},{}\n",
            c.arrived,
            c.completed,
            c.rejected,
            c.timed_out,
            c.mean_response_s,
            c.p50_s,
            c.p90_s,
            c.p99_s
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::params::Params;

    #[test]
    fn every_class_has_its_windows_and_its_summary_row() {
        let mut sim =
            Simulation::new(&Params::default().scenario().expect("valid"), 1).expect("runs");
        sim.run_for(5.0);
        let csv = metrics_csv(&sim);
        let rows: Vec<Vec<&str>> = csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect())
            .collect();
        assert!(
            rows.iter().all(|r| r.len() == 11),
            "every row has every column"
        );
        for class in sim.metrics() {
            let windows = rows
                .iter()
                .filter(|r| r[0] == "window" && r[1] == class.name);
            assert_eq!(
                windows.count(),
                class.windows.windows().len(),
                "{}",
                class.name
            );
            let summary = rows
                .iter()
                .find(|r| r[0] == "summary" && r[1] == class.name);
            assert!(summary.is_some(), "{}", class.name);
        }
    }
}
