//! The watch cache: lock holds for reads and for events, and the dispatcher.

use super::*;

impl ControlPlane {
    pub(super) fn lock_index(&self, resource: Resource, namespace: u32) -> u32 {
        if namespace == ALL_NAMESPACES && self.shards > 1 {
            return NO_LOCK;
        }
        let shard = if namespace == ALL_NAMESPACES {
            0
        } else {
            namespace % self.shards
        };
        resource.index() as u32 * self.shards + shard
    }

    pub(super) fn acquire(
        &mut self,
        now: Nanos,
        lock: u32,
        holder: Holder,
        calendar: &mut Calendar<CpEvent>,
    ) {
        let layout = self.lock_layout;
        let granted = match self.locks.get_mut(lock as usize) {
            Some(l) => l.acquire(holder),
            None => true,
        };
        if granted {
            calendar.schedule(
                now.saturating_add(holder.hold),
                CpEvent::LockReleased {
                    lock,
                    layout,
                    holder,
                },
            );
        }
    }

    pub(super) fn read_from_cache(
        &mut self,
        now: Nanos,
        ticket: u64,
        calendar: &mut Calendar<CpEvent>,
    ) {
        let Some(request) = self.requests.get_mut(&ticket) else {
            return;
        };
        request.enter(Stage::Cache, now);
        let kind = request.kind;
        let cache = &self.spec.watch_cache;
        let hold = from_secs(cache.read_base + cache.read_per_object * kind.objects as f64);
        let lock = self.lock_index(kind.resource, kind.namespace);
        self.acquire(
            now,
            lock,
            Holder {
                id: ticket,
                write: false,
                hold,
            },
            calendar,
        );
    }

    pub(super) fn lock_released(
        &mut self,
        now: Nanos,
        lock: u32,
        layout: u32,
        holder: Holder,
        calendar: &mut Calendar<CpEvent>,
    ) {
        let mut granted = Vec::new();
        let locks = if layout == self.lock_layout {
            &mut self.locks
        } else {
            &mut self.retired_locks
        };
        if let Some(l) = locks.get_mut(lock as usize) {
            l.release(holder.write, &mut granted);
        }
        for next in granted {
            calendar.schedule(
                now.saturating_add(next.hold),
                CpEvent::LockReleased {
                    lock,
                    layout,
                    holder: next,
                },
            );
        }
        if holder.write {
            // The dispatcher of this resource sends the event to its watchers.
            let Some(&(_, resource)) = self.cache_events.get(&holder.id) else {
                return;
            };
            let cache = &self.spec.watch_cache;
            let cost = from_secs(
                cache.dispatch_base
                    + cache.dispatch_per_watcher * interested_watchers(resource) as f64,
            );
            let slot = &mut self.dispatcher_free[resource.index()];
            let delivered = now.max(*slot) + cost;
            *slot = delivered;
            calendar.schedule(delivered, CpEvent::WatchDelivered { event: holder.id });
        } else if let Some(request) = self.requests.get(&holder.id) {
            let objects = request.kind.objects;
            self.respond(now, holder.id, objects, calendar);
        }
    }
}
