//! Browser side of live pages: follow a server-sent-events stream (served by the server crate)
//! and put each new state into a signal. No polling: the server sends when something changed.
use chrono::NaiveDate;
use gatehouse::slots::SlotAvailability;
use leptos::prelude::*;

/// Keeps `slots` equal to the server's view of `date` while the component lives (`/live/slots`).
pub fn follow_day(orq: gatehouse::ids::OrgId, date: NaiveDate, slots: RwSignal<Vec<SlotAvailability>>) {
    follow(format!("/live/slots?venue={orq}&date={date}"), "slots", slots);
}

/// Sets `into` to each `event` the stream at `url` sends (JSON of `T`) while the component
/// lives. On the server (and without JavaScript) it does nothing: the page shows what it was
/// rendered with.
pub fn follow<T>(url: String, event: &'static str, into: RwSignal<T>)
where
    T: serde::de::DeserializeOwned + PartialEq + Send + Sync + 'static,
{
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use wasm_bindgen::{closure::Closure, JsCast};
        let Ok(source) = web_sys::EventSource::new(&url) else {
            return;
        };
        let on_event = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |message: web_sys::MessageEvent| {
            let fresh = message.data().as_string().and_then(|d| serde_json::from_str::<T>(&d).ok());
            if let Some(fresh) = fresh.filter(|f| into.with_untracked(|now| now != f)) {
                into.set(fresh);
            }
        });
        let _ = source.add_event_listener_with_callback(event, on_event.as_ref().unchecked_ref());
        // The browser reconnects by itself after a network drop; the stream resends the state.
        let held = StoredValue::new_local((source, on_event));
        on_cleanup(move || held.with_value(|(source, _)| source.close()));
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (url, event, into);
}
