pub mod calendar;
pub mod contact_form;
pub mod home;
pub mod not_found;
pub mod reserve;
pub mod ticket;
pub mod ticket_code_field;
