//! The request path, drawn on a canvas every frame from the simulation's
//! snapshot: clients → flow control → admission webhooks → watch cache →
//! etcd client → etcd. Each box shows its live state (seats in use and
//! queue depth per priority level, webhook calls, cache lock holders and
//! waiters, streams per connection, writes at etcd). Sampled requests move
//! as dots, placed by their real stage and the simulated time they have
//! spent in it; real rejections bounce back to the clients.
//!
//! It has two layouts, chosen by the width it is shown at: *wide*, the
//! stages left to right (1000 × 340), and *tall*, the stages top to bottom
//! (320 × 500) for phones and narrow embeds, so its text is never shown
//! smaller than 11 px on a page 360 px wide and the page never scrolls
//! sideways.

use crate::lab::charts::diagram::{Layout, level_row};
use crate::lab::format::thousands;
use crate::sim::models::control_plane::{
    ControlPlaneSnapshot, InFlight, Phase, ServerSnapshot, Stage,
};
use crate::sim::models::request::{RequestClass, Resource};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// Logical size of the wide drawing, the canvas's first (it is scaled by
/// CSS; each layout sets its own, `Layout::size`).
pub const WIDTH: f64 = 1000.0;
pub const HEIGHT: f64 = 340.0;
/// Shown narrower than this [CSS px], the wide drawing's 12.5 px text
/// would shrink under 11 px: the tall one (11 px text, shown at least 320
/// px wide on a page 360 px wide) is drawn instead.
const TALL_BELOW: f64 = 880.0;
/// In an embed, whose frame's height is the author's, the wide drawing
/// stays down to this width [CSS px] (its text is then shown at 6.25 px:
/// an embed of the diagram wants a frame 880 px wide to read it at 11).
const TALL_BELOW_IN_EMBED: f64 = 500.0;
/// The layout is checked against the shown width every this many frames.
const LAYOUT_EVERY: u32 = 30;

const CLIENTS: [&str; 5] = ["kubelets", "controllers", "scheduler", "users", "operators"];

const COLUMNS: [(&str, f64); 6] = [
    ("Clients", 70.0),
    ("Flow control", 265.0),
    ("Webhooks", 470.0),
    ("Watch cache", 620.0),
    ("etcd client", 775.0),
    ("etcd", 920.0),
];

/// Colours of the request classes (Okabe-Ito).
pub fn class_colour(class: RequestClass) -> &'static str {
    match class {
        RequestClass::Mutating => "#D55E00",
        RequestClass::ReadSingle => "#0072B2",
        RequestClass::List => "#009E73",
    }
}

struct Palette {
    ink: &'static str,
    muted: &'static str,
    panel: &'static str,
    line: &'static str,
    bar: &'static str,
    queue: &'static str,
}

const LIGHT: Palette = Palette {
    ink: "#1f2328",
    muted: "#57606a",
    panel: "#f6f7f9",
    line: "#d0d7de",
    bar: "#0072B2",
    queue: "#E69F00",
};
const DARK: Palette = Palette {
    ink: "#e6edf3",
    muted: "#9da7b3",
    panel: "#1c2128",
    line: "#3d444d",
    bar: "#56B4E9",
    queue: "#E69F00",
};

/// A rejected or timed-out request flying back to the clients.
struct Bounce {
    y: f64,
    /// wall time it started [ms]
    born: f64,
    /// vermillion for a 429, orange for a timeout or failure
    colour: &'static str,
}

pub struct Diagram {
    canvas: HtmlCanvasElement,
    palette: &'static Palette,
    /// draw moving dots (off under prefers-reduced-motion)
    motion: bool,
    bounces: Vec<Bounce>,
    rejected_seen: u64,
    timed_out_seen: u64,
    layout: Layout,
    frames: u32,
}

/// How long a bounce takes to fly back [ms of wall time].
const BOUNCE_MS: f64 = 700.0;
/// Most bounces on screen at once.
const MAX_BOUNCES: usize = 24;

/// Whether the page matches a CSS media query.
pub fn media(query: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.match_media(query).ok().flatten())
        .is_some_and(|m| m.matches())
}

impl Diagram {
    pub fn new(canvas: HtmlCanvasElement) -> Self {
        let dark = media("(prefers-color-scheme: dark)");
        let motion = !media("(prefers-reduced-motion: reduce)");
        // Tells readers and tests whether dots move (reduced motion: no).
        let _ = canvas.set_attribute("data-motion", if motion { "on" } else { "off" });
        Self {
            canvas,
            palette: if dark { &DARK } else { &LIGHT },
            motion,
            bounces: Vec::new(),
            rejected_seen: 0,
            timed_out_seen: 0,
            layout: Layout::Wide,
            frames: 0,
        }
    }

