//! Questions people bring from real incidents, each answered by a story
//! that reproduces it: the question in the asker's words, the thread it
//! comes from, and steps that set the controls as the reader would, show
//! the chart or readout that answers it, and promise what the page will
//! measure. The last step is the answer, written from what the earlier
//! steps' promises check. `tests/stories.rs` walks every question's story
//! natively and `e2e/tests/story.mjs` opens each by its `?question=` link.

use super::table::p;
use super::{Act, Bound, Measure, Step, Story};
use crate::lab::controls::Control;
use crate::lab::view::ChartClass;
use crate::sim::models::control_plane::MetricClass;

use Bound::{Above, Below};
use Measure::{Busy, Completed, Failed, InUse, P99, PeakMemory, Rejected, TimedOut, Waiting};
use MetricClass as M;

/// A question, its thread and the story that answers it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Question {
    /// the question as it is asked
    pub asked: &'static str,
    /// the thread it comes from: its name and address
    pub thread: (&'static str, &'static str),
    /// reproduces it and answers it; its id is the question's
    /// `?question=` value
    pub story: Story,
}

impl Question {
    pub fn find(id: &str) -> Option<&'static Question> {
        QUESTIONS.iter().find(|q| q.story.id == id)
    }
}

/// Every question, in the order the panel lists them.
pub const QUESTIONS: &[Question] = &[
    Question {
        asked: "How many requests per second can one API server take, and what limits it? \
                (I measured 23 get pods commands a second; --max-requests-inflight did not help.)",
        thread: (
            "kubernetes/kubernetes#44471",
            "https://github.com/kubernetes/kubernetes/issues/44471",
        ),
        story: Story {
            id: "one-server-capacity",
            title: "How much can one API server take?",
            preset: "k8s-1.32",
            steps: &[
                Step {
                    text: "One API server of Kubernetes 1.32 with kube-up's 32 cores for 1,000 \
                           nodes serves the cluster's own requests and users sending 23 requests \
                           a second, the asker's rate (60% GETs of a pod, 25% LISTs of a \
                           namespace's pods, 15% PATCHes). Look at \"Limit now\" under the \
                           diagram: nothing is near its limit, and the CPU is a few percent busy. \
                           23 a second is not the server's limit.",
                    acts: &[
                        Act::Set(Control::ApiServers, 1.0),
                        Act::Set(Control::UserRequests, 23.0),
                    ],
                    chart: ChartClass::Users,
                    speed: 1.0,
                    until: Some(10.0),
                    promises: &[
                        p(M::User, P99, Below(0.3)),
                        p(M::User, Busy("CPU of apiserver-1"), Below(0.1)),
                    ],
                },
                Step {
                    text: "Now users send 3,000 requests a second. \"Limit now\" names \
                           global-default's seats: API Priority and Fairness puts authenticated \
                           users in the global-default level, which has 49 of the server's 600 \
                           seats plus what it can borrow, and each LIST of pods takes several \
                           seats. Its queues fill and it answers 429s, while the CPU is only half \
                           busy.",
                    acts: &[Act::Set(Control::UserRequests, 3_000.0)],
                    chart: ChartClass::Users,
                    speed: 2.0,
                    until: Some(25.0),
                    promises: &[
                        p(M::User, Busy("global-default seats"), Above(0.95)),
                        p(M::User, Rejected, Above(10.0)),
                        p(M::User, Busy("CPU of apiserver-1"), Below(0.8)),
                    ],
                },
                Step {
                    text: "Raise --max-requests-inflight to 3,000: APF's seats are the two \
                           inflight flags together, shared by the levels, so global-default's grow \
                           fivefold. The 429s stop and the users' p99 falls back. Here the flag \
                           helps because seats were the limit; with the asker's 23 a second, no \
                           flag would have.",
                    acts: &[Act::Set(Control::MaxRequestsInflight, 3_000.0)],
                    chart: ChartClass::Users,
                    speed: 2.0,
                    until: Some(60.0),
                    promises: &[
                        p(M::User, Rejected, Below(1.0)),
                        p(M::User, P99, Below(1.0)),
                        p(M::User, Busy("CPU of apiserver-1"), Above(0.4)),
                    ],
                },
                Step {
                    text: "Double the users to 6,000 requests a second. Now \"Limit now\" names \
                           the CPU of apiserver-1: every request's handler, every response's \
                           encoding and every watch event share its 32 cores, so each request runs \
                           slower, holds its seats longer, and the queues fill again. The server \
                           completes between 4,000 and 5,500 user requests a second (about \
                           4,800 with this seed) and turns the rest away with 429s: that is its \
                           capacity for this mix.",
                    acts: &[Act::Set(Control::UserRequests, 6_000.0)],
                    chart: ChartClass::Users,
                    speed: 2.0,
                    until: Some(120.0),
                    promises: &[
                        p(M::User, Busy("CPU of apiserver-1"), Above(0.9)),
                        p(M::User, P99, Above(2.0)),
                        p(M::User, Completed, Above(4_000.0)),
                        p(M::User, Completed, Below(5_500.0)),
                        p(M::User, Rejected, Above(100.0)),
                    ],
                },
                Step {
                    text: "The answer: there is no single number, because what limits the server \
                           depends on the requests. In this lab one 32-core API server of 1.32 \
                           takes about 4,800 user requests a second of this mix on top of the \
                           cluster's own, first limited by the seats APF gives the users' level \
                           (which --max-requests-inflight raises) and then by its CPU (which only \
                           more cores or more API servers raise). At 23 requests a second it is \
                           nearly idle, so a client that cannot go faster is limited by itself.",
                    acts: &[],
                    chart: ChartClass::Users,
                    speed: 1.0,
                    until: None,
                    promises: &[],
                },
            ],
        },
    },
    Question {
        asked: "My webhooks have failurePolicy Ignore, so why do pod creations still fail with \
                \"Timeout: request did not complete within allowed duration\"?",
        thread: (
            "kubernetes/kubernetes#71508",
            "https://github.com/kubernetes/kubernetes/issues/71508",
        ),
        story: Story {
            id: "ignored-webhooks-still-fail",
            title: "Why do ignored webhooks still fail pods?",
            preset: "question-ignored-webhooks",
            steps: &[
                Step {
                    text: "A 1.32 control plane during a rollout, with four mutating webhooks on \
                           pod creation and one validating webhook, every one failurePolicy Ignore \
                           with a 20 s timeout. They answer in milliseconds: pod creations are \
                           fast and none fails.",
                    acts: &[],
                    chart: ChartClass::Mutating,
                    speed: 1.0,
                    until: Some(25.0),
                    promises: &[
                        p(M::Mutating, P99, Below(0.2)),
                        p(M::Mutating, Failed, Below(0.1)),
                    ],
                },
                Step {
                    text: "At 30 s the webhooks' servers stop answering. Each call now hangs until \
                           its 20 s timeout and is ignored, as Ignore says, and the next webhook is \
                           called: mutating webhooks run one after another. Four of them take 80 \
                           s, past the request's own 60 s timeout (--request-timeout): at 60 s \
                           the client gets a 504, and the call in flight is cancelled with the \
                           request, so the pod is not created. Until then each creation holds its \
                           seats: workload-high's seats fill with hanging creations, and the rest \
                           are turned away with 429s.",
                    acts: &[],
                    chart: ChartClass::Webhook,
                    speed: 5.0,
                    until: Some(100.0),
                    promises: &[
                        p(M::Mutating, Failed, Above(5.0)),
                        p(M::Mutating, InUse("workload-high"), Above(90.0)),
                        p(M::Webhook, Failed, Above(2.0)),
                    ],
                },
                Step {
                    text: "Set every webhook's timeout to 2 s and run again. The webhooks hang from \
                           30 s as before, but five calls of 2 s take 10 s, well inside the \
                           request's 60 s, and hold the seats a sixth as long: the pods are \
                           created, about ten seconds late, and none fails.",
                    acts: &[Act::Set(Control::WebhookTimeout, 2.0), Act::Reset],
                    chart: ChartClass::Mutating,
                    speed: 5.0,
                    until: Some(100.0),
                    promises: &[
                        p(M::Mutating, Failed, Below(0.5)),
                        p(M::Mutating, P99, Above(5.0)),
                    ],
                },
                Step {
                    text: "The answer: failurePolicy Ignore decides what a failed call means, not \
                           how long it takes. The calls' timeouts add up, one mutating webhook \
                           after another, against the request's one timeout; past it the client \
                           gets a 504 whatever the policy and the object is not created. Until \
                           then the request holds its seats, so the level fills and other writes \
                           get 429s. Keep the sum of the timeouts well under --request-timeout.",
                    acts: &[],
                    chart: ChartClass::Mutating,
                    speed: 1.0,
                    until: None,
                    promises: &[],
                },
            ],
        },
    },
    Question {
        asked: "My request waited and then failed. Is that a 429 from API Priority and Fairness \
                or a 504, and why after 15 s?",
        thread: (
            "kubernetes/kubernetes#119799",
            "https://github.com/kubernetes/kubernetes/issues/119799",
        ),
        story: Story {
            id: "429-or-504",
            title: "A 429 or a 504?",
            preset: "question-ignored-webhooks",
            steps: &[
                Step {
                    text: "A 1.32 control plane during a rollout, with five admission webhooks on \
                           pod creation, all failurePolicy Ignore with 20 s timeouts. Watch the \
                           requests-per-second chart: completed, 429 and timed out are drawn \
                           apart. Nothing fails yet.",
                    acts: &[],
                    chart: ChartClass::Mutating,
                    speed: 1.0,
                    until: Some(25.0),
                    promises: &[p(M::Mutating, Failed, Below(0.1))],
                },
                Step {
                    text: "At 30 s the webhooks hang. A creation that got its seats now spends \
                           20 s in each webhook call, holding its seats: at 60 s, \
                           --request-timeout, the timeout filter answers 504 (the timed-out line; \
                           no webhook here can fail the request, they are all Ignore) and the call \
                           in flight is cancelled with the request. Creations that arrive once workload-high's seats are all held wait in \
                           its queues: after 15 s, a quarter of the request timeout, APF gives up \
                           and answers 429 (the 429 line). They never ran. Switch the latency \
                           chart to Users: the users' requests, in another level, stay fast.",
                    acts: &[],
                    chart: ChartClass::Mutating,
                    speed: 5.0,
                    until: Some(100.0),
                    promises: &[
                        p(M::Mutating, Rejected, Above(5.0)),
                        p(M::Mutating, TimedOut, Above(0.1)),
                        p(M::Mutating, Waiting("workload-high"), Above(50.0)),
                        p(M::User, P99, Below(1.0)),
                    ],
                },
                Step {
                    text: "The answer: a 429 is APF's. The request waited in its priority level's \
                           queue up to the queue-wait limit (a quarter of --request-timeout, 15 s \
                           by default) or found the queue full, and never ran; a retry may \
                           succeed. A 504 is the timeout filter's: the request was still \
                           unanswered at --request-timeout (60 s); a handler calling webhooks \
                           stops then, one writing to etcd may still finish. In the thread a LIST waited in \
                           workload-low's queue for 60 s and got the 504, a bug in how APF timed \
                           the wait, fixed by kubernetes#120222; the lab runs the fixed rule.",
                    acts: &[],
                    chart: ChartClass::Mutating,
                    speed: 1.0,
                    until: None,
                    promises: &[],
                },
            ],
        },
    },
    Question {
        asked: "My controller logs \"Waited for 1.2s due to client-side throttling, not priority \
                and fairness\". Is that API Priority and Fairness throttling me, or my client?",
        thread: (
            "kubernetes/kubernetes#99079",
            "https://github.com/kubernetes/kubernetes/pull/99079",
        ),
        story: Story {
            id: "client-throttling",
            title: "Throttled by APF or by my client?",
            preset: "question-client-throttling",
            steps: &[
                Step {
                    text: "One 1.32 API server at 1,000 nodes, every client with client-go's rate \
                           limit as its component ships it. An operator wants 20 requests a \
                           second (GETs and UPDATEs of config maps) but keeps client-go's default: \
                           5 a second, a burst of 10. Its requests wait in its own client (the \
                           operators' box counts them), longer and longer, up to a minute, where the model's client gives up: the \
                           Client wait chart. The APF queue wait stays at nothing and the server \
                           answers no 429: it sees 5 requests a second and answers each in \
                           milliseconds.",
                    acts: &[],
                    chart: ChartClass::ClientWait,
                    speed: 2.0,
                    until: Some(40.0),
                    promises: &[
                        p(M::ClientWait, P99, Above(10.0)),
                        p(M::ClientWait, TimedOut, Above(1.0)),
                        p(M::QueueWait, P99, Below(0.1)),
                        p(M::ReadSingle, Rejected, Below(0.1)),
                    ],
                },
                Step {
                    text: "Set Client QPS to 50, what the operator's rest.Config would say, and \
                           run again: its client lets every request go at once, the client wait \
                           falls to nothing, and the server, which had room all along, answers \
                           them as fast as before.",
                    acts: &[Act::Set(Control::ClientQps, 50.0), Act::Reset],
                    chart: ChartClass::ClientWait,
                    speed: 2.0,
                    until: Some(40.0),
                    promises: &[
                        p(M::ClientWait, P99, Below(0.05)),
                        p(M::ClientWait, TimedOut, Below(0.1)),
                        p(M::ReadSingle, P99, Below(0.1)),
                    ],
                },
                Step {
                    text: "Now a server-side limit for comparison: users send 3,000 requests a \
                           second (kubectl has no client limit here). Their priority level, \
                           global-default, runs out of seats: they wait in APF's queues (the APF \
                           queue wait chart) and many get 429s, the server's answer, which \
                           client-go retries after the Retry-After. The operator's client wait \
                           stays at nothing: its requests go to another level.",
                    acts: &[Act::Set(Control::UserRequests, 3_000.0)],
                    chart: ChartClass::QueueWait,
                    speed: 2.0,
                    until: Some(70.0),
                    promises: &[
                        p(M::User, Rejected, Above(5.0)),
                        p(M::QueueWait, P99, Above(0.5)),
                        p(M::ClientWait, P99, Below(0.05)),
                    ],
                },
                Step {
                    text: "The answer: the message is the client's own. client-go waits in a \
                           token bucket (QPS and burst; 5 and 10 unless the program sets them) \
                           before it sends, and logs any wait over 50 ms with \"not priority and \
                           fairness\": the server never saw the request meanwhile. Raise the \
                           client's QPS and burst. A wait after a 429 is logged with the retry \
                           and \"due to server-side throttling\" instead (the thread's PR). API Priority and Fairness's own throttling is \
                           a wait in the server's queue and a 429 with Retry-After, counted by \
                           the server (apiserver_flowcontrol_rejected_requests_total).",
                    acts: &[],
                    chart: ChartClass::ClientWait,
                    speed: 1.0,
                    until: None,
                    promises: &[],
                },
            ],
        },
    },
    Question {
        asked: "Why does one big LIST starve everything else? (A client that requests long \
                lists and does not read them nearly starves the other clients of its level.)",
        thread: (
            "kubernetes/kubernetes#115409",
            "https://github.com/kubernetes/kubernetes/issues/115409",
        ),
        story: Story {
            id: "big-list",
            title: "Why does one big LIST starve the rest?",
            preset: "question-big-list",
            steps: &[
                Step {
                    text: "One 1.32 API server at 1,000 nodes. A script LISTs one namespace's \
                           1,000 pods twice a second and reads each 4 MiB answer at 50 KiB/s. \
                           APF's estimator counts every stored pod for a LIST the watch cache \
                           serves, 30,000: 300 seats, cut to the most a request of global-default \
                           may take, 8 (at most a sixth of its 49 seats since 1.28, one per queue \
                           of a flow's hand). The handler keeps them until the script has read the \
                           answer, which it never does before the 60 s request timeout ends it. \
                           The Users chart: everyone else in global-default, people's GETs, LISTs \
                           and PATCHes, gets nothing done by a minute in; their requests wait out \
                           APF's 15 s and get 429s. Nodes and controllers, in other levels, are \
                           untouched.",
                    acts: &[],
                    chart: ChartClass::Users,
                    speed: 2.0,
                    until: Some(60.0),
                    promises: &[
                        p(M::User, Completed, Below(1.0)),
                        p(M::User, Rejected, Above(1.0)),
                        p(M::User, Busy("global-default seats"), Above(0.9)),
                        p(M::Watch, P99, Below(0.1)),
                    ],
                },
                Step {
                    text: "More seats do not help. Set Max requests inflight to 1,600 and run \
                           again: global-default gets 147 seats of its own and borrows what the \
                           other levels leave idle, and the script's LISTs, each now 10 seats, \
                           fill them too once they have piled up: by 100 s the users wait seconds \
                           again.",
                    acts: &[Act::Set(Control::MaxRequestsInflight, 1_600.0), Act::Reset],
                    chart: ChartClass::Users,
                    speed: 2.0,
                    until: Some(100.0),
                    promises: &[
                        p(M::User, P99, Above(1.0)),
                        p(M::User, Busy("global-default seats"), Above(0.8)),
                    ],
                },
                Step {
                    text: "A client that reads does. Set Max requests inflight back to 400 and \
                           Slow reader speed to 10,000 KiB/s, a client next to the cluster, and \
                           run again: each LIST gives its 8 seats back within half a second, and \
                           the users' p99 falls below a second with no 429s.",
                    acts: &[
                        Act::Set(Control::MaxRequestsInflight, 400.0),
                        Act::Set(Control::ReadSpeed, 10_000.0),
                        Act::Reset,
                    ],
                    chart: ChartClass::Users,
                    speed: 2.0,
                    until: Some(60.0),
                    promises: &[
                        p(M::User, P99, Below(1.0)),
                        p(M::User, Rejected, Below(0.1)),
                    ],
                },
                Step {
                    text: "The answer: a request holds its seats for as long as its handler runs, \
                           and a LIST's handler runs until its client has read the whole answer \
                           (HTTP/2's flow control blocks its writes), up to the request timeout. \
                           Fair queuing orders who gets the next free seats but cannot take seats \
                           back, so one client that LISTs big collections and reads slowly holds \
                           its level's seats, 8 per LIST here, and the rest of its level queues \
                           and gets 429s, whatever the seats. Read promptly, page with a limit, \
                           or give such a client a priority level of its own.",
                    acts: &[],
                    chart: ChartClass::Users,
                    speed: 1.0,
                    until: None,
                    promises: &[],
                },
            ],
        },
    },
    Question {
        asked: "Why did LIST latency and memory explode when the watch cache fell behind?",
        thread: (
            "kubernetes/kubernetes#138494",
            "https://github.com/kubernetes/kubernetes/issues/138494",
        ),
        story: Story {
            id: "stale-cache",
            title: "Why did LISTs explode when the cache fell behind?",
            preset: "question-stale-cache",
            steps: &[
                Step {
                    text: "One API server of Kubernetes 1.32 at 1,000 nodes, and an operator \
                           LISTing all 30,000 pods without a resourceVersion four times a \
                           second. Such a LIST is consistent: the server reads etcd's current \
                           revision, waits for its watch cache to reach it (within 100 ms here) \
                           and answers from the cache. LISTs take well under a second, and etcd \
                           is hardly busy.",
                    acts: &[],
                    chart: ChartClass::List,
                    speed: 1.0,
                    until: Some(25.0),
                    promises: &[
                        p(M::List, P99, Below(1.0)),
                        p(
                            M::List,
                            Busy("pods etcd connection 3, from etcd"),
                            Below(0.1),
                        ),
                        p(M::List, PeakMemory("apiserver-1"), Below(6.0)),
                    ],
                },
                Step {
                    text: "At 30 s the watch cache falls behind: it applies what etcd's watch \
                           brings 5 s late (the Watch cache lag fault, the thread's artificial \
                           delay). Watchers now hear of every change 5 s late. Each consistent \
                           LIST waits 3 s for the cache in vain and then reads all 30,000 pods \
                           from etcd: etcd reads and sends them down the pods connection, which \
                           is busy most of the time now, and the API server decodes every one \
                           and holds the raw reply and the objects while it writes the answer. \
                           LIST latency passes 3 s, the LISTs hold their seats that long, and \
                           the server's memory climbs by gigabytes.",
                    acts: &[],
                    chart: ChartClass::List,
                    speed: 2.0,
                    until: Some(70.0),
                    promises: &[
                        p(M::List, P99, Above(3.0)),
                        p(M::Watch, P99, Above(4.0)),
                        p(
                            M::List,
                            Busy("pods etcd connection 3, from etcd"),
                            Above(0.4),
                        ),
                        p(M::List, PeakMemory("apiserver-1"), Above(8.0)),
                    ],
                },
                Step {
                    text: "Set \"Cache too far behind\" to 429 (alpha) and run again: the \
                           ConsistentListFromCacheSkipTimeoutFallback gate that came of this \
                           thread (kubernetes#138701) answers a LIST the cache could not serve in \
                           3 s with a 429 and Retry-After 3 instead of reading etcd. etcd's pods \
                           connection stays idle and the memory stays where it was, but no LIST \
                           succeeds while the cache is behind: the operator's client retries \
                           every 3 s, and each try still holds its seats for its 3 s wait.",
                    acts: &[Act::Choose(Control::CacheTimeout, "reject"), Act::Reset],
                    chart: ChartClass::List,
                    speed: 2.0,
                    until: Some(70.0),
                    promises: &[
                        p(M::List, Rejected, Above(5.0)),
                        p(
                            M::List,
                            Busy("pods etcd connection 3, from etcd"),
                            Below(0.1),
                        ),
                        p(M::List, PeakMemory("apiserver-1"), Below(6.0)),
                    ],
                },
                Step {
                    text: "The answer: a consistent LIST (no resourceVersion) is served from the \
                           watch cache only once the cache has caught up with etcd; after 3 s of \
                           waiting it falls back to etcd, which reads, sends and has the API \
                           server decode the whole collection for every such LIST. A cache that \
                           falls behind turns cheap LISTs from memory into full reads of etcd, \
                           all at once, each holding its seats for 3 s first. The alpha gate \
                           trades that load for 429s. A client that can say resourceVersion=0, \
                           or an informer, never waits.",
                    acts: &[],
                    chart: ChartClass::List,
                    speed: 1.0,
                    until: None,
                    promises: &[],
                },
            ],
        },
    },
];
