//! `/admin/slots/generate`: slots from rules in two steps. The rules form is sent by GET, so
//! the preview is a page of its own (`?opens=…`) that writes nothing; from there "Create N
//! slots" posts the same rules with the session's token.
use super::access::AdminContext;
use super::frame::AdminFrame;
use super::slot_actions::{admin_slots_preview, AdminSlotsGenerate, RulesFields, WEEKDAYS};
use gatehouse::slots::rules::{Preview, PreviewDay};
use gatehouse::slots::Month;
use gatehouse::wording;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn GeneratePage() -> impl IntoView {
    let query = use_query_map();
    let fields = move || {
        query.with(|q| {
            let get = |k: &str| q.get(k).unwrap_or_default();
            let on = |k: &str| q.get(k).filter(|v| !v.is_empty());
            let rules = RulesFields {
                mon: on("mon"),
                tue: on("tue"),
                wed: on("wed"),
                thu: on("thu"),
                fri: on("fri"),
                sat: on("sat"),
                sun: on("sun"),
                opens: get("opens"),
                closes: get("closes"),
                slot_minutes: get("slot_minutes"),
                capacity: get("capacity"),
                from: get("from"),
                until: get("until"),
                closed_dates: get("closed_dates"),
            };
            (!rules.from.is_empty()).then_some(rules)
        })
    };
    let preview = Resource::new(fields, |rules| async move {
        match rules {
            Some(r) => admin_slots_preview(r.clone()).await.map(|p| Some((r, p))),
            None => Ok(None),
        }
    });
    view! {
        <AdminFrame title="Generate slots">
            <p><a href="/admin/slots">"← Back to the calendar"</a></p>
            <RulesForm fields={untrack(fields).unwrap_or_else(defaults)}/>
            <Suspense fallback=|| view! { <p>"Working out the slots…"</p> }>
                {move || Suspend::new(async move { match preview.await {
                    Ok(Some((rules, p))) => view! { <PreviewStep rules=rules preview=p/> }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(e) => view! {
                        <section class="card" aria-labelledby="preview-title">
                            <h2 id="preview-title">"These rules need a change"</h2>
                            <p class="problem" role="alert">{e.message}</p>
                        </section>
                    }.into_any(),
                }})}
            </Suspense>
        </AdminFrame>
    }
}

/// What the form shows before anything is typed: a usual opening day.
fn defaults() -> RulesFields {
    let on = || Some("on".to_string());
    RulesFields {
        tue: on(),
        wed: on(),
        thu: on(),
        fri: on(),
        sat: on(),
        sun: on(),
        opens: "10:00".into(),
        closes: "18:00".into(),
        slot_minutes: "120".into(),
        capacity: "200".into(),
        ..RulesFields::default()
    }
}

#[component]
fn RulesForm(fields: RulesFields) -> impl IntoView {
    let days = [&fields.mon, &fields.tue, &fields.wed, &fields.thu, &fields.fri, &fields.sat, &fields.sun]
        .map(Option::is_some);
    view! {
        <section class="card" aria-labelledby="rules-title">
            <h2 id="rules-title">"Rules"</h2>
            <p class="muted">"Times are the venue's own clock. Slots that exist already are left as they are."</p>
            <form method="get" action="/admin/slots/generate" class="stack">
                <fieldset>
                    <legend>"Weekdays"</legend>
                    {WEEKDAYS.iter().zip(days).map(|((name, label), on)| view! {
                        <label class="check"><input type="checkbox" name=*name checked=on/>{*label}</label>
                    }).collect_view()}
                </fieldset>
                <div class="row">
                    <div class="field"><label for="opens">"Opens"</label><input id="opens" name="opens" type="time" value=fields.opens required/></div>
                    <div class="field"><label for="closes">"Closes"</label><input id="closes" name="closes" type="time" value=fields.closes required/></div>
                </div>
                <div class="row">
                    <div class="field"><label for="slot_minutes">"Slot length (minutes)"</label><input id="slot_minutes" name="slot_minutes" type="number" min="5" value=fields.slot_minutes required/></div>
                    <div class="field"><label for="capacity">"Capacity per slot"</label><input id="capacity" name="capacity" type="number" min="0" value=fields.capacity required/></div>
                </div>
                <div class="row">
                    <div class="field"><label for="from">"From"</label><input id="from" name="from" type="date" value=fields.from required/></div>
                    <div class="field"><label for="until">"Until (included)"</label><input id="until" name="until" type="date" value=fields.until required/></div>
                </div>
                <div class="field">
                    <label for="closed_dates">"Closed dates (holidays), one per line or separated by commas"</label>
                    <textarea id="closed_dates" name="closed_dates" rows="3" placeholder="2026-12-25">{fields.closed_dates}</textarea>
                </div>
                <button type="submit">"Preview"</button>
            </form>
        </section>
    }
}

#[component]
fn PreviewStep(rules: RulesFields, preview: Preview) -> impl IntoView {
    let csrf = use_context::<AdminContext>().map(|c| c.csrf).unwrap_or_default();
    let create = ServerAction::<AdminSlotsGenerate>::new();
    let to_create = preview.to_create;
    let first = preview.days.first().map(|d| d.date);
    let answer = move || match create.value().get() {
        Some(Ok(done)) => {
            let link =
                first.map(|d| format!("/admin/slots?month={}", Month::of(d))).unwrap_or_else(|| "/admin/slots".into());
            view! {
                <p class="done" role="status">
                    {format!("Created {} slots; {} existed already. ", done.created, done.skipped_existing)}
                    <a href=link>"See them in the calendar"</a>
                </p>
            }
            .into_any()
        }
        Some(Err(e)) => view! { <p class="problem" role="alert">{e.message}</p> }.into_any(),
        None => ().into_any(),
    };
    let button = if to_create == 1 { "Create 1 slot".to_string() } else { format!("Create {to_create} slots") };
    view! {
        <section class="card" aria-labelledby="preview-title">
            <h2 id="preview-title">"Preview"</h2>
            <p>
                <strong>{format!("{to_create} new slots")}</strong>
                {format!(" on {} days; {} exist already and are left as they are.", preview.days.len(), preview.existing)}
            </p>
            <ActionForm action=create attr:class="stack">
                <input type="hidden" name="csrf" value=csrf/>
                {rules.pairs().into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value/> }).collect_view()}
                {answer}
                <button type="submit" disabled={to_create == 0}>{button}</button>
            </ActionForm>
            <table class="preview">
                <caption class="visually-hidden">"Slots per day"</caption>
                <thead><tr><th scope="col">"Day"</th><th scope="col">"New"</th><th scope="col">"Existing (skipped)"</th><th scope="col">"Times"</th></tr></thead>
                <tbody>
                    {preview.days.into_iter().map(|day| view! { <DayRow day=day/> }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn DayRow(day: PreviewDay) -> impl IntoView {
    let new = day.new_slots();
    let existing = day.slots.len() - new;
    let times = day
        .slots
        .iter()
        .map(|s| {
            let t = wording::clock_time(s.start_time);
            if s.exists {
                format!("{t} (exists)")
            } else {
                t
            }
        })
        .chain(day.not_on_the_clock.iter().map(|t| format!("{t} (not on the clock this day: DST)")))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <tr>
            <th scope="row">{wording::day_and_date(day.date)}</th>
            <td>{new}</td>
            <td>{existing}</td>
            <td>{times}</td>
        </tr>
    }
}