    /// Follows the width the diagram is shown at (its figure's, since the
    /// canvas's own depends on the layout): the tall layout below
    /// `TALL_BELOW`. The canvas takes the layout's size, and the figure a
    /// class the style sheet sizes it by.
    fn follow_width(&mut self) {
        self.frames = self.frames.wrapping_add(1);
        if self.frames % LAYOUT_EVERY != 1 {
            return;
        }
        let Some(figure) = self.canvas.parent_element() else {
            return;
        };
        let shown = figure.client_width() as f64;
        if shown <= 0.0 {
            return;
        }
        let embedded = figure.closest(".embed").ok().flatten().is_some();
        let below = if embedded {
            TALL_BELOW_IN_EMBED
        } else {
            TALL_BELOW
        };
        let layout = if shown < below {
            Layout::Tall
        } else {
            Layout::Wide
        };
        if layout != self.layout || self.frames == 1 {
            self.layout = layout;
            let (w, h) = self.size();
            self.canvas.set_width(w as u32);
            self.canvas.set_height(h as u32);
            let _ = figure.set_attribute(
                "data-layout",
                if layout == Layout::Tall {
                    "tall"
                } else {
                    "wide"
                },
            );
            // A hop begun in one layout would land in the other's clients.
            self.bounces.clear();
        }
    }

    /// The logical size of the current layout.
    fn size(&self) -> (f64, f64) {
        self.layout.size()
    }

    pub fn motion(&self) -> bool {
        self.motion
    }

    /// Draws the snapshot at simulated time `now` [s]; `ended` holds the
    /// running counts of rejections and of timeouts (new ones bounce);
    /// `wall` [ms].
    pub fn draw(
        &mut self,
        snapshot: &ControlPlaneSnapshot,
        now: f64,
        ended: (u64, u64),
        wall: f64,
    ) {
        self.follow_width();
        let Some(ctx) = self
            .canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
        else {
            return;
        };
        let p = self.palette;
        let (w, h) = self.size();
        ctx.clear_rect(0.0, 0.0, w, h);
        ctx.set_font(match self.layout {
            Layout::Wide => "14px system-ui, sans-serif",
            Layout::Tall => "13px system-ui, sans-serif",
        });
        ctx.set_fill_style_str(p.ink);
        match self.layout {
            Layout::Wide => {
                ctx.set_text_align("center");
                for (i, (title, x)) in COLUMNS.iter().enumerate() {
                    ctx.set_fill_style_str(p.ink);
                    let _ = ctx.fill_text(title, *x, 18.0);
                    if i + 1 < COLUMNS.len() {
                        // The path's arrows between columns.
                        let next = COLUMNS[i + 1].1;
                        ctx.set_stroke_style_str(p.line);
                        ctx.begin_path();
                        ctx.move_to(x + 55.0, 14.0);
                        ctx.line_to(next - 55.0, 14.0);
                        ctx.stroke();
                    }
                }
            }
            Layout::Tall => {
                ctx.set_text_align("left");
                for (title, x, y) in [
                    ("Clients ↓", 6.0, 16.0),
                    ("Flow control ↓  in use/seats", 6.0, 96.0),
                    ("Webhooks", 6.0, 252.0),
                    ("etcd client", 114.0, 252.0),
                    ("etcd", 228.0, 252.0),
                    ("Watch cache (reads)", 6.0, 368.0),
                ] {
                    let _ = ctx.fill_text(title, x, y);
                }
            }
        }
        ctx.set_font(match self.layout {
            Layout::Wide => "12.5px system-ui, sans-serif",
            Layout::Tall => "11px system-ui, sans-serif",
        });
        self.draw_clients(&ctx, snapshot);
        self.draw_flow_control(&ctx, snapshot);
        self.draw_cpu(&ctx, snapshot);
        self.draw_servers(&ctx, snapshot);
        self.draw_webhooks(&ctx, snapshot);
        self.draw_cache(&ctx, snapshot);
        self.draw_etcd(&ctx, snapshot);
        if self.motion {
            for request in &snapshot.requests {
                self.draw_request(&ctx, request, now);
            }
            self.draw_bounces(&ctx, ended, wall);
        }
    }

