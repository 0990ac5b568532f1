//! The `Retry-After` APF sends with a 429, per priority level
//! (k8s.io/apiserver `pkg/util/flowcontrol/dropped_requests_tracker.go`).
//!
//! It starts at 1 s. Each time a level drops a request in a new second,
//! the drops of the last `retry_after` whole seconds are counted: at least
//! 3 × `retry_after` of them, and `retry_after` seconds since it last rose,
//! double it (at most 32); fewer than `retry_after` lower it by 1. So a
//! level that keeps rejecting asks its clients to wait longer, and a quiet
//! one comes back to 1 s.

use std::collections::VecDeque;

/// The longest `Retry-After` [s] (`maxRetryAfter`).
pub const MAX_RETRY_AFTER: u64 = 32;

#[derive(Debug, Clone)]
pub struct RetryAfter {
    /// drops per whole second before the current one: (second, drops)
    history: VecDeque<(u64, u64)>,
    current_second: u64,
    current_drops: u64,
    retry_after: u64,
    raised_at: u64,
}

impl Default for RetryAfter {
    fn default() -> Self {
        Self {
            history: VecDeque::new(),
            current_second: 0,
            current_drops: 0,
            retry_after: 1,
            raised_at: 0,
        }
    }
}

impl RetryAfter {
    /// The `Retry-After` to send now [s].
    pub fn seconds(&self) -> u64 {
        self.retry_after
    }

    /// The level dropped a request in second `second` (simulated seconds,
    /// whole, as upstream's Unix seconds).
    pub fn dropped(&mut self, second: u64) {
        if second == self.current_second {
            self.current_drops += 1;
            return;
        }
        self.history
            .push_back((self.current_second, self.current_drops));
        let kept = (2 * self.retry_after).min(MAX_RETRY_AFTER);
        while self
            .history
            .front()
            .is_some_and(|&(s, _)| second - s > kept)
        {
            self.history.pop_front();
        }
        self.current_second = second;
        self.current_drops = 1;
        let recent: u64 = self
            .history
            .iter()
            .rev()
            .take_while(|&&(s, _)| second - s <= self.retry_after)
            .filter(|&&(s, _)| s < second)
            .map(|&(_, drops)| drops)
            .sum();
        if second - self.raised_at >= self.retry_after && recent >= 3 * self.retry_after {
            self.retry_after = (self.retry_after * 2).min(MAX_RETRY_AFTER);
            self.raised_at = second;
        } else if recent < self.retry_after && self.retry_after > 1 {
            self.retry_after -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `dropped_requests_tracker.go`: a level dropping 10 requests a second
    /// doubles its Retry-After (1, 2, 4, 8) as long as the drops go on, no
    /// faster than once per Retry-After, up to 32; once they stop coming
    /// as often, it comes back down by 1 per dropping second.
    #[test]
    fn retry_after_doubles_under_sustained_drops_and_decays() {
        let mut tracker = RetryAfter::default();
        assert_eq!(tracker.seconds(), 1);
        let mut seen = Vec::new();
        for second in 1..=40 {
            for _ in 0..100 {
                tracker.dropped(second);
            }
            seen.push(tracker.seconds());
        }
        assert_eq!(&seen[..4], &[1, 2, 2, 4], "{seen:?}");
        assert_eq!(*seen.last().unwrap(), MAX_RETRY_AFTER, "{seen:?}");
        // One drop every 4 s: fewer than Retry-After, so it decays.
        for k in 1..=40 {
            tracker.dropped(40 + 4 * k);
        }
        assert!(tracker.seconds() < 8, "{}", tracker.seconds());
    }
}
