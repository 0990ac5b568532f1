//! The shipped scenarios' stories, one row each (see `story` for what a
//! row holds), the first visit's first. `tests/stories.rs` walks every
//! story natively and `e2e/tests/story.mjs` in Chromium.

use super::{Act, Bound, FIRST_VISIT, Measure, Promise, Step, Story};
use crate::lab::controls::Control;
use crate::lab::view::ChartClass;
use crate::sim::models::control_plane::MetricClass;

pub(super) const fn p(class: MetricClass, measure: Measure, bound: Bound) -> Promise {
    Promise {
        class,
        measure,
        bound,
    }
}

use Bound::{Above, Below};
use Measure::{
    Busy, Completed, Failed, InUse, OomKills, P99, PeakMemory, Rejected, Seats, Waiting,
};
use MetricClass as M;

/// The shipped scenarios' stories, the first visit's first.
pub const SCENARIOS: &[Story] = &[
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
                       climb from a handful to dozens. Watch the webhook calls' p99 climb past \
                       a second: the writes that wait for them take seconds too, and the ones \
                       whose call times out fail.",
                acts: &[Act::Set(Control::WebhookLatency, 10_000.0)],
                chart: ChartClass::Webhook,
                speed: 2.0,
                until: Some(28.0),
                promises: &[
                    p(M::Webhook, P99, Above(1.0)),
                    p(M::User, P99, Above(1.0)),
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
                       time, so workload-high's demand soars past its 98 seats. At the next \
                       division of seats (every 10 s) it borrows what workload-low and the idle \
                       levels can lend, nearly 400 of the server's 602. Writes still queue \
                       behind the hung ones, but none is turned away: no 429s, only the hung \
                       writes fail.",
                acts: &[],
                chart: ChartClass::Mutating,
                speed: 4.0,
                until: Some(50.0),
                promises: &[
                    p(M::Mutating, Failed, Above(3.0)),
                    p(M::Mutating, Seats("workload-high"), Above(200.0)),
                    p(M::Mutating, Rejected, Below(0.5)),
                ],
            },
            Step {
                text: "What if the levels could not borrow (no release works so)? Seat borrowing \
                       to Nominal: workload-high is back to its 98 seats, all held by hung \
                       writes, and its queues grow by hundreds in seconds (until they fill and \
                       turn writes away with 429s). The latency pulses with the 10 s timeout: \
                       the calls that began together time out together, so seats come free in \
                       cohorts. Limit now names workload-high's seats: they, not etcd, are what \
                       runs out.",
                acts: &[Act::Choose(Control::SeatBorrowing, "off")],
                chart: ChartClass::Mutating,
                speed: 4.0,
                until: Some(58.0),
                promises: &[
                    p(M::Mutating, P99, Above(1.0)),
                    p(M::Mutating, Seats("workload-high"), Below(100.0)),
                    p(M::Mutating, Waiting("workload-high"), Above(450.0)),
                    p(M::Mutating, Busy("workload-high seats"), Above(0.9)),
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
                promises: &[p(M::User, P99, Below(0.15))],
            },
            Step {
                text: "APF's shuffle sharding puts the flood on a few of workload-low's 128 \
                       queues: they fill and reject it with 429s. Users, in global-default, do \
                       not notice: that level's seats are its own. Limit now names \
                       workload-low's seats, though more than a third of the server's seats \
                       are idle.",
                acts: &[],
                chart: ChartClass::Users,
                speed: 2.0,
                until: Some(40.0),
                promises: &[
                    p(M::Mutating, Failed, Above(100.0)),
                    p(M::Mutating, Waiting("workload-low"), Above(10.0)),
                    p(M::User, P99, Below(0.15)),
                    p(M::Mutating, Busy("workload-low seats"), Above(0.9)),
                    p(M::Mutating, Busy("APF seats"), Below(0.66)),
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
                promises: &[p(M::List, P99, Below(0.2))],
            },
            Step {
                text: "Each LIST walks the 30,000 pods under the watch cache's read lock and \
                       encodes about 120 MB, some 0.6 s of one core's time: the LIST p99 passes \
                       300 ms. The other requests hardly notice: the watch cache absorbs the \
                       storm, and the API server's 32 cores have room for it.",
                acts: &[],
                chart: ChartClass::List,
                speed: 2.0,
                until: Some(36.0),
                promises: &[p(M::List, P99, Above(0.3)), p(M::Mutating, P99, Below(0.2))],
            },
            Step {
                text: "Before 1.31, a consistent LIST was a quorum read at etcd. Switch it back: \
                       each LIST's 120 MB reply now crosses the pods' etcd connections, and the \
                       storm's LISTs take seconds. The pod writes share those connections but do \
                       not queue behind the replies: gRPC sends the streams' frames in turn, so \
                       their p99 stays in milliseconds.",
                acts: &[Act::Choose(Control::ConsistentList, "etcd")],
                chart: ChartClass::List,
                speed: 2.0,
                until: Some(60.0),
                promises: &[
                    p(M::List, P99, Above(1.0)),
                    p(M::Mutating, P99, Below(0.2)),
                    p(M::List, PeakMemory("apiserver-1"), Above(4.0)),
                ],
            },
            Step {
                text: "Each of those LISTs holds etcd's 120 MB reply, and three times that for \
                       its response, until its last byte is written, and several are built at \
                       once: the heap has passed 4 GiB. Give the API server 4 GiB, a small \
                       control-plane node. Past it the OOM killer kills the server: every \
                       request on it fails, and with one API server there is none for 20 s; it \
                       comes back with empty caches that re-list from etcd, and the storm takes \
                       it down again. APF bounds how many LISTs run, not the memory they hold.",
                acts: &[Act::Set(Control::ApiServerMemory, 4.0)],
                chart: ChartClass::Mutating,
                speed: 2.0,
                until: Some(80.0),
                promises: &[
                    p(M::Mutating, OomKills("apiserver-1"), Above(0.5)),
                    p(M::Mutating, Failed, Above(10.0)),
                ],
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
                text: "LISTs from the watch cache need no fsync and barely move: they wait only \
                       for the cache to reach etcd's revision (usually within 100 ms, the cadence of its \
                       progress requests), as they did before the spike.",
                acts: &[],
                chart: ChartClass::List,
                speed: 2.0,
                until: Some(56.0),
                promises: &[p(M::List, P99, Below(0.12))],
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
                       node pool upgraded, say). Each runs legacy discovery before it can work: \
                       /api, /apis, then one request per group-version, about a hundred. \
                       client-go's discovery client sends up to 300 before its rate limit of 5 \
                       a second applies, so each start-up still takes milliseconds; the server \
                       answers 20,000 requests in a second.",
                acts: &[],
                chart: ChartClass::Discovery,
                speed: 4.0,
                until: Some(32.0),
                promises: &[p(M::Discovery, P99, Below(0.1))],
            },
            Step {
                text: "Aggregated discovery is two requests per client, /api and /apis, whose \
                       answers hold every resource: press the storm again. Start-up is as fast \
                       and the server answers 400 requests instead of 20,000. The article's \
                       \u{201c}12 s → 4 s\u{201d} would need a burst of 10 at 5 a second, which \
                       client-go's discovery does not use. (Kubelets do not run discovery, \
                       whatever the article says.)",
                acts: &[
                    Act::Choose(Control::Discovery, "aggregated"),
                    Act::Press(Control::RestartStorm),
                ],
                chart: ChartClass::Discovery,
                speed: 4.0,
                until: Some(36.0),
                promises: &[p(M::Discovery, P99, Below(0.1))],
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
                text: "For about a second nothing commits. Upstream's etcd client does not retry \
                       a write etcd refused (clientv3, isSafeRetryMutableRPC), so the writes of \
                       that second fail and the API server answers 500. Reads are retried until \
                       the new leader answers: they wait, up to about a second, and none fails.",
                acts: &[],
                chart: ChartClass::Mutating,
                speed: 2.0,
                until: Some(36.0),
                promises: &[
                    p(M::Mutating, Failed, Above(3.0)),
                    p(M::ReadSingle, P99, Above(0.3)),
                    p(M::ReadSingle, Failed, Below(0.01)),
                ],
            },
            Step {
                text: "The article's pool retries writes and reads alike, 100 ms × attempt, three \
                       attempts: that saves the writes of the election's last few hundred \
                       milliseconds, but its reads give up before the new leader is in place \
                       and fail too.",
                acts: &[
                    Act::Choose(Control::EtcdClient, "pool"),
                    Act::Press(Control::LeaderElection),
                ],
                chart: ChartClass::Mutating,
                speed: 2.0,
                until: Some(42.0),
                promises: &[
                    p(M::Mutating, Failed, Above(1.0)),
                    p(M::ReadSingle, Failed, Above(0.3)),
                ],
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
                       etcd connections (one to each etcd member).",
                acts: &[],
                chart: ChartClass::List,
                speed: 2.0,
                until: Some(16.0),
                promises: &[p(M::List, P99, Above(0.005))],
            },
            Step {
                text: "Raise Nodes to 5,000: a namespace now holds 1,500 pods, which kubectl asks \
                       for 500 at a time (its --chunk-size), so each LIST is three quorum reads \
                       whose replies share the pods' connections with the pods' writes, frame by \
                       frame. The pages take longer and the writes hardly notice.",
                acts: &[Act::Set(Control::Nodes, 5_000.0)],
                chart: ChartClass::Mutating,
                speed: 2.0,
                until: Some(40.0),
                promises: &[
                    p(M::List, P99, Above(0.02)),
                    p(M::Mutating, P99, Below(0.1)),
                ],
            },
            Step {
                text: "Serve consistent LISTs from the watch cache, as 1.31 and later do (with \
                       etcd 3.5.13 or later). After its revision check at etcd a LIST waits for \
                       the cache to reach that revision, usually within 100 ms (the cadence of the \
                       cache's progress requests), then its first page comes from memory; the \
                       pages after it carry a continue token and still go to etcd.",
                acts: &[Act::Choose(Control::ConsistentList, "cache")],
                chart: ChartClass::List,
                speed: 2.0,
                until: Some(60.0),
                promises: &[
                    p(M::CacheWait, P99, Above(0.01)),
                    p(M::CacheWait, P99, Below(0.101)),
                ],
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
                       attempt, three attempts, and gives up before the election is over, so \
                       writes and reads of that second fail. (Upstream's client fails the writes \
                       too, but retries the reads until the new leader answers.)",
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
];