    fn label(&self, ctx: &CanvasRenderingContext2d, text: &str, x: f64, y: f64, align: &str) {
        ctx.set_text_align(align);
        ctx.set_fill_style_str(self.palette.muted);
        let _ = ctx.fill_text(text, x, y);
    }

    fn panel(&self, ctx: &CanvasRenderingContext2d, x: f64, y: f64, w: f64, h: f64) {
        ctx.set_fill_style_str(self.palette.panel);
        ctx.fill_rect(x, y, w, h);
        ctx.set_stroke_style_str(self.palette.line);
        ctx.stroke_rect(x, y, w, h);
    }

    /// A bar at (x, y), `w` wide, filled to `fraction` (0 to 1).
    fn bar(
        &self,
        ctx: &CanvasRenderingContext2d,
        (x, y, w): (f64, f64, f64),
        fraction: f64,
        colour: &str,
    ) {
        ctx.set_fill_style_str(self.palette.line);
        ctx.fill_rect(x, y, w, 6.0);
        if fraction > 0.0 {
            ctx.set_fill_style_str(colour);
            ctx.fill_rect(x, y, w * fraction.clamp(0.0, 1.0), 6.0);
        }
    }

    /// Each kind of client, with the requests waiting in its rate limiter
    /// (client-go's, before they are sent) under its name.
    fn draw_clients(&self, ctx: &CanvasRenderingContext2d, s: &ControlPlaneSnapshot) {
        let mut waiting = [0u32; CLIENTS.len()];
        for &(kind, n) in &s.client_waiting {
            waiting[Layout::client_box_of(kind)] += n;
        }
        for (i, name) in CLIENTS.iter().enumerate() {
            let (x, y, w, h) = self.layout.client_box(i);
            self.panel(ctx, x, y, w, h);
            if waiting[i] == 0 {
                self.label(ctx, name, x + w / 2.0, y + h / 2.0 + 4.0, "center");
            } else {
                self.label(ctx, name, x + w / 2.0, y + h / 2.0 - 4.0, "center");
                let text = format!("{} waiting", thousands(waiting[i] as u64));
                ctx.set_fill_style_str(self.palette.ink);
                let _ = ctx.fill_text(&text, x + w / 2.0, y + h / 2.0 + 10.0);
            }
        }
    }

    fn draw_flow_control(&self, ctx: &CanvasRenderingContext2d, s: &ControlPlaneSnapshot) {
        let rows = s
            .limits
            .iter()
            .filter(|l| l.seats > 0 || l.waiting > 0 || l.in_use > 0 || l.name == "exempt");
        for (i, limit) in rows.enumerate().take(8) {
            let (x, y, w, h) = self.layout.level_box(i);
            self.panel(ctx, x, y, w, h);
            self.label(ctx, limit.name, x + 5.0, y + 12.0, "left");
            // The tall layout's title says "in use / seats".
            let unit = if self.layout == Layout::Wide {
                " seats"
            } else {
                ""
            };
            // Seats borrowed (+) or lent (−) against the nominal share, as
            // APF's borrowing set them at its last division.
            let lent = limit.nominal.abs_diff(limit.seats);
            let sign = if limit.seats > limit.nominal {
                '+'
            } else {
                '−'
            };
            let seats = match (limit.seats, lent) {
                (0, _) => format!("{} running", limit.in_use),
                (_, 0) => format!("{}/{}{unit}", limit.in_use, limit.seats),
                _ => {
                    // The longest form that fits beside the level's name; the
                    // tick on the bar says it when none does.
                    let room = w - 16.0 - text_px(ctx, limit.name);
                    let counts = format!("{}/{}", limit.in_use, limit.seats);
                    [
                        format!("{counts}{unit} {sign}{lent}"),
                        format!("{counts} {sign}{lent}"),
                    ]
                    .into_iter()
                    .find(|text| text_px(ctx, text) <= room)
                    .unwrap_or(counts)
                }
            };
            self.label(ctx, &seats, x + w - 5.0, y + 12.0, "right");
            // Seats in use; then the queue against a queue length limit of
            // 50, short enough that its count, at the right, never covers it
            // (`lab::charts::diagram` checks it).
            let row = level_row(w);
            let seats = limit.in_use as f64 / limit.seats.max(1) as f64;
            let (left, width) = row.seats_bar;
            self.bar(ctx, (x + left, y + 17.0, width), seats, self.palette.bar);
            if lent > 0 && limit.seats > 0 {
                // A tick where the nominal share ends.
                let at = (limit.nominal as f64 / limit.seats as f64).min(1.0);
                ctx.set_fill_style_str(self.palette.muted);
                ctx.fill_rect(x + left + width * at - 1.0, y + 15.0, 2.0, 10.0);
            }
            if limit.waiting > 0 {
                let (left, width) = row.queue_bar;
                self.bar(
                    ctx,
                    (x + left, y + 17.0, width),
                    limit.waiting as f64 / 50.0,
                    self.palette.queue,
                );
            }
            self.label(
                ctx,
                &thousands(limit.waiting as u64),
                x + row.count_right,
                y + 26.0,
                "right",
            );
        }
    }

