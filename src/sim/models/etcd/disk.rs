//! A write-ahead log on disk with group commit.
//!
//! Raft must make log entries durable (fsync) before acknowledging them.
//! etcd batches: while one fsync runs, new entries pile up, and the next
//! fsync covers all of them at once. That is why one client sees the full
//! fsync latency on every write, while a thousand clients share each fsync
//! and the disk stops being the bottleneck.

/// Log indices appended, being synced, and durable.
#[derive(Debug, Clone, Default)]
pub struct Disk {
    /// highest index appended
    appended: u64,
    /// highest index covered by the fsync in progress (0: none in progress)
    syncing: u64,
    /// highest index known durable
    durable: u64,
}

impl Disk {
    /// Appends entries up to `index`. Returns true when an fsync should
    /// start now (none was running): the caller schedules its end.
    pub fn append(&mut self, index: u64) -> bool {
        self.appended = self.appended.max(index);
        self.start_if_idle()
    }

    fn start_if_idle(&mut self) -> bool {
        if self.syncing == 0 && self.appended > self.durable {
            self.syncing = self.appended;
            true
        } else {
            false
        }
    }

    /// The running fsync finished. Returns (durable index, whether another
    /// fsync should start for entries appended meanwhile).
    pub fn synced(&mut self) -> (u64, bool) {
        self.durable = self.durable.max(self.syncing);
        self.syncing = 0;
        (self.durable, self.start_if_idle())
    }

    pub fn durable(&self) -> u64 {
        self.durable
    }

    /// An fsync is running (for drawing).
    pub fn is_syncing(&self) -> bool {
        self.syncing != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_arriving_during_an_fsync_share_the_next_one() {
        let mut disk = Disk::default();
        assert!(disk.append(1), "idle disk starts an fsync");
        assert!(!disk.append(2));
        assert!(!disk.append(3));
        assert_eq!(disk.synced(), (1, true), "2 and 3 go in the next fsync");
        assert_eq!(disk.synced(), (3, false));
        assert_eq!(disk.durable(), 3);
    }
}
