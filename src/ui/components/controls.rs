use super::slider::Slider;
use crate::ui::state::{ARRIVAL_RATE, Action, Params, SEATS};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub params: Params,
    pub ondispatch: Callback<Action>,
}

/// The sliders and the Play/Pause button.
#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    let params = &props.params;
    let on_rate = {
        let dispatch = props.ondispatch.clone();
        Callback::from(move |rate: f64| dispatch.emit(Action::SetArrivalRate(rate)))
    };
    let on_seats = {
        let dispatch = props.ondispatch.clone();
        Callback::from(move |seats: f64| dispatch.emit(Action::SetSeats(seats.round() as u32)))
    };
    let on_play = {
        let dispatch = props.ondispatch.clone();
        Callback::from(move |_| dispatch.emit(Action::TogglePlay))
    };
    html! {
        <section class="controls" aria-label="Controls">
            <Slider
                id="arrival-rate"
                label="Arrival rate"
                unit="req/s"
                min={*ARRIVAL_RATE.start()}
                max={*ARRIVAL_RATE.end()}
                step={1.0}
                value={params.arrival_rate}
                display={format!("{:.0}", params.arrival_rate)}
                hint="Poisson arrivals: the mean number of requests per simulated second."
                oninput={on_rate}
            />
            <Slider
                id="seats"
                label="Seats"
                min={*SEATS.start() as f64}
                max={*SEATS.end() as f64}
                step={1.0}
                value={params.seats as f64}
                display={params.seats.to_string()}
                hint="Requests served at once. Each takes 50 ms on average (exponential)."
                oninput={on_seats}
            />
            <button class="play" onclick={on_play} aria-pressed={(!params.playing).to_string()}>
                { if params.playing { "Pause" } else { "Play" } }
            </button>
        </section>
    }
}
