//! One scan's result, filling the screen so it reads at arm's length: colour, a symbol and a
//! headline word (never colour alone), then what the operator needs to decide, then what to do.
use gatehouse::admission::verdict::{Tone, ValidEntry, Verdict};
use gatehouse::wording;
use leptos::prelude::*;

pub fn tone_class(tone: Tone) -> &'static str {
    match tone {
        Tone::Go => "go",
        Tone::Caution => "caution",
        Tone::Stop => "stop",
    }
}

/// `admit`: the holder of a valid ticket goes in; `next`: back to scanning.
#[component]
pub fn ScanResult(
    verdict: Verdict,
    #[prop(into)] busy: Signal<bool>,
    admit: Callback<()>,
    next: Callback<()>,
) -> impl IntoView {
    let class = format!("result {}", tone_class(verdict.tone()));
    let is_valid = matches!(verdict, Verdict::Valid(_) | Verdict::ValidOffline { .. });
    let headline = verdict.headline();
    let symbol = verdict.symbol();
    let code = verdict.code().to_string();
    let facts = match verdict {
        Verdict::Valid(entry) => valid(entry).into_any(),
        Verdict::Admitted { .. } => view! { <p class="say">"Admitted. Let the visitor in."</p> }.into_any(),
        Verdict::ValidOffline { .. } => view! {
            <p class="say">"Checked offline: a genuine ticket for today."</p>
            <p>"Whether it was used at another door is known once the network returns."</p>
        }
        .into_any(),
        Verdict::Queued { .. } => view! {
            <p class="say">"Admitted offline. Let the visitor in."</p>
            <p>"Kept on this device and sent when the network returns."</p>
        }
        .into_any(),
        Verdict::WrongDate { reserved, today, .. } => view! {
            <p class="say">"This ticket is reserved for:"</p>
            <p class="big">{wording::full_date(reserved)}" ("{wording::days_from(reserved, today)}")"</p>
            <p>"Not valid today ("{wording::day_and_date(today)}")."</p>
        }
        .into_any(),
        Verdict::NoReservation { .. } => view! {
            <p class="say">"This ticket has no reservation."</p>
            <p>"The visitor must book a time slot first."</p>
        }
        .into_any(),
        Verdict::AlreadyVerified { at, by, .. } => view! {
            <p class="say">"This ticket was already verified"</p>
            <dl class="facts">
                <dt>"At"</dt>
                <dd>{at.map_or_else(|| "an unknown time".to_string(), |at| format!("{}, {}", wording::clock_time(at.time()), wording::day_and_date(at.date())))}</dd>
                <dt>"By"</dt>
                <dd>{by.unwrap_or_else(|| "an unknown operator".into())}</dd>
            </dl>
        }
        .into_any(),
        Verdict::Invalid { message, .. } => view! { <p class="say">{message}</p> }.into_any(),
    };
    view! {
        <section class=class role="alert" aria-labelledby="result-headline">
            <h2 id="result-headline" class="headline">
                <span class="symbol" aria-hidden="true">{symbol}</span>" "{headline}
            </h2>
            <p class="code">{code}</p>
            {facts}
            <div class="actions">
                {is_valid.then(|| view! {
                    <button type="button" class="admit" disabled=move || busy.get()
                        on:click=move |_| admit.run(())>"Mark as verified"</button>
                })}
                <button type="button" class=if is_valid { "secondary next" } else { "next" }
                    on:click=move |_| next.run(())>"Scan next"</button>
            </div>
        </section>
    }
}

fn valid(entry: ValidEntry) -> impl IntoView {
    view! {
        <dl class="facts">
            <dt>"Time"</dt><dd>{wording::time_range(entry.start, entry.end)}</dd>
            <dt>"Date"</dt><dd>{wording::day_and_date(entry.date)}</dd>
            <dt>"Slot"</dt><dd>{format!("{}/{} booked", entry.booked, entry.capacity)}</dd>
            <dt>"Email"</dt><dd>{entry.email.unwrap_or_else(|| "—".into())}</dd>
            <dt>"Phone"</dt><dd>{entry.phone.unwrap_or_else(|| "—".into())}</dd>
        </dl>
    }
}
