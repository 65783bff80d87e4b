//! The camera: the rear camera's frames, drawn to a canvas a few times a second and read for QR
//! codes: by the browser's own `BarcodeDetector` where there is one (phones), otherwise by
//! Gatehouse's decoder in WASM (`gatehouse::scanning`). A code read again within a few seconds is
//! the same ticket still in front of the camera, not a new scan.
use leptos::prelude::*;

/// Frames read a second: enough to feel instant, little enough to leave a phone cool.
#[cfg(feature = "hydrate")]
const FRAME_MS: u64 = 120;
/// The same code within this long is not sent again.
#[cfg(feature = "hydrate")]
const REPEAT_MS: f64 = 4000.0;

#[derive(Clone, Copy, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum State {
    Off,
    Starting,
    On,
}

/// `on_scan` gets each new code read; `decode_ms` the last frame's reading time. No frame is
/// read while `busy` (a scan is with the server), so none is lost.
#[component]
pub fn Camera(on_scan: Callback<String>, decode_ms: RwSignal<Option<f64>>, busy: RwSignal<bool>) -> impl IntoView {
    #[cfg(not(feature = "hydrate"))]
    let _ = (on_scan, decode_ms, busy);
    let state = RwSignal::new(State::Off);
    let problem = RwSignal::new(None::<String>);
    let torch = RwSignal::new(None::<bool>);
    let video = NodeRef::<leptos::html::Video>::new();
    #[cfg(feature = "hydrate")]
    let running = StoredValue::new_local(None::<live::Running>);
    let start = move |_| {
        #[cfg(feature = "hydrate")]
        {
            state.set(State::Starting);
            problem.set(None);
            leptos::task::spawn_local(async move {
                let Some(element) = video.get_untracked() else { return };
                match live::start(element, on_scan, decode_ms, busy).await {
                    Ok(run) => {
                        torch.set(run.torch_supported().then_some(false));
                        running.set_value(Some(run));
                        state.set(State::On);
                        super::phone::keep_setting(CAMERA_KEY, "on");
                    }
                    Err(message) => {
                        problem.set(Some(message));
                        state.set(State::Off);
                    }
                }
            });
        }
    };
    let stop = move |_| {
        #[cfg(feature = "hydrate")]
        running.update_value(|r| {
            if let Some(run) = r.take() {
                run.stop();
            }
        });
        super::phone::keep_setting(CAMERA_KEY, "off");
        state.set(State::Off);
        torch.set(None);
    };
    let toggle_torch = move |_| {
        #[cfg(feature = "hydrate")]
        running.with_value(|r| {
            if let (Some(run), Some(on)) = (r, torch.get_untracked()) {
                if run.set_torch(!on) {
                    torch.set(Some(!on));
                }
            }
        });
    };
    // A camera the operator left on comes back on with the page (the permission is remembered).
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if super::phone::setting(CAMERA_KEY).as_deref() == Some("on") && video.get().is_some() {
            start(());
        }
    });
    #[cfg(feature = "hydrate")]
    on_cleanup(move || {
        running.update_value(|r| {
            if let Some(run) = r.take() {
                run.stop();
            }
        })
    });
    view! {
        <div class="camera">
            <video node_ref=video class="viewfinder" playsinline=true muted=true
                hidden=move || state.get() == State::Off aria-label="Camera view"></video>
            {move || problem.get().map(|p| view! { <p class="problem" role="alert">{p}</p> })}
            <div class="camera-actions">
                {move || match state.get() {
                    State::Off => view! { <button type="button" on:click=move |_| start(())>"Start camera"</button> }.into_any(),
                    State::Starting => view! { <button type="button" disabled=true>"Starting camera…"</button> }.into_any(),
                    State::On => view! { <button type="button" class="secondary" on:click=move |_| stop(())>"Stop camera"</button> }.into_any(),
                }}
                {move || torch.get().map(|on| view! {
                    <button type="button" class="secondary" aria-pressed=on.to_string() on:click=toggle_torch>
                        {if on { "Light off" } else { "Light on" }}
                    </button>
                })}
            </div>
        </div>
    }
}

