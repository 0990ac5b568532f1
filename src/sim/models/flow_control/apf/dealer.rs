//! Shuffle sharding: dealing a flow its hand of queues.
//!
//! A flow's hash picks `hand_size` distinct queues out of `deck_size`. Two
//! flows rarely get the same hand, so a heavy flow can fill only the queues
//! of its own hand and a light flow almost always has a queue the heavy one
//! does not use (KEP-1040: with 128 queues and hands of 6, one chance in
//! about 5.4 billion that a light flow shares its whole hand with one heavy
//! flow). The hash is read as a mixed-radix number: its digits in bases
//! deck, deck−1, …, deck−hand+1 are the ranks of the cards among those not
//! yet dealt, as in `pkg/util/shufflesharding` upstream.

/// Deals hands of `hand_size` distinct queue indices from `deck_size` queues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dealer {
    deck_size: u32,
    hand_size: u32,
}

/// Upstream caps hands at 15 cards (their digits must fit in 64 hash bits).
pub const MAX_HAND_SIZE: u32 = 15;

impl Dealer {
    /// `None` unless 1 ≤ hand_size ≤ min(deck_size, 15).
    pub fn new(deck_size: u32, hand_size: u32) -> Option<Self> {
        (hand_size >= 1 && hand_size <= deck_size && hand_size <= MAX_HAND_SIZE).then_some(Self {
            deck_size,
            hand_size,
        })
    }

    pub fn hand_size(&self) -> u32 {
        self.hand_size
    }

    /// The hand for `hash`, written into `hand` (returns the filled prefix).
    pub fn deal<'a>(
        &self,
        mut hash: u64,
        hand: &'a mut [u32; MAX_HAND_SIZE as usize],
    ) -> &'a [u32] {
        let n = self.hand_size as usize;
        // Digit i is the rank of card i among the cards not dealt before it.
        for (i, slot) in hand.iter_mut().enumerate().take(n) {
            let base = (self.deck_size - i as u32) as u64;
            *slot = (hash % base) as u32;
            hash /= base;
        }
        // Turn ranks into card numbers: every card dealt earlier with a
        // number at or below this one pushes it up by one. `taken` keeps the
        // cards dealt so far in ascending order (insertion sort: n ≤ 15).
        let mut taken = [0u32; MAX_HAND_SIZE as usize];
        for i in 0..n {
            let mut card = hand[i];
            for &earlier in &taken[..i] {
                if card >= earlier {
                    card += 1;
                }
            }
            hand[i] = card;
            let mut at = i;
            while at > 0 && taken[at - 1] > card {
                taken[at] = taken[at - 1];
                at -= 1;
            }
            taken[at] = card;
        }
        &hand[..n]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hands_are_distinct_cards_in_the_deck() {
        let dealer = Dealer::new(64, 7).expect("valid");
        let mut hand = [0; 15];
        for hash in [
            0u64,
            1,
            63,
            64,
            12_345_678_901,
            u64::MAX,
            10_010_010_010_010,
        ] {
            let cards = dealer.deal(hash, &mut hand).to_vec();
            let mut sorted = cards.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), 7, "{hash}: {cards:?}");
            assert!(cards.iter().all(|&c| c < 64));
        }
    }

    #[test]
    fn every_hand_is_reachable_and_deals_are_uniform() {
        // Deck 5, hand 2: 20 ordered hands, each from 1/20 of the hash space.
        let dealer = Dealer::new(5, 2).expect("valid");
        let mut counts = std::collections::BTreeMap::new();
        let mut hand = [0; 15];
        for hash in 0..20_000u64 {
            *counts
                .entry(dealer.deal(hash, &mut hand).to_vec())
                .or_insert(0) += 1;
        }
        assert_eq!(counts.len(), 20);
        assert!(counts.values().all(|&c| c == 1_000));
    }

    #[test]
    fn rejects_impossible_configurations() {
        assert!(Dealer::new(4, 5).is_none());
        assert!(Dealer::new(64, 0).is_none());
        assert!(Dealer::new(128, 16).is_none());
    }
}