    /// The API server's cores busy: a row under the levels (wide), or
    /// beside the flow control's title (tall).
    fn draw_cpu(&self, ctx: &CanvasRenderingContext2d, s: &ControlPlaneSnapshot) {
        let cores = match s.cpu_cores {
            Some(cores) => format!("{:.1}/{cores} cores", s.cpu_busy),
            None => "unlimited".to_owned(),
        };
        if self.layout == Layout::Tall {
            // Beside the flow control's title: "CPU 2.0/32" (no room for "cores").
            let short = cores.trim_end_matches(" cores");
            self.label(ctx, &format!("CPU {short}"), 314.0, 96.0, "right");
            return;
        }
        let (x, y, w, h) = self.layout.level_box(8);
        self.panel(ctx, x, y, w, h);
        let title = match s.servers.len() {
            1 => "apiserver-1 CPU",
            _ => "CPU, all servers",
        };
        self.label(ctx, title, x + 5.0, y + 12.0, "left");
        self.label(ctx, &cores, x + w - 5.0, y + 12.0, "right");
        let busy = match s.cpu_cores {
            Some(cores) if cores > 0.0 => s.cpu_busy / cores,
            _ => 0.0,
        };
        self.bar(ctx, (x + 5.0, y + 17.0, w - 10.0), busy, self.palette.bar);
    }

    /// A server's CPU busy (left) and memory against its limit (right),
    /// side by side in `w`.
    fn cpu_and_memory(
        &self,
        ctx: &CanvasRenderingContext2d,
        (x, y, w): (f64, f64, f64),
        server: &ServerSnapshot,
    ) {
        let busy = match server.cores {
            Some(cores) if cores > 0.0 => server.cpu_busy / cores,
            _ => 0.0,
        };
        let memory = match server.memory_limit_gib {
            Some(limit) if limit > 0.0 => server.memory_gib / limit,
            _ => 0.0,
        };
        let half = (w - 3.0) / 2.0;
        self.bar(ctx, (x, y, half), busy, self.palette.bar);
        self.bar(ctx, (x + half + 3.0, y, half), memory, self.palette.queue);
    }

    /// The API servers behind the load balancer: each one's clients
    /// connected, its CPU busy and memory used, and whether it drains, is
    /// stopped (or was killed for its memory) or re-lists its caches.
    fn draw_servers(&self, ctx: &CanvasRenderingContext2d, s: &ControlPlaneSnapshot) {
        let (x, y, w, h) = self.layout.servers_box();
        self.panel(ctx, x, y, w, h);
        let state = |server: &ServerSnapshot| match server.phase {
            Phase::Draining => Some("draining"),
            Phase::Stopped if server.oom_kills > 0 => Some("OOM-killed"),
            Phase::Stopped => Some("stopped"),
            Phase::Serving if server.relisting => Some("relist"),
            Phase::Serving => None,
        };
        if self.layout == Layout::Wide {
            self.label(ctx, "API servers  (clients)", x + 5.0, y + 13.0, "left");
            for (i, server) in s.servers.iter().enumerate() {
                let row = y + 20.0 + i as f64 * 19.5;
                let name = match state(server) {
                    Some(state) => format!("apiserver-{} {state}", i + 1),
                    None => format!("apiserver-{}", i + 1),
                };
                self.label(ctx, &name, x + 5.0, row + 10.0, "left");
                let clients = thousands(server.connections as u64);
                // Its clients, where they fit beside its name and state
                // (the legend's line says them too).
                let fits = text_px(ctx, &name) + text_px(ctx, &clients) + 6.0 <= w - 10.0;
                if server.phase == Phase::Serving && fits {
                    self.label(ctx, &clients, x + w - 5.0, row + 10.0, "right");
                }
                self.cpu_and_memory(ctx, (x + 5.0, row + 12.0, w - 10.0), server);
            }
            if s.servers.len() < 10 {
                let below = y + 20.0 + s.servers.len() as f64 * 19.5 + 10.0;
                self.label(ctx, "CPU | memory", x + 5.0, below, "left");
            }
            return;
        }
        // Tall: one cell per server across the bottom.
        let n = s.servers.len().max(1);
        let cell = (w - 10.0) / n as f64;
        self.label(ctx, "API servers (clients)", x + 5.0, y + 11.0, "left");
        self.label(ctx, "CPU | memory", x + w - 5.0, y + 11.0, "right");
        for (i, server) in s.servers.iter().enumerate() {
            let left = x + 5.0 + i as f64 * cell;
            let text = match (state(server), cell) {
                (Some(state), c) if c >= 90.0 => format!("{} {state}", i + 1),
                (Some(_), _) => format!("{}×", i + 1),
                (None, c) if c >= 40.0 => {
                    format!("{}: {}", i + 1, thousands(server.connections as u64))
                }
                (None, _) => format!("{}", i + 1),
            };
            self.label(ctx, &text, left, y + 27.0, "left");
            self.cpu_and_memory(ctx, (left, y + 32.0, cell - 4.0), server);
        }
    }