const CAMERA_KEY: &str = "gatehouse.scanner.camera";

#[cfg(feature = "hydrate")]
mod live {
    use super::{FRAME_MS, REPEAT_MS};
    use crate::scanner::phone::now_ms;
    use gatehouse::scanning::FrameReader;
    use leptos::prelude::*;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::js_sys::{Array, Object, Reflect};

    /// A started camera: its stream, and the timer reading its frames.
    pub struct Running {
        stream: web_sys::MediaStream,
        timer: IntervalHandle,
    }

    impl Running {
        pub fn stop(self) {
            self.timer.clear();
            for track in self.stream.get_tracks().iter() {
                if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                    track.stop();
                }
            }
        }

        fn track(&self) -> Option<web_sys::MediaStreamTrack> {
            self.stream.get_video_tracks().get(0).dyn_into().ok()
        }

        /// Whether the camera has a light the page may switch (phones' rear cameras, in Chrome).
        pub fn torch_supported(&self) -> bool {
            // getCapabilities is not in every browser (nor in web-sys' stable API): asked by name.
            let capabilities = self.track().and_then(|track| {
                let method = Reflect::get(&track, &"getCapabilities".into()).ok()?;
                method.dyn_into::<web_sys::js_sys::Function>().ok()?.call0(&track).ok()
            });
            capabilities.and_then(|c| Reflect::get(&c, &"torch".into()).ok()).is_some_and(|v| v.is_truthy())
        }

