//! The geometry of a priority level's row in the diagram (`ui::diagram`
//! draws it), here so a test can check natively that its parts never cover
//! each other: the seats bar, the queue bar, and the queue's count at the
//! right.

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
