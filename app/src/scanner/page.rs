//! `/operator/scan`: the door. Scans come from the camera, a keyboard-wedge scanner or typing;
//! each is checked on the server and its result fills the screen. The page is a shell the server
//! renders the same for everyone (so the device can keep it for offline use); who is signed in is
//! asked once the client runs.
use super::camera::Camera;
use super::door::{door_admit, door_check, DoorAnswer};
use super::offline;
use super::phone;
use super::result::ScanResult;
use crate::error::AppError;
use crate::staff::account::{staff_signed_in, SignedIn};
use crate::title::PageTitle;
use gatehouse::admission::shift::ShiftTally;
use gatehouse::admission::verdict::Verdict;
use gatehouse::staff::Role;
use gatehouse::tickets::code::TicketCode;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Redirect;

const DEVICE_KEY: &str = "gatehouse.scanner.device";
const ONE_TAP_KEY: &str = "gatehouse.scanner.one-tap";
/// Who signed in on this device, kept so that the door opens with no network too.
const STAFF_KEY: &str = "gatehouse.scanner.staff";

/// The signed-in operator and whether the server said so: from the server, or, when it cannot be
/// reached, as this device last knew them (their session is checked again with the first scan
/// sent).
async fn operator() -> Result<Option<(SignedIn, bool)>, crate::error::AppError> {
    match staff_signed_in(Role::Operator).await {
        Ok(found) => {
            let kept = found.as_ref().and_then(|s| serde_json::to_string(s).ok()).unwrap_or_default();
            phone::keep_setting(STAFF_KEY, &kept);
            Ok(found.map(|staff| (staff, true)))
        }
        Err(e) if e.code == "NETWORK" => {
            match phone::setting(STAFF_KEY).and_then(|kept| serde_json::from_str::<SignedIn>(&kept).ok()) {
                Some(kept) => Ok(Some((kept, false))),
                None => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

#[component]
pub fn ScanPage() -> impl IntoView {
    let who = LocalResource::new(operator);
    phone::install_service_worker();
    view! {
        <PageTitle text="Scanner"/>
        <noscript><p class="card problem">"The scanner needs JavaScript. Turn it on for this site, or use a device that has it."</p></noscript>
        <Suspense fallback=|| view! { <p class="card" aria-busy="true">"Starting the scanner…"</p> }>
            {move || Suspend::new(async move { match who.await {
                Ok(Some((staff, reached))) => EitherOf3::A(view! { <Door staff reached/> }),
                Ok(None) => EitherOf3::B(view! { <Redirect path=crate::staff::login_path(Role::Operator)/> }),
                Err(e) => EitherOf3::C(view! { <p class="card problem" role="alert">{e.message}</p> }),
            }})}
        </Suspense>
    }
}

/// What an operator asks at the door.
#[derive(Clone)]
enum Ask {
    Check(String),
    Admit {
        ticket: gatehouse::ids::TicketId,
        code: String,
    },
    /// Offline: admit a ticket whose signed QR code checked out.
    AdmitOffline {
        code: String,
        scanned: String,
    },
}

/// The answer to `what`: from the server, or, when it cannot be reached, from the device alone
/// (`offline`). One tap admits a valid ticket at once.
async fn decide(
    what: Ask,
    csrf: String,
    device: String,
    one_tap: bool,
    online: RwSignal<bool>,
) -> Result<(Verdict, Option<ShiftTally>), AppError> {
    let unreachable = || AppError::new("NETWORK", "");
    let answer = match &what {
        Ask::Check(text) if online.get_untracked() => door_check(csrf.clone(), device.clone(), text.clone()).await,
        Ask::Admit { ticket, code } => door_admit(csrf.clone(), device.clone(), *ticket, code.clone()).await,
        _ => Err(unreachable()),
    };
    let answer = match answer {
        Ok(DoorAnswer { verdict: Verdict::Valid(entry), .. }) if one_tap => {
            door_admit(csrf, device, entry.ticket_id, entry.code).await
        }
        other => other,
    };
    match answer {
        Ok(DoorAnswer { verdict, tally }) => {
            online.set(true);
            Ok((verdict, Some(tally)))
        }
        Err(e) if e.code == "NETWORK" => {
            online.set(false);
            let verdict = match what {
                Ask::Check(text) => offline::check(&text).await,
                Ask::AdmitOffline { code, scanned } => admit_offline(&code, &scanned).await?,
                // Checked online, the network gone before the admission: the check is sound.
                Ask::Admit { .. } => {
                    return Err(AppError::new("NETWORK", "The network dropped. Scan the ticket's QR code again."))
                }
            };
            match verdict {
                Verdict::ValidOffline { code, scanned } if one_tap => Ok((admit_offline(&code, &scanned).await?, None)),
                verdict => Ok((verdict, None)),
            }
        }
        Err(e) => Err(e),
    }
}

async fn admit_offline(code: &str, scanned: &str) -> Result<Verdict, AppError> {
    offline::admit(code, scanned).await.ok_or_else(|| {
        AppError::new("NOT_KEPT", "This device could not keep the admission, so nothing was admitted. Try again.")
    })
}

/// `reached`: whether the server answered as the page opened.
#[component]
fn Door(staff: SignedIn, reached: bool) -> impl IntoView {
    let csrf = StoredValue::new(staff.csrf.clone());
    let device = RwSignal::new(phone::setting(DEVICE_KEY).unwrap_or_default());
    let one_tap = RwSignal::new(phone::setting(ONE_TAP_KEY).as_deref() == Some("on"));
    let shown = RwSignal::new(None::<Verdict>);
    let tally = RwSignal::new(None::<ShiftTally>);
    let busy = RwSignal::new(false);
    let server_ms = RwSignal::new(None::<f64>);
    let decode_ms = RwSignal::new(None::<f64>);
    let problem = RwSignal::new(None::<String>);
    let online = RwSignal::new(reached && phone::online());
    let waiting = RwSignal::new(0usize);
    let keys_kept = RwSignal::new(false);
    let conflicts = RwSignal::new(Vec::<String>::new());

    // Sends what was admitted offline; the answer names any ticket admitted twice.
    let sync = move || {
        spawn_local(async move {
            match offline::sync(csrf.get_value(), device.get_untracked()).await {
                Ok(Some(answer)) => {
                    online.set(true);
                    tally.set(Some(answer.tally));
                    let twice = answer.scans.iter().filter(|s| s.conflict).map(|s| s.verdict.code().to_string());
                    conflicts.update(|c| c.extend(twice));
                }
                Ok(None) => {}
                Err(e) if e.code == "NETWORK" => online.set(false),
                Err(e) => problem.set(Some(e.message)),
            }
            waiting.set(offline::waiting().await);
        });
    };
    spawn_local(async move {
        if reached && offline::refresh_keys(csrf.get_value()).await.is_ok() {
            keys_kept.set(true);
            sync();
        }
        waiting.set(offline::waiting().await);
    });
    #[cfg(feature = "hydrate")]
    {
        let on = window_event_listener(leptos::ev::online, move |_| {
            online.set(true);
            sync();
        });
        let off = window_event_listener(leptos::ev::offline, move |_| online.set(false));
        on_cleanup(move || {
            on.remove();
            off.remove();
        });
    }

    let ask = move |what: Ask| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            let started = phone::now_ms();
            let decided = decide(what, csrf.get_value(), device.get_untracked(), one_tap.get_untracked(), online).await;
            server_ms.set(Some(phone::now_ms() - started));
            match decided {
                Ok((verdict, fresh)) => {
                    phone::signal(verdict.tone());
                    shown.set(Some(verdict));
                    if fresh.is_some() {
                        tally.set(fresh);
                    }
                }
                Err(e) if e.code == "NOT_SIGNED_IN" => {
                    let _ = leptos::prelude::window().location().set_href(crate::staff::login_path(Role::Operator));
                }
                Err(e) => problem.set(Some(e.message)),
            }
            waiting.set(offline::waiting().await);
            busy.set(false);
        });
    };
    let next = Callback::new(move |_| shown.set(None));
    // Focus follows the screen: the result's first button when one shows (Enter admits or moves
    // on), the code field when it goes.
    Effect::new(move |_| focus(if shown.with(Option::is_some) { ".result button" } else { "#manual-code" }));
    let admit = Callback::new(move |_| match shown.get_untracked() {
        Some(Verdict::Valid(entry)) => ask(Ask::Admit { ticket: entry.ticket_id, code: entry.code }),
        Some(Verdict::ValidOffline { code, scanned }) => ask(Ask::AdmitOffline { code, scanned }),
        _ => {}
    });
    wedge(move |text| ask(Ask::Check(text)));

    view! {
        <header class="door-bar">
            <p class="brand">"Gatehouse scanner"</p>
            <p class="who">{staff.display_name.clone()}" · "{staff.organization.clone()}</p>
            <p class=move || if online.get() { "connection online" } else { "connection offline" } role="status">
                {move || if online.get() { "● Online" } else { "○ Offline" }}
            </p>
            <a class="counter-link" href="/operator/counter">"Shop counter"</a>
            <ShiftCount tally/>
            {move || (waiting.get() > 0).then(|| view! {
                <p class="waiting" role="status">
                    {format!("{} admitted offline, waiting to be sent. ", waiting.get())}
                    <button type="button" class="secondary" on:click=move |_| sync()>"Send now"</button>
                </p>
            })}
            {move || (!conflicts.with(Vec::is_empty)).then(|| view! {
                <p class="problem" role="alert">
                    {format!("Admitted at another door first (recorded as a conflict): {}", conflicts.get().join(", "))}
                </p>
            })}
        </header>
        {move || shown.get().map(|verdict| view! { <ScanResult verdict busy admit next/> })}
        <section class="card door" aria-labelledby="door-title" hidden=move || shown.with(Option::is_some)
            data-keys-kept=move || keys_kept.get().to_string()>
            <h1 id="door-title">"Scan a ticket"</h1>
            <Camera on_scan=Callback::new(move |text| ask(Ask::Check(text))) decode_ms busy/>
            <ManualEntry busy on_code=move |code| ask(Ask::Check(code))/>
            {move || problem.get().map(|p| view! { <p class="problem" role="alert">{p}</p> })}
            <p class="timing muted"
                data-server-ms=move || server_ms.get().map(|ms| format!("{ms:.0}"))
                data-decode-ms=move || decode_ms.get().map(|ms| format!("{ms:.1}"))>
                {move || server_ms.get().map(|ms| format!("Last answer in {ms:.0} ms"))}
            </p>
            <details class="settings">
                <summary>"Scanner settings"</summary>
                <div class="field">
                    <label for="device">"This device's name (for the check-in log)"</label>
                    <input id="device" type="text" maxlength="40" placeholder="North door phone"
                        prop:value=move || device.get()
                        on:change=move |ev| {
                            let name = event_target_value(&ev);
                            phone::keep_setting(DEVICE_KEY, &name);
                            device.set(name);
                        }/>
                </div>
                <label class="check">
                    <input type="checkbox" prop:checked=move || one_tap.get()
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            phone::keep_setting(ONE_TAP_KEY, if on { "on" } else { "off" });
                            one_tap.set(on);
                        }/>
                    " One-tap mode: admit valid tickets at once"
                </label>
            </details>
            <form method="post" action="/sfn/staff_sign_out" class="sign-out"
                on:submit=move |_| phone::keep_setting(STAFF_KEY, "")>
                <input type="hidden" name="csrf" value=staff.csrf.clone()/>
                <button type="submit" class="secondary">"Sign out"</button>
            </form>
        </section>
    }
}

