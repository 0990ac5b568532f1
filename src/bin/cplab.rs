//! `cplab`: the simulation on the command line, for batch runs.
//!
//! ```text
//! cplab run SCENARIO.toml [--seed N] [--json]
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
    use cplab::sim::{RunSummary, Scenario, Simulation};
    use std::path::PathBuf;
    use std::process::ExitCode;

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
            /// Scenario file (TOML; see the README for the format).
            scenario: PathBuf,
            /// Seed of the run's random numbers (overrides the file's `seed`; default 1).
            #[arg(long)]
            seed: Option<u64>,
            /// Print a JSON object instead of a table.
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
        };
        match outcome {
            Ok(()) => ExitCode::SUCCESS,
            Err(BadInput(message)) => {
                eprintln!("cplab: {message}");
                ExitCode::from(2)
            }
        }
    }

    fn load(path: &PathBuf) -> Result<Scenario, BadInput> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| BadInput(format!("{}: cannot read: {error}", path.display())))?;
        Scenario::from_toml(&text).map_err(|error| BadInput(format!("{}: {error}", path.display())))
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
