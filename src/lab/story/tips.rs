//! The tips' stories: the article's tuning tips (the claims panel) and
//! each mechanism's "Try" (the explanations), one row each; their ids start
//! with `try-`.

use super::table::p;
use super::{Act, Bound, Measure, Step, Story};
use crate::lab::controls::Control;
use crate::lab::view::ChartClass;
use crate::sim::models::control_plane::MetricClass;

use Bound::{Above, Below};
use Measure::{
    Busy, Connections, Failed, FailedShare, InUse, Nominal, P50, P99, Rejected, Seats, Waiting,
};
use MetricClass as M;

/// Every tip's story.
pub const TIPS: &[Story] = &[
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
                text: "One API server (the flags are per server). With APF on, the two \
                       inflight flags only set the server's total seats, shared out by \
                       level: at the defaults (400 + 200) global-default, the users' level, \
                       has a nominal share of 49 of the 600 (and borrows more while the \
                       others are idle).",
                acts: &[Act::Set(Control::ApiServers, 1.0)],
                chart: ChartClass::Read,
                speed: 2.0,
                until: Some(6.0),
                promises: &[p(M::ReadSingle, Nominal("global-default"), Below(50.0))],
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
                    p(M::ReadSingle, Nominal("global-default"), Above(75.0)),
                    p(M::Mutating, Nominal("workload-high"), Above(150.0)),
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
                text: "One API server at 5,000 nodes, both inflight limits lowered to 2: APF's seats are their \
                       sum, 4, shared out by level (each share rounded up), and node-high's share \
                       is 1 seat for the kubelets' lease renewals, about 500 a second. It cannot \
                       borrow: every level that could lend used its own seats at some moment of \
                       each 10 s, and upstream lets a level keep what it used. Its queues \
                       overflow within about 30 s: hundreds of 429s a second.",
                acts: &[
                    Act::Set(Control::ApiServers, 1.0),
                    Act::Set(Control::Nodes, 5_000.0),
                    Act::Set(Control::MaxRequestsInflight, 2.0),
                    Act::Set(Control::MaxMutatingRequestsInflight, 2.0),
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
                text: "At 8 and 8 (a new run), node-high's share is 3 seats, and it borrows \
                       more that idle levels lend: each renewal holds a seat for its 7 ms of \
                       CPU, so 500 a second need about 4, and it keeps up: no 429s.",
                acts: &[
                    Act::Reset,
                    Act::Set(Control::ApiServers, 1.0),
                    Act::Set(Control::MaxRequestsInflight, 8.0),
                    Act::Set(Control::MaxMutatingRequestsInflight, 8.0),
                ],
                chart: ChartClass::Mutating,
                speed: 2.0,
                until: Some(40.0),
                promises: &[
                    p(M::Mutating, Failed, Below(1.0)),
                    p(M::Mutating, Seats("node-high"), Above(3.0)),
                ],
            },
        ],
    },
    Story {
        id: "try-max-inflight",
        title: "Try: max inflight",
        preset: "k8s-1.32",
        steps: &[Step {
            text: "Max inflight (APF off) on one API server at 5,000 nodes with max-mutating-requests-inflight \
                   lowered to 8 (the writes keep about 4 busy): over the limit a write gets 429 at once, and its client \
                   retries it a second later (client-go honours the Retry-After), so a quarter \
                   to two-fifths of the attempts are 429s. The writes admitted stay fast: \
                   there is no queue to wait in.",
            acts: &[
                Act::Set(Control::ApiServers, 1.0),
                Act::Choose(Control::FlowControl, "max-inflight"),
                Act::Set(Control::Nodes, 5_000.0),
                Act::Set(Control::MaxMutatingRequestsInflight, 8.0),
            ],
            chart: ChartClass::Mutating,
            speed: 2.0,
            until: Some(20.0),
            promises: &[
                p(M::Mutating, FailedShare, Above(0.15)),
                p(M::Mutating, FailedShare, Below(0.5)),
                p(M::Mutating, P99, Below(0.1)),
            ],
        }],
    },
    Story {
        id: "try-article-queue",
        title: "Try: the article's priority queue",
        preset: "k8s-1.32-article",
        steps: &[Step {
            text: "The article's version on one API server at 5,000 nodes with both inflight limits at 3 (6 \
                   workers, the writes keeping about 4 busy): its priority queue serves every write before any read, so the \
                   reads wait behind the writes, while the writes stay fast.",
            acts: &[
                Act::Set(Control::ApiServers, 1.0),
                Act::Set(Control::Nodes, 5_000.0),
                Act::Set(Control::MaxRequestsInflight, 3.0),
                Act::Set(Control::MaxMutatingRequestsInflight, 3.0),
            ],
            chart: ChartClass::Read,
            speed: 2.0,
            until: Some(20.0),
            promises: &[
                p(M::ReadSingle, P99, Above(0.05)),
                p(M::Mutating, P99, Below(0.1)),
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
                p(M::Mutating, InUse("workload-high"), Above(3.0)),
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
        id: "try-cpu",
        title: "Try: a flood on an API server of 4 cores",
        preset: "greedy-tenant",
        steps: &[
            Step {
                text: "The greedy tenant's cluster before its flood: 1,000 nodes' requests \
                       cost the API server about one of its 32 cores.",
                acts: &[],
                chart: ChartClass::Mutating,
                speed: 2.0,
                until: Some(18.0),
                promises: &[p(M::Mutating, Busy("CPU of apiserver-1"), Below(0.1))],
            },
            Step {
                text: "Now 4 cores, and from 20 s one service account sends 30,000 writes a \
                       second, 7 ms of CPU each: it would need 210 cores. Every core is busy \
                       and every request runs slower, but APF's seats bound how many run at \
                       once, so each still gets a share of a core: the flood is turned away \
                       with 429s while the reads stay inside their 1 s SLO.",
                acts: &[Act::Set(Control::ApiServerCores, 4.0)],
                chart: ChartClass::Read,
                speed: 2.0,
                until: Some(40.0),
                promises: &[
                    p(M::Mutating, Busy("CPU of apiserver-1"), Above(0.95)),
                    p(M::Mutating, Rejected, Above(1_000.0)),
                    p(M::ReadSingle, P99, Below(1.0)),
                ],
            },
            Step {
                text: "64 cores: the flood is still turned away, since its level has only so \
                       many seats, but the cores are no longer all busy. What limits it now \
                       is its level's seats, not the CPU.",
                acts: &[Act::Set(Control::ApiServerCores, 64.0)],
                chart: ChartClass::Read,
                speed: 2.0,
                until: Some(60.0),
                promises: &[
                    p(M::Mutating, Busy("CPU of apiserver-1"), Below(0.7)),
                    p(M::Mutating, Busy("workload-low seats"), Above(0.9)),
                ],
            },
        ],
    },
    Story {
        id: "try-replicas",
        title: "Try: restart one of three API servers",
        preset: "k8s-1.32",
        steps: &[
            Step {
                text: "Three API servers behind a load balancer. Each kubelet, the \
                       controller-manager, the scheduler and each operator holds one \
                       connection, put round-robin: about a third of the 1,022 clients on each.",
                acts: &[],
                chart: ChartClass::Mutating,
                speed: 2.0,
                until: Some(15.0),
                promises: &[
                    p(M::Mutating, Connections("apiserver-1"), Above(300.0)),
                    p(M::Mutating, Connections("apiserver-1"), Below(380.0)),
                ],
            },
            Step {
                text: "Restart apiserver-1, as a rolling upgrade does: it leaves the load \
                       balancer, its clients reconnect to the other two at once, and it \
                       finishes its requests and stops for 20 s. The others now carry \
                       half the cluster each.",
                acts: &[Act::Press(Control::RestartApiServer)],
                chart: ChartClass::Mutating,
                speed: 2.0,
                until: Some(30.0),
                promises: &[
                    p(M::Mutating, Connections("apiserver-1"), Below(1.0)),
                    p(M::Mutating, Connections("apiserver-2"), Above(480.0)),
                    p(M::Mutating, P99, Below(1.0)),
                ],
            },
            Step {
                text: "It is back and its caches have re-listed from etcd, but its old \
                       clients stay where they went: long-lived connections move only when \
                       they close. Only kubectl, which connects per command, reaches it. \
                       --goaway-chance is what turns connections over.",
                acts: &[],
                chart: ChartClass::List,
                speed: 2.0,
                until: Some(70.0),
                promises: &[
                    p(M::Mutating, Connections("apiserver-1"), Below(1.0)),
                    p(M::Mutating, Connections("apiserver-3"), Above(480.0)),
                ],
            },
        ],
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
                   (about 80 ms).",
            acts: &[
                Act::Set(Control::Nodes, 15_000.0),
                Act::Choose(Control::CacheLocking, "namespace-shards"),
            ],
            chart: ChartClass::List,
            speed: 1.0,
            until: Some(15.0),
            promises: &[p(M::List, P99, Above(0.05)), p(M::List, P99, Below(0.12))],
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
                text: "Discovery switched to legacy: a client that starts asks for /api, then \
                       /apis, then every group-version at once, one request each, within its \
                       discovery client's burst of 300. Nothing restarts yet.",
                acts: &[Act::Choose(Control::Discovery, "legacy")],
                chart: ChartClass::Discovery,
                speed: 2.0,
                until: Some(22.0),
                promises: &[],
            },
            Step {
                text: "Half the 200 discovery clients restart at once: each asks for some fifty \
                       documents, all inside its burst, so each start-up still takes \
                       milliseconds. What grows is the API server's load: fifty requests a \
                       client where aggregated discovery makes two.",
                acts: &[Act::Press(Control::RestartStorm)],
                chart: ChartClass::Discovery,
                speed: 2.0,
                until: Some(24.0),
                promises: &[p(M::Discovery, P99, Below(0.1))],
            },
        ],
    },
];
