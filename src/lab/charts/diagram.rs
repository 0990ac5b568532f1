//! The diagram's geometry (`ui::diagram` draws it), here so tests can
//! check natively that its parts never cover each other and that a click
//! lands on the part drawn there: its two layouts, where each box goes,
//! and a priority level's row (its seats bar, queue bar and the queue's
//! count at the right).

use crate::lab::mechanisms::Part;
use crate::sim::models::request::ClientKind;

/// A box: (left, top, width, height) in the drawing's own pixels.
pub type Rect = (f64, f64, f64, f64);

/// Where the diagram's parts go: *wide*, the stages left to right, or
/// *tall*, top to bottom (for phones and narrow embeds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Wide,
    Tall,
}

/// Equal boxes filled row by row.
struct Grid {
    left: f64,
    top: f64,
    /// from one column, and one row, to the next
    step: (f64, f64),
    columns: usize,
    size: (f64, f64),
}

impl Grid {
    fn cell(&self, i: usize) -> Rect {
        (
            self.left + (i % self.columns) as f64 * self.step.0,
            self.top + (i / self.columns) as f64 * self.step.1,
            self.size.0,
            self.size.1,
        )
    }
}

impl Layout {
    /// The drawing's size [px].
    pub fn size(self) -> (f64, f64) {
        match self {
            Layout::Wide => (1000.0, 340.0),
            Layout::Tall => (320.0, 500.0),
        }
    }

    fn grid(self, part: Part) -> Grid {
        let grid = |left, top, step, columns, size| Grid {
            left,
            top,
            step,
            columns,
            size,
        };
        match (self, part) {
            (Layout::Wide, Part::Clients) => grid(20.0, 40.0, (0.0, 52.0), 1, (100.0, 36.0)),
            (Layout::Tall, Part::Clients) => grid(6.0, 22.0, (104.0, 30.0), 3, (98.0, 26.0)),
            (Layout::Wide, Part::FlowControl) => grid(180.0, 34.0, (0.0, 33.0), 1, (190.0, 29.0)),
            (Layout::Tall, Part::FlowControl) => grid(6.0, 102.0, (158.0, 33.0), 2, (152.0, 29.0)),
            (Layout::Wide, Part::WatchCache) => grid(560.0, 34.0, (0.0, 40.0), 1, (120.0, 34.0)),
            (Layout::Tall, Part::WatchCache) => grid(6.0, 374.0, (104.0, 40.0), 3, (98.0, 34.0)),
            (Layout::Wide, Part::Webhooks) => grid(415.0, 40.0, (0.0, 0.0), 1, (110.0, 70.0)),
            (Layout::Tall, Part::Webhooks) => grid(6.0, 258.0, (0.0, 0.0), 1, (100.0, 60.0)),
            (Layout::Wide, Part::Etcd) => grid(860.0, 40.0, (0.0, 0.0), 1, (120.0, 110.0)),
            (Layout::Tall, Part::Etcd) => grid(228.0, 258.0, (0.0, 0.0), 1, (86.0, 90.0)),
        }
    }

    /// The box of the clients `kind` is drawn as (of kubelets,
    /// controllers, scheduler, users, operators).
    pub fn client_box_of(kind: ClientKind) -> usize {
        match kind {
            ClientKind::Kubelet => 0,
            ClientKind::ControllerManager | ClientKind::LeaderElection => 1,
            ClientKind::Scheduler => 2,
            ClientKind::User | ClientKind::Admin => 3,
            ClientKind::Operator => 4,
        }
    }

    /// Client `i`'s box.
    pub fn client_box(self, i: usize) -> Rect {
        self.grid(Part::Clients).cell(i)
    }

    /// Priority level `i`'s box.
    pub fn level_box(self, i: usize) -> Rect {
        self.grid(Part::FlowControl).cell(i)
    }

    /// Resource `i`'s box in the watch cache.
    pub fn cache_box(self, i: usize) -> Rect {
        self.grid(Part::WatchCache).cell(i)
    }

    /// The webhooks' box.
    pub fn webhooks_box(self) -> Rect {
        self.grid(Part::Webhooks).cell(0)
    }

    /// etcd's box.
    pub fn etcd_box(self) -> Rect {
        self.grid(Part::Etcd).cell(0)
    }

    /// The API servers' box: under the webhooks (wide), at the bottom
    /// (tall). One row (wide) or cell (tall) per server.
    pub fn servers_box(self) -> Rect {
        match self {
            Layout::Wide => (392.0, 118.0, 152.0, 218.0),
            Layout::Tall => (6.0, 452.0, 308.0, 44.0),
        }
    }

    /// Where the etcd client's connections are drawn from (top left).
    pub fn streams_origin(self) -> (f64, f64) {
        match self {
            Layout::Wide => (720.0, 40.0),
            Layout::Tall => (114.0, 262.0),
        }
    }