/// The operator's count since they signed in: admitted, and turned away by reason.
#[component]
fn ShiftCount(tally: RwSignal<Option<ShiftTally>>) -> impl IntoView {
    view! {
        <p class="shift" aria-live="polite">
            {move || tally.get().map(|t| {
                let reasons = t.refused.iter().map(|(reason, n)| format!("{n} {}", reason_name(reason))).collect::<Vec<_>>().join(", ");
                let refused = if reasons.is_empty() { "0".to_string() } else { format!("{} ({reasons})", t.refused_total()) };
                format!("This shift: {} admitted · refused {refused}", t.admitted)
            }).unwrap_or_else(|| "This shift: nothing scanned yet".into())}
        </p>
    }
}

fn reason_name(code: &str) -> &'static str {
    match code {
        "WRONG_DATE" => "wrong date",
        "ALREADY_VERIFIED" => "already verified",
        "NO_RESERVATION" => "no reservation",
        "TICKET_NOT_FOUND" => "not found",
        "TICKET_EXPIRED" => "expired",
        "TICKET_NOT_ACTIVATED" => "not paid",
        "CONFLICT" => "admitted offline after another scan",
        _ => "invalid",
    }
}

/// Typing a code: its check character catches a typo before anything is sent.
#[component]
fn ManualEntry(busy: RwSignal<bool>, on_code: impl Fn(String) + Copy + 'static) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let refused = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = typed.get_untracked();
        // A handheld scanner reading a QR code types its signed payload: taken as it is.
        if gatehouse::tickets::signed::SignedTicket::is_payload(text.trim()) {
            refused.set(None);
            typed.set(String::new());
            on_code(text.trim().to_string());
            return;
        }
        match TicketCode::parse(&text) {
            Ok(code) => {
                refused.set(None);
                typed.set(String::new());
                on_code(code.as_str().to_string());
            }
            Err(e) => refused.set(Some(e.to_string())),
        }
    };
    view! {
        <form class="stack manual" on:submit=submit>
            <div class="field">
                <label for="manual-code">"Ticket code"</label>
                <input id="manual-code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false"
                    placeholder="TKT-…" aria-describedby="manual-hint"
                    aria-invalid=move || refused.with(Option::is_some).to_string()
                    prop:value=move || typed.get()
                    on:input=move |ev| { typed.set(event_target_value(&ev)); refused.set(None); }/>
                <p id="manual-hint" class="hint" aria-live="polite">
                    {move || refused.get().map_or_else(
                        || view! { <span>"Type the code under the QR, or scan with a handheld scanner."</span> }.into_any(),
                        |r| view! { <span class="problem">"✗ "{r}</span> }.into_any())}
                </p>
            </div>
            <button type="submit" disabled=move || busy.get()>"Check ticket"</button>
        </form>
    }
}

