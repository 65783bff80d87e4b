pub mod home;
pub mod not_found;
pub mod ticket;
pub mod ticket_code_field;
