//! The API servers behind the load balancer, and the clients' connections
//! to them.
//!
//! Kubelets, controllers and operators hold a long-lived HTTP/2 connection
//! to one API server and send every request on it: a client stays where
//! the load balancer first put it until its connection closes. kubectl
//! opens a connection per command, so people's requests spread evenly.
//! New connections go round-robin over the servers that are serving.
//!
//! Connections turn over in two ways. `--goaway-chance` makes a server
//! answer a request with GOAWAY now and then; its client reconnects, and
//! the load balancer may send it elsewhere (k8s.io/apiserver
//! `filters/goaway.go`). And a restart: a server that is to restart (a
//! rolling upgrade) leaves the load balancer, its clients reconnect to the
//! others at once, it finishes the requests it holds, stops, and comes
//! back `api_server_restart` seconds later with empty watch caches that
//! re-list from etcd (its reads go to etcd meanwhile). Its clients do not
//! come back: the imbalance stays until connections turn over.

use super::{ApiServer, ControlPlane, CpEvent};
use crate::sim::engine::context::Cx;
use crate::sim::engine::random::SimRng;
use crate::sim::engine::time::from_secs;
use crate::sim::models::control_plane::workload::stored_objects;
use crate::sim::models::request::ClientKind;

/// Where an API server is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// in the load balancer, taking requests (its caches may be re-listing)
    Serving,
    /// out of the load balancer, finishing the requests it holds
    Draining,
    /// stopped: restarting, or removed
    Stopped,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Serving => "serving",
            Phase::Draining => "draining",
            Phase::Stopped => "stopped",
        }
    }
}

/// Operators' (workloads' service accounts') clients, each with its own
/// connection (assumption: a cluster runs a few dozen operators and
/// custom controllers; the lab's operator load is one stream).
pub const OPERATOR_CLIENTS: u32 = 20;

/// The clients that hold a connection, by group: kubelets (one per node),
/// kube-controller-manager (with its leader-election renewals),
/// kube-scheduler, operators.
const GROUPS: usize = 4;

/// The group of a client kind, `None` for a connection per command.
fn group(client: ClientKind) -> Option<usize> {
    match client {
        ClientKind::Kubelet => Some(0),
        ClientKind::ControllerManager | ClientKind::LeaderElection => Some(1),
        ClientKind::Scheduler => Some(2),
        ClientKind::Operator => Some(3),
        ClientKind::User | ClientKind::Admin => None,
    }
}

/// The client behind a request: its group and number there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Connection {
    group: u8,
    client: u32,
}

/// Which API server each client's connection is on.
#[derive(Debug, Clone)]
pub struct Balancer {
    /// per group, each client's server
    clients: [Vec<u8>; GROUPS],
    /// the server the next new connection is offered to first
    next: usize,
}

impl Balancer {
    /// `nodes` kubelets and the other clients connected round-robin to
    /// `servers` servers, all serving.
    pub fn new(nodes: u32, servers: usize) -> Self {
        let mut balancer = Self {
            clients: Default::default(),
            next: 0,
        };
        let serving = vec![true; servers];
        for (group, count) in [(0, nodes), (1, 1), (2, 1), (3, OPERATOR_CLIENTS)] {
            balancer.resize(group, count, &serving);
        }
        balancer
    }

    /// The next serving server, round-robin (`None`: none serves).
    fn next_server(&mut self, serving: &[bool]) -> Option<u8> {
        let n = serving.len();
        let found = (0..n).map(|i| (self.next + i) % n).find(|&s| serving[s])?;
        self.next = found + 1;
        Some(found as u8)
    }

    fn resize(&mut self, group: usize, count: u32, serving: &[bool]) {
        let count = count as usize;
        let clients = &mut self.clients[group];
        clients.truncate(count);
        while clients.len() < count {
            let n = serving.len();
            let found = (0..n).map(|i| (self.next + i) % n).find(|&s| serving[s]);
            self.next = found.map_or(self.next, |s| s + 1);
            clients.push(found.unwrap_or(0) as u8);
        }
    }

    /// The nodes changed: new kubelets connect, removed ones leave.
    pub fn set_nodes(&mut self, nodes: u32, serving: &[bool]) {
        self.resize(0, nodes, serving);
    }

    /// The server a request of `client` goes to, and its connection
    /// (`None` for a connection of its own). With one server nothing is
    /// drawn: a single server's runs are the same as before replicas.
    pub fn route(
        &mut self,
        client: ClientKind,
        rng: &mut SimRng,
        serving: &[bool],
    ) -> Option<(u8, Option<Connection>)> {
        if serving.len() == 1 {
            return serving[0].then_some((0, None));
        }
        let Some(g) = group(client) else {
            return Some((self.next_server(serving)?, None));
        };
        let clients = &self.clients[g];
        let client = match clients.len() {
            0 => return Some((self.next_server(serving)?, None)),
            1 => 0,
            n => rng.below(n as u64) as usize,
        };
        let mut server = clients[client];
        if !serving.get(server as usize).copied().unwrap_or(false) {
            server = self.next_server(serving)?;
            self.clients[g][client] = server;
        }
        let connection = Connection {
            group: g as u8,
            client: client as u32,
        };
        Some((server, Some(connection)))
    }

