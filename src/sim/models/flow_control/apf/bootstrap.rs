//! APF's bootstrap configuration: the priority levels and flow schemas every
//! cluster starts with (kubernetes `pkg/apis/flowcontrol/bootstrap/default.go`,
//! release 1.32; table in kubernetes.md).

use crate::sim::models::request::{ClientKind, RequestKind, Resource};

/// A bootstrap priority level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelDefaults {
    pub name: &'static str,
    /// nominal concurrency shares
    pub shares: u32,
    /// percentage of its nominal seats it may lend to other levels
    pub lendable_percent: u32,
    /// queues; 0 = reject when full (catch-all)
    pub queues: u32,
    pub hand_size: u32,
    pub queue_length_limit: u32,
}

/// Index of each level in [`LEVELS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Exempt = 0,
    CatchAll,
    System,
    NodeHigh,
    LeaderElection,
    WorkloadHigh,
    WorkloadLow,
    GlobalDefault,
}

impl Level {
    pub const LIMITED: [Level; 7] = [
        Level::CatchAll,
        Level::System,
        Level::NodeHigh,
        Level::LeaderElection,
        Level::WorkloadHigh,
        Level::WorkloadLow,
        Level::GlobalDefault,
    ];

    pub fn defaults(self) -> &'static LevelDefaults {
        &LEVELS[self as usize]
    }
}

/// The eight bootstrap levels. `exempt` is never limited.
pub const LEVELS: [LevelDefaults; 8] = [
    LevelDefaults {
        name: "exempt",
        shares: 0,
        lendable_percent: 0,
        queues: 0,
        hand_size: 0,
        queue_length_limit: 0,
    },
    LevelDefaults {
        name: "catch-all",
        shares: 5,
        lendable_percent: 0,
        queues: 0,
        hand_size: 0,
        queue_length_limit: 0,
    },
    LevelDefaults {
        name: "system",
        shares: 30,
        lendable_percent: 33,
        queues: 64,
        hand_size: 6,
        queue_length_limit: 50,
    },
    LevelDefaults {
        name: "node-high",
        shares: 40,
        lendable_percent: 25,
        queues: 64,
        hand_size: 6,
        queue_length_limit: 50,
    },
    LevelDefaults {
        name: "leader-election",
        shares: 10,
        lendable_percent: 0,
        queues: 16,
        hand_size: 4,
        queue_length_limit: 50,
    },
    LevelDefaults {
        name: "workload-high",
        shares: 40,
        lendable_percent: 50,
        queues: 128,
        hand_size: 6,
        queue_length_limit: 50,
    },
    LevelDefaults {
        name: "workload-low",
        shares: 100,
        lendable_percent: 90,
        queues: 128,
        hand_size: 6,
        queue_length_limit: 50,
    },
    LevelDefaults {
        name: "global-default",
        shares: 20,
        lendable_percent: 50,
        queues: 128,
        hand_size: 6,
        queue_length_limit: 50,
    },
];

/// Nominal seats of a level for a server concurrency limit (the sum of
/// `--max-requests-inflight` and `--max-mutating-requests-inflight`):
/// ceil(ServerCL × shares / Σ shares).
pub fn nominal_seats(level: Level, server_concurrency_limit: u32) -> u32 {
    let total: u32 = LEVELS.iter().map(|l| l.shares).sum();
    let shares = level.defaults().shares;
    (server_concurrency_limit as u64 * shares as u64).div_ceil(total as u64) as u32
}

/// `MaximumSeatsLimit` (`pkg/util/flowcontrol/request/config.go`): no request
/// takes more seats than this.
pub const MAXIMUM_SEATS_LIMIT: u32 = 10;

