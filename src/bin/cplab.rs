//! `cplab`: the simulation on the command line, for batch runs.
//!
//! ```text
//! cplab run SCENARIO.toml [--seed N] [--json]
//! cplab sweep SCENARIO.toml --param station.servers=1..16 --points 16 [--seed N] [--json]
//! ```
//!
//! Exit codes: 0 success, 2 bad input (unreadable or invalid scenario, bad
//! arguments), with a one-line message naming the field at fault.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use clap::{Parser, Subcommand};
    use cplab::sim::ScenarioError;
    use cplab::sim::models::control_plane::Bottleneck;
    use cplab::sim::studies::capacity::{CapacitySearch, Phase};
    use cplab::sim::studies::case_study::{
        self, ALL_CHANGES, ARTICLE_AFTER, ARTICLE_BEFORE, CHANGES,
    };
    use cplab::sim::studies::catalog::{self, CATALOG, Group};
    use cplab::sim::studies::comparison::{COLUMNS, Row, column_scenario, measure, model_value};
    use cplab::sim::studies::sweep::{SweepRange, sweep_scenarios};
    use cplab::sim::{RunSummary, Scenario, Simulation};
    use rayon::prelude::*;
    use std::io::{IsTerminal, Write};
    use std::path::PathBuf;
    use std::process::ExitCode;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Control Plane Lab: simulate the Kubernetes control plane's request path.
    #[derive(Parser)]
    #[command(name = "cplab", version)]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Run a scenario to its duration and print the measured results.
        Run {
            /// Scenario file (TOML; see the README for the format), or the
            /// name of a shipped scenario (see `cplab list`).
            scenario: PathBuf,
            /// Seed of the run's random numbers (overrides the file's `seed`; default 1).
            #[arg(long)]
            seed: Option<u64>,
            /// Print a JSON object instead of a table.
            #[arg(long)]
            json: bool,
        },
        /// List the shipped scenarios: presets, teaching scenarios, examples.
        List,
        /// Find the most load a control-plane scenario sustains within the
        /// SLOs: its workload scaled up until p99 crosses an SLO.
        Capacity {
            /// Scenario file or shipped scenario name.
            scenario: PathBuf,
            #[arg(long)]
            seed: Option<u64>,
            /// Print JSON (every probe) instead of a table.
            #[arg(long)]
            json: bool,
        },
        /// The article's comparison table at 1,000 nodes, beside the model's
        /// figures for each column (the capacity search takes a while).
        Compare {
            #[arg(long)]
            seed: Option<u64>,
            #[arg(long)]
            json: bool,
        },
        /// The article's case study: before, each change on its own, after.
        CaseStudy {
            #[arg(long)]
            seed: Option<u64>,
            #[arg(long)]
            json: bool,
        },
        /// Run a scenario at evenly spaced values of one parameter, in
        /// parallel on every core; print CSV (or JSON) with one row per
        /// value and request class.
        Sweep {
            /// Scenario file (TOML).
            scenario: PathBuf,
            /// NAME=FROM..TO, NAME a path in the file: station.servers,
            /// station.arrival_rate, station.service.mean, priority_level.seats,
            /// clients[0].threads, ...
            #[arg(long)]
            param: SweepRange,
            /// Number of values, FROM and TO included.
            #[arg(long, default_value_t = 10)]
            points: usize,
            /// Seed of every point's run (the same for all: common random numbers).
            #[arg(long)]
            seed: Option<u64>,
            /// Print a JSON array instead of CSV.
            #[arg(long)]
            json: bool,
        },
    }

    /// Bad input: the message is printed on one line and the exit code is 2.
    struct BadInput(String);

    pub fn main() -> ExitCode {
        let cli = Cli::parse();
        let outcome = match cli.command {
            Command::Run {
                scenario,
                seed,
                json,
            } => run(&scenario, seed, json),
            Command::Sweep {
                scenario,
                param,
                points,
                seed,
                json,
            } => sweep(&scenario, &param, points, seed, json),
            Command::List => {
                list();
                Ok(())
            }
            Command::Capacity {
                scenario,
                seed,
                json,
            } => capacity(&scenario, seed, json),
            Command::Compare { seed, json } => compare(seed.unwrap_or(1), json),
            Command::CaseStudy { seed, json } => case_study(seed.unwrap_or(1), json),
        };
        match outcome {
            Ok(()) => ExitCode::SUCCESS,
            Err(BadInput(message)) => {
                eprintln!("cplab: {message}");
                ExitCode::from(2)
            }
        }
    }

    /// A scenario file's text; a name from `cplab list` that is not a file
    /// here reads the shipped scenario of that name.
    fn read(path: &PathBuf) -> Result<String, BadInput> {
        match std::fs::read_to_string(path) {
            Ok(text) => Ok(text),
            Err(error) => match path.to_str().and_then(catalog::find) {
                Some(entry) if !path.exists() => Ok(entry.text().to_owned()),
                _ => Err(BadInput(format!(
                    "{}: cannot read: {error} (`cplab list` names the shipped scenarios)",
                    path.display()
                ))),
            },
        }
    }

    fn load(path: &PathBuf) -> Result<Scenario, BadInput> {
        Scenario::from_toml(&read(path)?)
            .map_err(|error| BadInput(format!("{}: {error}", path.display())))
    }

    fn sweep(
        path: &PathBuf,
        range: &SweepRange,
        points: usize,
        seed: Option<u64>,
        json: bool,
    ) -> Result<(), BadInput> {
        let scenarios = sweep_scenarios(&read(path)?, range, points)
            .map_err(|error| BadInput(format!("{}: {error}", path.display())))?;
        let done = AtomicUsize::new(0);
        let progress = std::io::stderr().is_terminal();
        // Every point on its own run, as many at once as there are cores.
        let rows: Vec<(f64, RunSummary)> = scenarios
            .par_iter()
            .filter_map(|(value, scenario)| {
                let seed = seed.or(scenario.seed).unwrap_or(1);
                let summary = Simulation::new(scenario, seed).ok().map(|mut sim| {
                    sim.run_to_end();
                    sim.summary()
                });
                let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                if progress {
                    draw_progress(finished, scenarios.len());
                }
                Some((*value, summary?))
            })
            .collect();
        if progress {
            eprintln!();
        }
        if json {
            let array: Vec<serde_json::Value> = rows
                .iter()
                .map(|(value, summary)| serde_json::json!({ "value": value, "summary": summary }))
                .collect();
            let text = serde_json::to_string_pretty(&array)
                .map_err(|error| BadInput(format!("cannot write JSON: {error}")))?;
            println!("{text}");
        } else {
            print_sweep_csv(&range.path, &rows);
        }
        Ok(())
    }

    fn list() {
        for (group, title) in [
            (
                Group::Preset,
                "Presets (the article's versions, 1,000 nodes)",
            ),
            (Group::Teaching, "Teaching scenarios"),
            (Group::Case, "The article's case study"),
            (Group::Question, "Questions people bring"),
            (Group::Example, "Examples"),
        ] {
            println!("{title}:");
            for entry in CATALOG.iter().filter(|e| e.group == group) {
                let name = entry.scenario().map(|s| s.name).unwrap_or_default();
                println!("  {:<22} {name}", entry.id);
            }
        }
    }

    fn capacity(path: &PathBuf, seed: Option<u64>, json: bool) -> Result<(), BadInput> {
        let scenario = load(path)?;
        let seed = seed.or(scenario.seed).unwrap_or(1);
        let result = CapacitySearch::new(&scenario, seed, None)
            .map_err(|error| BadInput(format!("{}: {error}", path.display())))?
            .run();
        if json {
            let text = serde_json::to_string_pretty(&result)
                .map_err(|error| BadInput(format!("cannot write JSON: {error}")))?;
            println!("{text}");
            return Ok(());
        }
        println!(
            "{:>9} {:>11} {:>12} {:>12} {:>10} {:>8}  verdict",
            "probe", "load ×", "offered/s", "done/s", "p99/SLO", "errors"
        );
        for p in &result.probes {
            let phase = match p.phase {
                Phase::Scout => "4 s",
                Phase::Verify => "60 s",
                Phase::Confirm => "90 s",
            };
            println!(
                "{:>9} {:>11.3} {:>12.0} {:>12.0} {:>10.3} {:>7.2}%  {}",
                phase,
                p.load_factor,
                p.offered,
                p.throughput,
                p.worst_p99_to_slo,
                p.errors * 100.0,
                if p.sustainable {
                    "sustainable"
                } else {
                    &p.reason
                }
            );
        }
        println!(
            "maximum sustainable throughput: {}{:.0} requests/s (load × {:.3})",
            if result.at_least { "at least " } else { "" },
            result.throughput,
            result.load_factor
        );
        if let Some(b) = &result.bottleneck {
            println!("at that load: {}", bottleneck_line(b));
        }
        Ok(())
    }

    /// "limited by X (98% busy)", or the busiest resource when none is
    /// at its limit.
    fn bottleneck_line(b: &Bottleneck) -> String {
        let busy = b.utilisation * 100.0;
        if b.saturated {
            format!("limited by {} ({busy:.1}% busy)", b.resource)
        } else {
            format!(
                "nothing at its limit; busiest: {} ({busy:.1}% busy)",
                b.resource
            )
        }
    }

    fn bad(error: ScenarioError) -> BadInput {
        BadInput(error.to_string())
    }

    fn print_json(value: &impl serde::Serialize) -> Result<(), BadInput> {
        let text = serde_json::to_string_pretty(value)
            .map_err(|error| BadInput(format!("cannot write JSON: {error}")))?;
        println!("{text}");
        Ok(())
    }

    fn compare(seed: u64, json: bool) -> Result<(), BadInput> {
        // Each column on its own core.
        let columns = COLUMNS
            .par_iter()
            .map(|column| -> Result<_, ScenarioError> {
                let scenario = column_scenario(column, |_| {})?;
                let measured = measure(&scenario, seed)?;
                let capacity = CapacitySearch::new(&scenario, seed, None)?.run();
                Ok((column, measured, capacity))
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(bad)?;
        if json {
            let rows: Vec<serde_json::Value> = columns
                .iter()
                .map(|(column, measured, capacity)| {
                    serde_json::json!({
                        "column": column.heading,
                        "preset": column.preset,
                        "article": column.article,
                        "model": Row::ALL.iter().map(|&row| model_value(row, measured, Some(capacity))).collect::<Vec<_>>(),
                        "capacity": capacity,
                    })
                })
                .collect();
            return print_json(&rows);
        }
        println!("The article's table at 1,000 nodes (article / model, seed {seed})");
        for (column, measured, capacity) in &columns {
            println!("\n{} (model: {})", column.heading, column.model_note);
            for row in Row::ALL {
                let model = model_value(row, measured, Some(capacity))
                    .map_or("not computed".to_owned(), |v| format!("{v:.1}"));
                println!(
                    "  {:<32} article {:>9}   model {:>12}",
                    row.label(),
                    row.article(column),
                    model
                );
            }
            if let Some(b) = &capacity.bottleneck {
                println!("  at capacity: {}", bottleneck_line(b));
            }
        }
        Ok(())
    }

    fn case_study(seed: u64, json: bool) -> Result<(), BadInput> {
        let mut rows = vec![("before".to_owned(), 0u8)];
        rows.extend(
            CHANGES
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("before + {}", c.label), 1u8 << i)),
        );
        rows.push(("after (all four)".to_owned(), ALL_CHANGES));
        let results = rows
            .par_iter()
            .map(|(label, mask)| {
                let result = case_study::run(&case_study::variant(*mask, |_| {})?, seed)?;
                Ok((label.clone(), result))
            })
            .collect::<Result<Vec<_>, ScenarioError>>()
            .map_err(bad)?;
        if json {
            let rows: Vec<serde_json::Value> = results
                .iter()
                .map(|(label, r)| serde_json::json!({ "variant": label, "result": r }))
                .collect();
            return print_json(&rows);
        }
        println!(
            "{:<40} {:>12} {:>12} {:>10} {:>12}",
            "variant", "kubectl p99", "API p99", "kubectl ✗", "discovery"
        );
        for (label, r) in &results {
            println!(
                "{:<40} {:>12} {:>12} {:>9.2}% {:>12}",
                label,
                seconds(r.kubectl_p99_s),
                seconds(r.api_p99_s),
                r.kubectl_failures * 100.0,
                seconds(r.discovery_p99_s)
            );
        }
        println!(
            "article: before p99 {} and {:.0}% kubectl timeouts; after {} and {:.1}%",
            seconds(ARTICLE_BEFORE.0),
            ARTICLE_BEFORE.1 * 100.0,
            seconds(ARTICLE_AFTER.0),
            ARTICLE_AFTER.1 * 100.0
        );
        Ok(())
    }

    fn draw_progress(done: usize, total: usize) {
        let width = 30;
        let filled = done * width / total.max(1);
        let mut stderr = std::io::stderr().lock();
        let _ = write!(
            stderr,
            "\r[{}{}] {done}/{total} points",
            "#".repeat(filled),
            " ".repeat(width - filled)
        );
        let _ = stderr.flush();
    }

    fn print_sweep_csv(param: &str, rows: &[(f64, RunSummary)]) {
        println!(
            "{param},class,arrived,completed,rejected,timed_out,in_flight,mean_queue_wait_s,\
             mean_response_s,p50_s,p90_s,p99_s,utilisation,average_seats,fair_share"
        );
        for (value, summary) in rows {
            for (name, c) in &summary.classes {
                let client = summary.clients.get(name);
                println!(
                    "{value},{name},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                    c.arrived,
                    c.completed,
                    c.rejected,
                    c.timed_out,
                    c.in_flight,
                    c.mean_queue_wait_s,
                    c.mean_response_s,
                    c.p50_s,
                    c.p90_s,
                    c.p99_s,
                    summary.utilisation.map_or(String::new(), |u| u.to_string()),
                    client.map_or(String::new(), |c| c.average_seats.to_string()),
                    client.map_or(String::new(), |c| c.fair_share.to_string()),
                );
            }
        }
    }

    fn run(path: &PathBuf, seed: Option<u64>, json: bool) -> Result<(), BadInput> {
        let scenario = load(path)?;
        let seed = seed.or(scenario.seed).unwrap_or(1);
        let mut simulation = Simulation::new(&scenario, seed)
            .map_err(|error| BadInput(format!("{}: {error}", path.display())))?;
        simulation.run_to_end();
        let summary = simulation.summary();
        if json {
            let text = serde_json::to_string_pretty(&summary)
                .map_err(|error| BadInput(format!("cannot write JSON: {error}")))?;
            println!("{text}");
        } else {
            print_table(&summary);
        }
        Ok(())
    }

    fn print_table(summary: &RunSummary) {
        print_classes(summary);
        if !summary.api_servers.is_empty() {
            println!();
            println!(
                "{:<16} {:>9} {:>11} {:>8} {:>9} {:>8} {:>8}",
                "API server", "phase", "connected", "restarts", "cores", "CPU mean", "CPU p99"
            );
            for server in &summary.api_servers {
                let cores = server
                    .cores
                    .map_or("unlimited".to_owned(), |c| format!("{c}"));
                println!(
                    "{:<16} {:>9} {:>11} {:>8} {:>9} {:>8.2} {:>8.2}",
                    server.name,
                    server.phase,
                    server.connections,
                    server.restarts,
                    cores,
                    server.cpu_mean,
                    server.cpu_p99
                );
            }
        }
        for server in summary.api_servers.iter().filter(|s| !s.levels.is_empty()) {
            println!();
            println!(
                "{:<16} {:>8} {:>10} {:>14} {:>10}",
                server.name, "nominal", "seats now", "mean borrowed", "mean lent"
            );
            for level in &server.levels {
                println!(
                    "  {:<14} {:>8} {:>10} {:>14.1} {:>10.1}",
                    level.level,
                    level.nominal_seats,
                    level.seats,
                    level.mean_borrowed,
                    level.mean_lent
                );
            }
        }
        if let Some(b) = &summary.bottleneck {
            println!();
            println!("{}", bottleneck_line(b));
            for r in &b.ranking {
                println!("  {:<40} {:>6.1}% busy", r.resource, r.utilisation * 100.0);
            }
        }
        if !summary.clients.is_empty() {
            println!();
            println!(
                "{:<16} {:>14} {:>11} {:>9}",
                "client", "average seats", "fair share", "demand"
            );
            for (name, client) in &summary.clients {
                println!(
                    "{:<16} {:>14.4} {:>11.4} {:>9.3}",
                    name, client.average_seats, client.fair_share, client.demand
                );
            }
        }
    }

    fn print_classes(summary: &RunSummary) {
        println!(
            "{}  (seed {}, {:.0} s simulated, first {:.0} s excluded, {} events)",
            if summary.scenario.is_empty() {
                "scenario"
            } else {
                &summary.scenario
            },
            summary.seed,
            summary.simulated_s,
            summary.warmup_s,
            summary.events
        );
        if let Some(utilisation) = summary.utilisation {
            println!("server utilisation {:.1}%", utilisation * 100.0);
        }
        println!(
            "{:<10} {:>10} {:>10} {:>9} {:>9} {:>9} {:>10} {:>10} {:>9} {:>9} {:>9}",
            "class",
            "arrived",
            "completed",
            "rejected",
            "timed out",
            "in flight",
            "wait mean",
            "resp mean",
            "p50",
            "p90",
            "p99"
        );
        for (name, class) in &summary.classes {
            println!(
                "{:<10} {:>10} {:>10} {:>9} {:>9} {:>9} {:>10} {:>10} {:>9} {:>9} {:>9}",
                name,
                class.arrived,
                class.completed,
                class.rejected,
                class.timed_out,
                class.in_flight,
                seconds(class.mean_queue_wait_s),
                seconds(class.mean_response_s),
                seconds(class.p50_s),
                seconds(class.p90_s),
                seconds(class.p99_s),
            );
        }
    }

    /// A duration with a unit that keeps three significant figures.
    fn seconds(s: f64) -> String {
        if s >= 1.0 {
            format!("{s:.3} s")
        } else if s >= 1e-3 {
            format!("{:.2} ms", s * 1e3)
        } else {
            format!("{:.1} µs", s * 1e6)
        }
    }
}