        pub fn set_torch(&self, on: bool) -> bool {
            let Some(track) = self.track() else { return false };
            let torch = Object::new();
            let _ = Reflect::set(&torch, &"torch".into(), &on.into());
            let constraints = Object::new();
            let _ = Reflect::set(&constraints, &"advanced".into(), &Array::of1(&torch));
            track.apply_constraints_with_constraints(constraints.unchecked_ref()).is_ok()
        }
    }

    /// Asks for the rear camera and starts reading its frames; `Err` is a message for the operator.
    pub async fn start(
        video: web_sys::HtmlVideoElement,
        on_scan: Callback<String>,
        decode_ms: RwSignal<Option<f64>>,
        asking: RwSignal<bool>,
    ) -> Result<Running, String> {
        let devices = window().navigator().media_devices().map_err(|_| no_secure_context())?;
        let video_wanted = Object::new();
        let facing = Object::new();
        let _ = Reflect::set(&facing, &"ideal".into(), &"environment".into());
        let _ = Reflect::set(&video_wanted, &"facingMode".into(), &facing);
        let width = Object::new();
        let _ = Reflect::set(&width, &"ideal".into(), &1280.into());
        let _ = Reflect::set(&video_wanted, &"width".into(), &width);
        let constraints = web_sys::MediaStreamConstraints::new();
        constraints.set_video(&video_wanted);
        constraints.set_audio(&JsValue::FALSE);
        let asked = devices.get_user_media_with_constraints(&constraints).map_err(|_| no_secure_context())?;
        let stream: web_sys::MediaStream =
            JsFuture::from(asked).await.map_err(|e| refusal(&e))?.dyn_into().map_err(|_| unknown())?;
        video.set_src_object(Some(&stream));
        let _ = video.play().map(JsFuture::from);
        let canvas: web_sys::HtmlCanvasElement =
            document().create_element("canvas").map_err(|_| unknown())?.dyn_into().map_err(|_| unknown())?;
        let options = Object::new();
        let _ = Reflect::set(&options, &"willReadFrequently".into(), &JsValue::TRUE);
        let context: web_sys::CanvasRenderingContext2d = canvas
            .get_context_with_context_options("2d", &options)
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into().ok())
            .ok_or_else(unknown)?;
        let detector = native_detector();
        let reader = StoredValue::new_local(FrameReader::new());
        let last = StoredValue::new_local((String::new(), f64::MIN));
        let busy = StoredValue::new_local(false);
        let tick = move || {
            if busy.get_value() || asking.get_untracked() || video.ready_state() < 2 || video.video_width() == 0 {
                return;
            }
            let seen = move |text: String| {
                let now = now_ms();
                let repeat = last.with_value(|(code, at)| *code == text && now - at < REPEAT_MS);
                last.set_value((text.clone(), now));
                if !repeat {
                    on_scan.run(text);
                }
            };
            // Keep within what the decoder searches whole: a phone's 1920×1080 drawn at 960×540.
            let scale = (960.0 / f64::from(video.video_width())).min(1.0);
            let (w, h) =
                ((f64::from(video.video_width()) * scale) as u32, (f64::from(video.video_height()) * scale) as u32);
            if canvas.width() != w || canvas.height() != h {
                canvas.set_width(w);
                canvas.set_height(h);
            }
            if context.draw_image_with_html_video_element_and_dw_and_dh(&video, 0.0, 0.0, w.into(), h.into()).is_err() {
                return;
            }
            if let Some(detector) = detector.clone() {
                busy.set_value(true);
                let canvas = canvas.clone();
                leptos::task::spawn_local(async move {
                    let started = now_ms();
                    if let Some(text) = detect(&detector, &canvas).await {
                        seen(text);
                    }
                    decode_ms.set(Some(now_ms() - started));
                    busy.set_value(false);
                });
                return;
            }
            let Ok(image) = context.get_image_data(0.0, 0.0, w.into(), h.into()) else { return };
            let started = now_ms();
            let read = reader.try_update_value(|r| r.read(&image.data(), w, h));
            decode_ms.set(Some(now_ms() - started));
            if let Some(Ok(texts)) = read {
                if let Some(text) = texts.into_iter().next() {
                    seen(text);
                }
            }
        };
        let timer =
            set_interval_with_handle(tick, std::time::Duration::from_millis(FRAME_MS)).map_err(|_| unknown())?;
        Ok(Running { stream, timer })
    }

    /// The browser's own QR reader, where it has one for QR codes.
    fn native_detector() -> Option<JsValue> {
        let class =
            Reflect::get(&window(), &"BarcodeDetector".into()).ok()?.dyn_into::<web_sys::js_sys::Function>().ok()?;
        let options = Object::new();
        let _ = Reflect::set(&options, &"formats".into(), &Array::of1(&"qr_code".into()));
        Reflect::construct(&class, &Array::of1(&options)).ok()
    }

    async fn detect(detector: &JsValue, canvas: &web_sys::HtmlCanvasElement) -> Option<String> {
        let detect: web_sys::js_sys::Function = Reflect::get(detector, &"detect".into()).ok()?.dyn_into().ok()?;
        let promise: web_sys::js_sys::Promise = detect.call1(detector, canvas).ok()?.dyn_into().ok()?;
        let found: Array = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
        Reflect::get(&found.get(0), &"rawValue".into()).ok()?.as_string()
    }

    fn refusal(error: &JsValue) -> String {
        let name = Reflect::get(error, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
        match name.as_str() {
            "NotAllowedError" | "SecurityError" => {
                "The camera was not allowed. Allow it for this site in the browser's settings, or type codes below."
                    .into()
            }
            "NotFoundError" | "OverconstrainedError" => {
                "This device has no camera the scanner can use. Type codes below or use a handheld scanner.".into()
            }
            "NotReadableError" => "The camera is busy in another app. Close it and try again.".into(),
            _ => unknown(),
        }
    }

    fn no_secure_context() -> String {
        "The camera works only on a secure page (https). Ask your administrator, or type codes below.".into()
    }

    fn unknown() -> String {
        "The camera could not be started. Type codes below or use a handheld scanner.".into()
    }
}