/// Seats one request may take at most in a level (`apf_controller.go`,
/// `finishQueueSetReconfigsLocked`): for a level with queues,
/// max(1, min(⌈0.15 × nominal⌉, ⌊nominal / hand size⌋)), capped at 10. A
/// level without queues (catch-all) is given no maximum there, and the
/// estimator falls back to the cap: 10, of catch-all's 13 seats.
pub fn max_seats(level: Level, nominal: u32) -> u32 {
    let hand = level.defaults().hand_size;
    if level.defaults().queues == 0 || hand == 0 {
        return MAXIMUM_SEATS_LIMIT;
    }
    let by_share = (nominal as u64 * 15).div_ceil(100) as u32;
    by_share.min(nominal / hand).clamp(1, MAXIMUM_SEATS_LIMIT)
}

/// How a flow schema splits its requests into flows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Distinguisher {
    ByUser,
    ByNamespace,
}

/// The bootstrap flow schemas, matched in precedence order (lowest first):
/// returns the schema's name, its level and how it forms flows.
pub fn classify(kind: &RequestKind) -> (&'static str, Level, Distinguisher) {
    use ClientKind::*;
    use Distinguisher::*;
    match kind.client {
        Admin => ("exempt", Level::Exempt, ByUser),
        LeaderElection => ("system-leader-election", Level::LeaderElection, ByUser),
        Kubelet if matches!(kind.resource, Resource::Nodes | Resource::Leases) => {
            ("system-node-high", Level::NodeHigh, ByUser)
        }
        Kubelet => ("system-nodes", Level::System, ByUser),
        ControllerManager => ("kube-controller-manager", Level::WorkloadHigh, ByNamespace),
        Scheduler => ("kube-scheduler", Level::WorkloadHigh, ByNamespace),
        Operator => ("service-accounts", Level::WorkloadLow, ByUser),
        User => ("global-default", Level::GlobalDefault, ByUser),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::models::request::Verb;

    #[test]
    fn nominal_seats_match_the_upstream_table_for_600() {
        let seats: Vec<(&str, u32)> = Level::LIMITED
            .iter()
            .map(|&l| (l.defaults().name, nominal_seats(l, 600)))
            .collect();
        assert_eq!(
            seats,
            vec![
                ("catch-all", 13),
                ("system", 74),
                ("node-high", 98),
                ("leader-election", 25),
                ("workload-high", 98),
                ("workload-low", 245),
                ("global-default", 49),
            ]
        );
    }

    #[test]
    fn max_seats_per_request_per_level() {
        assert_eq!(
            max_seats(Level::GlobalDefault, 49),
            8,
            "min(ceil(0.15 × 49) = 8, floor(49 / 6) = 8)"
        );
        assert_eq!(max_seats(Level::WorkloadLow, 245), 10, "capped at 10");
        assert_eq!(max_seats(Level::LeaderElection, 25), 4, "min(4, 6)");
    }

    /// `apf_controller.go` sets a level's maximum seats only when it has
    /// queues; catch-all rejects instead, so its LISTs may take the
    /// estimator's cap, 10 of its 13 seats (the model gave 2).
    #[test]
    fn catch_all_requests_may_take_the_cap_of_ten_seats() {
        assert_eq!(
            max_seats(Level::CatchAll, nominal_seats(Level::CatchAll, 600)),
            10
        );
    }

    #[test]
    fn schemas_route_clients_to_their_levels() {
        let kind = |client, resource| RequestKind {
            verb: Verb::Update,
            resource,
            subresource: Default::default(),
            client,
            namespace: 0,
            user: 0,
            objects: 1,
            scanned: 1,
            page: Default::default(),
            read_kib_s: 0,
        };
        assert_eq!(
            classify(&kind(ClientKind::Kubelet, Resource::Leases)).1,
            Level::NodeHigh
        );
        assert_eq!(
            classify(&kind(ClientKind::Kubelet, Resource::Pods)).1,
            Level::System
        );
        assert_eq!(
            classify(&kind(ClientKind::ControllerManager, Resource::Pods)).1,
            Level::WorkloadHigh
        );
        assert_eq!(
            classify(&kind(ClientKind::User, Resource::Pods)).1,
            Level::GlobalDefault
        );
        assert_eq!(
            classify(&kind(ClientKind::Admin, Resource::Pods)).1,
            Level::Exempt
        );
    }
}
