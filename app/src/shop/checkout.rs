//! `/shop/checkout`: the cart with its live price, a pickup time from the quiet and busy windows
//! of the coming days, a discount code, and the customer's name and phone.
use super::actions::{ShopCheckout, ShopWindow};
use super::cart::{CartActions, CartPanel};
use super::data::{shop_checkout_view, CheckoutView, PriceView, WindowChoice};
use super::param;
use crate::booking::CheckPhone;
use crate::country::CountryField;
use crate::portal::contact_form::hint;
use crate::title::PageTitle;
use gatehouse::contact::typed_phone;
use gatehouse::shop::input::MAX_INSTRUCTIONS;
use leptos::either::{Either, EitherOf3};
use leptos::form::ActionForm;
use leptos::prelude::*;

#[derive(Clone, Copy)]
struct Forms {
    cart: CartActions,
    window: ServerAction<ShopWindow>,
    checkout: ServerAction<ShopCheckout>,
}

#[component]
pub fn CheckoutPage() -> impl IntoView {
    let forms = Forms { cart: CartActions::new(), window: ServerAction::new(), checkout: ServerAction::new() };
    let ran_out = RwSignal::new(0usize);
    let expired = Callback::new(move |()| ran_out.update(|n| *n += 1));
    let (day, discount) = (param("day"), param("discount"));
    let page = Resource::new(
        // Not read again when a window is chosen: the radio already shows it, and what is typed
        // in the form stays.
        move || (day.get(), discount.get(), forms.cart.version(), ran_out.get()),
        |(day, discount, ..)| shop_checkout_view(day, discount),
    );
    let problem = move || {
        let window = forms.window.value().get().and_then(Result::err).map(|e| e.message);
        window.or_else(|| forms.cart.problem())
    };
    view! {
        <PageTitle text="Check out"/>
        <p><a href="/shop">"‹ Back to the shop"</a></p>
        <h1>"Check out"</h1>
        <p class="problem" role="alert">{problem}</p>
        <Transition fallback=|| view! { <p class="card" aria-busy="true">"Loading your cart…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) if page.cart.is_empty() => EitherOf3::A(view! {
                        <CartPanel cart=page.cart actions=forms.cart expired checkout=true/>
                        <p><a class="button" href="/shop">"Choose products"</a></p>
                    }),
                    Ok(page) => EitherOf3::B(view! { <Checkout page forms expired/> }),
                    Err(e) => EitherOf3::C(view! { <p class="card problem" role="alert">{e.message}</p> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn Checkout(page: CheckoutView, forms: Forms, expired: Callback<()>) -> impl IntoView {
    let CheckoutView { cart, days, day, windows, price, discount, .. } = page;
    let applied = discount.as_ref().filter(|(_, verdict)| verdict.is_ok()).map(|(code, _)| code.clone());
    let typed = discount.as_ref().map(|(code, _)| code.clone()).unwrap_or_default();
    view! {
        <div class="shop-layout checkout-layout">
            <div class="stack summary">
                <CartPanel cart actions=forms.cart expired checkout=true/>
                {price.map(|price| view! { <PriceBox price/> })}
                <form method="get" action="/shop/checkout" class="card discount" aria-labelledby="discount-title">
                    <h2 id="discount-title">"Discount code"</h2>
                    <input type="hidden" name="day" value=day.to_string()/>
                    <div class="field inline-field">
                        <label for="discount" class="visually-hidden">"Discount code"</label>
                        <input id="discount" name="discount" type="text" value=typed autocapitalize="characters" autocomplete="off"/>
                        <button type="submit" class="secondary">"Apply"</button>
                    </div>
                    {discount.map(|(_, verdict)| match verdict {
                        Ok(taken) => Either::Left(view! { <p class="ok" role="status">"✓ "{taken}</p> }),
                        Err(why) => Either::Right(view! { <p class="problem" role="alert">{why}</p> }),
                    })}
                </form>
            </div>
            <CheckoutForm days day windows applied forms/>
        </div>
    }
}

#[component]
fn PriceBox(price: PriceView) -> impl IntoView {
    view! {
        <section class="card price" aria-labelledby="price-title" aria-live="polite">
            <h2 id="price-title">"Price"</h2>
            <dl class="facts">
                <dt>"Subtotal"</dt><dd>{price.subtotal}</dd>
                {price.discount.map(|d| view! { <dt>"Discount"</dt><dd>{d}</dd> })}
                <dt>"Total"</dt><dd class="total">{price.total}</dd>
            </dl>
            <p class="muted">"You pay at pickup."</p>
        </section>
    }
}

#[component]
fn CheckoutForm(
    days: Vec<super::data::PickupDay>,
    day: chrono::NaiveDate,
    windows: Vec<WindowChoice>,
    applied: Option<String>,
    forms: Forms,
) -> impl IntoView {
    let code = applied.clone().unwrap_or_default();
    let day_links = days
        .into_iter()
        .map(|d| {
            let mut href = format!("/shop/checkout?day={}", d.date);
            if let Some(code) = &applied {
                href.push_str(&format!("&discount={code}"));
            }
            let current = (d.date == day).then_some("date");
            view! { <li><a href=href aria-current=current>{d.label}</a></li> }
        })
        .collect_view();
    let refusal = move |fields: &[&str]| {
        forms
            .checkout
            .value()
            .get()
            .and_then(Result::err)
            .filter(|e| fields.contains(&e.code.as_str()))
            .map(|e| e.message)
    };
    let other = move || {
        const AT_FIELDS: &[&str] = &["NAME_REQUIRED", "INVALID_PHONE", "PHONE_LETTERS", "INVALID_EMAIL", "TOO_LONG"];
        forms
            .checkout
            .value()
            .get()
            .and_then(Result::err)
            .filter(|e| !AT_FIELDS.contains(&e.code.as_str()))
            .map(|e| e.message)
    };
    view! {
        <section class="card" aria-labelledby="pickup-title">
            <h2 id="pickup-title">"Pickup"</h2>
            <nav aria-label="Pickup day"><ul class="days">{day_links}</ul></nav>
            <ActionForm action=forms.checkout attr:class="stack checkout">
                <input type="hidden" name="discount" value=code/>
                <fieldset class="windows">
                    <legend>"Pickup time"</legend>
                    <p class="muted">"Quiet times mean no queue at the counter. Times that have begun are not listed."</p>
                    {if windows.is_empty() {
                        Either::Left(view! { <p class="empty">"No pickup times on this day: choose another."</p> })
                    } else {
                        Either::Right(windows.into_iter().map(|w| view! { <Window w hold=forms.window/> }).collect_view())
                    }}
                </fieldset>
                <div class="field">
                    <label for="name">"Name"</label>
                    <input id="name" name="name" type="text" autocomplete="name" required maxlength="100"/>
                    <p class="hint problem">{move || refusal(&["NAME_REQUIRED"])}</p>
                </div>
                <PhoneFields refused=Signal::derive(move || refusal(&["INVALID_PHONE", "PHONE_LETTERS"]))/>
                <div class="field">
                    <label for="email">"Email "<span class="muted">"(optional)"</span></label>
                    <input id="email" name="email" type="email" autocomplete="email"/>
                    <p class="hint problem">{move || refusal(&["INVALID_EMAIL"])}</p>
                </div>
                <div class="field">
                    <label for="instructions">"Anything we should know? "<span class="muted">"(optional)"</span></label>
                    <textarea id="instructions" name="instructions" rows="2" maxlength=MAX_INSTRUCTIONS.to_string()
                        aria-describedby="instructions-hint"></textarea>
                    <p id="instructions-hint" class="hint">{format!("At most {MAX_INSTRUCTIONS} characters.")}</p>
                    <p class="hint problem">{move || refusal(&["TOO_LONG"])}</p>
                </div>
                <p class="problem" role="alert">{other}</p>
                <button type="submit" disabled=move || forms.checkout.pending().get()>"Reserve for pickup"</button>
            </ActionForm>
        </section>
    }
}

/// A pickup window to choose: full and past ones are shown but cannot be chosen. Choosing one
/// holds a place in it at once (with JavaScript); the checkout takes it either way.
#[component]
fn Window(w: WindowChoice, hold: ServerAction<ShopWindow>) -> impl IntoView {
    let WindowChoice { id, label, load, left, held } = w;
    let open = load.is_open();
    let state = load.words();
    let detail = match (open, left) {
        (false, _) => state.to_string(),
        (true, 1) => format!("{state} · 1 place left"),
        (true, n) => format!("{state} · {n} places left"),
    };
    let field = format!("window-{id}");
    let label_for = field.clone();
    view! {
        <label for=label_for class="window" data-load=state.to_lowercase() class:disabled=!open>
            <input id=field type="radio" name="window" value=id.to_string() checked=held disabled=!open required
                on:change=move |_| { hold.dispatch(ShopWindow { window: id }); }/>
            <span class="time">{label}</span>
            <span class="load">{detail}</span>
        </label>
    }
}

/// Country and phone, the phone checked against the country's numbering plan as it is left, as
/// on the booking pages.
#[component]
fn PhoneFields(refused: Signal<Option<String>>) -> impl IntoView {
    let phone = RwSignal::new(String::new());
    let country = RwSignal::new("US".to_string());
    let edited = RwSignal::new(false);
    let checked = ServerAction::<CheckPhone>::new();
    let check = move || {
        let p = phone.get_untracked();
        if typed_phone(&p).is_ok() && p.chars().filter(char::is_ascii_digit).count() >= 6 {
            checked.dispatch(CheckPhone { phone: p, country: country.get_untracked() });
        }
    };
    let shown = move || {
        if !edited.get() {
            return refused.get().map(Err);
        }
        if let Err(e) = typed_phone(&phone.get()) {
            return Some(Err(e.to_string()));
        }
        checked.value().get().map(|r| r.map_err(|e| e.message))
    };
    view! {
        <CountryField chosen=country changed=Callback::new(move |()| check())/>
        <div class="field">
            <label for="phone">"Phone"</label>
            <input id="phone" name="phone" type="tel" autocomplete="tel" required placeholder="(202) 555-1234"
                aria-describedby="phone-hint" aria-invalid=move || shown().is_some_and(|h| h.is_err()).to_string()
                on:input=move |ev| { phone.set(event_target_value(&ev)); edited.set(true); }
                on:change=move |_| check()/>
            <p id="phone-hint" class="hint" aria-live="polite">{move || hint(shown())}</p>
        </div>
    }
}
