//! Browser side of live availability: follow a day's slots over server-sent events
//! (`/live/slots`, served by the server crate) and put each new state into a signal.
use chrono::NaiveDate;
use gatehouse::slots::SlotAvailability;
use leptos::prelude::*;

/// Keeps `slots` equal to the server's view of `date` while the component lives. On the server
/// (and without JavaScript) it does nothing: the page shows the counts it was rendered with.
pub fn follow_day(orq: gatehouse::ids::OrgId, date: NaiveDate, slots: RwSignal<Vec<SlotAvailability>>) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use wasm_bindgen::{closure::Closure, JsCast};
        let Ok(source) = web_sys::EventSource::new(&format!("/live/slots?venue={orq}&date={date}")) else {
            return;
        };
        let on_slots = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let fresh = event.data().as_string().and_then(|d| serde_json::from_str::<Vec<SlotAvailability>>(&d).ok());
            if let Some(fresh) = fresh.filter(|f| *f != slots.get_untracked()) {
                slots.set(fresh);
            }
        });
        let _ = source.add_event_listener_with_callback("slots", on_slots.as_ref().unchecked_ref());
        // The browser reconnects by itself after a network drop; the stream resends the state.
        let held = StoredValue::new_local((source, on_slots));
        on_cleanup(move || held.with_value(|(source, _)| source.close()));
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (orq, date, slots);
}