    /// `connection`'s client got GOAWAY: it reconnects through the load
    /// balancer. Returns whether it moved.
    pub fn reconnect(&mut self, connection: Connection, serving: &[bool]) -> bool {
        let Some(server) = self.next_server(serving) else {
            return false;
        };
        let slot = self.clients[connection.group as usize].get_mut(connection.client as usize);
        match slot {
            Some(slot) if *slot != server => {
                *slot = server;
                true
            }
            _ => false,
        }
    }

    /// Server `leaving` left the load balancer: its clients reconnect to
    /// the others.
    pub fn evacuate(&mut self, leaving: u8, serving: &[bool]) {
        for g in 0..GROUPS {
            for c in 0..self.clients[g].len() {
                if self.clients[g][c] == leaving
                    && let Some(server) = self.next_server(serving)
                {
                    self.clients[g][c] = server;
                }
            }
        }
    }

    /// Clients connected to each of `servers` servers.
    pub fn connections(&self, servers: usize) -> Vec<u32> {
        let mut counts = vec![0; servers];
        for &server in self.clients.iter().flatten() {
            if let Some(count) = counts.get_mut(server as usize) {
                *count += 1;
            }
        }
        counts
    }
}

impl ControlPlane {
    /// Which servers serve, for the load balancer.
    pub(super) fn note_serving(&mut self) {
        self.serving.clear();
        self.serving
            .extend(self.servers.iter().map(|s| s.phase == Phase::Serving));
    }

    /// Each server's cache dispatches to the watchers connected to it:
    /// its share of the clients' connections.
    pub(super) fn share_watchers(&mut self) {
        if self.servers.len() == 1 {
            return;
        }
        let connections = self.balancer.connections(self.servers.len());
        let all = connections.iter().sum::<u32>().max(1) as f64;
        for (server, count) in self.servers.iter_mut().zip(connections) {
            server.cache.set_watcher_share(count as f64 / all);
        }
    }

    /// The serving server restarted least (the first of them): the next
    /// a rolling upgrade restarts.
    pub(super) fn next_to_restart(&self) -> Option<u8> {
        let serving = self.servers.iter().enumerate();
        let mut next: Option<(usize, u32)> = None;
        for (i, server) in serving.filter(|(_, s)| s.phase == Phase::Serving) {
            if next.is_none_or(|(_, restarts)| server.restarts < restarts) {
                next = Some((i, server.restarts));
            }
        }
        next.map(|(i, _)| i as u8)
    }

    /// Server `index` restarts (a rolling upgrade): it leaves the load
    /// balancer, drains, stops and comes back. A server not serving, or
    /// one that does not exist, is no change.
    pub(super) fn restart_server(&mut self, cx: &mut Cx<CpEvent>, index: u8) {
        if self.drain(cx, index as usize) {
            self.servers[index as usize].restarting = true;
            self.maybe_stop(cx, index as usize);
        }
    }

    /// Takes server `index` out of the load balancer; whether it was in.
    fn drain(&mut self, _cx: &mut Cx<CpEvent>, index: usize) -> bool {
        match self.servers.get_mut(index) {
            Some(server) if server.phase == Phase::Serving => {
                server.phase = Phase::Draining;
                server.restarting = false;
            }
            _ => return false,
        }
        self.note_serving();
        self.balancer.evacuate(index as u8, &self.serving);
        self.share_watchers();
        true
    }

    /// A draining server whose last request ended stops; one that
    /// restarts is back after `api_server_restart` seconds.
    pub(super) fn maybe_stop(&mut self, cx: &mut Cx<CpEvent>, index: usize) {
        let server = &mut self.servers[index];
        if server.phase != Phase::Draining || server.requests > 0 {
            return;
        }
        server.phase = Phase::Stopped;
        server.cache.unready();
        server.storage.orphan_relists();
        if server.restarting {
            server.restarts += 1;
            let after = from_secs(self.spec.api_server_restart);
            let server = index as u8;
            cx.after(after, CpEvent::ServerStarts { server });
        }
    }