    fn draw_webhooks(&self, ctx: &CanvasRenderingContext2d, s: &ControlPlaneSnapshot) {
        let (x, y, w, h) = self.layout.webhooks_box();
        self.panel(ctx, x, y, w, h);
        let centre = x + w / 2.0;
        self.label(
            ctx,
            &format!("{} calls", s.webhook_calls),
            centre,
            y + 22.0,
            "center",
        );
        self.label(
            ctx,
            &format!("{} wait for a slot", s.webhook_waiting),
            centre,
            y + 40.0,
            "center",
        );
    }

    fn draw_cache(&self, ctx: &CanvasRenderingContext2d, s: &ControlPlaneSnapshot) {
        for (i, resource) in Resource::ALL.iter().enumerate().take(6) {
            let (x, y, w, h) = self.layout.cache_box(i);
            self.panel(ctx, x, y, w, h);
            self.label(ctx, resource.name(), x + 5.0, y + 13.0, "left");
            let holders = s.cache_holders.get(i).copied().unwrap_or(0);
            let waiters = s.cache_waiters.get(i).copied().unwrap_or(0);
            self.label(
                ctx,
                &format!("{holders} hold · {waiters} wait"),
                x + w - 5.0,
                y + h - 6.0,
                "right",
            );
        }
    }

    fn draw_etcd(&self, ctx: &CanvasRenderingContext2d, s: &ControlPlaneSnapshot) {
        let n = s.etcd_streams.len().max(1);
        let per_row = 10;
        let (sx, sy) = self.layout.streams_origin();
        for (i, streams) in s.etcd_streams.iter().enumerate() {
            let (col, row) = (i % per_row, i / per_row);
            let x = sx + col as f64 * 11.0;
            let y = sy + row as f64 * 40.0;
            let h = (*streams as f64).min(30.0);
            ctx.set_fill_style_str(self.palette.line);
            ctx.fill_rect(x, y, 8.0, 30.0);
            ctx.set_fill_style_str(self.palette.bar);
            ctx.fill_rect(x, y + 30.0 - h, 8.0, h);
        }
        let connections = s.etcd_connections as usize;
        let servers = s
            .servers
            .iter()
            .filter(|s| s.phase != Phase::Stopped)
            .count();
        // Each running API server has a client per resource (upstream).
        let text = match (connections > n, servers > 1, self.layout) {
            (true, _, Layout::Tall) | (false, ..) => format!("{connections} connections"),
            (true, true, Layout::Wide) => format!("{servers} × {n} clients, {connections} conns"),
            (true, false, Layout::Wide) => format!("{n} clients, {connections} connections"),
        };
        self.label(
            ctx,
            &text,
            sx + 55.0,
            sy + (n.div_ceil(per_row)) as f64 * 40.0 + 6.0,
            "center",
        );
        let (x, y, w, h) = self.layout.etcd_box();
        self.panel(ctx, x, y, w, h);
        let e = &s.etcd;
        let centre = x + w / 2.0;
        let leader = match (e.leader, self.layout) {
            (true, _) => "leader: yes",
            (false, Layout::Wide) => "electing a leader",
            (false, Layout::Tall) => "no leader",
        };
        // The tall layout's box is narrower.
        let in_flight = if self.layout == Layout::Wide {
            " in flight"
        } else {
            ""
        };
        let lines = [
            leader.to_owned(),
            format!("{} writes{in_flight}", e.writes_in_flight),
            format!("{} reads{in_flight}", e.reads_in_flight),
            format!("{} cores busy", e.cores_busy),
        ];
        for (i, line) in lines.iter().enumerate() {
            self.label(ctx, line, centre, y + 20.0 + i as f64 * 18.0, "center");
        }
    }

