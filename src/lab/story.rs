//! Stories: a scenario told in a few steps, as the explorables do it.
//!
//! Each step says something, does what a reader would do on the controls
//! (turn on a fault, switch a mechanism, Reset), shows the chart it talks
//! about, plays the run to a simulated second and pauses there. What the
//! step promises the reader will see is data, a [`Promise`]: a measure of
//! one class over the readouts' last 10 simulated seconds (or of a priority
//! level at the pause: its seats, seats in use, requests waiting), above or
//! below a bound. The page measures it at the pause and shows whether it held; a
//! test walks every story natively and another in the page, so a promise
//! the model does not keep fails a test rather than misleading a reader.
//!
//! A story is one row of [`STORIES`]; a step is one row of its `steps`.

use super::controls::Control;
use super::readouts::{READOUT_WINDOWS, recent_of};
use super::view::ChartClass;
use crate::sim::Simulation;
use crate::sim::models::control_plane::MetricClass;

/// What a step does on the controls as it begins, as the reader would.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Act {
    /// a new run from the settings so far (time starts again at 0)
    Reset,
    /// a slider to this value, in its unit
    Set(Control, f64),
    /// a switch to the choice with this URL key
    Choose(Control, &'static str),
    /// a fault that stays on, turned on
    TurnOn(Control),
    /// a fault that happens once, pressed
    Press(Control),
}

/// What a promise measures of a class, over the readouts' windows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measure {
    /// the 99th percentile of the completed requests' latency [s]
    P99,
    /// the median [s]
    P50,
    /// requests that failed (429 or timeout) per simulated second
    Failed,
    /// requests completed per simulated second
    Completed,
    /// the share of the requests ended that failed (429 or timeout), 0 to 1
    FailedShare,
    /// requests waiting in this priority level's queues at the pause
    Waiting(&'static str),
    /// seats of this priority level in use at the pause
    InUse(&'static str),
    /// seats this priority level has (its share of the server's)
    Seats(&'static str),
}

/// Which side of its bound a promise's measure must be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    Above(f64),
    Below(f64),
}

/// What the reader is told they will see at a step's pause.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Promise {
    pub class: MetricClass,
    pub measure: Measure,
    pub bound: Bound,
}

/// One step of a story.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    pub text: &'static str,
    /// done on the controls as the step begins, in order
    pub acts: &'static [Act],
    /// the latency chart's class while the step plays
    pub chart: ChartClass,
    /// simulated seconds per wall second while it plays
    pub speed: f64,
    /// the simulated second it pauses at, if it pauses
    pub until: Option<f64>,
    /// what the reader will see at the pause
    pub promises: &'static [Promise],
}

/// A story: the shipped scenario it starts from and its steps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Story {
    /// its URL value (`?story=…`)
    pub id: &'static str,
    pub title: &'static str,
    /// the catalog id of the scenario it opens
    pub preset: &'static str,
    pub steps: &'static [Step],
}

/// The story a first visit (a link with nothing in it) opens on.
pub const FIRST_VISIT: &str = "first-visit";

const fn p(class: MetricClass, measure: Measure, bound: Bound) -> Promise {
    Promise {
        class,
        measure,
        bound,
    }
}

use Bound::{Above, Below};
use Measure::{Completed, Failed, FailedShare, InUse, P50, P99, Seats, Waiting};
use MetricClass as M;

