//! Editing a range of slots at once: capacity and/or closing or reopening, optionally only some
//! weekdays and start times. All or nothing: the answer says what was done or why nothing was.
use super::access::AdminContext;
use super::slot_actions::{AdminSlotsBulkEdit, WEEKDAYS};
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn BulkEditForm(changed: RwSignal<u32>) -> impl IntoView {
    let csrf = use_context::<AdminContext>().map(|c| c.csrf).unwrap_or_default();
    let edit = ServerAction::<AdminSlotsBulkEdit>::new();
    Effect::new(move |_| {
        if matches!(edit.value().get(), Some(Ok(_))) {
            changed.update(|n| *n += 1);
        }
    });
    let answer = move || match edit.value().get() {
        Some(Ok(n)) => view! { <p class="done" role="status">{format!("{n} slots edited.")}</p> }.into_any(),
        Some(Err(e)) => view! { <p class="problem" role="alert">{e.message}</p> }.into_any(),
        None => ().into_any(),
    };
    view! {
        <section class="card" aria-labelledby="bulk-title">
            <h2 id="bulk-title">"Edit a range of slots"</h2>
            <p class="muted">"Every slot in the range that matches is changed, or none is: a capacity below what a slot has booked refuses the whole edit."</p>
            <ActionForm action=edit attr:class="stack">
                <input type="hidden" name="csrf" value=csrf/>
                <div class="row">
                    <div class="field"><label for="bulk-from">"From"</label><input id="bulk-from" name="from" type="date" required/></div>
                    <div class="field"><label for="bulk-until">"Until (included)"</label><input id="bulk-until" name="until" type="date" required/></div>
                </div>
                <fieldset>
                    <legend>"Only these weekdays (none ticked: every day)"</legend>
                    {WEEKDAYS.iter().map(|(name, label)| view! {
                        <label class="check"><input type="checkbox" name=*name/>{*label}</label>
                    }).collect_view()}
                </fieldset>
                <div class="row">
                    <div class="field"><label for="bulk-starts-from">"Starting from (optional)"</label><input id="bulk-starts-from" name="starts_from" type="time"/></div>
                    <div class="field"><label for="bulk-starts-until">"Starting until (optional)"</label><input id="bulk-starts-until" name="starts_until" type="time"/></div>
                </div>
                <div class="row">
                    <div class="field"><label for="bulk-capacity">"New capacity (optional)"</label><input id="bulk-capacity" name="capacity" type="number" min="0" inputmode="numeric"/></div>
                    <div class="field">
                        <label for="bulk-status">"Open or closed"</label>
                        <select id="bulk-status" name="status">
                            <option value="">"Leave as they are"</option>
                            <option value="close">"Close to new bookings"</option>
                            <option value="reopen">"Reopen"</option>
                        </select>
                    </div>
                </div>
                {answer}
                <button type="submit">"Apply to the range"</button>
            </ActionForm>
        </section>
    }
}
