//! The cart: what it holds, for how long, quantities to change, and the way to checkout.
use super::actions::{ShopEmpty, ShopSet};
use super::data::{CartLineView, CartView};
use leptos::form::ActionForm;
use leptos::prelude::*;

/// The cart's forms, made once per page so their results survive the page's re-renders.
#[derive(Clone, Copy)]
pub struct CartActions {
    pub set: ServerAction<ShopSet>,
    pub empty: ServerAction<ShopEmpty>,
}

impl CartActions {
    pub fn new() -> Self {
        Self { set: ServerAction::new(), empty: ServerAction::new() }
    }

    /// Bumps on every answer, for the page's data to be read again.
    pub fn version(&self) -> usize {
        self.set.version().get() + self.empty.version().get()
    }

    /// The last refusal of either form.
    pub fn problem(&self) -> Option<String> {
        let set = self.set.value().get().and_then(Result::err);
        set.or_else(|| self.empty.value().get().and_then(Result::err)).map(|e| e.message)
    }
}

/// `checkout`: on the checkout page the cart offers no link to itself.
#[component]
pub fn CartPanel(cart: CartView, actions: CartActions, expired: Callback<()>, checkout: bool) -> impl IntoView {
    let CartActions { set, empty } = actions;
    let has_live = !cart.is_empty();
    let countdown = cart
        .seconds_left()
        .zip(cart.held_until.clone())
        .filter(|_| has_live)
        .map(|(seconds, until)| view! { <Countdown seconds until expired/> });
    let lines = cart.lines.clone();
    view! {
        <section class="card cart" id="cart" aria-labelledby="cart-title">
            <h2 id="cart-title">"Your cart"</h2>
            {countdown}
            {if lines.is_empty() {
                view! { <p class="empty">"Nothing in your cart yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="lines">
                        {lines.into_iter().map(|line| view! { <Line line set/> }).collect_view()}
                    </ul>
                    {cart.subtotal.clone().map(|s| view! { <p class="subtotal"><span>"Subtotal"</span><strong>{s}</strong></p> })}
                    <div class="cart-actions">
                        {(has_live && !checkout).then(|| view! { <a class="button" href="/shop/checkout">"Check out"</a> })}
                        <ActionForm action=empty attr:class="inline">
                            <button type="submit" class="secondary">"Empty cart"</button>
                        </ActionForm>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Line(line: CartLineView, set: ServerAction<ShopSet>) -> impl IntoView {
    let CartLineView { product_id, name, quantity, unit_price, line_total, max, expired } = line;
    let field = format!("qty-{product_id}");
    let label = format!("Quantity of {name}");
    let remove_label = format!("Remove {name}");
    let again = quantity.min(max);
    view! {
        <li class="line" class:expired=expired data-product=product_id.to_string()>
            <p class="line-name"><strong>{name.clone()}</strong><span class="muted">{format!(" {unit_price} each")}</span></p>
            {if expired {
                view! {
                    <p class="problem">{if max > 0 {
                        format!("Your hold ran out. {max} still available.")
                    } else {
                        "Your hold ran out, and it is sold out now.".to_string()
                    }}</p>
                    {(max > 0).then(|| view! {
                        <ActionForm action=set attr:class="inline">
                            <input type="hidden" name="product" value=product_id.to_string()/>
                            <input type="hidden" name="quantity" value=again.to_string()/>
                            <button type="submit">{format!("Hold {again} again")}</button>
                        </ActionForm>
                    })}
                }.into_any()
            } else {
                view! {
                    <ActionForm action=set attr:class="quantity">
                        <input type="hidden" name="product" value=product_id.to_string()/>
                        <label for=field.clone() class="visually-hidden">{label}</label>
                        <input id=field type="number" name="quantity" inputmode="numeric" min="0" max=max.max(quantity).to_string()
                            value=quantity.to_string() required/>
                        <button type="submit" class="secondary">"Update"</button>
                    </ActionForm>
                    <p class="line-total">{line_total}</p>
                }.into_any()
            }}
            <ActionForm action=set attr:class="inline">
                <input type="hidden" name="product" value=product_id.to_string()/>
                <input type="hidden" name="quantity" value="0"/>
                <button type="submit" class="link" aria-label=remove_label>"Remove"</button>
            </ActionForm>
        </li>
    }
}

/// "Held for you until 2:35 PM · 9:41 left": the minutes tick in the browser from the seconds
/// the server counted, so a wrong device clock does not matter. At zero the page reads its
/// data again and shows what ran out.
#[component]
fn Countdown(seconds: i64, until: String, expired: Callback<()>) -> impl IntoView {
    let left = RwSignal::new(seconds);
    #[cfg(feature = "hydrate")]
    {
        let started = web_sys::js_sys::Date::now();
        if let Ok(handle) = set_interval_with_handle(
            move || {
                let now = seconds - ((web_sys::js_sys::Date::now() - started) / 1000.0) as i64;
                let was = left.get_untracked();
                left.set(now.max(0));
                if now <= 0 && was > 0 {
                    expired.run(());
                }
            },
            std::time::Duration::from_secs(1),
        ) {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = expired;
    let clock = move || {
        let s = left.get();
        format!("{}:{:02} left", s / 60, s % 60)
    };
    view! {
        <p class="countdown" data-seconds=move || left.get().to_string()>
            "Held for you until "<strong>{until}</strong>" · "<span class="left">{clock}</span>
        </p>
    }
}