/// Moves focus to the first element matching `selector`, once the screen shows it.
fn focus(selector: &'static str) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        let found = document().query_selector(selector).ok().flatten();
        if let Some(element) = found.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = element.focus();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = selector;
}

/// A keyboard-wedge scanner (USB or Bluetooth) types a code in a burst and ends it with Enter.
/// Keys that arrive that fast outside a text field are taken as one scan, whatever has focus; a
/// person typing is far slower, and types into the code field anyway.
fn wedge(on_scan: impl Fn(String) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        /// The longest pause between two keys of one scan.
        const BURST_MS: f64 = 60.0;
        let buffer = StoredValue::new_local((String::new(), 0.0_f64));
        let handle = window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
            use wasm_bindgen::JsCast;
            let in_field = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
            if in_field {
                return;
            }
            let now = phone::now_ms();
            let key = ev.key();
            buffer.update_value(|(text, last)| {
                if now - *last > BURST_MS {
                    text.clear();
                }
                *last = now;
                if key == "Enter" && text.len() >= 8 {
                    // The Enter ends the scan; it must not also press the focused button.
                    ev.prevent_default();
                    on_scan(std::mem::take(text));
                } else if key.chars().count() == 1 {
                    text.push_str(&key);
                }
            });
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = on_scan;
}
