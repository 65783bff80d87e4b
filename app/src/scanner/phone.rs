//! What the scanner asks of the device it runs on: settings kept on it, whether it is online,
//! a beep and a buzz with each result, a clock for timings. In the browser only; rendered on the
//! server, each answers as a device with none of these would.
use gatehouse::admission::verdict::Tone;

/// A setting kept on this device (the device's name, one-tap mode).
pub fn setting(key: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::window().local_storage().ok().flatten()?.get_item(key).ok().flatten()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        None
    }
}

pub fn keep_setting(key: &str, value: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(storage) = leptos::prelude::window().local_storage().ok().flatten() {
        let _ = storage.set_item(key, value);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, value);
}

/// Registers the scanner's service worker, which keeps the page and its client for use offline
/// (`public/scanner-sw.js`).
pub fn install_service_worker() {
    #[cfg(feature = "hydrate")]
    {
        let options = web_sys::RegistrationOptions::new();
        options.set_scope("/operator/");
        let _ =
            leptos::prelude::window().navigator().service_worker().register_with_options("/scanner-sw.js", &options);
    }
}

/// Milliseconds on the page's monotonic clock.
pub fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::window().performance().map_or(0.0, |p| p.now())
    }
    #[cfg(not(feature = "hydrate"))]
    0.0
}

/// Whether the browser believes it has a network.
pub fn online() -> bool {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::window().navigator().on_line()
    }
    #[cfg(not(feature = "hydrate"))]
    true
}

/// A beep and a buzz for the result: one short high tone to let in, two for caution, one long
/// low tone to turn away, so the operator knows without looking.
pub fn signal(tone: Tone) {
    #[cfg(feature = "hydrate")]
    {
        let (pitch, pattern): (f32, &[u32]) = match tone {
            Tone::Go => (880.0, &[80]),
            Tone::Caution => (660.0, &[80, 80, 80]),
            Tone::Stop => (220.0, &[400]),
        };
        let navigator = leptos::prelude::window().navigator();
        let buzz = js_sys_array(pattern);
        let _ = navigator.vibrate_with_pattern(&buzz);
        let _ = beep(pitch, pattern);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = tone;
}

#[cfg(feature = "hydrate")]
fn js_sys_array(values: &[u32]) -> wasm_bindgen::JsValue {
    let array = web_sys::js_sys::Array::new();
    for v in values {
        array.push(&wasm_bindgen::JsValue::from(*v));
    }
    array.into()
}

/// The pattern's "on" parts as tones of `pitch`; the audio context is made once and kept.
#[cfg(feature = "hydrate")]
fn beep(pitch: f32, pattern: &[u32]) -> Result<(), wasm_bindgen::JsValue> {
    use std::cell::RefCell;
    thread_local!(static AUDIO: RefCell<Option<web_sys::AudioContext>> = const { RefCell::new(None) });
    AUDIO.with(|audio| {
        let mut audio = audio.borrow_mut();
        if audio.is_none() {
            *audio = Some(web_sys::AudioContext::new()?);
        }
        let Some(context) = audio.as_ref() else { return Ok(()) };
        let start = context.current_time();
        let mut at = start;
        for (i, ms) in pattern.iter().enumerate() {
            let seconds = f64::from(*ms) / 1000.0;
            if i % 2 == 0 {
                let oscillator = context.create_oscillator()?;
                let gain = context.create_gain()?;
                oscillator.frequency().set_value(pitch);
                gain.gain().set_value(0.2);
                oscillator.connect_with_audio_node(&gain)?;
                gain.connect_with_audio_node(&context.destination())?;
                oscillator.start_with_when(at)?;
                oscillator.stop_with_when(at + seconds)?;
            }
            at += seconds;
        }
        Ok(())
    })
}