/// Every story, the first visit's first.
pub const STORIES: &[Story] = &[
    Story {
        id: FIRST_VISIT,
        title: "Why API Priority and Fairness",
        preset: "k8s-1.32",
        steps: &[
            Step {
                text: "This is a Kubernetes 1.32 control plane serving 1,000 nodes. Kubelets, \
                       controllers, the scheduler and users send requests; API Priority and \
                       Fairness gives each priority level its own seats; admission webhooks check \
                       the writes; reads come from the watch cache, writes go to etcd. Every class \
                       is far inside its SLO: the mutating p99 is tens of milliseconds against 1 s.",
                acts: &[],
                chart: ChartClass::Mutating,
                speed: 1.0,
                until: Some(8.0),
                promises: &[
                    p(M::Mutating, P99, Below(0.1)),
                    p(M::ReadSingle, P99, Below(0.05)),
                ],
            },
            Step {
                text: "Now the admission webhooks' backend is overloaded: a call takes 10 s on \
                       average instead of 25 ms (the Webhook latency slider has moved), and a call \
                       still unanswered after its 10 s timeout fails the write. Every pod write \
                       holds its seats while it waits, so the seats in use of the levels that \
                       write pods (workload-high for the controllers, system for the scheduler) \
                       climb from a handful to dozens. Watch the mutating p99 climb past its SLO, \
                       and the failures appear.",
                acts: &[Act::Set(Control::WebhookLatency, 10_000.0)],
                chart: ChartClass::Mutating,
                speed: 2.0,
                until: Some(28.0),
                promises: &[
                    p(M::Mutating, P99, Above(1.0)),
                    p(M::Mutating, Failed, Above(1.0)),
                    p(M::Mutating, InUse("workload-high"), Above(20.0)),
                ],
            },
            Step {
                text: "Reads stay fast (every client's single GETs): they call no webhook, and at \
                       this load the levels still have seats to spare, so the writes' wait does not \
                       spill onto them. The users' own writes do call the webhooks and are as slow \
                       as everyone's. When a level does run out of seats, APF keeps the others' \
                       seats theirs: the greedy tenant's story shows it.",
                acts: &[],
                chart: ChartClass::Read,
                speed: 2.0,
                until: Some(34.0),
                promises: &[
                    p(M::ReadSingle, P99, Below(0.05)),
                    p(M::User, P99, Above(1.0)),
                ],
            },
            Step {
                text: "That is the lab: every mechanism runs in upstream Kubernetes' version and in \
                       the article's, every fault can be injected, and every number is computed \
                       as you watch. The teaching scenarios (a slow webhook, a greedy tenant, a \
                       LIST storm, …) each have a story under Scenario, and each mechanism's \
                       explanation below the lab has one to try. Leave the story for every control, the article's table, its \
                       claims checked one by one, A/B runs and sweeps.",
                acts: &[],
                chart: ChartClass::Read,
                speed: 1.0,
                until: None,
                promises: &[],
            },
        ],
    },
    Story {
        id: "slow-webhook",
        title: "A slow admission webhook",
        preset: "slow-webhook",
        steps: &[
            Step {
                text: "A rollout on 1,000 nodes: pods are replaced ten times faster than usual, \
                       and every pod write calls two admission webhooks while it holds its APF \
                       seats. At 30 s the webhooks will stop answering.",
                acts: &[],
                chart: ChartClass::Mutating,
                speed: 4.0,
                until: Some(28.0),
                promises: &[p(M::Mutating, P99, Below(0.2))],
            },
            Step {
                text: "The webhooks hang: each call waits for its full 10 s timeout, then the \
                       write fails (failurePolicy Fail). The writes hold their seats all that \
                       time, so workload-high runs out of seats, its queues fill and turn new \
                       writes away with 429s. The latency pulses with the 10 s timeout: the calls \
                       that began together time out together, so seats come free in cohorts.",
                acts: &[],
                chart: ChartClass::Mutating,
                speed: 4.0,
                until: Some(50.0),
                promises: &[
                    p(M::Mutating, Failed, Above(10.0)),
                    p(M::Mutating, P99, Above(1.0)),
                    p(M::Mutating, Waiting("workload-high"), Above(10.0)),
                ],
            },
            Step {
                text: "The users' requests stay fast all the while: they have their own \
                       priority level, and APF keeps each level's seats its own.",
                acts: &[],
                chart: ChartClass::Users,
                speed: 4.0,
                until: Some(60.0),
                promises: &[p(M::User, P99, Below(0.1))],
            },
            Step {
                text: "The article's dedicated webhook limit gives the seats back while a webhook \
                       is called. The queues empty and the mutating p99 drops, but look at the \
                       failures: the writes still wait 10 s and fail. A dedicated limit hides a \
                       slow webhook, it does not fix it (the latency readouts say what share \
                       failed).",
                acts: &[Act::Choose(Control::WebhookHandling, "dedicated")],
                chart: ChartClass::Mutating,
                speed: 4.0,
                until: Some(85.0),
                promises: &[
                    p(M::Mutating, P99, Below(0.5)),
                    p(M::Mutating, Failed, Above(10.0)),
                ],
            },
        ],
    },
    Story {
        id: "greedy-tenant",
        title: "A greedy tenant",
        preset: "greedy-tenant",
        steps: &[
            Step {
                text: "A 1,000-node cluster. At 20 s one tenant's controller starts sending 30,000 \
                       requests a second into workload-low.",
                acts: &[],
                chart: ChartClass::Users,
                speed: 2.0,
                until: Some(18.0),
                promises: &[p(M::User, P99, Below(0.05))],
            },
            Step {
                text: "APF's shuffle sharding puts the flood on a few of workload-low's 128 \
                       queues: they fill and reject it with 429s. Users, in global-default, do \
                       not notice: that level's seats are its own.",
                acts: &[],
                chart: ChartClass::Users,
                speed: 2.0,
                until: Some(40.0),
                promises: &[
                    p(M::Mutating, Failed, Above(100.0)),
                    p(M::Mutating, Waiting("workload-low"), Above(10.0)),
                    p(M::User, P99, Below(0.05)),
                ],
            },
            Step {
                text: "The article's priority queue serves every write before any read in one \
                       queue, so the flood fills it and the users' requests are turned away or \
                       time out with everyone else's.",
                acts: &[
                    Act::Reset,
                    Act::Choose(Control::FlowControl, "article-queue"),
                ],
                chart: ChartClass::Users,
                speed: 2.0,
                until: Some(40.0),
                promises: &[p(M::User, Failed, Above(1.0))],
            },
        ],
    },
    Story {
        id: "list-storm",
        title: "A LIST storm",
        preset: "list-storm",
        steps: &[
            Step {
                text: "At 20 s an operator starts listing all 30,000 pods twice a second.",
                acts: &[],
                chart: ChartClass::List,
                speed: 2.0,
                until: Some(18.0),
                promises: &[p(M::List, P99, Below(0.1))],
            },
            Step {
                text: "Each LIST walks the 30,000 pods under the watch cache's read lock and \
                       serializes about 120 MB: a quarter of a second or so. The other requests \
                       hardly notice: the watch cache absorbs the storm.",
                acts: &[],
                chart: ChartClass::List,
                speed: 2.0,
                until: Some(36.0),
                promises: &[p(M::List, P99, Above(0.1)), p(M::Mutating, P99, Below(0.2))],
            },
            Step {
                text: "Before 1.31, a consistent LIST was a quorum read at etcd. Switch it back: \
                       every LIST's whole reply now crosses the pods' etcd connection, and the \
                       pod writes queue behind those replies.",
                acts: &[Act::Choose(Control::ConsistentList, "etcd")],
                chart: ChartClass::Mutating,
                speed: 2.0,
                until: Some(60.0),
                promises: &[p(M::Mutating, P99, Above(1.0))],
            },
        ],
    },
    Story {
        id: "fsync-spike",
        title: "An etcd fsync spike",
        preset: "fsync-spike",
        steps: &[
            Step {
                text: "At 30 s etcd's disks slow down fifty-fold. Here the store's writes commit \
                       in a few milliseconds.",
                acts: &[],
                chart: ChartClass::Store,
                speed: 2.0,
                until: Some(28.0),
                promises: &[p(M::EtcdWrite, P99, Below(0.02))],
            },
            Step {
                text: "A write commits only when a quorum has fsynced it, so every write now \
                       waits tens of milliseconds. etcd batches the writes that arrive during one \
                       fsync into the next, so throughput holds while latency rises.",
                acts: &[],
                chart: ChartClass::Store,
                speed: 2.0,
                until: Some(50.0),
                promises: &[
                    p(M::EtcdWrite, P99, Above(0.03)),
                    p(M::Mutating, Completed, Above(50.0)),
                ],
            },
            Step {
                text: "LISTs from the watch cache need no fsync and barely move.",
                acts: &[],
                chart: ChartClass::List,
                speed: 2.0,
                until: Some(56.0),
                promises: &[p(M::List, P99, Below(0.02))],
            },
        ],
    },
    Story {
        id: "restart-storm",
        title: "A client restart storm",
        preset: "restart-storm",
        steps: &[
            Step {
                text: "At 30 s half of the cluster's 400 discovery clients restart at once (a \
                       node pool upgraded, say). Each runs discovery before it can work.",
                acts: &[],
                chart: ChartClass::Discovery,
                speed: 4.0,
                until: Some(52.0),
                promises: &[p(M::Discovery, P50, Above(10.0))],
            },
            Step {
                text: "With legacy discovery each client sends about a hundred requests, \
                       throttled by its own client-side rate limit, so its start-up takes about \
                       20 s. Aggregated discovery is one request per client: press the storm \
                       again and start-up takes milliseconds. (Kubelets do not run discovery, \
                       whatever the article says.)",
                acts: &[
                    Act::Choose(Control::Discovery, "aggregated"),
                    Act::Press(Control::RestartStorm),
                ],
                chart: ChartClass::Discovery,
                speed: 4.0,
                until: Some(60.0),
                promises: &[p(M::Discovery, P99, Below(0.5))],
            },
        ],
    },
    Story {
        id: "leader-election",
        title: "An etcd leader election",
        preset: "leader-election",
        steps: &[
            Step {
                text: "At 30 s etcd's leader goes away and the members elect another, which \
                       takes about a second.",
                acts: &[],
                chart: ChartClass::Store,
                speed: 2.0,
                until: Some(28.0),
                promises: &[p(M::EtcdWrite, P99, Below(0.05))],
            },
            Step {
                text: "For about a second nothing commits. In this model the client retries and \
                       every write of that second commits when the new leader is in place, so \
                       the writes' p99 of the next seconds is about a second.",
                acts: &[],
                chart: ChartClass::Store,
                speed: 2.0,
                until: Some(36.0),
                promises: &[
                    p(M::EtcdWrite, P99, Above(0.5)),
                    p(M::EtcdWrite, P99, Below(2.0)),
                ],
            },
            Step {
                text: "The article's pool gives up sooner: its back-off (100 ms × attempt, 3 \
                       attempts) ends before the election does, so the writes of that second \
                       fail instead.",
                acts: &[
                    Act::Choose(Control::EtcdClient, "pool"),
                    Act::Press(Control::LeaderElection),
                ],
                chart: ChartClass::Mutating,
                speed: 2.0,
                until: Some(42.0),
                promises: &[p(M::Mutating, Failed, Above(1.0))],
            },
        ],
    },
    Story {
        id: "k8s-1.30",
        title: "Kubernetes 1.30: LISTs from etcd",
        preset: "k8s-1.30",
        steps: &[
            Step {
                text: "Kubernetes 1.30 serves a consistent LIST from etcd: every kubectl LIST is a \
                       quorum read of all the pods in its namespace, returned over the pods' \
                       single etcd connection.",
                acts: &[],
                chart: ChartClass::List,
                speed: 2.0,
                until: Some(16.0),
                promises: &[p(M::List, P99, Above(0.005))],
            },
            Step {
                text: "Raise Nodes to 5,000: the LISTs grow with the pods and their p99 rises \
                       about four-fold. Their replies share the pods' connection with the pods' \
                       writes, but at this load the writes hardly notice.",
                acts: &[Act::Set(Control::Nodes, 5_000.0)],
                chart: ChartClass::Mutating,
                speed: 2.0,
                until: Some(40.0),
                promises: &[
                    p(M::List, P99, Above(0.05)),
                    p(M::Mutating, P99, Below(0.1)),
                ],
            },
            Step {
                text: "Serve consistent LISTs from the watch cache, as 1.31 and later do: the \
                       LISTs come from memory and the pods' connection is free for writes.",
                acts: &[Act::Choose(Control::ConsistentList, "cache")],
                chart: ChartClass::List,
                speed: 2.0,
                until: Some(60.0),
                promises: &[p(M::List, P99, Below(0.05))],
            },
        ],
    },
    Story {
        id: "k8s-1.32-article",
        title: "Kubernetes 1.32 as the article describes it",
        preset: "k8s-1.32-article",
        steps: &[
            Step {
                text: "Every mechanism as the article describes it (not upstream): at 1,000 \
                       nodes they change almost nothing; every class is far inside its SLO.",
                acts: &[],
                chart: ChartClass::Mutating,
                speed: 2.0,
                until: Some(20.0),
                promises: &[
                    p(M::Mutating, P99, Below(0.1)),
                    p(M::ReadSingle, P99, Below(0.05)),
                ],
            },
            Step {
                text: "An etcd leader election: the article's connection pool backs off 100 ms × \
                       attempt, three attempts, and gives up before the election is over, so the \
                       writes of that second time out.",
                acts: &[Act::Press(Control::LeaderElection)],
                chart: ChartClass::Mutating,
                speed: 2.0,
                until: Some(28.0),
                promises: &[p(M::Mutating, Failed, Above(1.0))],
            },
        ],
    },
    Story {
        id: "single-binary",
        title: "A single-binary control plane",
        preset: "single-binary",
        steps: &[
            Step {
                text: "One etcd member: a write waits only for its local fsync, not for a \
                       quorum's round trip, so the store's writes are a little faster than the \
                       three members' of Kubernetes 1.32 (about 2.1 ms against 2.3 at p99).",
                acts: &[],
                chart: ChartClass::Store,
                speed: 2.0,
                until: Some(16.0),
                promises: &[p(M::EtcdWrite, P99, Below(0.0022))],
            },
            Step {
                text: "etcd fsync spike on: with one disk there is no faster follower to hide \
                       it behind, and every write waits for the slow disk.",
                acts: &[Act::TurnOn(Control::FsyncSpike)],
                chart: ChartClass::Store,
                speed: 2.0,
                until: Some(32.0),
                promises: &[p(M::EtcdWrite, P99, Above(0.03))],
            },
        ],
    },
    // The article's tuning tips (the claims panel), each a story.
    Story {
        id: "try-webhook-concurrency",
        title: "Try: --webhook-request-concurrency=1000",
        preset: "k8s-1.32",
        steps: &[Step {
            text: "The flag is the article's (not upstream): its dedicated webhook limit at \
                   1,000 slots, with the webhooks slowed fifty-fold. The writes' seats stay \
                   free while they wait for their webhooks, but the calls themselves are as \
                   slow as before (a median of about 0.7 s, against 25 ms without the fault).",
            acts: &[
                Act::Choose(Control::WebhookHandling, "dedicated"),
                Act::Set(Control::WebhookConcurrency, 1_000.0),
                Act::TurnOn(Control::SlowWebhook),
            ],
            chart: ChartClass::Webhook,
            speed: 2.0,
            until: Some(20.0),
            promises: &[
                p(M::Mutating, InUse("workload-high"), Below(5.0)),
                p(M::Webhook, P50, Above(0.5)),
            ],
        }],
    },
    Story {
        id: "try-inflight-800",
        title: "Try: --max-requests-inflight=800",
        preset: "k8s-1.32",
        steps: &[
            Step {
                text: "With APF on, the two inflight flags only set the server's total seats, \
                       shared out by level: at the defaults (400 + 200) global-default, the \
                       users' level, has 49 of the 600.",
                acts: &[],
                chart: ChartClass::Read,
                speed: 2.0,
                until: Some(6.0),
                promises: &[p(M::ReadSingle, Seats("global-default"), Below(50.0))],
            },
            Step {
                text: "At 800 + 200 every level's share grows with the total (global-default to \
                       82 of 1,000): the extra 400 seats are not reads', they go to every level \
                       in proportion to its shares.",
                acts: &[Act::Set(Control::MaxRequestsInflight, 800.0)],
                chart: ChartClass::Read,
                speed: 2.0,
                until: Some(12.0),
                promises: &[
                    p(M::ReadSingle, Seats("global-default"), Above(75.0)),
                    p(M::Mutating, Seats("workload-high"), Above(150.0)),
                ],
            },
        ],
    },
    Story {
        id: "try-etcd-pool",
        title: "Try: an etcd pool of 10 or 50 connections",
        preset: "k8s-1.32",
        steps: &[
            Step {
                text: "The pool is the article's (not upstream). At 2,000 nodes with 10 \
                       connections the store's writes' p99 is about 2.5 ms.",
                acts: &[
                    Act::Choose(Control::EtcdClient, "pool"),
                    Act::Set(Control::EtcdConnections, 10.0),
                    Act::Set(Control::Nodes, 2_000.0),
                ],
                chart: ChartClass::Store,
                speed: 2.0,
                until: Some(20.0),
                promises: &[
                    p(M::EtcdWrite, P99, Above(0.002)),
                    p(M::EtcdWrite, P99, Below(0.003)),
                ],
            },
            Step {
                text: "With 50 connections, the same 2.5 ms: connections are not the \
                       bottleneck here.",
                acts: &[Act::Set(Control::EtcdConnections, 50.0)],
                chart: ChartClass::Store,
                speed: 2.0,
                until: Some(40.0),
                promises: &[
                    p(M::EtcdWrite, P99, Above(0.002)),
                    p(M::EtcdWrite, P99, Below(0.003)),
                ],
            },
        ],
    },
    // The mechanisms' "Try" tips (the explanations under the lab), each a
    // short story so its promise is tested like every other.
    Story {
        id: "try-apf",
        title: "Try: APF's seats by level",
        preset: "k8s-1.32",
        steps: &[
            Step {
                text: "5,000 nodes, and both inflight limits lowered to 3: APF's seats are their \
                       sum, 6, shared out by level, and node-high gets 1 of them for the \
                       kubelets' lease renewals, about 500 a second. Its queues overflow within \
                       about 30 s: hundreds of 429s a second.",
                acts: &[
                    Act::Set(Control::Nodes, 5_000.0),
                    Act::Set(Control::MaxRequestsInflight, 3.0),
                    Act::Set(Control::MaxMutatingRequestsInflight, 3.0),
                ],
                chart: ChartClass::Mutating,
                speed: 2.0,
                until: Some(40.0),
                promises: &[
                    p(M::Mutating, Failed, Above(100.0)),
                    p(M::Mutating, Waiting("node-high"), Above(100.0)),
                ],
            },
            Step {
                text: "At 4 and 4 (a new run), node-high gets 2 seats and keeps up: no 429s.",
                acts: &[
                    Act::Reset,
                    Act::Set(Control::MaxRequestsInflight, 4.0),
                    Act::Set(Control::MaxMutatingRequestsInflight, 4.0),
                ],
                chart: ChartClass::Mutating,
                speed: 2.0,
                until: Some(40.0),
                promises: &[p(M::Mutating, Failed, Below(1.0))],
            },
        ],
    },
    Story {
        id: "try-max-inflight",
        title: "Try: max inflight",
        preset: "k8s-1.32",
        steps: &[Step {
            text: "Max inflight (APF off) at 5,000 nodes with max-mutating-requests-inflight \
                   lowered to 3: over the limit a write gets 429 at once, about a quarter of \
                   them, and the rest stay fast: there is no queue to wait in.",
            acts: &[
                Act::Choose(Control::FlowControl, "max-inflight"),
                Act::Set(Control::Nodes, 5_000.0),
                Act::Set(Control::MaxMutatingRequestsInflight, 3.0),
            ],
            chart: ChartClass::Mutating,
            speed: 2.0,
            until: Some(20.0),
            promises: &[
                p(M::Mutating, FailedShare, Above(0.15)),
                p(M::Mutating, FailedShare, Below(0.35)),
                p(M::Mutating, P99, Below(0.1)),
            ],
        }],
    },
    Story {
        id: "try-article-queue",
        title: "Try: the article's priority queue",
        preset: "k8s-1.32-article",
        steps: &[Step {
            text: "The article's version at 5,000 nodes with both inflight limits at 1 (2 \
                   workers): its priority queue serves every write before any read, so the \
                   reads wait behind the writes, while the writes stay fast.",
            acts: &[
                Act::Set(Control::Nodes, 5_000.0),
                Act::Set(Control::MaxRequestsInflight, 1.0),
                Act::Set(Control::MaxMutatingRequestsInflight, 1.0),
            ],
            chart: ChartClass::Read,
            speed: 2.0,
            until: Some(20.0),
            promises: &[
                p(M::ReadSingle, P99, Above(0.05)),
                p(M::Mutating, P99, Below(0.05)),
            ],
        }],
    },
    Story {
        id: "try-webhooks",
        title: "Try: a slow webhook, inline",
        preset: "k8s-1.32",
        steps: &[Step {
            text: "Slow webhook on: each call takes 50 times longer (1.25 s). Upstream calls \
                   webhooks while the write holds its seats, so workload-high's seats in use \
                   climb and the writes' p99 passes its SLO. At 1,000 nodes the levels still \
                   have seats to spare, so reads do not notice.",
            acts: &[Act::TurnOn(Control::SlowWebhook)],
            chart: ChartClass::Mutating,
            speed: 2.0,
            until: Some(20.0),
            promises: &[
                p(M::Mutating, P99, Above(1.0)),
                p(M::Mutating, InUse("workload-high"), Above(5.0)),
                p(M::ReadSingle, P99, Below(0.05)),
            ],
        }],
    },
    Story {
        id: "try-dedicated",
        title: "Try: the article's dedicated webhook limit",
        preset: "k8s-1.32",
        steps: &[Step {
            text: "Slow webhook on with the article's dedicated webhook limit: a write gives \
                   its seats back while it waits for its webhooks, so workload-high's seats \
                   stay nearly free; but the writes still wait for the slow webhook.",
            acts: &[
                Act::TurnOn(Control::SlowWebhook),
                Act::Choose(Control::WebhookHandling, "dedicated"),
            ],
            chart: ChartClass::Mutating,
            speed: 2.0,
            until: Some(20.0),
            promises: &[
                p(M::Mutating, InUse("workload-high"), Below(5.0)),
                p(M::Mutating, P99, Above(1.0)),
            ],
        }],
    },
    Story {
        id: "try-watch-cache",
        title: "Try: the watch cache at 15,000 nodes",
        preset: "k8s-1.32",
        steps: &[Step {
            text: "15,000 nodes: every LIST of pods walks fifteen times as many under the \
                   watch cache's read lock, so LISTs take longer.",
            acts: &[Act::Set(Control::Nodes, 15_000.0)],
            chart: ChartClass::List,
            speed: 1.0,
            until: Some(15.0),
            promises: &[p(M::List, P99, Above(0.02))],
        }],
    },
    Story {
        id: "try-shards",
        title: "Try: the article's namespace shards",
        preset: "k8s-1.32",
        steps: &[Step {
            text: "15,000 nodes with the article's namespace-sharded watch cache: a LIST in \
                   one namespace would no longer share a lock with writes in another, but \
                   this cluster's LISTs are cluster-wide, and a cluster-wide LIST walks every \
                   shard in turn: the LIST p99 stays where it was with one lock per resource \
                   (about 40 ms).",
            acts: &[
                Act::Set(Control::Nodes, 15_000.0),
                Act::Choose(Control::CacheLocking, "namespace-shards"),
            ],
            chart: ChartClass::List,
            speed: 1.0,
            until: Some(15.0),
            promises: &[p(M::List, P99, Above(0.03)), p(M::List, P99, Below(0.05))],
        }],
    },
    Story {
        id: "try-etcd",
        title: "Try: an etcd fsync spike",
        preset: "k8s-1.32",
        steps: &[Step {
            text: "etcd fsync spike on: the disks sync 50 times slower, and a write commits \
                   only when a quorum has synced it, so the store's writes take tens of \
                   milliseconds instead of two or three.",
            acts: &[Act::TurnOn(Control::FsyncSpike)],
            chart: ChartClass::Store,
            speed: 2.0,
            until: Some(20.0),
            promises: &[p(M::EtcdWrite, P99, Above(0.03))],
        }],
    },
    Story {
        id: "try-discovery",
        title: "Try: legacy discovery in a restart storm",
        preset: "k8s-1.32",
        steps: &[
            Step {
                text: "Discovery switched to legacy: a client that starts asks for /api, /apis \
                       and each group-version, one request each, under client-go's default \
                       rate limit of 5 a second. Nothing restarts yet.",
                acts: &[Act::Choose(Control::Discovery, "legacy")],
                chart: ChartClass::Discovery,
                speed: 2.0,
                until: Some(22.0),
                promises: &[],
            },
            Step {
                text: "Half the 200 discovery clients restart at once: each start-up now \
                       takes seconds.",
                acts: &[Act::Press(Control::RestartStorm)],
                chart: ChartClass::Discovery,
                speed: 2.0,
                until: Some(34.0),
                promises: &[p(M::Discovery, P50, Above(2.0))],
            },
        ],
    },
];