    /// The part at (x, y) in the drawing's own pixels: what a click there
    /// asks to have explained (the etcd client's connections are etcd's).
    pub fn part_at(self, x: f64, y: f64) -> Option<Part> {
        match self {
            Layout::Tall => match y {
                y if y < 84.0 => Some(Part::Clients),
                y if y < 240.0 => Some(Part::FlowControl),
                y if y < 356.0 && x < 110.0 => Some(Part::Webhooks),
                y if y < 356.0 => Some(Part::Etcd),
                y if y < 450.0 => Some(Part::WatchCache),
                // The API servers, whose stages the flow control's part is.
                _ => Some(Part::FlowControl),
            },
            Layout::Wide => match x {
                x if x < 150.0 => Some(Part::Clients),
                x if x < 390.0 => Some(Part::FlowControl),
                x if x < 546.0 && y >= 116.0 => Some(Part::FlowControl),
                x if x < 546.0 => Some(Part::Webhooks),
                x if x < 700.0 => Some(Part::WatchCache),
                _ => Some(Part::Etcd),
            },
        }
    }
}

/// Where a level's row puts its parts, in pixels from the row's left edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LevelRow {
    /// the seats-in-use bar: (left, width)
    pub seats_bar: (f64, f64),
    /// the queue bar: (left, width)
    pub queue_bar: (f64, f64),
    /// where the queue's count ends (it is right-aligned)
    pub count_right: f64,
}

/// The row of a box `width` wide.
pub fn level_row(width: f64) -> LevelRow {
    LevelRow {
        seats_bar: (5.0, width * 0.47),
        queue_bar: (width * 0.53, width * 0.14),
        count_right: width - 5.0,
    }
}

/// A generous width of `text` at `font_px` in a sans-serif face [px]: its
/// digits and separators are about 0.55 em wide.
pub fn text_width(text: &str, font_px: f64) -> f64 {
    text.chars().count() as f64 * font_px * 0.6
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::format;

    /// Every box the diagram draws, with its part: 5 clients, 8 levels,
    /// 6 resources, the webhooks, etcd.
    fn boxes(layout: Layout) -> Vec<(Part, Rect)> {
        let mut all: Vec<(Part, Rect)> = Vec::new();
        all.extend((0..5).map(|i| (Part::Clients, layout.client_box(i))));
        all.extend((0..8).map(|i| (Part::FlowControl, layout.level_box(i))));
        all.extend((0..6).map(|i| (Part::WatchCache, layout.cache_box(i))));
        all.push((Part::Webhooks, layout.webhooks_box()));
        all.push((Part::Etcd, layout.etcd_box()));
        all.push((Part::FlowControl, layout.servers_box()));
        all
    }

    /// In both layouts, every box lies in the drawing, no two overlap, and
    /// a click anywhere in one asks for its part's explanation.
    #[test]
    fn a_click_on_a_box_explains_the_part_drawn_there() {
        for layout in [Layout::Wide, Layout::Tall] {
            let (width, height) = layout.size();
            let all = boxes(layout);
            for (i, &(part, (x, y, w, h))) in all.iter().enumerate() {
                assert!(
                    x >= 0.0 && y >= 0.0 && x + w <= width && y + h <= height,
                    "{layout:?} {part:?}"
                );
                for (cx, cy) in [
                    (x + 1.0, y + 1.0),
                    (x + w / 2.0, y + h / 2.0),
                    (x + w - 1.0, y + h - 1.0),
                ] {
                    assert_eq!(
                        layout.part_at(cx, cy),
                        Some(part),
                        "{layout:?} ({cx}, {cy})"
                    );
                }
                for &(other, (ox, oy, ow, oh)) in &all[i + 1..] {
                    let apart = x + w <= ox || ox + ow <= x || y + h <= oy || oy + oh <= y;
                    assert!(apart, "{layout:?}: {part:?} and {other:?} overlap");
                }
            }
        }
    }

    /// Issue 15, item 6: the queue's count was drawn over its bar. In both
    /// layouts (a 190 px box at 12.5 px, a 152 px box at 11 px) a count of
    /// 99,999 waiting requests ends clear of the queue bar.
    #[test]
    fn a_queue_count_never_covers_its_bar() {
        let widest = format::thousands(99_999);
        for (width, font) in [(190.0, 12.5), (152.0, 11.0)] {
            let row = level_row(width);
            let (left, w) = row.queue_bar;
            let count_left = row.count_right - text_width(&widest, font);
            assert!(
                left + w + 2.0 <= count_left,
                "{width}: bar ends {} , count starts {count_left}",
                left + w
            );
            assert!(
                row.seats_bar.0 + row.seats_bar.1 < left,
                "{width}: the bars touch"
            );
        }
    }
}
