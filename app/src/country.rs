//! The "Phone country" field of every form that takes a phone (booking, shop checkout, shop
//! lookup): the countries by name with their calling codes, the chosen one kept in a signal.
use gatehouse::contact::COUNTRIES;
use leptos::prelude::*;

/// `changed`: run after the choice moved (to check the phone again against the new country).
#[component]
pub fn CountryField(chosen: RwSignal<String>, #[prop(optional)] changed: Option<Callback<()>>) -> impl IntoView {
    view! {
        <div class="field">
            <label for="country">"Phone country"</label>
            <select id="country" name="country"
                on:change=move |ev| {
                    chosen.set(event_target_value(&ev));
                    if let Some(changed) = changed {
                        changed.run(());
                    }
                }>
                {COUNTRIES.iter().map(|c| view! {
                    <option value=c.iso selected=c.iso == chosen.get_untracked()>{format!("{} (+{})", c.name, c.calling_code)}</option>
                }).collect_view()}
            </select>
        </div>
    }
}