impl Story {
    pub fn find(id: &str) -> Option<&'static Story> {
        STORIES.iter().find(|s| s.id == id)
    }

    /// The story of a shipped scenario, if it has one (a mechanism's tip
    /// is a story of its own, whose id starts with `try-`; the default
    /// preset's story is the first visit's).
    pub fn of_preset(preset: &str) -> Option<&'static Story> {
        STORIES
            .iter()
            .find(|s| s.preset == preset && !s.id.starts_with("try-"))
    }
}

impl Promise {
    /// What the promise measures in `sim` now: NaN for a latency when
    /// nothing completed, and for anything of a run that is not a control
    /// plane's or a level it does not have (so no bound holds: "below 1 s"
    /// of nothing is not a kept promise).
    pub fn measure(&self, sim: &Simulation) -> f64 {
        if sim.metrics().len() != MetricClass::ALL.len() {
            return f64::NAN;
        }
        let recent = || recent_of(sim, &[self.class], READOUT_WINDOWS);
        let latency = |quantile: f64| {
            if recent().throughput > 0.0 {
                quantile
            } else {
                f64::NAN
            }
        };
        match self.measure {
            Measure::P99 => latency(recent().p99),
            Measure::P50 => latency(recent().p50),
            Measure::Failed => recent().rejected_rate + recent().timeout_rate,
            Measure::Completed => recent().throughput,
            Measure::FailedShare => {
                let r = recent();
                let failed = r.rejected_rate + r.timeout_rate;
                let ended = failed + r.throughput;
                if ended > 0.0 {
                    failed / ended
                } else {
                    f64::NAN
                }
            }
            Measure::Waiting(level) | Measure::InUse(level) | Measure::Seats(level) => sim
                .control_plane_snapshot(u64::MAX, 0)
                .and_then(|s| s.limits.into_iter().find(|l| l.name == level))
                .map_or(f64::NAN, |l| match self.measure {
                    Measure::Waiting(_) => l.waiting as f64,
                    Measure::InUse(_) => l.in_use as f64,
                    _ => l.seats as f64,
                }),
        }
    }

