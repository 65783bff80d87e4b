//! One slot of the chosen day: what is booked, its capacity to edit, and closing or reopening
//! it. A closed slot says how many reservations it keeps.
use super::access::AdminContext;
use super::slot_actions::{AdminSlotCapacity, AdminSlotClose, AdminSlotReopen};
use gatehouse::slots::overview::{percent, AdminSlot};
use gatehouse::slots::SlotStatus;
use gatehouse::wording;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn SlotEditor(entry: AdminSlot, changed: RwSignal<u32>) -> impl IntoView {
    let csrf = use_context::<AdminContext>().map(|c| c.csrf).unwrap_or_default();
    let resize = ServerAction::<AdminSlotCapacity>::new();
    let close = ServerAction::<AdminSlotClose>::new();
    let reopen = ServerAction::<AdminSlotReopen>::new();
    Effect::new(move |_| {
        let done = [
            resize.value().get().map(|r| r.is_ok()),
            close.value().get().map(|r| r.is_ok()),
            reopen.value().get().map(|r| r.is_ok()),
        ];
        if done.contains(&Some(true)) {
            changed.update(|n| *n += 1);
        }
    });
    let problem = move || {
        [resize.value().get(), close.value().get(), reopen.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::err)
            .map(|e| e.message)
    };
    let slot = entry;
    let when = wording::time_range(slot.start_time, slot.end_time);
    let id = slot.id.0;
    let field = format!("capacity-{id}");
    let closed = slot.status == SlotStatus::Closed;
    let state = if closed {
        format!("Closed — {} reservations kept", slot.booked_count)
    } else if slot.status == SlotStatus::Full {
        "Full".to_string()
    } else {
        "Open".to_string()
    };
    let figures = format!(
        "{}/{} booked · {} %",
        slot.booked_count,
        slot.total_capacity,
        percent(slot.booked_count, slot.total_capacity)
    );
    let (csrf_a, csrf_b) = (csrf.clone(), csrf.clone());
    // Every slot of the day has these buttons: the hidden words tell them apart when listed.
    let which = format!(" {when}");
    let (which_a, which_b) = (which.clone(), which.clone());
    view! {
        <li class={if closed { "slot-edit closed" } else { "slot-edit" }} aria-labelledby={format!("slot-{id}")}>
            <h3 id={format!("slot-{id}")}>{when.clone()}</h3>
            <p><strong>{state}</strong>" · "{figures}</p>
            <ActionForm action=resize attr:class="inline">
                <input type="hidden" name="csrf" value=csrf/>
                <input type="hidden" name="slot" value=id/>
                <label for={field.clone()}>"Capacity"</label>
                <input id=field type="number" name="capacity" min="0" inputmode="numeric" value=slot.total_capacity required/>
                <button type="submit" class="secondary">"Save capacity"<span class="visually-hidden">{which}</span></button>
            </ActionForm>
            {if closed {
                view! {
                    <ActionForm action=reopen attr:class="inline">
                        <input type="hidden" name="csrf" value=csrf_a/>
                        <input type="hidden" name="slot" value=id/>
                        <button type="submit">"Reopen"<span class="visually-hidden">{which_a}</span></button>
                    </ActionForm>
                }.into_any()
            } else {
                view! {
                    <ActionForm action=close attr:class="inline">
                        <input type="hidden" name="csrf" value=csrf_b/>
                        <input type="hidden" name="slot" value=id/>
                        <button type="submit" class="danger">"Close to new bookings"<span class="visually-hidden">{which_b}</span></button>
                    </ActionForm>
                }.into_any()
            }}
            <p class="problem" role="alert">{problem}</p>
        </li>
    }
}
