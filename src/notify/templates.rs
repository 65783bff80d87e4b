//! Message texts live in files (`src/notify/templates/`, built in), which a venue may replace
//! by putting files of the same names in the folder `GATEHOUSE_MESSAGE_TEMPLATES` names.
//! `{{name}}` is replaced by a value; in HTML the value is escaped. An unknown name is an error,
//! never an empty gap in a customer's message.
use super::kind::Kind;
use std::collections::HashMap;
use std::path::Path;

macro_rules! built_in {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("templates/", $name)))),*]
    };
}

const BUILT_IN: &[(&str, &str)] = built_in!(
    "layout.html",
    "booked.email.txt",
    "booked.email.html",
    "booked.sms.txt",
    "moved.email.txt",
    "moved.email.html",
    "cancelled.email.txt",
    "cancelled.email.html",
    "cancelled.sms.txt",
    "reminder_24h.email.txt",
    "reminder_24h.email.html",
    "reminder_2h.email.txt",
    "reminder_2h.email.html",
    "reminder_2h.sms.txt",
    "manage_link.email.txt",
    "manage_link.email.html",
    "order_placed.email.txt",
    "order_placed.email.html",
    "order_ready.email.txt",
    "order_ready.email.html",
    "order_ready.sms.txt",
    "order_cancelled.email.txt",
    "order_cancelled.email.html",
    "order_cancelled.sms.txt",
    "verification_code.email.txt",
    "verification_code.email.html",
    "verification_code.sms.txt",
);

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TemplateError {
    #[error("template {0} does not exist")]
    Missing(String),
    #[error("template {template} names {{{{{name}}}}}, which this message does not have")]
    UnknownName { template: String, name: String },
    #[error("template {0} must start with a \"Subject: \" line")]
    NoSubject(String),
    #[error("cannot read template {path}: {problem}")]
    Unreadable { path: String, problem: String },
}

#[derive(Debug, Clone)]
pub struct Templates {
    texts: HashMap<String, String>,
}

/// The values a message's templates fill in.
pub type Values = Vec<(&'static str, String)>;

impl Templates {
    pub fn built_in() -> Templates {
        Templates { texts: BUILT_IN.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect() }
    }

    /// The built-in texts, with each file of the same name in `dir` in their place. A file that
    /// does not render is refused here, at start-up, rather than when a customer's message is due.
    pub fn with_folder(dir: &Path) -> Result<Templates, TemplateError> {
        let mut templates = Templates::built_in();
        for (name, _) in BUILT_IN {
            let path = dir.join(name);
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    templates.texts.insert(name.to_string(), text);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(TemplateError::Unreadable { path: path.display().to_string(), problem: e.to_string() })
                }
            }
        }
        templates.check()?;
        Ok(templates)
    }

    /// Every template renders with the values its message has.
    pub fn check(&self) -> Result<(), TemplateError> {
        for kind in Kind::ALL {
            let values = super::sample_values(kind);
            self.email(kind, &values)?;
            if kind.texts() {
                self.sms(kind, &values)?;
            }
        }
        Ok(())
    }

    /// The e-mail's subject, plain text and HTML.
    pub fn email(&self, kind: Kind, values: &Values) -> Result<(String, String, String), TemplateError> {
        let name = format!("{}.email.txt", kind.as_str());
        let text = fill(&name, self.get(&name)?, values, false)?;
        let (subject, body) = text
            .strip_prefix("Subject: ")
            .and_then(|rest| rest.split_once('\n'))
            .ok_or_else(|| TemplateError::NoSubject(name.clone()))?;
        let subject = subject.trim().to_string();
        let html_name = format!("{}.email.html", kind.as_str());
        let content = fill(&html_name, self.get(&html_name)?, values, true)?;
        let mut page = values.clone();
        page.push(("subject", subject.clone()));
        let html = fill("layout.html", self.get("layout.html")?, &page, true)?.replace("{{content}}", &content);
        Ok((subject, body.trim().to_string(), html))
    }

    pub fn sms(&self, kind: Kind, values: &Values) -> Result<String, TemplateError> {
        let name = format!("{}.sms.txt", kind.as_str());
        Ok(fill(&name, self.get(&name)?, values, false)?.trim().to_string())
    }

    fn get(&self, name: &str) -> Result<&str, TemplateError> {
        self.texts.get(name).map(String::as_str).ok_or_else(|| TemplateError::Missing(name.to_string()))
    }
}

/// Replaces every `{{name}}` in `template` with its value. `{{content}}` is left for the layout.
fn fill(template_name: &str, template: &str, values: &Values, html: bool) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let name = after[..end].trim();
        if name == "content" {
            out.push_str("{{content}}");
        } else {
            let value = values.iter().find(|(n, _)| *n == name).map(|(_, v)| v).ok_or_else(|| {
                TemplateError::UnknownName { template: template_name.to_string(), name: name.to_string() }
            })?;
            if html {
                out.push_str(&crate::wording::escape_html(value));
            } else {
                out.push_str(value);
            }
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_template_renders_with_its_messages_values() {
        Templates::built_in().check().unwrap();
    }

    #[test]
    fn a_value_is_escaped_in_html_and_kept_as_typed_in_text() {
        let values: Values = vec![("venue", "Tom & Jerry's <Museum>".into())];
        assert_eq!(fill("t", "at {{venue}}", &values, true).unwrap(), "at Tom &amp; Jerry&#39;s &lt;Museum&gt;");
        assert_eq!(fill("t", "at {{ venue }}", &values, false).unwrap(), "at Tom & Jerry's <Museum>");
    }

    #[test]
    fn an_unknown_name_is_an_error_not_a_gap() {
        let e = fill("x.txt", "Hello {{nmae}}", &vec![("name", "A".into())], false).unwrap_err();
        assert_eq!(e, TemplateError::UnknownName { template: "x.txt".into(), name: "nmae".into() });
    }

    #[test]
    fn a_replaced_template_is_checked_when_loaded() {
        let dir = std::env::temp_dir().join(format!("gatehouse-templates-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("booked.sms.txt"), "Booked {{date}} at {{venue}}").unwrap();
        let t = Templates::with_folder(&dir).unwrap();
        let values = crate::notify::sample_values(Kind::Booked);
        assert!(t.sms(Kind::Booked, &values).unwrap().starts_with("Booked "));
        std::fs::write(dir.join("booked.sms.txt"), "Booked {{when}}").unwrap();
        assert!(matches!(Templates::with_folder(&dir), Err(TemplateError::UnknownName { .. })));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn every_text_fits_one_segment_but_the_booking_with_its_long_link_two() {
        let t = Templates::built_in();
        for kind in Kind::ALL.into_iter().filter(|k| k.texts()) {
            let body = crate::notify::sms_text::to_gsm7(&t.sms(kind, &crate::notify::sample_values(kind)).unwrap());
            assert!(crate::notify::sms_text::is_gsm7(&body), "{kind:?}: {body}");
            let most = if kind == Kind::Booked { 2 } else { 1 };
            assert!(crate::notify::sms_text::segments(&body) <= most, "{kind:?} ({} chars): {body}", body.len());
        }
    }

    #[test]
    fn the_email_subject_comes_from_the_first_line() {
        let values = crate::notify::sample_values(Kind::Booked);
        let (subject, text, html) = Templates::built_in().email(Kind::Booked, &values).unwrap();
        assert!(subject.starts_with("Your visit to City Museum"), "{subject}");
        assert!(text.starts_with("Your visit is booked."), "{text}");
        assert!(html.contains("cid:qr") && html.contains("<title>Your visit to City Museum"), "{html}");
    }
}