    pub fn holds(&self, value: f64) -> bool {
        match self.bound {
            Bound::Above(bound) => value > bound,
            Bound::Below(bound) => value < bound,
        }
    }

    /// The promise in words: "mutating p99 above 1 s".
    pub fn describe(&self) -> String {
        let (side, bound) = match self.bound {
            Bound::Above(b) => ("above", b),
            Bound::Below(b) => ("below", b),
        };
        format!("{} {side} {}", self.what(), self.format(bound))
    }

    /// What is measured: "mutating p99", "read-single failures".
    pub fn what(&self) -> String {
        let class = class_words(self.class);
        match self.measure {
            Measure::P99 => format!("{class} p99"),
            Measure::P50 => format!("{class} p50"),
            Measure::Failed => format!("{class} failures (429 or timeout)"),
            Measure::Completed => format!("{class} completed"),
            Measure::FailedShare => format!("share of {class} requests failing"),
            Measure::Waiting(level) => format!("requests waiting in {level}"),
            Measure::InUse(level) => format!("{level}'s seats in use"),
            Measure::Seats(level) => format!("{level}'s seats"),
        }
    }

    /// A value of this promise's measure, with its unit.
    pub fn format(&self, value: f64) -> String {
        match self.measure {
            Measure::P99 | Measure::P50 => super::format::latency(value),
            Measure::Failed | Measure::Completed => super::format::rate(value),
            Measure::FailedShare if value.is_finite() => format!("{:.0}%", value * 100.0),
            Measure::FailedShare => "–".to_owned(),
            Measure::Waiting(_) | Measure::InUse(_) | Measure::Seats(_) => {
                super::format::significant(value)
            }
        }
    }
}