    /// Where a request in `stage` is drawn, `progress` (0 to 1) through it.
    fn position(stage: Stage, progress: f64) -> (f64, f64) {
        // (x at entry, x at exit) for each stage.
        let (from, to) = match stage {
            Stage::Queued => (120.0, 280.0),
            Stage::Processing => (280.0, 360.0),
            Stage::Webhooks => (415.0, 525.0),
            Stage::Etcd => (720.0, 860.0),
            Stage::Cache => (560.0, 680.0),
            Stage::Responding | Stage::Delivering => (360.0, 120.0),
        };
        (from + (to - from) * progress, 0.0)
    }

    fn draw_request(&self, ctx: &CanvasRenderingContext2d, r: &InFlight, now: f64) {
        // Typical time in each stage [s]: progress eases toward the exit.
        let typical = match r.stage {
            Stage::Queued => 0.2,
            Stage::Processing => 0.001,
            Stage::Webhooks => 0.02,
            Stage::Etcd => 0.002,
            Stage::Cache => 0.000_2,
            Stage::Responding => 0.000_5,
            Stage::Delivering => 1.0,
        };
        let elapsed = (now - r.stage_since).max(0.0);
        let progress = 1.0 - (-elapsed / typical).exp();
        let (x, _) = Self::position(r.stage, progress);
        // The tall layout's lane runs the same stages across its width.
        let (x, lanes_top) = match self.layout {
            Layout::Wide => (x, 300.0),
            Layout::Tall => (6.0 + x * 0.308, 462.0),
        };
        // A lane per class, spread by ticket so dots do not pile up.
        let lane = match r.class {
            RequestClass::Mutating => 0.0,
            RequestClass::ReadSingle => 1.0,
            RequestClass::List => 2.0,
        };
        let y = lanes_top + lane * 11.0 + ((r.ticket.wrapping_mul(2654435761) >> 7) % 7) as f64;
        ctx.set_fill_style_str(class_colour(r.class));
        ctx.begin_path();
        let _ = ctx.arc(x, y, 3.5, 0.0, std::f64::consts::TAU);
        ctx.fill();
    }

    fn draw_bounces(
        &mut self,
        ctx: &CanvasRenderingContext2d,
        (rejected, timed_out): (u64, u64),
        wall: f64,
    ) {
        if rejected < self.rejected_seen || timed_out < self.timed_out_seen {
            // A new run.
            self.rejected_seen = rejected;
            self.timed_out_seen = timed_out;
        }
        for (count, seen, colour) in [
            (rejected, &mut self.rejected_seen, "#D55E00"),
            (timed_out, &mut self.timed_out_seen, "#E69F00"),
        ] {
            let fresh = (count - *seen).min(MAX_BOUNCES as u64);
            *seen = count;
            for i in 0..fresh {
                if self.bounces.len() < MAX_BOUNCES {
                    let y = 40.0 + ((count + i) * 37 % 250) as f64;
                    self.bounces.push(Bounce {
                        y,
                        born: wall,
                        colour,
                    });
                }
            }
        }
        self.bounces.retain(|b| wall - b.born < BOUNCE_MS);
        for b in &self.bounces {
            let t = ((wall - b.born) / BOUNCE_MS).clamp(0.0, 1.0);
            // From the flow-control column back to the clients, with a hop:
            // a parabola, as a thrown dot would fly, 18 px high at t = ½.
            let hop = 4.0 * t * (1.0 - t) * 18.0;
            let (x, y) = match self.layout {
                Layout::Wide => (180.0 - t * 60.0, b.y - hop),
                // Upwards from the levels to the clients' rows, right of
                // the flow control's title.
                Layout::Tall => (262.0 + (b.y - 40.0) / 250.0 * 50.0 + hop, 100.0 - t * 22.0),
            };
            ctx.set_fill_style_str(b.colour);
            ctx.begin_path();
            let _ = ctx.arc(x, y, 3.5, 0.0, std::f64::consts::TAU);
            ctx.fill();
        }
    }
}

/// The width of `text` in the context's font now [px].
fn text_px(ctx: &CanvasRenderingContext2d, text: &str) -> f64 {
    ctx.measure_text(text).map_or(f64::INFINITY, |m| m.width())
}