    /// Server `index` (re)starts: it joins the load balancer, and its
    /// caches re-list every resource from etcd (its reads of a resource go
    /// to etcd until that resource's list is in and decoded).
    pub(super) fn server_starts(&mut self, cx: &mut Cx<CpEvent>, index: u8) {
        let i = index as usize;
        if self
            .servers
            .get(i)
            .is_none_or(|s| s.phase != Phase::Stopped)
        {
            return;
        }
        if i >= self.spec.api_servers as usize {
            // Removed while it restarted: it stays stopped (and starts
            // when the count takes it back).
            self.servers[i].restarting = false;
            return;
        }
        let server = &mut self.servers[i];
        server.phase = Phase::Serving;
        server.restarting = false;
        server.cpu_mark = None;
        let workload = &self.spec.workload;
        for resource in workload.all_resources() {
            match stored_objects(resource, workload) {
                0 => server.cache.relisted(resource),
                objects => {
                    let kib = workload.object_kib(resource);
                    server.storage.relist(cx, resource, objects, kib)
                }
            }
        }
        self.note_serving();
        self.share_watchers();
    }

    /// The control plane runs `count` API servers from now: new ones
    /// start (with empty caches), the last ones beyond `count` drain and
    /// stop.
    pub(super) fn set_server_count(&mut self, cx: &mut Cx<CpEvent>, count: u8) {
        let count = count as usize;
        while self.servers.len() < count {
            let index = self.servers.len() as u8;
            let mut server = ApiServer::new(index, cx.now, &self.spec);
            server.suffer(self.faults);
            server.phase = Phase::Stopped;
            server.cache.unready();
            self.servers.push(server);
            self.serving.push(false);
        }
        for index in 0..self.servers.len() {
            let server = &mut self.servers[index];
            match (index < count, server.phase) {
                // Kept, or back before it stopped: it stays in the load
                // balancer (its clients have moved; new ones come).
                (true, Phase::Draining) if !server.restarting => {
                    server.phase = Phase::Serving;
                    self.note_serving();
                    self.share_watchers();
                }
                // A restart in progress comes back in its own time.
                (true, Phase::Stopped) if !server.restarting => self.server_starts(cx, index as u8),
                (true, _) => {}
                (false, _) => {
                    if self.drain(cx, index) {
                        self.maybe_stop(cx, index);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_spread_round_robin_and_stay_until_they_reconnect() {
        let mut rng = SimRng::new(1);
        let serving = [true, true, true];
        let mut balancer = Balancer::new(300, 3);
        let counts = balancer.connections(3);
        assert_eq!(counts.iter().sum::<u32>(), 300 + 1 + 1 + OPERATOR_CLIENTS);
        assert!(
            counts.iter().all(|&c| (107..=108).contains(&c)),
            "{counts:?}"
        );

        // The controller-manager is pinned: every one of its requests goes
        // to one server.
        let (first, _) = balancer
            .route(ClientKind::ControllerManager, &mut rng, &serving)
            .unwrap();
        for _ in 0..10 {
            let (s, _) = balancer
                .route(ClientKind::ControllerManager, &mut rng, &serving)
                .unwrap();
            assert_eq!(s, first);
        }

        // A server leaves: its clients move to the others, and stay there
        // when it is back.
        let without_1 = [true, false, true];
        balancer.evacuate(1, &without_1);
        let counts = balancer.connections(3);
        assert_eq!(counts[1], 0);
        assert_eq!(counts[0] + counts[2], 322);
        for _ in 0..100 {
            let (s, _) = balancer
                .route(ClientKind::Kubelet, &mut rng, &serving)
                .unwrap();
            assert_ne!(s, 1, "a kubelet's connection stays where it moved");
        }
        // kubectl opens a connection per command: it reaches the server back.
        let users: Vec<u8> = (0..3)
            .map(|_| {
                balancer
                    .route(ClientKind::User, &mut rng, &serving)
                    .unwrap()
                    .0
            })
            .collect();
        assert!(users.contains(&1));
        // GOAWAY moves a connection through the load balancer.
        let mut moved = 0;
        for _ in 0..30 {
            if let (_, Some(c)) = balancer
                .route(ClientKind::Kubelet, &mut rng, &serving)
                .unwrap()
            {
                moved += balancer.reconnect(c, &serving) as u32;
            }
        }
        assert!(moved > 0);
        assert!(balancer.connections(3)[1] > 0);
    }

    #[test]
    fn with_no_server_serving_nothing_is_routed() {
        let mut rng = SimRng::new(1);
        let mut balancer = Balancer::new(10, 2);
        for client in [ClientKind::Kubelet, ClientKind::User] {
            assert!(balancer.route(client, &mut rng, &[false, false]).is_none());
        }
        assert!(
            balancer
                .route(ClientKind::User, &mut rng, &[false])
                .is_none()
        );
        assert_eq!(
            balancer.route(ClientKind::User, &mut rng, &[true]),
            Some((0, None))
        );
    }
}