/// A class as a story's reader knows it.
fn class_words(class: MetricClass) -> &'static str {
    match class {
        MetricClass::Mutating => "mutating",
        MetricClass::ReadSingle => "single reads'",
        MetricClass::List => "LIST",
        MetricClass::Webhook => "webhook calls'",
        MetricClass::Discovery => "discovery",
        MetricClass::EtcdWrite => "store writes'",
        MetricClass::User => "users'",
        other => other.name(),
    }
}

/// Every story has a step (so a story's first and last steps exist).
const fn every_story_has_a_step(stories: &[Story]) -> bool {
    let mut i = 0;
    while i < stories.len() {
        if stories[i].steps.is_empty() {
            return false;
        }
        i += 1;
    }
    true
}
const _: () = assert!(every_story_has_a_step(STORIES));

/// Where the page is in a story.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryAt {
    pub story: &'static Story,
    pub step: usize,
    /// each promise's measure at the step's pause; `None` until then
    pub seen: Option<Vec<f64>>,
}

impl StoryAt {
    pub fn step(&self) -> &'static Step {
        // Never empty: checked when the table is compiled (below).
        &self.story.steps[self.step.min(self.story.steps.len().saturating_sub(1))]
    }

    pub fn is_last(&self) -> bool {
        self.step + 1 >= self.story.steps.len()
    }

    /// What each promise measures in `sim` now.
    pub fn measure(&self, sim: &Simulation) -> Vec<f64> {
        self.step()
            .promises
            .iter()
            .map(|p| p.measure(sim))
            .collect()
    }
}
