//! How numbers are written on the page: always with a unit, three significant
//! figures at most, and a dash when there is nothing to report.

/// A latency [s] as "850 µs", "12.3 ms", "1.25 s"; "–" when no request completed.
pub fn latency(seconds: f64) -> String {
    if !seconds.is_finite() || seconds <= 0.0 {
        "–".to_owned()
    } else if seconds < 1e-3 {
        format!("{:.0} µs", seconds * 1e6)
    } else if seconds < 1.0 {
        format!("{} ms", significant(seconds * 1e3))
    } else {
        format!("{} s", significant(seconds))
    }
}

/// A simulated clock [s] as "42.0 s", "12 min 5 s", "3 h 20 min".
pub fn clock(seconds: f64) -> String {
    let seconds = if seconds.is_finite() {
        seconds.max(0.0)
    } else {
        0.0
    };
    // Whole seconds in integers from a minute on (no float remainder).
    let whole = seconds as u64;
    if seconds < 60.0 {
        format!("{seconds:.1} s")
    } else if whole < 3_600 {
        format!("{} min {} s", whole / 60, whole % 60)
    } else {
        format!("{} h {} min", whole / 3_600, whole % 3_600 / 60)
    }
}

/// A rate [1/s] as "97.3 req/s".
pub fn rate(per_second: f64) -> String {
    if !per_second.is_finite() {
        return "–".to_owned();
    }
    format!("{} req/s", significant(per_second.max(0.0)))
}

/// A speed factor as "1.00×", "0.25×", "12×".
pub fn speed(factor: f64) -> String {
    if !factor.is_finite() {
        return "–".to_owned();
    }
    format!("{}×", significant(factor.max(0.0)))
}

/// A slider's value as its readout shows it (the unit is added separately):
/// counts with thousands separators, the rest to three significant figures.
pub fn slider_value(control: crate::lab::controls::Control, value: f64) -> String {
    match control.row().range() {
        Some(range) if range.integer => thousands(value.round() as u64),
        _ => significant(value),
    }
}

/// A slider's readout with its unit: "5,000", "25.0 ms", "1.00×"; a
/// millisecond slider from a second on in seconds ("10.0 s", not "10000 ms").
pub fn slider_readout(control: crate::lab::controls::Control, value: f64) -> String {
    let row = control.row();
    match row.unit() {
        "" => slider_value(control, value),
        "ms" if value >= 1_000.0 => latency(value / 1e3),
        unit => format!("{} {unit}", slider_value(control, value)),
    }
}

/// A whole number with thin-space-free comma groups: 15000 → "15,000".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Three significant figures, no exponent, thousands grouped: 12.34 →
/// "12.3", 123.4 → "123", 10274 → "10,274" (every digit of a large number:
/// a rate of 10,274 req/s is not rounded to 10,300).
pub fn significant(x: f64) -> String {
    if x >= 999.5 {
        thousands(x.round() as u64)
    } else if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::controls::Control;

    #[test]
    fn readouts_always_carry_a_unit() {
        assert_eq!(latency(0.000_42), "420 µs");
        assert_eq!(latency(0.0123), "12.3 ms");
        assert_eq!(latency(0.212), "212 ms");
        assert_eq!(latency(1.25), "1.25 s");
        assert_eq!(latency(0.0), "–");
        assert_eq!(latency(f64::NAN), "–");
        assert_eq!(clock(42.04), "42.0 s");
        assert_eq!(clock(725.0), "12 min 5 s");
        assert_eq!(rate(97.34), "97.3 req/s");
        assert_eq!(speed(1.0), "1.00×");
        assert_eq!(slider_value(Control::Nodes, 15_000.0), "15,000");
        assert_eq!(slider_value(Control::EtcdFsyncLatency, 0.8), "0.80");
        assert_eq!(slider_value(Control::WebhookTimeout, 10.0), "10");
        assert_eq!(rate(10_274.4), "10,274 req/s");
        assert_eq!(rate(999.4), "999 req/s");
        assert_eq!(latency(1_234.0), "1,234 s");
        assert_eq!(slider_readout(Control::Nodes, 5_000.0), "5,000");
        assert_eq!(slider_readout(Control::WebhookLatency, 25.0), "25.0 ms");
        assert_eq!(slider_readout(Control::WebhookLatency, 10_000.0), "10.0 s");
        assert_eq!(slider_readout(Control::WebhookTimeout, 10.0), "10 s");
    }
}
